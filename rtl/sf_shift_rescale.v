// sf_shift_rescale: int32 accumulator -> output activation, LANES lanes sharing one configuration.
// Stages (one register each, same order as sf::shift_rescale in model/intref.h):
//   1. m = acc * mult (unsigned multiplier; OPT_MULT = 0 removes it: pure power-of-two scale, mult == 1;
//      OPT_MULT = 2: mult must be a power of two 2^k, and shift must be 0 when k > 0 -- the exporter's only
//      kind, model/intengine.cpp set_pow2_shift; the compiler refuses others for a build with rs_mult = 2,
//      spec/isa.toml [[build]]. Then m = acc << k saturated to ACC_W bits, a left shifter instead of the
//      multiplier: the same y, since stage 3 clamps r = m to ZP_W+1 < ACC_W bits anyway)
//   2. r = round_shift(m, shift)           (sf_round_shift: round half up, negative shift = exact left shift)
//   3. z = r + zp                          (r first range-reduced to ZP_W+1 bits, which changes no result)
//   4. y = saturate(z, lo, hi)             (sf_saturate; ReLU is lo = zp)
// Latency 4 cycles (one register per stage: 100 MHz on an LFE5U-25F speed 6, out of context); one beat per cycle; the whole pipeline stalls while o_valid && !i_ready.
// Stream: i_valid/o_ready in, o_valid/i_ready out. Shift range [-LSHIFT_MAX, 31]; the policy's RS_SHIFT_MIN
// is 0 (right shifts only), which removes the left barrel shifter.
`default_nettype none
`include "sf_policy.vh"
module sf_shift_rescale #(
  parameter integer LANES     = 4,
  parameter integer ACC_W     = `SF_ACC_BITS,
`ifdef SF_ISA_RS_MULT
  parameter integer OPT_MULT  = `SF_ISA_RS_MULT,  // the core build's (sf_isa.vh, read before this file)
`else
  parameter integer OPT_MULT  = 1,
