// Formal wrapper of sf_qlinear, 2 lanes x KPAR 2, 8-bit weight bus (all three weight modes, 1/2/4 digits per
// beat, reachable), 32-bit accumulators: the output handshake rules of sf_formal_stream.vh.
`include "sf_policy.vh"
`default_nettype none
module sf_formal_qlinear (
  input wire                         i_clk, i_rst, i_valid, i_ready, i_first, i_last,
  input wire [1:0]                   i_mode,
  input wire [2*`SF_ACT_BITS-1:0]    i_x,
  input wire [4*`SF_W_MAX_BITS-1:0]  i_w,
  input wire [2*`SF_ACC_BITS-1:0]    i_bias
);
  wire o_ready, o_valid;
  wire [2*`SF_ACC_BITS-1:0] o_acc;
  sf_qlinear #(.LANES(2), .KPAR(2)) dut (
    .i_clk(i_clk), .i_rst(i_rst), .i_valid(i_valid), .o_ready(o_ready), .i_first(i_first), .i_last(i_last),
    .i_mode(i_mode), .i_x(i_x), .i_w(i_w), .i_bias(i_bias), .o_valid(o_valid), .i_ready(i_ready), .o_acc(o_acc));
  `define SF_F_DATA o_acc
  `include "sf_formal_stream.vh"
endmodule
