// sf_exp2neg: o_e = round_shift(EXP2[idx], min(q + i_extra, 31)), the base-2 exponential of the softmax.
// i_d = q.f with G = SM_FRAC_BITS fraction bits (the distance below the row maximum, log2 units); idx is f
// rounded to SM_EXP_LUT_BITS bits (a carry moves into q); EXP2[i] = round(2^E * 2^(-i/2^TB)) from the
// generated table. C++ reference: sf::exp2neg(). OPT_REG = 0: combinational (i_clk, i_en unused);
// OPT_REG = 1: a register (enabled by i_en) between the index/shift computation + table and the rounding
// (latency 1), for timing.
// The table holds t <= 2^E, so round_shift(t, s) = (t + 2^(s-1)) >> s is 0 for every s >= E + 2: the shift
// saturates at SMAX = E + 2 (5 bits) instead of 31, and the rounding is (({t, 0} >> s) >> 1) + ({t, 0} >> s)[0]
// on E + 2 bits (the rule of sf_round_shift, right shifts of a non-negative value only). A carry of the index
// rounding (idx == 2^TB) leaves idx's low TB bits 0: they index the table directly.
`default_nettype none
`include "sf_policy.vh"
module sf_exp2neg #(
  parameter integer D_W = 26,
  parameter integer OPT_REG = 0
) (
  input  wire           i_clk,
  input  wire           i_en,
  input  wire [D_W-1:0] i_d,
  input  wire [3:0]     i_extra,
  output wire [`SF_SM_EXP_OUT_BITS:0] o_e
);
  localparam integer G  = `SF_SM_FRAC_BITS;
  localparam integer TB = `SF_SM_EXP_LUT_BITS;
  localparam integer E1 = `SF_SM_EXP_OUT_BITS + 1;  // table width
  `include "sf_tables.vh"

  wire [D_W-G-1:0] q = i_d[D_W-1:G];
  wire [G-1:0]     f = i_d[G-1:0];
  // idx = round_shift(f, G - TB), 0 .. 2^TB
  wire [TB:0] idx_r = (G > TB) ? ({1'b0, f[G-1 -: TB]} + {{TB{1'b0}}, f[(G > TB ? G-TB-1 : 0)]}) : {1'b0, f[G-1 -: TB]};
  wire        carry = idx_r[TB];
  wire [TB-1:0] idx = idx_r[TB-1:0];  // 0 on a carry
  // s = min(q + carry + extra, 31), of which only min(s, SMAX) matters: with SW shift bits (2^SW - 1 >= SMAX),
  // a sum at or above 2^SW (q's bits above SW - 1, or the carry of the small sum) becomes the shift 2^SW - 1,
  // and every shift >= SMAX = E + 2 gives 0 in the shifter below, as round_shift(t, s) does (t <= 2^E).
  localparam integer SMAX = `SF_SM_EXP_OUT_BITS + 2;
  localparam integer SW = $clog2(SMAX + 1);            // 4-bit i_extra: the small sum fits SW + 1 bits
  localparam integer QW = D_W - G;                     // QW > SW (D_W > G + SW) by contract
  wire          q_big = |q[QW-1:SW];
  wire [SW:0]   s_sum = {1'b0, q[SW-1:0]} + {{SW{1'b0}}, carry} + {{(SW-3){1'b0}}, i_extra};
  wire [SW-1:0] s_c = s_sum[SW-1:0] | {SW{q_big | s_sum[SW]}};
  wire [E1-1:0] t_c = sf_exp2_lut(idx);
  wire [SW-1:0] s;
  wire [E1-1:0] t;
  generate
    if (OPT_REG != 0) begin : g_reg
      reg [SW-1:0] s_r;
      reg [E1-1:0] t_r;
      always @(posedge i_clk) if (i_en) begin s_r <= s_c; t_r <= t_c; end
      assign s = s_r;
      assign t = t_r;
    end else begin : g_comb
      assign s = s_c;
      assign t = t_c;
      wire unused_clk = &{1'b0, i_clk, i_en};
    end
  endgenerate
  // round_shift(t, s): bit 0 of {t, 0} >> s is t[s-1] (0 for s == 0), the rest is t >> s; <= 2^E: E1 bits.
  // The shifter as two 4:1 steps (s[3:2], then s[1:0]) and the step by 16 (s[4]) last: the smallest mapping
  // of those tried (Yosys synth_ecp5: 91 LUT4 against 160 for a plain >>); written for SW == 5 (E in 14..29).
  reg [E1:0] a2, a3;
  always @* begin
    case (s[3:2])
      2'd0: a2 = {t, 1'b0};
      2'd1: a2 = {t, 1'b0} >> 4;
      2'd2: a2 = {t, 1'b0} >> 8;
      default: a2 = {t, 1'b0} >> 12;
    endcase
    case (s[1:0])
      2'd0: a3 = a2;
      2'd1: a3 = a2 >> 1;
      2'd2: a3 = a2 >> 2;
      default: a3 = a2 >> 3;
    endcase
  end
  wire [E1:0] sh2 = s[4] ? (a3 >> 16) : a3;
  assign o_e = sh2[E1:1] + {{(E1-1){1'b0}}, sh2[0]};
endmodule
`default_nettype wire
