// sf_host_if: the UART host interface: sf_uart_rx -> sf_frame_rx -> sf_host_ctrl -> sf_frame_tx ->
// sf_uart_tx, around one payload buffer (sf_host_buf). Toward the core it offers valid/ready streams:
//   o_win_*   the readings of a good WINDOW frame (int16, o_win_last on the last one)
//   o_start_* one handshake after the last reading: compute the forecast
//   i_fc_*    the forecast values back (int16, i_fc_last on the last one), or i_fc_err: a core fault
//   o_mw_*    the 32-bit words of a good WRITE_MEM frame (memory id, word address)
//   i_core_status, i_core_id: reported by STATUS_INFO and VERSION_INFO.
// Nothing reaches the core from a frame that failed any check. Protocol: docs/host_protocol.md.
`default_nettype none
`include "sf_host_spec.vh"
module sf_host_if #(
  parameter integer CLKS_PER_BIT = 868,                        // 100 MHz / 115200 baud
  parameter integer TIMEOUT_BITS = `SF_HOST_IDLE_TIMEOUT_BITS,
  parameter integer MAX_PAYLOAD  = `SF_HOST_MAX_PAYLOAD
) (
  input  wire        i_clk,
  input  wire        i_rst,
  input  wire        i_uart_rx,
  output wire        o_uart_tx,
  output wire        o_win_valid,
  input  wire        i_win_ready,
  output wire [15:0] o_win_data,
  output wire        o_win_last,
  output wire        o_start_valid,
  input  wire        i_start_ready,
  input  wire        i_fc_valid,
  output wire        o_fc_ready,
  input  wire [15:0] i_fc_data,
  input  wire        i_fc_last,
  input  wire        i_fc_err,      // core fault while the forecast is awaited: ERROR reply with i_fc_err_code
  input  wire [7:0]  i_fc_err_code,
  output wire        o_mw_valid,
  input  wire        i_mw_ready,
  output wire [7:0]  o_mw_id,
  output wire [15:0] o_mw_addr,
  output wire [31:0] o_mw_data,
  input  wire [31:0] i_core_status,
  input  wire [7:0]  i_core_id,
  output wire        o_rx_byte,    // pulses for activity LEDs
  output wire        o_frame_ok,
  output wire        o_frame_err
);
  localparam integer AW = $clog2(MAX_PAYLOAD);

  wire       rx_valid, rx_err;
  wire [7:0] rx_data;
  sf_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_uart_rx (
    .i_clk(i_clk), .i_rst(i_rst), .i_rx(i_uart_rx), .o_valid(rx_valid), .o_data(rx_data), .o_err(rx_err));

  wire          frx_we;
  wire [AW-1:0] frx_waddr;
  wire [7:0]    frx_wdata;
  wire          evt_valid, evt_ready, evt_err, done;
  wire [7:0]    evt_code, evt_type, evt_mem_id;
  wire [15:0]   evt_len, evt_addr;
  wire [175:0]  counters;
  sf_frame_rx #(.MAX_PAYLOAD(MAX_PAYLOAD), .TIMEOUT_CLKS(TIMEOUT_BITS * CLKS_PER_BIT)) u_frame_rx (
    .i_clk(i_clk), .i_rst(i_rst),
    .i_byte_valid(rx_valid), .i_byte(rx_data), .i_line_err(rx_err),
    .o_buf_we(frx_we), .o_buf_addr(frx_waddr), .o_buf_data(frx_wdata),
    .o_evt_valid(evt_valid), .i_evt_ready(evt_ready), .o_evt_err(evt_err), .o_evt_code(evt_code),
    .o_evt_type(evt_type), .o_evt_len(evt_len), .o_evt_mem_id(evt_mem_id), .o_evt_addr(evt_addr),
    .i_done(done),
    .o_frames_ok(counters[0*16 +: 16]), .o_err_crc(counters[1*16 +: 16]), .o_err_length(counters[2*16 +: 16]),
    .o_err_type(counters[3*16 +: 16]), .o_err_mem_id(counters[4*16 +: 16]), .o_err_addr(counters[5*16 +: 16]),
    .o_err_too_long(counters[6*16 +: 16]), .o_timeouts(counters[7*16 +: 16]),
    .o_line_errors(counters[8*16 +: 16]), .o_dropped_bytes(counters[9*16 +: 16]),
    .o_overruns(counters[10*16 +: 16]));

  // one buffer: sf_frame_rx writes the payload while the controller is idle, the controller writes the
  // forecast while sf_frame_rx is BUSY; they never write in the same cycle
  wire          ctl_we;
  wire [AW-1:0] ctl_waddr, raddr;
  wire [7:0]    ctl_wdata, rdata;
  sf_host_buf #(.DEPTH(MAX_PAYLOAD), .AW(AW)) u_buf (
    .i_clk(i_clk), .i_we(frx_we | ctl_we), .i_waddr(ctl_we ? ctl_waddr : frx_waddr),
    .i_wdata(ctl_we ? ctl_wdata : frx_wdata), .i_raddr(raddr), .o_rdata(rdata));

  wire        hdr_valid, hdr_ready, pl_valid, pl_ready, tx_valid, tx_ready;
  wire [7:0]  hdr_type, pl_data, tx_data;
  wire [15:0] hdr_len;
  sf_host_ctrl #(.MAX_PAYLOAD(MAX_PAYLOAD), .TIMEOUT_BITS(TIMEOUT_BITS), .AW(AW)) u_ctrl (
    .i_clk(i_clk), .i_rst(i_rst),
    .i_evt_valid(evt_valid), .o_evt_ready(evt_ready), .i_evt_err(evt_err), .i_evt_code(evt_code),
    .i_evt_type(evt_type), .i_evt_len(evt_len), .i_evt_mem_id(evt_mem_id), .i_evt_addr(evt_addr),
    .o_done(done), .i_counters(counters), .i_core_status(i_core_status), .i_core_id(i_core_id),
    .o_buf_raddr(raddr), .i_buf_rdata(rdata), .o_buf_we(ctl_we), .o_buf_waddr(ctl_waddr),
    .o_buf_wdata(ctl_wdata),
    .o_hdr_valid(hdr_valid), .i_hdr_ready(hdr_ready), .o_hdr_type(hdr_type), .o_hdr_len(hdr_len),
    .o_pl_valid(pl_valid), .i_pl_ready(pl_ready), .o_pl_data(pl_data),
    .o_win_valid(o_win_valid), .i_win_ready(i_win_ready), .o_win_data(o_win_data), .o_win_last(o_win_last),
    .o_start_valid(o_start_valid), .i_start_ready(i_start_ready),
    .i_fc_valid(i_fc_valid), .o_fc_ready(o_fc_ready), .i_fc_data(i_fc_data), .i_fc_last(i_fc_last),
    .i_fc_err(i_fc_err), .i_fc_err_code(i_fc_err_code),
    .o_mw_valid(o_mw_valid), .i_mw_ready(i_mw_ready), .o_mw_id(o_mw_id), .o_mw_addr(o_mw_addr),
    .o_mw_data(o_mw_data));

  sf_frame_tx u_frame_tx (
    .i_clk(i_clk), .i_rst(i_rst),
    .i_hdr_valid(hdr_valid), .o_hdr_ready(hdr_ready), .i_type(hdr_type), .i_len(hdr_len),
    .i_pl_valid(pl_valid), .o_pl_ready(pl_ready), .i_pl_data(pl_data),
    .o_valid(tx_valid), .i_ready(tx_ready), .o_data(tx_data));

  sf_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_uart_tx (
    .i_clk(i_clk), .i_rst(i_rst), .i_valid(tx_valid), .o_ready(tx_ready), .i_data(tx_data), .o_tx(o_uart_tx));

  assign o_rx_byte   = rx_valid;
  assign o_frame_ok  = evt_valid && evt_ready && !evt_err;
  assign o_frame_err = evt_valid && evt_ready && evt_err;
endmodule
`default_nettype wire
