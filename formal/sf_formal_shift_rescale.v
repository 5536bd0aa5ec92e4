// Formal wrapper of sf_shift_rescale, 1 lane: the output handshake rules of sf_formal_stream.vh.
`include "sf_policy.vh"
`default_nettype none
module sf_formal_shift_rescale (
  input wire        i_clk, i_rst, i_valid, i_ready,
  input wire [31:0] i_acc,
  input wire [15:0] i_mult,
  input wire [5:0]  i_shift,
  input wire [8:0]  i_zp, i_lo, i_hi
);
  wire o_ready, o_valid;
  wire [7:0] o_y;
  sf_shift_rescale #(.LANES(1)) dut (
    .i_clk(i_clk), .i_rst(i_rst), .i_valid(i_valid), .o_ready(o_ready), .i_acc(i_acc), .i_mult(i_mult),
    .i_shift(i_shift), .i_zp(i_zp), .i_lo(i_lo), .i_hi(i_hi), .o_valid(o_valid), .i_ready(i_ready), .o_y(o_y));
  `define SF_F_DATA o_y
  `include "sf_formal_stream.vh"
endmodule
