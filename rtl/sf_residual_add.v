// sf_residual_add: the residual connection, two 8-bit activations of different power-of-two scales into
// the signed LayerNorm input. LANES lanes sharing one configuration.
// Stages (same order as sf::residual_add in model/intref.h), one register each:
//   1. da = a - za, db = b - zb   2. ta = round_shift(da, sa), tb = round_shift(db, sb) (right and left apart)
//   3. y = saturate(ta + tb) to OUT_W signed
// Shifts in [-8, 8] (policy RES_SHIFT_MIN/MAX; negative = exact left shift, the usual case: align to the
// finer scale). Latency 3; one beat per cycle; stalls while o_valid && !i_ready.
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
  localparam integer D_W = (X_W + 1 > ZP_W ? X_W + 1 : ZP_W) + 1;
  localparam integer LSH = -(`SF_RES_SHIFT_MIN);
  localparam integer S_W = D_W + 1 + LSH;  // shifted width (a left shift by <= LSH; rounded right: D_W + 1 bits)
  localparam [OUT_W-1:0] HI = {1'b0, {(OUT_W-1){1'b1}}};
  localparam [OUT_W-1:0] LO = {1'b1, {(OUT_W-1){1'b0}}};

  wire adv = !o_valid || i_ready;
  assign o_ready = adv;
  reg v1, v2, v3;
  always @(posedge i_clk) begin
    if (i_rst) begin
      v1 <= 1'b0; v2 <= 1'b0; v3 <= 1'b0;
    end else if (adv) begin
      v1 <= i_valid; v2 <= v1; v3 <= v2;
    end
  end
  assign o_valid = v3;
  reg signed [SHIFT_W-1:0] sa1, sb1;
  always @(posedge i_clk) if (adv) begin sa1 <= i_sa; sb1 <= i_sb; end
  // the two directions apart (the rounding add only on the D_W + 1 bits a right shift leaves, the exact left
  // shift by -s on S_W bits): round_shift(d, s) = s < 0 ? d << -s : round_shift(d, s) right-only
  wire               sa_neg = sa1[SHIFT_W-1], sb_neg = sb1[SHIFT_W-1];
  wire [SHIFT_W-1:0] ra_s = sa_neg ? {SHIFT_W{1'b0}} : sa1, rb_s = sb_neg ? {SHIFT_W{1'b0}} : sb1;
  wire [SHIFT_W-1:0] la_s = -sa1, lb_s = -sb1;

  genvar l;
  generate
    for (l = 0; l < LANES; l = l + 1) begin : g_lane
      wire signed [D_W-1:0] a  = $signed({{(D_W-X_W){1'b0}}, i_a[l*X_W +: X_W]});
      wire signed [D_W-1:0] b  = $signed({{(D_W-X_W){1'b0}}, i_b[l*X_W +: X_W]});
      wire signed [D_W-1:0] za = {{(D_W-ZP_W){i_za[ZP_W-1]}}, i_za};
      wire signed [D_W-1:0] zb = {{(D_W-ZP_W){i_zb[ZP_W-1]}}, i_zb};
      reg signed [D_W-1:0] da, db;
      always @(posedge i_clk) if (adv) begin da <= a - za; db <= b - zb; end
      wire signed [S_W-1:0] ta, tb;
      wire signed [D_W:0]   ra, rb;
      sf_round_shift #(.IN_W(D_W), .SHIFT_W(SHIFT_W), .OUT_W(D_W+1), .OPT_LEFT(0)) u_ra (.i_x(da), .i_shift(ra_s), .o_y(ra));
      sf_round_shift #(.IN_W(D_W), .SHIFT_W(SHIFT_W), .OUT_W(D_W+1), .OPT_LEFT(0)) u_rb (.i_x(db), .i_shift(rb_s), .o_y(rb));
      wire signed [S_W-1:0] la = $signed({{(S_W-D_W){da[D_W-1]}}, da}) <<< la_s;
      wire signed [S_W-1:0] lb = $signed({{(S_W-D_W){db[D_W-1]}}, db}) <<< lb_s;
      assign ta = sa_neg ? la : {{(S_W-D_W-1){ra[D_W]}}, ra};
      assign tb = sb_neg ? lb : {{(S_W-D_W-1){rb[D_W]}}, rb};
      reg signed [S_W-1:0] ta2, tb2;
      always @(posedge i_clk) if (adv) begin ta2 <= ta; tb2 <= tb; end
      wire signed [S_W:0] sum = {ta2[S_W-1], ta2} + {tb2[S_W-1], tb2};
      wire [OUT_W-1:0] y;
      sf_saturate #(.IN_W(S_W+1), .LIM_W(OUT_W), .OUT_W(OUT_W)) u_sat (.i_x(sum), .i_lo(LO), .i_hi(HI), .o_y(y));
      reg [OUT_W-1:0] y3;
      always @(posedge i_clk) if (adv) y3 <= y;
      assign o_y[l*OUT_W +: OUT_W] = y3;
    end
  endgenerate
endmodule
`default_nettype wire
