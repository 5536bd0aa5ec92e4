// sf_residual_add: the residual connection, two 8-bit activations of different power-of-two scales into
// the signed LayerNorm input. LANES lanes sharing one configuration.
// Computes y = saturate(round_shift(a - za, sa) + round_shift(b - zb, sb)) to OUT_W signed, the result of
// sf::residual_add in model/intref.h, in four register stages (timing: the first takes data straight from a
// block RAM, so it holds only the registers):
//   1. a, b and the configuration registered; per operand the offset k = (s > 0 ? 2^(s-1) : 0) - z (the
//      rounding constant folded into the zero point) and the shift's direction and magnitude
//   2. da = a + ka, db = b + kb   (= a - za, plus 2^(s-1) for a right shift)
//   3. ta = da << -sa or da >>> sa, tb alike (round_shift: (d + 2^(s-1)) >>> s for s > 0, exact d << -s for s < 0)
//   4. y = saturate(ta + tb) to OUT_W signed
// Shifts in [-8, 8] (policy RES_SHIFT_MIN/MAX; negative = exact left shift, the usual case: align to the
// finer scale). Latency 4 (spec/isa.toml [timing] residual_lat); one beat per cycle; stalls while
// o_valid && !i_ready.
`default_nettype none
`include "sf_policy.vh"
module sf_residual_add #(
  parameter integer LANES   = 1,
  parameter integer X_W     = `SF_ACT_BITS,
  parameter integer ZP_W    = `SF_ZP_BITS,
  parameter integer SHIFT_W = 5,
  parameter integer OUT_W   = `SF_RES_OUT_BITS
) (
  input  wire                      i_clk,
  input  wire                      i_rst,
  input  wire                      i_valid,
  output wire                      o_ready,
  input  wire [LANES*X_W-1:0]      i_a,
  input  wire [LANES*X_W-1:0]      i_b,
  input  wire signed [ZP_W-1:0]    i_za,
  input  wire signed [ZP_W-1:0]    i_zb,
  input  wire signed [SHIFT_W-1:0] i_sa,
  input  wire signed [SHIFT_W-1:0] i_sb,
  output wire                      o_valid,
  input  wire                      i_ready,
  output wire [LANES*OUT_W-1:0]    o_y
);
  localparam integer D_W = (X_W + 1 > ZP_W ? X_W + 1 : ZP_W) + 1;  // a - z
  localparam integer K_W = D_W + 1;   // k and a + k: a - z plus the rounding constant 2^(s-1) <= 2^(RSH-1) < 2^X_W
  localparam integer LSH = -(`SF_RES_SHIFT_MIN);
  localparam integer RSH = `SF_RES_SHIFT_MAX;
  localparam integer M_W = $clog2((LSH > RSH ? LSH : RSH) + 1);     // shift magnitude
  localparam integer S_W = D_W + 1 + LSH;  // shifted width (a left shift of D_W bits by <= LSH; right: K_W bits)
  localparam [OUT_W-1:0] HI = {1'b0, {(OUT_W-1){1'b1}}};
  localparam [OUT_W-1:0] LO = {1'b1, {(OUT_W-1){1'b0}}};

  wire adv = !o_valid || i_ready;
  assign o_ready = adv;
  reg v1, v2, v3, v4;
  always @(posedge i_clk) begin
    if (i_rst) begin
      v1 <= 1'b0; v2 <= 1'b0; v3 <= 1'b0; v4 <= 1'b0;
    end else if (adv) begin
      v1 <= i_valid; v2 <= v1; v3 <= v2; v4 <= v3;
    end
  end
  assign o_valid = v4;

  // ---- the configuration: offsets k = rnd - z (stage 1), the shift per stage ----
  // k = (s > 0 ? 2^(s-1) : 0) - z
  function [K_W-1:0] koff(input [ZP_W-1:0] z, input [SHIFT_W-1:0] s);
    reg [K_W-1:0] rnd;
    integer i;
    begin
      rnd = {K_W{1'b0}};
      for (i = 1; i <= RSH; i = i + 1) if (s == i[SHIFT_W-1:0]) rnd = {{(K_W-1){1'b0}}, 1'b1} << (i - 1);
      koff = rnd - {{(K_W-ZP_W){z[ZP_W-1]}}, z};
    end
  endfunction
  reg signed [K_W-1:0] ka1, kb1;
  reg                  na1, nb1, na2, nb2;   // left shift (s < 0)
  reg [M_W-1:0]        ma1, mb1, ma2, mb2;   // |s|
  wire [SHIFT_W-1:0]   sa_abs = i_sa[SHIFT_W-1] ? -i_sa : i_sa;
  wire [SHIFT_W-1:0]   sb_abs = i_sb[SHIFT_W-1] ? -i_sb : i_sb;
  always @(posedge i_clk) if (adv) begin
    ka1 <= koff(i_za, i_sa); kb1 <= koff(i_zb, i_sb);
    na1 <= i_sa[SHIFT_W-1]; nb1 <= i_sb[SHIFT_W-1]; ma1 <= sa_abs[M_W-1:0]; mb1 <= sb_abs[M_W-1:0];
    na2 <= na1; nb2 <= nb1; ma2 <= ma1; mb2 <= mb1;
  end
  wire unused_ok = &{1'b0, sa_abs, sb_abs};

  genvar l;
  generate
    for (l = 0; l < LANES; l = l + 1) begin : g_lane
      reg [X_W-1:0] a1, b1;
      always @(posedge i_clk) if (adv) begin a1 <= i_a[l*X_W +: X_W]; b1 <= i_b[l*X_W +: X_W]; end
      reg signed [K_W-1:0] da, db;
      always @(posedge i_clk) if (adv) begin
        da <= $signed({{(K_W-X_W){1'b0}}, a1}) + ka1;
        db <= $signed({{(K_W-X_W){1'b0}}, b1}) + kb1;
      end
      wire signed [S_W-1:0] xa = {{(S_W-K_W){da[K_W-1]}}, da};
      wire signed [S_W-1:0] xb = {{(S_W-K_W){db[K_W-1]}}, db};
      wire signed [S_W-1:0] ta = na2 ? (xa <<< ma2) : (xa >>> ma2);
      wire signed [S_W-1:0] tb = nb2 ? (xb <<< mb2) : (xb >>> mb2);
      reg signed [S_W-1:0] ta2, tb2;   // (stage 3)
      always @(posedge i_clk) if (adv) begin ta2 <= ta; tb2 <= tb; end
      wire signed [S_W:0] sum = {ta2[S_W-1], ta2} + {tb2[S_W-1], tb2};
      wire [OUT_W-1:0] y;
      sf_saturate #(.IN_W(S_W+1), .LIM_W(OUT_W), .OUT_W(OUT_W)) u_sat (.i_x(sum), .i_lo(LO), .i_hi(HI), .o_y(y));
      reg [OUT_W-1:0] y4;
      always @(posedge i_clk) if (adv) y4 <= y;
      assign o_y[l*OUT_W +: OUT_W] = y4;
    end
  endgenerate
endmodule
`default_nettype wire
