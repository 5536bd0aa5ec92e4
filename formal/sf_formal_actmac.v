// Formal wrapper of sf_actmac, 2 lanes: the output handshake rules of sf_formal_stream.vh.
`include "sf_policy.vh"
`default_nettype none
module sf_formal_actmac (
  input wire                      i_clk, i_rst, i_valid, i_ready, i_first, i_last,
  input wire [2*`SF_ACT_BITS-1:0] i_a, i_b,
  input wire [`SF_ZP_BITS-1:0]    i_za, i_zb
);
  wire o_ready, o_valid;
  wire [2*`SF_ACC_BITS-1:0] o_acc;
  sf_actmac #(.LANES(2)) dut (
    .i_clk(i_clk), .i_rst(i_rst), .i_valid(i_valid), .o_ready(o_ready), .i_first(i_first), .i_last(i_last),
    .i_a(i_a), .i_b(i_b), .i_za(i_za), .i_zb(i_zb), .o_valid(o_valid), .i_ready(i_ready), .o_acc(o_acc));
  `define SF_F_DATA o_acc
  `include "sf_formal_stream.vh"
endmodule
