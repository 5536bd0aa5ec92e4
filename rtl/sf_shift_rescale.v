// sf_shift_rescale: int32 accumulator -> output activation, LANES lanes sharing one configuration.
// Stages (one register each, same order as sf::shift_rescale in model/intref.h):
//   1. m = acc * mult (unsigned multiplier; OPT_MULT = 0 removes it: pure power-of-two scale, mult == 1;
//      OPT_MULT = 2: mult must be a power of two 2^k, and shift must be 0 when k > 0 -- the exporter's only
//      kind, model/intengine.cpp set_pow2_shift; the compiler refuses others for a build with rs_mult = 2,
//      spec/isa.toml [[build]]. Then no multiplier: m = acc and the shift of stage 2 becomes shift - k,
//      round_shift(acc * 2^k, s) == round_shift(acc, s - k) exactly, a left shift by k when s = 0)
//   2. r = round_shift(m, shift) range-reduced to ZP_W+1 bits, which changes no result (zp, lo, hi are ZP_W-bit
//      signed: |r| beyond 2^ZP_W saturates the same way after + zp). sf_round_shift_clamp (the rounding rule
//      of sf_round_shift, round half up, computed on the ZP_W+2 bits the result needs and an out-of-range
//      flag from a mask of the bits above them: no full-width barrel shifter, no full-width rounding add);
//      this stage registers its window and the out-of-range flag as OUT_PARTS partial ORs (stage 3 ORs them:
//      a shorter OR tree behind the shift-dependent mask), the rounding add is stage 3's carry-in
//   3. z = r + zp
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
  parameter integer RSHIFT_MAX = `SF_RS_SHIFT_MAX,
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
  // stage 2's shift: OPT_MULT = 2 subtracts k = log2(mult) <= MULT_W - 1 (one more bit, larger left shifts),
  // biased by LSH2 in stage 1 (shift - k + LSH2 >= 0), which keeps that add out of stage 2
  localparam integer S2_W = (OPT_MULT == 2) ? SHIFT_W + 1 : SHIFT_W;
  localparam integer LSH2 = (OPT_MULT == 2) ? LSHIFT_MAX + MULT_W - 1 : LSHIFT_MAX;
  localparam integer OUT_PARTS = 4;

  wire adv = !o_valid || i_ready;
  assign o_ready = adv;

  reg [3:0] vld;
  always @(posedge i_clk) begin
    if (i_rst) vld <= 4'b0000;
    else if (adv) vld <= {vld[2:0], i_valid};
  end
  assign o_valid = vld[3];

  // OPT_MULT = 2: k = log2(mult), shared by the lanes. mult is a power of two (the contract), so bit b of k is
  // the OR of the mult bits whose index has bit b set (one OR per bit, no priority chain; mult = 0 or 1: k = 0)
  localparam integer K_W = $clog2(MULT_W);
  reg [K_W-1:0]   mult_k;
  integer kb;
  always @(*) begin
    mult_k = {K_W{1'b0}};
    for (kb = 1; kb < MULT_W; kb = kb + 1)
      if (i_mult[kb]) mult_k = mult_k | kb[K_W-1:0];
  end
  wire signed [S2_W-1:0] shift_in;
  generate
    if (OPT_MULT == 2 && MULT_W == (1 << K_W)) begin : g_shift_kn
      // biased for stage 2 (shift - k + LSH2 >= 0, sf_round_shift_clamp OPT_BIASED): its add is done here.
      // LSH2 - k = LSHIFT_MAX + (2^K_W - 1 - k) = LSHIFT_MAX + ~k: one add (no subtract after an add)
      assign shift_in = $signed({i_shift[SHIFT_W-1], i_shift}) + LSHIFT_MAX[S2_W-1:0]
                      + $signed({{(S2_W-K_W){1'b0}}, ~mult_k});
    end else if (OPT_MULT == 2) begin : g_shift_k
      assign shift_in = $signed({i_shift[SHIFT_W-1], i_shift}) + LSH2[S2_W-1:0]
                      - $signed({{(S2_W-K_W){1'b0}}, mult_k});
    end else begin : g_shift
      assign shift_in = i_shift;
    end
  endgenerate

  // configuration travels with the data
  reg signed [S2_W-1:0]    shift_1;
  reg signed [ZP_W-1:0]    zp_1, lo_1, hi_1, zp_2, lo_2, hi_2, lo_3, hi_3;
  always @(posedge i_clk) begin
    if (adv) begin
      shift_1 <= shift_in;
      zp_1 <= i_zp; lo_1 <= i_lo; hi_1 <= i_hi;
      zp_2 <= zp_1; lo_2 <= lo_1; hi_2 <= hi_1;
      lo_3 <= lo_2; hi_3 <= hi_2;
    end
  end


  genvar g;
  generate
    for (g = 0; g < LANES; g = g + 1) begin : g_lane
      wire signed [ACC_W-1:0] acc = i_acc[g*ACC_W +: ACC_W];
      // stage 1: multiplier (OPT_MULT = 2: none, the 2^k is in stage 2's shift)
      reg signed [M_W-1:0] m_1;
      if (OPT_MULT == 1) begin : g_mult
        always @(posedge i_clk) if (adv) m_1 <= acc * $signed({1'b0, i_mult});
      end else begin : g_nomult
        always @(posedge i_clk) if (adv) m_1 <= acc;
      end
      // stage 2: the rounding shift's window and out-of-range flag (sf_round_shift_clamp o_win / o_out: its
      // rounding add and clamp are left to stage 3)
      // (the out-of-range flag as OUT_PARTS partial ORs, registered; stage 3 ORs them)
      wire [ZP_W+1:0]     win_c;
      wire [OUT_PARTS-1:0] out_c;
      sf_round_shift_clamp #(.IN_W(M_W), .SHIFT_W(S2_W), .LSHIFT_MAX(LSH2), .RSHIFT_MAX(RSHIFT_MAX),
        .OUT_W(ZP_W+1), .OPT_BIASED(OPT_MULT == 2 ? 1 : 0), .OUT_PARTS(OUT_PARTS)) u_rs (
        .i_x(m_1), .i_shift(shift_1), .o_y(), .o_win(win_c), .o_out(out_c));
      reg [ZP_W+1:0]      win_2;
      reg [OUT_PARTS-1:0] outp_2;
      reg                 sgn_2;
      always @(posedge i_clk) if (adv) begin win_2 <= win_c; outp_2 <= out_c; sgn_2 <= m_1[M_W-1]; end
      wire                out_2 = |outp_2;
      // stage 3: z = r + zp with r = (x >>> s) + x[s-1] (the window's top bits and its rounding bit, the
      // carry-in of the zero point's add: one carry chain). Not clamped to ZP_W+1 bits first: r can reach
      // 2^ZP_W (the clamp would give 2^ZP_W - 1), and z >= 2^(ZP_W-1) - 1 >= hi then saturates to hi either
      // way. Out of range: z = the extreme of the sign, saturating to lo / hi as r = the clamp bound + zp does
      // (|bound + zp| >= 2^(ZP_W-1)). ZP_W+2 bits hold every z.
      wire [ZP_W+2:0] zc = {win_2[ZP_W+1], win_2[ZP_W+1:1], 1'b1} + {{2{zp_2[ZP_W-1]}}, zp_2, win_2[0]};
      reg signed [ZP_W+1:0] z_3;
      always @(posedge i_clk) if (adv) z_3 <= out_2 ? {sgn_2, {(ZP_W+1){!sgn_2}}} : zc[ZP_W+2:1];
      wire unused_zc = zc[0];   // the carry-in's position (always !win_2[0])
      // stage 4: saturation
      wire [OUT_W-1:0] y;
      sf_saturate #(.IN_W(ZP_W+2), .LIM_W(ZP_W), .OUT_W(OUT_W)) u_sat (.i_x(z_3), .i_lo(lo_3), .i_hi(hi_3), .o_y(y));
      reg [OUT_W-1:0] y_4;
      always @(posedge i_clk) if (adv) y_4 <= y;
      assign o_y[g*OUT_W +: OUT_W] = y_4;
    end
  endgenerate

  // i_mult is unused when OPT_MULT == 0, mult_k unless OPT_MULT == 2
  wire unused_ok = &{1'b0, i_mult, mult_k};
endmodule
`default_nettype wire
