// Formal wrapper of sf_residual_add, 1 lane: the output handshake rules of sf_formal_stream.vh.
`include "sf_policy.vh"
`default_nettype none
module sf_formal_residual_add (
  input wire                     i_clk, i_rst, i_valid, i_ready,
  input wire [`SF_ACT_BITS-1:0]  i_a, i_b,
  input wire [`SF_ZP_BITS-1:0]   i_za, i_zb,
  input wire [4:0]               i_sa, i_sb
);
  wire o_ready, o_valid;
  wire [`SF_RES_OUT_BITS-1:0] o_y;
  sf_residual_add #(.LANES(1)) dut (
    .i_clk(i_clk), .i_rst(i_rst), .i_valid(i_valid), .o_ready(o_ready), .i_a(i_a), .i_b(i_b), .i_za(i_za),
    .i_zb(i_zb), .i_sa(i_sa), .i_sb(i_sb), .o_valid(o_valid), .i_ready(i_ready), .o_y(o_y));
  `define SF_F_DATA o_y
  `include "sf_formal_stream.vh"
endmodule
