// Formal wrapper of sf_frame_rx (rtl/host/), small payload limit and idle timeout: its event output towards
// the controller (o_evt_valid / i_evt_ready) keeps the output handshake rules of sf_formal_stream.vh on the
// whole event (error flag, code, type, length, memory id, address).
`default_nettype none
module sf_formal_frame_rx (
  input wire       i_clk, i_rst, i_byte_valid, i_line_err, i_ready, i_done,
  input wire [7:0] i_byte
);
  wire o_valid, o_buf_we, o_evt_err;
  wire [2:0] o_buf_addr;
  wire [7:0] o_buf_data, o_evt_code, o_evt_type, o_evt_mem_id;
  wire [15:0] o_evt_len, o_evt_addr;
  wire [15:0] c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10;
  sf_frame_rx #(.MAX_PAYLOAD(8), .TIMEOUT_CLKS(6)) dut (
    .i_clk(i_clk), .i_rst(i_rst), .i_byte_valid(i_byte_valid), .i_byte(i_byte), .i_line_err(i_line_err),
    .o_buf_we(o_buf_we), .o_buf_addr(o_buf_addr), .o_buf_data(o_buf_data), .o_evt_valid(o_valid),
    .i_evt_ready(i_ready), .o_evt_err(o_evt_err), .o_evt_code(o_evt_code), .o_evt_type(o_evt_type),
    .o_evt_len(o_evt_len), .o_evt_mem_id(o_evt_mem_id), .o_evt_addr(o_evt_addr), .i_done(i_done),
    .o_frames_ok(c0), .o_err_crc(c1), .o_err_length(c2), .o_err_type(c3), .o_err_mem_id(c4), .o_err_addr(c5),
    .o_err_too_long(c6), .o_timeouts(c7), .o_line_errors(c8), .o_dropped_bytes(c9), .o_overruns(c10));
  `define SF_F_DATA {o_evt_err, o_evt_code, o_evt_type, o_evt_len, o_evt_mem_id, o_evt_addr}
  `include "sf_formal_stream.vh"
endmodule
