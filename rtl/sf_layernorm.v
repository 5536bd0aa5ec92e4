// sf_layernorm: integer LayerNorm of one row of n = 2^log2n signed inputs, one element per cycle.
// C++ reference: sf::layernorm() in model/intref.h, same stage order:
//   IN  : store x, gamma, beta; S1 += x
//   MEAN: mean = round_shift(S1, log2n)
//   VAR : c = x - mean; Q += c * c                  (one multiplier, shared with OUT)
//   RSQ : var = round_shift(Q, log2n) + eps; (R, e) = rsqrt_fix(var)   (sf_rsqrt_fix, 96-entry table; 4 cycles)
//   OUT : z = round_shift(c * R, e + RQ - ZF) | y = z * gamma + beta (int32, wraps);
//         o_y = saturate(round_shift(y, shift) + zp, lo, hi)   (the shift_rescale rule, mult 1)
// VAR and OUT issue one element per cycle into one pipeline: S0 c = x - mean | S1 c * (c or R) | S2 Q += (VAR)
// or z's window (OUT: zw = (c * R) >>> e, its rounding bit zr; z = zw + zr) | S3 zw * gamma, beta + zr * gamma |
// S4 y = their sum | S5 round_shift(y) clamped (yc_a, rounding bit yc_r), lo - zp - yc_r and hi - zp - yc_r | S6 the
// rounding add, + zp, and the compares with the moved limits beside it: saturation = o_y.
// (Timing: no carry chain after a multiplier or before one; z * gamma = zw * gamma + zr * gamma, exact as z
// fits Z_W bits.)
// The pipeline advances while !o_valid || i_ready. The row ends with i_last (which must be beat 2^log2n);
// i_log2n, i_eps and the output rescale (i_shift, i_zp, i_lo, i_hi) are taken at the i_last beat (the
// rescale settings then travel with each element). o_ready is high in IN only. Latency from the i_last
// handshake to the first o_valid: n + 15 cycles; then one element per cycle unless i_ready is low.
// Uses two multipliers (17x18, 18x8), with registers before and after each.
`default_nettype none
`include "sf_policy.vh"
module sf_layernorm #(
  parameter integer MAX_N   = `SF_LN_MAX_ROW,
  parameter integer X_W     = `SF_LN_IN_BITS,
  parameter integer G_W     = `SF_LN_GAMMA_BITS,
  parameter integer B_W     = `SF_LN_BETA_BITS,
  parameter integer EPS_W   = 16,
  parameter integer SHIFT_W = `SF_RS_SHIFT_BITS,
  parameter integer ZP_W    = `SF_ZP_BITS,
  parameter integer OUT_W   = `SF_ACT_BITS
) (
  input  wire                      i_clk,
  input  wire                      i_rst,
  input  wire                      i_valid,
  output wire                      o_ready,
  input  wire signed [X_W-1:0]     i_x,
  input  wire signed [G_W-1:0]     i_gamma,
  input  wire [B_W-1:0]            i_beta,
  input  wire                      i_last,
  input  wire [2:0]                i_log2n,
  input  wire [EPS_W-1:0]          i_eps,
  input  wire signed [SHIFT_W-1:0] i_shift,
  input  wire signed [ZP_W-1:0]    i_zp,
  input  wire signed [ZP_W-1:0]    i_lo,
  input  wire signed [ZP_W-1:0]    i_hi,
  output reg                       o_valid,
  input  wire                      i_ready,
  output reg  [OUT_W-1:0]          o_y,
  output reg                       o_last
);
  localparam integer RQ   = `SF_LN_RSQRT_OUT_BITS;
  localparam integer ZF   = `SF_LN_Z_FRAC_BITS;
  localparam integer N_W  = $clog2(MAX_N);
  localparam integer S1_W = X_W + N_W + 1;
  localparam integer C_W  = X_W + 1;
  // value ranges (x in [-2^(X_W-1), 2^(X_W-1)), n <= MAX_N): the spread of x is below 2^X_W, so (Popoviciu)
  // sum (x - mu)^2 / n <= (2^X_W - 1)^2 / 4, and with the rounded mean (|mu - mean| <= 1/2) Q / n adds at most
  // 1/4: round_shift(Q, log2n) < 2^(2 * X_W - 2) (VQ_W bits), Q < 2^(VQ_W + N_W), var = that + eps < 2^V_W
  localparam integer VQ_W = 2 * X_W - 2;
  localparam integer Q_W  = VQ_W + N_W;            // sum of squares
  localparam integer V_W  = (VQ_W > EPS_W ? VQ_W : EPS_W) + 1;
  // the z shift e + RQ - ZF: e <= (V_W - 1) / 2 + 1 (sf_rsqrt_fix: leading one k <= V_W - 1, e = k / 2 + carry)
  localparam integer ZSH_MAX = (V_W - 1) / 2 + 1 + RQ - ZF;
  localparam integer Z_W  = 18;                  // |z| <= sqrt(n) * 2^ZF * 1.01 < 2^14
  localparam integer LSH  = -(`SF_RS_SHIFT_MIN);
  localparam integer ZSH_I = RQ - ZF;
  localparam [5:0]   ZSH  = ZSH_I[5:0];
  localparam [2:0] ST_IN = 3'd0, ST_MEAN = 3'd1, ST_VAR = 3'd2, ST_VARW = 3'd3, ST_RSQ = 3'd4, ST_OUT = 3'd5;

  reg [2:0]            st;
  reg [1:0]            rcnt;
  reg [N_W-1:0]        j, nlast;
  reg signed [X_W-1:0] mem_x [0:MAX_N-1];
  reg signed [G_W-1:0] mem_g [0:MAX_N-1];
  reg [B_W-1:0]        mem_b [0:MAX_N-1];
  reg signed [S1_W-1:0] s1;
  reg signed [X_W-1:0] mean;
  reg [Q_W-1:0]        q;
  reg [2:0]            log2n;
  reg [EPS_W-1:0]      eps;
  reg signed [SHIFT_W-1:0] shift;
  reg signed [ZP_W-1:0] zp, lo, hi;
  reg [RQ:0]           r;
  reg [5:0]            e_z;        // e + RQ - ZF (6 bits, wraps as the sum did), registered with R
  reg [V_W-1:0]        var_r;

  wire adv = !o_valid || i_ready;         // the VAR/OUT pipeline moves
  assign o_ready = (st == ST_IN);
  wire in_fire = i_valid && o_ready;
  wire issue = adv && (st == ST_VAR || st == ST_OUT);
  wire issue_last = (j == nlast);

  // ---- MEAN, RSQ combinational steps ----
  // (narrow rounding shifts: only the result bits kept are computed; the mean of X_W-bit x fits X_W bits)
  wire signed [X_W-1:0] mean_v;
  sf_round_shift_clamp #(.IN_W(S1_W), .SHIFT_W(4), .RSHIFT_MAX(N_W), .OUT_W(X_W), .OPT_WRAP(1)) u_mean (
    .i_x(s1), .i_shift({1'b0, log2n}), .o_y(mean_v));
  wire [V_W-1:0] var_sh;  // < 2^VQ_W
  sf_round_shift_clamp #(.IN_W(Q_W+1), .SHIFT_W(4), .RSHIFT_MAX(N_W), .OUT_W(V_W), .OPT_WRAP(1)) u_var (
    .i_x({1'b0, q}), .i_shift({1'b0, log2n}), .o_y(var_sh));
  wire [V_W-1:0] var_v = var_sh + {{(V_W-EPS_W){1'b0}}, eps};
  wire [RQ:0] r_next;
  wire [5:0]  e_next;
  sf_rsqrt_fix #(.V_W(V_W), .OPT_REG(1)) u_rsqrt (.i_clk(i_clk), .i_en(1'b1), .i_var(var_r), .o_r(r_next), .o_e(e_next));

  // ---- S0: c = x - mean; gamma, beta, rescale settings ----
  wire signed [X_W-1:0] xj = mem_x[j];
  wire signed [C_W-1:0] c_n = {xj[X_W-1], xj} - {mean[X_W-1], mean};
  reg                   v0, m0, l0;
  reg signed [C_W-1:0]  c0;
  reg signed [G_W-1:0]  g0, g1, g2;
  reg [B_W-1:0]         b0, b1, b2;
  reg signed [SHIFT_W-1:0] sh0, sh1, sh2, sh3, sh4;
  reg signed [ZP_W-1:0] zp0, zp1, zp2, zp3, zp4, zp5, lo0, lo1, lo2, lo3, lo4, lo5, hi0, hi1, hi2, hi3, hi4, hi5;
  // ---- S1: the shared product ----
  // the second factor (R in OUT, c in VAR) is chosen in S0 into its own register: the multiplier's inputs are
  // registers with nothing between them and the MULT18X18D (timing: the select was in front of the DSP)
  reg  signed [C_W:0]     mb;
  wire signed [2*C_W+1:0] prod = $signed({c0[C_W-1], c0}) * mb;
  reg                     v1, m1, l1;
  reg signed [2*C_W+1:0]  p1;
  // ---- S2: z's window: the low Z_W bits of (c * R) >>> e_z and the rounding bit (e_z <= ZSH_MAX) ----
  wire [Z_W:0] z_win;
  sf_round_shift_clamp #(.IN_W(2*C_W+2), .SHIFT_W(7), .RSHIFT_MAX(ZSH_MAX), .OUT_W(Z_W), .OPT_WRAP(1)) u_z (
    .i_x(p1), .i_shift({1'b0, e_z}), .o_y(), .o_win(z_win));
  reg                  v2, l2, zr2;
  reg signed [Z_W-1:0] zw2;
  // ---- S3: zw * gamma; beta + zr * gamma ----
  wire signed [Z_W+G_W-1:0] zg = zw2 * g2;
  reg                  v3, l3;
  reg signed [Z_W+G_W-1:0] zg3;
  reg [B_W-1:0]        bg3;
  // ---- S4: y = z * gamma + beta ----
  reg                  v4, l4;
  reg [B_W-1:0]        y4;
  // ---- S5: round_shift(y, shift)'s window and range flag (the range reduction to ZP_W + 1 bits, as in
  // sf_shift_rescale) ----
  wire [ZP_W+1:0] y_win;
  wire            y_out;
  sf_round_shift_clamp #(.IN_W(B_W), .SHIFT_W(SHIFT_W), .LSHIFT_MAX(LSH), .RSHIFT_MAX(`SF_RS_SHIFT_MAX), .OUT_W(ZP_W+1))
    u_y (.i_x(y4), .i_shift(sh4), .o_y(), .o_win(y_win), .o_out(y_out));
  // the clamped rounded value yc = yc_a + yc_r (sign-saturated when out of range, else the window plus its
  // rounding bit; that add's upward overflow, which sf_round_shift_clamp clamps, saturates in S6 to hi alike) and
  // the saturation limits moved by zp and yc_r: yc + zp < lo <=> yc_a < lo - zp - yc_r, yc + zp > hi <=> yc_a >
  // hi - zp - yc_r (|lo|, |hi|, |zp| < 2^(ZP_W-1): each fits ZP_W + 1 bits), so that S6 compares yc_a with them
  // beside its + zp (exact, so it equals sf::saturate, whose out-of-range values saturate by sign: lo <= hi fit
  // ZP_W bits). lo - zp and lo - zp - 1 (likewise hi) are both formed; yc_r selects.
  wire signed [ZP_W:0] yca_n = y_out ? {y4[B_W-1], {ZP_W{~y4[B_W-1]}}} : y_win[ZP_W+1:1];
  wire                 ycr_n = !y_out && y_win[0];
  wire signed [ZP_W:0] lz_0 = {lo4[ZP_W-1], lo4} - {zp4[ZP_W-1], zp4}, lz_1 = {lo4[ZP_W-1], lo4} + ~{zp4[ZP_W-1], zp4};
  wire signed [ZP_W:0] hz_0 = {hi4[ZP_W-1], hi4} - {zp4[ZP_W-1], zp4}, hz_1 = {hi4[ZP_W-1], hi4} + ~{zp4[ZP_W-1], zp4};
  reg                  v5, l5, yc_r;
  reg signed [ZP_W:0]  yc_a, lz5, hz5;
  // ---- S6: yc + zp and the two compares: three carry chains side by side, then the saturation mux ----
  wire signed [ZP_W+2:0] yz_c = {yc_a[ZP_W], yc_a, 1'b1} + {{2{zp5[ZP_W-1]}}, zp5, yc_r};  // carry-in yc_r
  wire [OUT_W-1:0]       yz   = yz_c[OUT_W:1];
  wire                   lt_lo = yc_a < lz5;
  wire                   gt_hi = yc_a > hz5;
  wire [OUT_W-1:0]       ysat = lt_lo ? lo5[OUT_W-1:0] : (gt_hi ? hi5[OUT_W-1:0] : yz);
  wire unused_s6 = &{1'b0, yz_c[ZP_W+2:OUT_W+1], yz_c[0], lo5[ZP_W-1:OUT_W], hi5[ZP_W-1:OUT_W]};

  always @(posedge i_clk) begin
    if (i_rst) begin
      v0 <= 1'b0; v1 <= 1'b0; v2 <= 1'b0; v3 <= 1'b0; v4 <= 1'b0; v5 <= 1'b0;
      o_valid <= 1'b0;
    end else if (adv) begin
      v0 <= issue; v1 <= v0; v2 <= v1 && m1; v3 <= v2; v4 <= v3; v5 <= v4;
      o_valid <= v5;
    end
  end
  always @(posedge i_clk) begin
    if (adv) begin
      m0 <= (st == ST_OUT); l0 <= issue_last; c0 <= c_n;
      mb <= (st == ST_OUT) ? $signed({{(C_W-RQ){1'b0}}, r}) : $signed({c_n[C_W-1], c_n});
      g0 <= mem_g[j]; b0 <= mem_b[j]; sh0 <= shift; zp0 <= zp; lo0 <= lo; hi0 <= hi;
      m1 <= m0; l1 <= l0; p1 <= prod; g1 <= g0; b1 <= b0; sh1 <= sh0; zp1 <= zp0; lo1 <= lo0; hi1 <= hi0;
      l2 <= l1; zw2 <= z_win[Z_W:1]; zr2 <= z_win[0]; g2 <= g1; b2 <= b1; sh2 <= sh1; zp2 <= zp1; lo2 <= lo1;
      hi2 <= hi1;
      l3 <= l2; zg3 <= zg; bg3 <= b2 + (zr2 ? {{(B_W-G_W){g2[G_W-1]}}, g2} : {B_W{1'b0}}); sh3 <= sh2; zp3 <= zp2;
      lo3 <= lo2; hi3 <= hi2;
      l4 <= l3; y4 <= {{(B_W-Z_W-G_W){zg3[Z_W+G_W-1]}}, zg3} + bg3; sh4 <= sh3; zp4 <= zp3; lo4 <= lo3; hi4 <= hi3;
      l5 <= l4; yc_a <= yca_n; yc_r <= ycr_n; zp5 <= zp4; lo5 <= lo4; hi5 <= hi4;
      lz5 <= ycr_n ? lz_1 : lz_0; hz5 <= ycr_n ? hz_1 : hz_0;
      o_y <= ysat; o_last <= l5;
    end
  end

  // ---- control ----
  always @(posedge i_clk) begin
    if (i_rst) begin
      st <= ST_IN;
      j <= {N_W{1'b0}};
    end else begin
      case (st)
        ST_IN: if (in_fire) begin
          if (i_last) begin
            st <= ST_MEAN;
            nlast <= j;
            j <= {N_W{1'b0}};
          end else begin
            j <= j + 1'b1;
          end
        end
        ST_MEAN: st <= ST_VAR;
        ST_VAR: if (issue) begin
          if (issue_last) begin
            st <= ST_VARW;
            j <= {N_W{1'b0}};
          end else begin
            j <= j + 1'b1;
          end
        end
        ST_VARW: if (adv && v1 && !m1 && l1) begin  // the last c*c enters Q at this edge
          st <= ST_RSQ;
          rcnt <= 2'd0;
        end
        ST_RSQ: begin  // var_r, two sf_rsqrt_fix registers, (R, e)
          rcnt <= rcnt + 2'd1;
          if (rcnt == 2'd3) st <= ST_OUT;
        end
        default: if (issue) begin  // ST_OUT
          if (issue_last) begin
            st <= ST_IN;
            j <= {N_W{1'b0}};
          end else begin
            j <= j + 1'b1;
          end
        end
      endcase
    end
  end

  // ---- data registers ----
  always @(posedge i_clk) begin
    if (st == ST_IN && in_fire) begin
      mem_x[j] <= i_x;
      mem_g[j] <= i_gamma;
      mem_b[j] <= i_beta;
      s1 <= (j == {N_W{1'b0}} ? {S1_W{1'b0}} : s1) + {{(S1_W-X_W){i_x[X_W-1]}}, i_x};
      if (i_last) begin
        log2n <= i_log2n; eps <= i_eps;
        shift <= i_shift; zp <= i_zp; lo <= i_lo; hi <= i_hi;
      end
    end
    if (st == ST_MEAN) begin
      mean <= mean_v;
      q <= {Q_W{1'b0}};
    end else if (adv && v1 && !m1) begin
      q <= q + {{(Q_W-2*C_W){1'b0}}, p1[2*C_W-1:0]};  // c*c >= 0, < 2^(2*X_W)
    end
    if (st == ST_RSQ && rcnt == 2'd0) var_r <= var_v;
    if (st == ST_RSQ && rcnt == 2'd3) begin
      r <= r_next;
      e_z <= e_next + ZSH;
    end
  end

  wire unused_ok = &{1'b0, p1[2*C_W+1:2*C_W], yz_c[0]};
endmodule
`default_nettype wire