`endif
  parameter integer MULT_W    = `SF_RS_MULT_BITS,
  parameter integer SHIFT_W   = `SF_RS_SHIFT_BITS,
  parameter integer LSHIFT_MAX = -(`SF_RS_SHIFT_MIN),
  parameter integer OUT_W     = `SF_ACT_BITS,
  parameter integer ZP_W      = `SF_ZP_BITS
) (
  input  wire                      i_clk,
  input  wire                      i_rst,
  input  wire                      i_valid,
  output wire                      o_ready,
  input  wire [LANES*ACC_W-1:0]    i_acc,
  input  wire [MULT_W-1:0]         i_mult,
  input  wire signed [SHIFT_W-1:0] i_shift,
  input  wire signed [ZP_W-1:0]    i_zp,
  input  wire signed [ZP_W-1:0]    i_lo,
  input  wire signed [ZP_W-1:0]    i_hi,
  output wire                      o_valid,
  input  wire                      i_ready,
  output wire [LANES*OUT_W-1:0]    o_y
);
  localparam integer M_W = (OPT_MULT == 1) ? ACC_W + MULT_W + 1 : ACC_W;
  localparam integer R_W = M_W + 1 + LSHIFT_MAX;
  localparam [ZP_W:0] RC_HI = {1'b0, {ZP_W{1'b1}}};
  localparam [ZP_W:0] RC_LO = {1'b1, {ZP_W{1'b0}}};

  wire adv = !o_valid || i_ready;
  assign o_ready = adv;

  reg [3:0] vld;
  always @(posedge i_clk) begin
    if (i_rst) vld <= 4'b0000;
    else if (adv) vld <= {vld[2:0], i_valid};
  end
  assign o_valid = vld[3];

  // configuration travels with the data
  reg signed [SHIFT_W-1:0] shift_1;
  reg signed [ZP_W-1:0]    zp_1, lo_1, hi_1, zp_2, lo_2, hi_2, lo_3, hi_3;
  always @(posedge i_clk) begin
    if (adv) begin
      shift_1 <= i_shift;
      zp_1 <= i_zp; lo_1 <= i_lo; hi_1 <= i_hi;
      zp_2 <= zp_1; lo_2 <= lo_1; hi_2 <= hi_1;
      lo_3 <= lo_2; hi_3 <= hi_2;
    end
  end

  // OPT_MULT = 2: k = log2(mult) (the highest set bit) and the mask of the bits acc << k shifts out (the top
  // k bits below the sign: they must all equal the sign, else the result saturates), shared by the lanes
  localparam integer K_W = $clog2(MULT_W);
  reg [K_W-1:0]   mult_k;
  reg [ACC_W-1:0] out_mask;
  integer kb;
  always @(*) begin
    mult_k = {K_W{1'b0}};
    out_mask = {ACC_W{1'b0}};
    for (kb = 1; kb < MULT_W; kb = kb + 1)
      if (i_mult[kb]) mult_k = kb[K_W-1:0];
    for (kb = 1; kb < MULT_W && kb < ACC_W; kb = kb + 1)
      if (kb <= mult_k) out_mask[ACC_W-1-kb] = 1'b1;
  end

  genvar g;
  generate
    for (g = 0; g < LANES; g = g + 1) begin : g_lane
      wire signed [ACC_W-1:0] acc = i_acc[g*ACC_W +: ACC_W];
      // stage 1: multiplier
      reg signed [M_W-1:0] m_1;
      if (OPT_MULT == 2) begin : g_pow2
        wire                   ovf = |((acc ^ {ACC_W{acc[ACC_W-1]}}) & out_mask);
        wire signed [M_W-1:0]  shl = acc <<< mult_k;
        wire signed [M_W-1:0]  sat = {acc[ACC_W-1], {(ACC_W-1){~acc[ACC_W-1]}}};
        always @(posedge i_clk) if (adv) m_1 <= ovf ? sat : shl;
      end else if (OPT_MULT != 0) begin : g_mult
        always @(posedge i_clk) if (adv) m_1 <= acc * $signed({1'b0, i_mult});
      end else begin : g_nomult
        always @(posedge i_clk) if (adv) m_1 <= acc;
      end
      // stage 2: rounding shift
      wire signed [R_W-1:0] r;
      sf_round_shift #(.IN_W(M_W), .SHIFT_W(SHIFT_W), .OUT_W(R_W), .OPT_LEFT(LSHIFT_MAX > 0 ? 1 : 0)) u_rs (.i_x(m_1), .i_shift(shift_1), .o_y(r));
      reg signed [R_W-1:0] r_2;
      always @(posedge i_clk) if (adv) r_2 <= r;
      // stage 3: zero point. Range reduction first (exact): |r| beyond 2^ZP_W saturates the same way
      // after + zp (zp, lo, hi are ZP_W-bit signed), so r is clamped to ZP_W+1 bits and the zero-point add and
      // the comparisons stay narrow.
      wire [ZP_W:0] r_c;
      sf_saturate #(.IN_W(R_W), .LIM_W(ZP_W+1), .OUT_W(ZP_W+1)) u_clamp (.i_x(r_2), .i_lo(RC_LO), .i_hi(RC_HI), .o_y(r_c));
      reg signed [ZP_W+1:0] z_3;
      always @(posedge i_clk) if (adv) z_3 <= {r_c[ZP_W], r_c} + {{2{zp_2[ZP_W-1]}}, zp_2};
      // stage 4: saturation
      wire [OUT_W-1:0] y;
      sf_saturate #(.IN_W(ZP_W+2), .LIM_W(ZP_W), .OUT_W(OUT_W)) u_sat (.i_x(z_3), .i_lo(lo_3), .i_hi(hi_3), .o_y(y));
      reg [OUT_W-1:0] y_4;
      always @(posedge i_clk) if (adv) y_4 <= y;
      assign o_y[g*OUT_W +: OUT_W] = y_4;
    end
  endgenerate

  // i_mult is unused when OPT_MULT == 0, mult_k unless OPT_MULT == 2
  wire unused_ok = &{1'b0, i_mult, mult_k, out_mask};
endmodule
`default_nettype wire
