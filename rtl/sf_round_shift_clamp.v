// sf_round_shift_clamp: the rounding rule of sf_round_shift (rtl/sf_round_shift.v, THE rule) with the result
// clamped to OUT_W bits (signed), computed narrow:
//   o_y = saturate(round_shift(i_x, i_shift), -2^(OUT_W-1), 2^(OUT_W-1) - 1)
// Only the OUT_W + 1 bits the result needs pass the shifter: the window [OUT_W:0] of {x, 0} >>> s (bit 0 the
// rounding bit x[s-1], bits OUT_W..1 the low bits of x >>> s; a left shift by padding LSHIFT_MAX zeros below
// and shifting right by s + LSHIFT_MAX). The shifter's stages go from the largest step to the smallest, each
// keeping only the bits the window can still reach. Whether x >>> s leaves the OUT_W-bit range comes from the
// bits at and above the window's top (bit OUT_W - 1 of x >>> s): compared with the sign under a mask that
// depends on the shift only (the lanes of one configuration share it once flattened). After the rounding add,
// only the largest value can overflow (to the largest value: clamped). OPT_WRAP = 1: the window alone, the low
// OUT_W bits of the result (a narrow rounding shift for a result known to fit OUT_W bits). Combinational.
// o_win / o_out: the pieces before the rounding add, for a caller that registers them and adds later
// (sf_shift_rescale stage 2 -> 3): o_win = the window ({x >>> s low OUT_W bits, x[s-1]}), o_out = x >>> s
// leaves the OUT_W-bit range; then o_y = o_out ? sat : {o_win[OUT_W], o_win[OUT_W:1]} + o_win[0] clamped
// (an upward overflow of that add only reaches 2^(OUT_W-1)). Callers of o_y alone leave them open. OUT_PARTS > 1:
// o_out is that many partial flags (groups of the range test's terms), their OR the flag.
// Shift range [-LSHIFT_MAX, RSHIFT_MAX] (contract). C++ reference: sf::saturate(sf::round_shift(x, s), ...)
// (model/intref.h); tested in tb_round_shift_clamp_*.
`default_nettype none
module sf_round_shift_clamp #(
  parameter integer IN_W       = 32,
  parameter integer SHIFT_W    = 6,                         // signed shift amount
  parameter integer LSHIFT_MAX = 0,                         // largest left shift; 0: right shifts only
  parameter integer RSHIFT_MAX = (1 << (SHIFT_W - 1)) - 1,  // largest right shift
  parameter integer OUT_W      = 10,
  parameter integer OPT_BIASED = 0,   // 1: i_shift carries shift + LSHIFT_MAX (unsigned: the add is the caller's)
  parameter integer OPT_WRAP   = 0,   // 1: no clamp, o_y = the low OUT_W bits of round_shift(i_x, i_shift) (the
                                      //    caller's value range makes them the result; no range test)
  parameter integer OUT_PARTS  = 1    // o_out as OUT_PARTS partial flags (their OR is the flag): a caller that
                                      // registers them ORs after the register (a shorter OR tree before it)
) (
  input  wire signed [IN_W-1:0]    i_x,
  input  wire signed [SHIFT_W-1:0] i_shift,
  output wire signed [OUT_W-1:0]   o_y,
  output wire        [OUT_W:0]     o_win,
  output wire [OUT_PARTS-1:0]      o_out
);
  localparam integer VW = IN_W + 1 + LSHIFT_MAX;                // v = {x, 0, LSHIFT_MAX zeros}
  localparam integer EB = $clog2(RSHIFT_MAX + LSHIFT_MAX + 1);  // e = shift + LSHIFT_MAX in [0, 2^EB)
  localparam integer SW = (EB > SHIFT_W ? EB : SHIFT_W) + 1;
  wire          sgn = i_x[IN_W-1];
  wire [SW-1:0] e_w = (OPT_BIASED != 0) ? {{(SW-SHIFT_W){1'b0}}, i_shift}
                                        : {{(SW-SHIFT_W){i_shift[SHIFT_W-1]}}, i_shift} + LSHIFT_MAX[SW-1:0];
  wire [EB-1:0] e = e_w[EB-1:0];
  reg  [VW-1:0] v;
  always @(*) begin
    v = {VW{1'b0}};
    v[VW-1 -: IN_W] = i_x;
  end

  // the window: stage g shifts by 2^g (e[g]) and keeps OUT_W + 2^g bits (the window + the steps still to come)
  genvar g;
  generate
    for (g = EB; g >= 0; g = g - 1) begin : g_sh
      localparam integer W = OUT_W + (1 << g);
      wire [W-1:0] y;
      if (g == EB) begin : g_in  // v, truncated or sign-extended to W bits
        if (VW > W) begin : g_t  // bits above W - 1 never reach the window (they are in the range test)
          assign y = v[W-1:0];
          wire unused_v = &{1'b0, v[VW-1:W]};
        end else if (VW == W) begin : g_e
          assign y = v;
        end else begin : g_x
          assign y = {{(W-VW){sgn}}, v};
        end
      end else begin : g_st
        assign y = e[g] ? g_sh[g+1].y[W-1+(1<<g):(1<<g)] : g_sh[g+1].y[W-1:0];
      end
    end
  endgenerate
  wire [OUT_W:0] win = g_sh[0].y;

  // out of range: a bit of v at or above e + OUT_W differs from the sign; v's low LSHIFT_MAX + 1 bits are zeros
  // (one term: the mask is a thermometer, so the highest of them, bit LSHIFT_MAX, is set if any is). Bit i of
  // the mask is e <= i - OUT_W, a compare of e with a constant (no e + OUT_W add, no shifter of ones), written
  // as gates (a $le cell would become a carry chain per bit)
  function le_const;  // a <= c, c a constant in [0, 2^EB)
    input [EB-1:0] a;
    input integer  c;
    integer b;
    reg lt, eq;
    begin
      lt = 1'b0;
      eq = 1'b1;
      for (b = EB - 1; b >= 0; b = b - 1) begin
        lt = lt | (eq & !a[b] & c[b]);
        eq = eq & (a[b] == c[b]);
      end
      le_const = lt | eq;
    end
  endfunction
  wire [VW-1:0] mask;
  genvar mi;
  generate
    for (mi = 0; mi < VW; mi = mi + 1) begin : g_mask
      if (mi < OUT_W) begin : g_0
        assign mask[mi] = 1'b0;
      end else if (mi - OUT_W >= (1 << EB) - 1) begin : g_1
        assign mask[mi] = 1'b1;
      end else begin : g_c
        assign mask[mi] = le_const(e, mi - OUT_W);   // mi - OUT_W in [0, 2^EB - 2]
      end
    end
  endgenerate
  wire [IN_W-2:0] oterm = (i_x[IN_W-2:0] ^ {(IN_W-1){sgn}}) & mask[VW-2:LSHIFT_MAX+1];
  wire          out = |oterm || (sgn && mask[LSHIFT_MAX]);
  // the partial flags: the terms whose mask bit can be set (mask bits below OUT_W are 0) in OUT_PARTS groups
  localparam integer T0 = (OUT_W > LSHIFT_MAX + 1) ? OUT_W - LSHIFT_MAX - 1 : 0;   // first such term
  localparam integer TN = IN_W - 1 - T0;                                             // how many
  localparam integer GP = (TN + OUT_PARTS - 1) / OUT_PARTS;                          // terms per group
  genvar pi;
  generate
    for (pi = 0; pi < OUT_PARTS; pi = pi + 1) begin : g_part
      localparam integer LO = T0 + pi * GP;
      localparam integer HI = (LO + GP - 1 < IN_W - 2) ? LO + GP - 1 : IN_W - 2;
      wire sg = (pi == 0) && sgn && mask[LSHIFT_MAX];
      if (LO <= HI) begin : g_t
        assign o_out[pi] = |oterm[HI:LO] || sg;
      end else begin : g_e
        assign o_out[pi] = sg;
      end
    end
  endgenerate
  // (x >>> s) + x[s-1] in OUT_W + 1 bits; in range before the add, it overflows only upwards from the largest
  wire [OUT_W:0] sum = {win[OUT_W], win[OUT_W:1]} + {{OUT_W{1'b0}}, win[0]};
  wire           up = sum[OUT_W] != sum[OUT_W-1];
  assign o_y = (OPT_WRAP == 0 && (out || up)) ? {sgn, {(OUT_W-1){~sgn}}} : sum[OUT_W-1:0];
  assign o_win = win;
  wire unused_ok = &{1'b0, e_w[SW-1:EB], mask[VW-1]};
endmodule
`default_nettype wire
