// sf_frame_rx: the frame receiver of the host protocol (spec/host_protocol.toml, docs/host_protocol.md).
// Bytes (and line errors) from sf_uart_rx in; payload bytes into the buffer as they arrive; one event per
// completed frame out, as a valid/ready stream: a good command (type, length, WRITE_MEM id and address) or
// an error (code, type, length). A good command is only signalled after its CRC, type, length and
// memory range checked, so no payload of a bad frame ever leaves the buffer; after a good command the
// receiver is BUSY (the controller owns the buffer) until i_done.
// States: HUNT -> TYPE -> LEN0 -> LEN1 -> [PAY] -> CRC0 -> CRC1 -> CHECK -> EVENT -> BUSY | HUNT | RESYNC.
// Resynchronization (C++ twin: sf::host::FrameParser in model/host_frame.h, same rules, same counters):
//   HUNT     drops every byte but the start byte (dropped_bytes)
//   timeout  no byte for TIMEOUT_CLKS inside a frame: the frame is dropped (timeouts), -> HUNT
//   line err a framing error / break inside a frame drops it, in RESYNC ends it (line_errors), -> HUNT
//   CRC      error event, then RESYNC: bytes dropped until the line is idle for TIMEOUT_CLKS, -> HUNT
//   TOO_LONG declared length > MAX_PAYLOAD: error event right after the header, then RESYNC
//   TYPE, LENGTH, MEM_ID, ADDR (CRC good, framing certain): error event, then HUNT
//   bytes arriving while an event waits or while BUSY are dropped (overruns) and force a RESYNC after.
`default_nettype none
`include "sf_host_spec.vh"
module sf_frame_rx #(
  parameter integer MAX_PAYLOAD  = `SF_HOST_MAX_PAYLOAD,
  parameter integer TIMEOUT_CLKS = 80 * 868,
  parameter integer AW           = $clog2(MAX_PAYLOAD)
) (
  input  wire          i_clk,
  input  wire          i_rst,
  // from sf_uart_rx
  input  wire          i_byte_valid,
  input  wire [7:0]    i_byte,
  input  wire          i_line_err,
  // payload buffer write port
  output wire          o_buf_we,
  output wire [AW-1:0] o_buf_addr,
  output wire [7:0]    o_buf_data,
  // event stream
  output wire          o_evt_valid,
  input  wire          i_evt_ready,
  output reg           o_evt_err,     // 1: error event (o_evt_code), 0: good command
  output reg  [7:0]    o_evt_code,
  output reg  [7:0]    o_evt_type,
  output reg  [15:0]   o_evt_len,
  output reg  [7:0]    o_evt_mem_id,  // WRITE_MEM: payload byte 0
  output reg  [15:0]   o_evt_addr,    // WRITE_MEM: payload bytes 1..2
  input  wire          i_done,        // the controller is done with the good command's buffer
  // counters (saturating), in the STATUS_INFO order
  output reg  [15:0]   o_frames_ok,
  output reg  [15:0]   o_err_crc,
  output reg  [15:0]   o_err_length,
  output reg  [15:0]   o_err_type,
  output reg  [15:0]   o_err_mem_id,
  output reg  [15:0]   o_err_addr,
  output reg  [15:0]   o_err_too_long,
  output reg  [15:0]   o_timeouts,
  output reg  [15:0]   o_line_errors,
  output reg  [15:0]   o_dropped_bytes,
  output reg  [15:0]   o_overruns
);
`include "sf_host_funcs.vh"
  localparam [3:0] S_HUNT = 4'd0, S_TYPE = 4'd1, S_LEN0 = 4'd2, S_LEN1 = 4'd3, S_PAY = 4'd4,
                   S_CRC0 = 4'd5, S_CRC1 = 4'd6, S_CHECK = 4'd7, S_EVENT = 4'd8, S_BUSY = 4'd9,
                   S_RESYNC = 4'd10;
  localparam integer TW = $clog2(TIMEOUT_CLKS + 1);
  localparam integer TLAST_I = TIMEOUT_CLKS - 1;
  localparam [TW-1:0] TLAST = TLAST_I[TW-1:0];
  localparam [15:0] MAXP = MAX_PAYLOAD[15:0];

  reg [3:0]  state, after;
  reg [15:0] crc, crc_rx, cnt;
  // the checks of CHECK, registered at CRC0 (the payload is complete by then) to keep them off one path
  reg [15:0] words;  // WRITE_MEM: (len - 3) / 4, from LEN1
  reg        type_ok, len_ok, mem_ok, range_ok;
  reg        lost;
  reg [TW-1:0] idle;
  reg        timeout;

  wire [15:0] crc_next;
  sf_crc16 u_crc (.i_crc(crc), .i_data(i_byte), .o_crc(crc_next));

  // idle timer: cycles since the last byte or line error; `timeout` pulses once when it reaches the limit
  always @(posedge i_clk) begin
    timeout <= 1'b0;
    if (i_rst || i_byte_valid || i_line_err) idle <= {TW{1'b0}};
    else if (idle != TLAST + 1'b1) begin
      idle <= idle + 1'b1;
      if (idle == TLAST) timeout <= 1'b1;
    end
  end

  wire [15:0] len_next = {i_byte, o_evt_len[7:0]};

  assign o_buf_we    = i_byte_valid && state == S_PAY;
  assign o_buf_addr  = cnt[AW-1:0];
  assign o_buf_data  = i_byte;
  assign o_evt_valid = state == S_EVENT;

  // WRITE_MEM range: addr + words <= depth
  wire [16:0] mw_end = {1'b0, o_evt_addr} + {1'b0, words};

  function automatic [15:0] sat_inc(input [15:0] c);
    sat_inc = (c == 16'hFFFF) ? c : c + 16'd1;
  endfunction

  always @(posedge i_clk) begin
    if (i_rst) begin
      state <= S_HUNT;
      after <= S_HUNT;
      crc <= `SF_HOST_CRC_INIT;
      crc_rx <= 16'd0;
      cnt <= 16'd0;
      words <= 16'd0;
      type_ok <= 1'b0;
      len_ok <= 1'b0;
      mem_ok <= 1'b0;
      range_ok <= 1'b0;
      lost <= 1'b0;
      o_evt_err <= 1'b0;
      o_evt_code <= 8'd0;
      o_evt_type <= 8'd0;
      o_evt_len <= 16'd0;
      o_evt_mem_id <= 8'd0;
      o_evt_addr <= 16'd0;
      o_frames_ok <= 16'd0;
      o_err_crc <= 16'd0;
      o_err_length <= 16'd0;
      o_err_type <= 16'd0;
      o_err_mem_id <= 16'd0;
      o_err_addr <= 16'd0;
      o_err_too_long <= 16'd0;
      o_timeouts <= 16'd0;
      o_line_errors <= 16'd0;
      o_dropped_bytes <= 16'd0;
      o_overruns <= 16'd0;
    end else begin
      if (i_line_err) o_line_errors <= sat_inc(o_line_errors);
      case (state)
        S_HUNT:
          if (i_byte_valid) begin
            if (i_byte == `SF_HOST_SOF) begin
              state <= S_TYPE;
              crc <= `SF_HOST_CRC_INIT;
            end else o_dropped_bytes <= sat_inc(o_dropped_bytes);
          end
        S_TYPE, S_LEN0, S_LEN1, S_PAY, S_CRC0, S_CRC1:
          if (i_line_err) state <= S_HUNT;
          else if (timeout) begin
            o_timeouts <= sat_inc(o_timeouts);
            state <= S_HUNT;
          end else if (i_byte_valid) begin
            if (state != S_CRC0 && state != S_CRC1) crc <= crc_next;
            case (state)
              S_TYPE: begin
                o_evt_type <= i_byte;
                state <= S_LEN0;
              end
              S_LEN0: begin
                o_evt_len[7:0] <= i_byte;
                state <= S_LEN1;
              end
              S_LEN1: begin
                o_evt_len[15:8] <= i_byte;
                words <= (len_next - 16'd3) >> 2;
                cnt <= 16'd0;
                if (len_next > MAXP) begin
                  o_evt_err <= 1'b1;
                  o_evt_code <= `SF_HOST_E_TOO_LONG;
                  o_err_too_long <= sat_inc(o_err_too_long);
                  after <= S_RESYNC;
                  lost <= 1'b0;
                  state <= S_EVENT;
                end else state <= (len_next == 16'd0) ? S_CRC0 : S_PAY;
              end
              S_PAY: begin
                if (cnt == 16'd0) o_evt_mem_id <= i_byte;
                if (cnt == 16'd1) o_evt_addr[7:0] <= i_byte;
                if (cnt == 16'd2) o_evt_addr[15:8] <= i_byte;
                cnt <= cnt + 16'd1;
                if (cnt == o_evt_len - 16'd1) state <= S_CRC0;
              end
              S_CRC0: begin
                crc_rx[15:8] <= i_byte;
                type_ok <= sf_host_type_known(o_evt_type);
                len_ok <= sf_host_len_ok(o_evt_type, o_evt_len);
                mem_ok <= sf_host_mem_known(o_evt_mem_id);
                range_ok <= mw_end <= sf_host_mem_depth(o_evt_mem_id);
                state <= S_CRC1;
              end
              default: begin  // S_CRC1
                crc_rx[7:0] <= i_byte;
                lost <= 1'b0;
                state <= S_CHECK;
              end
            endcase
          end
        S_CHECK: begin
          state <= S_EVENT;
          o_evt_err <= 1'b1;
          after <= S_HUNT;
          if (crc_rx != crc) begin
            o_evt_code <= `SF_HOST_E_CRC;
            o_err_crc <= sat_inc(o_err_crc);
            after <= S_RESYNC;
          end else if (!type_ok) begin
            o_evt_code <= `SF_HOST_E_TYPE;
            o_err_type <= sat_inc(o_err_type);
          end else if (!len_ok) begin
            o_evt_code <= `SF_HOST_E_LENGTH;
            o_err_length <= sat_inc(o_err_length);
          end else if (o_evt_type == `SF_HOST_T_WRITE_MEM && !mem_ok) begin
            o_evt_code <= `SF_HOST_E_MEM_ID;
            o_err_mem_id <= sat_inc(o_err_mem_id);
          end else if (o_evt_type == `SF_HOST_T_WRITE_MEM && !range_ok) begin
            o_evt_code <= `SF_HOST_E_ADDR;
            o_err_addr <= sat_inc(o_err_addr);
          end else begin
            o_evt_err <= 1'b0;
            o_evt_code <= 8'd0;
            o_frames_ok <= sat_inc(o_frames_ok);
            after <= S_BUSY;
          end
        end
        S_EVENT:
          if (i_evt_ready) state <= (lost && after != S_BUSY) ? S_RESYNC : after;
        S_BUSY:
          if (i_done) begin
            state <= lost ? S_RESYNC : S_HUNT;
            lost <= 1'b0;
          end
        default:  // S_RESYNC
          if (i_line_err || timeout) state <= S_HUNT;
          else if (i_byte_valid) o_dropped_bytes <= sat_inc(o_dropped_bytes);
      endcase
      // bytes arriving while an event waits or while the controller owns the buffer are lost
      if ((state == S_CHECK || state == S_EVENT || state == S_BUSY) && (i_byte_valid || i_line_err)) begin
        lost <= 1'b1;
        if (i_byte_valid) o_overruns <= sat_inc(o_overruns);
      end
    end
  end
endmodule
`default_nettype wire
