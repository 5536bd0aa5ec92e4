// sf_log2fix: o_l = round(2^G * log2(S / 2^E)) for S >= 2^E, by the leading one k of S and a
// 2^SM_LOG_LUT_BITS-entry table of log2(1 + m) indexed by the mantissa rounded to LB bits (a carry moves
// into k). Combinational. C++ reference: sf::log2fix(). Values S < 2^E give an unspecified result.
`default_nettype none
`include "sf_policy.vh"
module sf_log2fix #(
  parameter integer S_W = 22,
  parameter integer L_W = 12
) (
  input  wire [S_W-1:0] i_s,
  output wire [L_W-1:0] o_l
);
  localparam integer G  = `SF_SM_FRAC_BITS;
  localparam integer LB = `SF_SM_LOG_LUT_BITS;
  localparam [6:0] LB7 = `SF_SM_LOG_LUT_BITS;
  localparam [5:0] E6  = `SF_SM_EXP_OUT_BITS;
  `include "sf_tables.vh"

  // leading one (k >= E assumed)
  reg [5:0] k, pos;
  integer i;
  always @* begin
    k = 6'd0;
    pos = 6'd0;
    for (i = 0; i < S_W; i = i + 1) begin
      if (i_s[i]) k = pos;
      pos = pos + 6'd1;
    end
  end
  // mantissa u = S - 2^k, idx = round_shift(u, k - LB)
  wire [S_W-1:0] u = i_s & ~({{(S_W-1){1'b0}}, 1'b1} << k);
  wire [6:0] sh = {1'b0, k} - LB7;
  wire signed [S_W+1:0] r;
  sf_round_shift #(.IN_W(S_W+1), .SHIFT_W(7), .OUT_W(S_W+2)) u_rs (.i_x({1'b0, u}), .i_shift(sh), .o_y(r));
  wire          carry = r[LB];
  wire [LB-1:0] idx = carry ? {LB{1'b0}} : r[LB-1:0];
  wire [5:0]    kk = k + {5'd0, carry} - E6;
  wire [L_W-1:0] kkw = {{(L_W-6){1'b0}}, kk};
  assign o_l = (kkw << G) + {{(L_W-G){1'b0}}, sf_log2_lut(idx)};
  wire unused_ok = &{1'b0, r[S_W+1:LB+1]};
endmodule
`default_nettype wire
