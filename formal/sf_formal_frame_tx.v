// Formal wrapper of sf_frame_tx (rtl/host/): the byte stream towards the UART transmitter keeps the output
// handshake rules of sf_formal_stream.vh. In S_PAY the unit passes the payload stream through (o_valid =
// i_pl_valid, o_data = i_pl_data), so the proof assumes the payload source keeps the same rule (A2); without
// A2 the proof fails at length 9 (a source that withdraws or changes a stalled payload byte).
`default_nettype none
module sf_formal_frame_tx (
  input wire        i_clk, i_rst, i_hdr_valid, i_pl_valid, i_ready,
  input wire [7:0]  i_type, i_pl_data,
  input wire [15:0] i_len
);
  wire o_hdr_ready, o_pl_ready, o_valid;
  wire [7:0] o_data;
  sf_frame_tx dut (
    .i_clk(i_clk), .i_rst(i_rst), .i_hdr_valid(i_hdr_valid), .o_hdr_ready(o_hdr_ready), .i_type(i_type),
    .i_len(i_len), .i_pl_valid(i_pl_valid), .o_pl_ready(o_pl_ready), .i_pl_data(i_pl_data), .o_valid(o_valid),
    .i_ready(i_ready), .o_data(o_data));
  `define SF_F_DATA o_data
  `include "sf_formal_stream.vh"
`ifdef FORMAL
  // A2: the payload source holds a byte offered and not taken
  always @(posedge i_clk)
    if (f_past_valid && !$past(i_rst) && $past(i_pl_valid) && !$past(o_pl_ready))
      assume(i_pl_valid && i_pl_data == $past(i_pl_data));
`endif
endmodule
