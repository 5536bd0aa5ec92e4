// sf_host_ctrl: executes the events of sf_frame_rx and composes the replies through sf_frame_tx.
//   good WINDOW    -> readings (int16 LE from the buffer) on the o_win stream, then o_start, then the
//                     forecast stream i_fc is stored in the buffer -> FORECAST reply
//   good WRITE_MEM -> one o_mw write per 32-bit word (addr, addr+1, ...) -> WRITE_ACK reply
//   good VERSION   -> VERSION_INFO reply;  good STATUS -> STATUS_INFO reply (counters as of the request)
//   error event    -> ERROR reply (code, type, length)
//   core fault     -> i_fc_err while the forecast is awaited: ERROR reply (i_fc_err_code, WINDOW, length); the
//                     frame still counts as served (sf_frame_rx leaves BUSY after it, as after a FORECAST)
// Fixed-size reply payloads are loaded into a shift register at the event; FORECAST is read from the buffer.
// o_done pulses when a good command's reply has left the buffer (sf_frame_rx leaves BUSY). A forecast
// longer than MAX_PAYLOAD bytes is cut to MAX_PAYLOAD bytes (the core must not produce one).
`default_nettype none
`include "sf_host_spec.vh"
module sf_host_ctrl #(
  parameter integer MAX_PAYLOAD  = `SF_HOST_MAX_PAYLOAD,
  parameter integer TIMEOUT_BITS = `SF_HOST_IDLE_TIMEOUT_BITS,
  parameter integer AW           = $clog2(MAX_PAYLOAD)
) (
  input  wire          i_clk,
  input  wire          i_rst,
  // events from sf_frame_rx
  input  wire          i_evt_valid,
  output wire          o_evt_ready,
  input  wire          i_evt_err,
  input  wire [7:0]    i_evt_code,
  input  wire [7:0]    i_evt_type,
  input  wire [15:0]   i_evt_len,
  input  wire [7:0]    i_evt_mem_id,
  input  wire [15:0]   i_evt_addr,
  output wire          o_done,
  input  wire [175:0]  i_counters,   // 11 x 16 bits, STATUS_INFO order from frames_ok (bits 15:0)
  input  wire [31:0]   i_core_status,
  input  wire [7:0]    i_core_id,
  // payload buffer
  output wire [AW-1:0] o_buf_raddr,
  input  wire [7:0]    i_buf_rdata,
  output reg           o_buf_we,
  output reg  [AW-1:0] o_buf_waddr,
  output reg  [7:0]    o_buf_wdata,
  // sf_frame_tx
  output wire          o_hdr_valid,
  input  wire          i_hdr_ready,
  output reg  [7:0]    o_hdr_type,
  output reg  [15:0]   o_hdr_len,
  output wire          o_pl_valid,
  input  wire          i_pl_ready,
  output wire [7:0]    o_pl_data,
  // core side: readings, start, forecast, memory writes
  output wire          o_win_valid,
  input  wire          i_win_ready,
  output wire [15:0]   o_win_data,
  output wire          o_win_last,
  output wire          o_start_valid,
  input  wire          i_start_ready,
  input  wire          i_fc_valid,
  output wire          o_fc_ready,
  input  wire [15:0]   i_fc_data,
  input  wire          i_fc_last,
  input  wire          i_fc_err,       // instead of a forecast value: the core failed (ERROR reply, code below)
  input  wire [7:0]    i_fc_err_code,
  output wire          o_mw_valid,
  input  wire          i_mw_ready,
  output reg  [7:0]    o_mw_id,
  output wire [15:0]   o_mw_addr,
  output wire [31:0]   o_mw_data
);
  localparam [3:0] C_IDLE = 4'd0, C_RD = 4'd1, C_CAP = 4'd2, C_WIN_OUT = 4'd3, C_START = 4'd4, C_FC = 4'd5,
                   C_FC_HI = 4'd6, C_MW_OUT = 4'd7, C_HDR = 4'd8, C_PAY_RD = 4'd9, C_PAY_OUT = 4'd10,
                   C_DONE = 4'd11, C_PAY_LD = 4'd12;
  localparam integer RB = 8 * `SF_HOST_STATUS_INFO_BYTES;  // the largest fixed reply payload
  localparam [15:0] MAXP = MAX_PAYLOAD[15:0];
  localparam [15:0] TOB  = TIMEOUT_BITS[15:0];

  reg [3:0]    state;
  reg          is_err, is_win, from_buf, fc_last;
  reg [15:0]   len, rd_idx, wr_idx, left, mw_addr;
  reg [1:0]    got;
  reg [31:0]   acc;
  reg [7:0]    fc_hi, pl_byte;
  reg [RB-1:0] rbytes;

  assign o_evt_ready   = state == C_IDLE;
  assign o_done        = state == C_DONE && !is_err;
  assign o_buf_raddr   = rd_idx[AW-1:0];
  assign o_hdr_valid   = state == C_HDR;
  assign o_pl_valid    = state == C_PAY_OUT;
  assign o_pl_data     = pl_byte;  // registered: the block RAM's clock-to-out is long
  assign o_win_valid   = state == C_WIN_OUT;
  assign o_win_data    = acc[31:16];
  assign o_win_last    = rd_idx == len;
  assign o_start_valid = state == C_START;
  assign o_fc_ready    = state == C_FC;
  assign o_mw_valid    = state == C_MW_OUT;
  assign o_mw_addr     = mw_addr;
  assign o_mw_data     = acc;

  // the fixed reply payloads, laid out by the generated offsets
  reg [RB-1:0] rb_err, rb_ver, rb_stat, rb_ack;
  always @* begin
    rb_err = {RB{1'b0}};
    rb_err[8*`SF_HOST_ERROR_CODE_OFF +: 8]    = i_evt_code;
    rb_err[8*`SF_HOST_ERROR_TYPE_OFF +: 8]    = i_evt_type;
    rb_err[8*`SF_HOST_ERROR_LENGTH_OFF +: 16] = i_evt_len;
    rb_ack = {RB{1'b0}};
    rb_ack[8*`SF_HOST_WRITE_ACK_MEM_ID_OFF +: 8] = i_evt_mem_id;
    rb_ack[8*`SF_HOST_WRITE_ACK_ADDR_OFF +: 16]  = i_evt_addr;
    rb_ack[8*`SF_HOST_WRITE_ACK_WORDS_OFF +: 16] = (i_evt_len - 16'd3) >> 2;
    rb_ver = {RB{1'b0}};
    rb_ver[8*`SF_HOST_VERSION_INFO_SPEC_VERSION_OFF +: 16]      = `SF_HOST_VERSION;
    rb_ver[8*`SF_HOST_VERSION_INFO_CORE_ID_OFF +: 8]            = i_core_id;
    rb_ver[8*`SF_HOST_VERSION_INFO_MAX_PAYLOAD_OFF +: 16]       = MAXP;
    rb_ver[8*`SF_HOST_VERSION_INFO_IDLE_TIMEOUT_BITS_OFF +: 16] = TOB;
    rb_stat = {RB{1'b0}};
    rb_stat[8*`SF_HOST_STATUS_INFO_CORE_STATUS_OFF +: 32]   = i_core_status;
    rb_stat[8*`SF_HOST_STATUS_INFO_FRAMES_OK_OFF +: 16]     = i_counters[0*16 +: 16];
    rb_stat[8*`SF_HOST_STATUS_INFO_ERR_CRC_OFF +: 16]       = i_counters[1*16 +: 16];
    rb_stat[8*`SF_HOST_STATUS_INFO_ERR_LENGTH_OFF +: 16]    = i_counters[2*16 +: 16];
    rb_stat[8*`SF_HOST_STATUS_INFO_ERR_TYPE_OFF +: 16]      = i_counters[3*16 +: 16];
    rb_stat[8*`SF_HOST_STATUS_INFO_ERR_MEM_ID_OFF +: 16]    = i_counters[4*16 +: 16];
    rb_stat[8*`SF_HOST_STATUS_INFO_ERR_ADDR_OFF +: 16]      = i_counters[5*16 +: 16];
    rb_stat[8*`SF_HOST_STATUS_INFO_ERR_TOO_LONG_OFF +: 16]  = i_counters[6*16 +: 16];
    rb_stat[8*`SF_HOST_STATUS_INFO_TIMEOUTS_OFF +: 16]      = i_counters[7*16 +: 16];
    rb_stat[8*`SF_HOST_STATUS_INFO_LINE_ERRORS_OFF +: 16]   = i_counters[8*16 +: 16];
    rb_stat[8*`SF_HOST_STATUS_INFO_DROPPED_BYTES_OFF +: 16] = i_counters[9*16 +: 16];
    rb_stat[8*`SF_HOST_STATUS_INFO_OVERRUNS_OFF +: 16]      = i_counters[10*16 +: 16];
  end

  always @(posedge i_clk) begin
    o_buf_we <= 1'b0;
    if (i_rst) begin
      state <= C_IDLE;
      is_err <= 1'b0;
      is_win <= 1'b0;
      from_buf <= 1'b0;
      fc_last <= 1'b0;
      len <= 16'd0;
      rd_idx <= 16'd0;
      wr_idx <= 16'd0;
      left <= 16'd0;
      mw_addr <= 16'd0;
      got <= 2'd0;
      acc <= 32'd0;
      fc_hi <= 8'd0;
      pl_byte <= 8'd0;
      rbytes <= {RB{1'b0}};
      o_hdr_type <= 8'd0;
      o_hdr_len <= 16'd0;
      o_buf_waddr <= {AW{1'b0}};
      o_buf_wdata <= 8'd0;
      o_mw_id <= 8'd0;
    end else begin
      case (state)
        C_IDLE:
          if (i_evt_valid) begin
            is_err <= i_evt_err;
            len <= i_evt_len;
            from_buf <= 1'b0;
            got <= 2'd0;
            if (i_evt_err) begin
              o_hdr_type <= `SF_HOST_T_ERROR;
              o_hdr_len <= `SF_HOST_ERROR_BYTES;
              rbytes <= rb_err;
              state <= C_HDR;
            end else if (i_evt_type == `SF_HOST_T_WINDOW) begin
              is_win <= 1'b1;
              rd_idx <= 16'd0;
              state <= C_RD;
            end else if (i_evt_type == `SF_HOST_T_WRITE_MEM) begin
              is_win <= 1'b0;
              rd_idx <= 16'd3;
              o_mw_id <= i_evt_mem_id;
              mw_addr <= i_evt_addr;
              o_hdr_type <= `SF_HOST_T_WRITE_ACK;
              o_hdr_len <= `SF_HOST_WRITE_ACK_BYTES;
              rbytes <= rb_ack;
              state <= C_RD;
            end else if (i_evt_type == `SF_HOST_T_VERSION) begin
              o_hdr_type <= `SF_HOST_T_VERSION_INFO;
              o_hdr_len <= `SF_HOST_VERSION_INFO_BYTES;
              rbytes <= rb_ver;
              state <= C_HDR;
            end else begin  // STATUS (sf_frame_rx passes only known types)
              o_hdr_type <= `SF_HOST_T_STATUS_INFO;
              o_hdr_len <= `SF_HOST_STATUS_INFO_BYTES;
              rbytes <= rb_stat;
              state <= C_HDR;
            end
          end
        C_RD: state <= C_CAP;  // o_buf_raddr = rd_idx; the data is there next cycle
        C_CAP: begin
          acc <= {i_buf_rdata, acc[31:8]};
          rd_idx <= rd_idx + 16'd1;
          got <= got + 2'd1;
          if (is_win ? got == 2'd1 : got == 2'd3) state <= is_win ? C_WIN_OUT : C_MW_OUT;
          else state <= C_RD;
        end
        C_WIN_OUT:
          if (i_win_ready) begin
            got <= 2'd0;
            state <= o_win_last ? C_START : C_RD;
          end
        C_START:
          if (i_start_ready) begin
            wr_idx <= 16'd0;
            state <= C_FC;
          end
        C_FC:
          if (i_fc_err) begin  // core fault: ERROR (code, WINDOW, length) instead of FORECAST; still a served frame
            rbytes <= {{(RB-32){1'b0}}, len, `SF_HOST_T_WINDOW, i_fc_err_code};
            o_hdr_type <= `SF_HOST_T_ERROR;
            o_hdr_len <= `SF_HOST_ERROR_BYTES;
            state <= C_HDR;
          end else if (i_fc_valid) begin
            o_buf_we <= wr_idx < MAXP;
            o_buf_waddr <= wr_idx[AW-1:0];
            o_buf_wdata <= i_fc_data[7:0];
            fc_hi <= i_fc_data[15:8];
            fc_last <= i_fc_last;
            state <= C_FC_HI;
          end
        C_FC_HI: begin
          o_buf_we <= wr_idx < MAXP;
          o_buf_waddr <= wr_idx[AW-1:0] + 1'b1;
          o_buf_wdata <= fc_hi;
          if (wr_idx < MAXP) wr_idx <= wr_idx + 16'd2;
          if (fc_last) begin
            o_hdr_type <= `SF_HOST_T_FORECAST;
            o_hdr_len <= (wr_idx < MAXP) ? wr_idx + 16'd2 : wr_idx;
            from_buf <= 1'b1;
            state <= C_HDR;
          end else state <= C_FC;
        end
        C_MW_OUT:
          if (i_mw_ready) begin
            got <= 2'd0;
            mw_addr <= mw_addr + 16'd1;
            state <= (rd_idx == len) ? C_HDR : C_RD;
          end
        C_HDR:
          if (i_hdr_ready) begin
            left <= o_hdr_len;
            rd_idx <= 16'd0;
            state <= from_buf ? C_PAY_RD : C_PAY_LD;
          end
        C_PAY_RD: state <= C_PAY_LD;  // o_buf_raddr = rd_idx; the data is there next cycle
        C_PAY_LD: begin
          pl_byte <= from_buf ? i_buf_rdata : rbytes[7:0];
          state <= C_PAY_OUT;
        end
        C_PAY_OUT:
          if (i_pl_ready) begin
            left <= left - 16'd1;
            rd_idx <= rd_idx + 16'd1;
            rbytes <= rbytes >> 8;
            if (left == 16'd1) state <= C_DONE;
            else state <= from_buf ? C_PAY_RD : C_PAY_LD;
          end
        default: state <= C_IDLE;  // C_DONE
      endcase
    end
  end
endmodule
`default_nettype wire
