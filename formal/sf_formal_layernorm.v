// Formal wrapper of sf_layernorm, rows of up to MAX_N (64, the build's) elements: the output handshake rules of
// sf_formal_stream.vh on the output element and its o_last.
`include "sf_policy.vh"
`default_nettype none
module sf_formal_layernorm #(parameter integer MAX_N = 64) (
  input wire                          i_clk, i_rst, i_valid, i_ready, i_last,
  input wire [`SF_LN_IN_BITS-1:0]     i_x,
  input wire [`SF_LN_GAMMA_BITS-1:0]  i_gamma,
  input wire [`SF_LN_BETA_BITS-1:0]   i_beta,
  input wire [2:0]                    i_log2n,
  input wire [15:0]                   i_eps,
  input wire [`SF_RS_SHIFT_BITS-1:0]  i_shift,
  input wire [`SF_ZP_BITS-1:0]        i_zp, i_lo, i_hi
);
  wire o_ready, o_valid, o_last;
  wire [`SF_ACT_BITS-1:0] o_y;
  sf_layernorm #(.MAX_N(MAX_N)) dut (
    .i_clk(i_clk), .i_rst(i_rst), .i_valid(i_valid), .o_ready(o_ready), .i_x(i_x), .i_gamma(i_gamma),
    .i_beta(i_beta), .i_last(i_last), .i_log2n(i_log2n), .i_eps(i_eps), .i_shift(i_shift), .i_zp(i_zp),
    .i_lo(i_lo), .i_hi(i_hi), .o_valid(o_valid), .i_ready(i_ready), .o_y(o_y), .o_last(o_last));
  `define SF_F_DATA {o_y, o_last}
  `include "sf_formal_stream.vh"
endmodule
