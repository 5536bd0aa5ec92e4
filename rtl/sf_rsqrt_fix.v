// sf_rsqrt_fix: 1/sqrt(var) ~= o_r * 2^-(o_e + RQ) for var >= 1. var = m * 4^e with m in [1,4) (leading
// one), m rounded to LN_RSQRT_LUT_BITS fraction bits (a carry to 4.0 moves into e), o_r from the generated
// (3 * 2^RB)-entry table. Combinational. C++ reference: sf::rsqrt_fix().
`default_nettype none
`include "sf_policy.vh"
module sf_rsqrt_fix #(
  parameter integer V_W = 40
) (
  input  wire [V_W-1:0] i_var,
  output wire [`SF_LN_RSQRT_OUT_BITS:0] o_r,
  output wire [5:0]     o_e
);
  localparam integer RB = `SF_LN_RSQRT_LUT_BITS;
  localparam [6:0]   RB7 = `SF_LN_RSQRT_LUT_BITS;
  `include "sf_tables.vh"

  reg [6:0] k, pos;
  integer i;
  always @* begin
    k = 7'd0;
    pos = 7'd0;
    for (i = 0; i < V_W; i = i + 1) begin
      if (i_var[i]) k = pos;
      pos = pos + 7'd1;
    end
  end
  wire [5:0] ex = k[6:1];
  wire [6:0] sh = {ex, 1'b0} - RB7;  // signed: negative = exact left shift
  wire signed [V_W+RB+1:0] t;
  sf_round_shift #(.IN_W(V_W+1), .SHIFT_W(7), .OUT_W(V_W+RB+2)) u_rs (.i_x({1'b0, i_var}), .i_shift(sh), .o_y(t));
  wire carry = t[RB+2];  // t == 4 * 2^RB
  wire [RB+1:0] tm = carry ? {2'b01, {RB{1'b0}}} : t[RB+1:0];
  wire [RB+1:0] idx = tm - {2'b01, {RB{1'b0}}};
  assign o_r = sf_rsqrt_lut(idx);
  assign o_e = ex + {5'd0, carry};
  wire unused_ok = &{1'b0, t[V_W+RB+1:RB+3], k[0]};
endmodule
`default_nettype wire
