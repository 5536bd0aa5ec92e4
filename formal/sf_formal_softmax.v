// Formal wrapper of sf_softmax, 2 lanes, rows of up to MAX_N (64, the build's) scores: the output handshake rules of
// sf_formal_stream.vh on the probability beat and its o_last.
`include "sf_policy.vh"
`default_nettype none
module sf_formal_softmax #(parameter integer MAX_N = 64) (
  input wire                          i_clk, i_rst, i_valid, i_ready, i_last,
  input wire [2*`SF_SM_SCORE_BITS-1:0] i_s,
  input wire [1:0]                    i_keep,
  input wire [3:0]                    i_frac
);
  wire o_ready, o_valid, o_last;
  wire [2*`SF_SM_PROB_BITS-1:0] o_p;
  sf_softmax #(.LANES(2), .MAX_N(MAX_N)) dut (
    .i_clk(i_clk), .i_rst(i_rst), .i_valid(i_valid), .o_ready(o_ready), .i_s(i_s), .i_keep(i_keep),
    .i_last(i_last), .i_frac(i_frac), .o_valid(o_valid), .i_ready(i_ready), .o_p(o_p), .o_last(o_last));
  `define SF_F_DATA {o_p, o_last}
  `include "sf_formal_stream.vh"
endmodule
