// sf_round_shift: THE rounding rule of shiftformer, used by every unit that rounds (one module, reused).
//   o_y = i_x + 2^(s-1) >>> s   for s > 0 (round half up), i_x for s == 0, i_x << -s for s < 0 (exact).
// Combinational. C++ reference: sf::round_shift() in model/intref.h.
// OUT_W must hold the result: OUT_W >= IN_W + 1 + (largest left shift) (the +1 absorbs the rounding add).
// Right shifts beyond IN_W give 0 (as the formula does: |x| < 2^(s-1)).
// Naming scheme of rtl/: i_/o_ ports, UPPER_CASE parameters, OPT_ switches, lower-case internals.
`default_nettype none
module sf_round_shift #(
  parameter integer IN_W    = 32,
  parameter integer SHIFT_W = 6,   // signed shift amount
  parameter integer OUT_W   = 41,
  parameter integer OPT_LEFT = 1   // 0: right shifts only (i_shift >= 0 by contract), no left barrel shifter
) (
  input  wire signed [IN_W-1:0]    i_x,
  input  wire signed [SHIFT_W-1:0] i_shift,
  output wire signed [OUT_W-1:0]   o_y
);
  wire signed [OUT_W-1:0] x_w = {{(OUT_W-IN_W){i_x[IN_W-1]}}, i_x};
  wire                    neg = (OPT_LEFT != 0) && i_shift[SHIFT_W-1];
  wire [SHIFT_W-1:0]      mag = neg ? (~i_shift + 1'b1) : i_shift;
  // (x + 2^(s-1)) >>> s == (x >>> s) + x[s-1] for s >= 1 (the added 2^(s-1) carries into bit s exactly when
  // x[s-1] is set). One barrel shifter on {x, 0} gives both: its bit 0 is x[s-1] (0 for s == 0) and the rest
  // is x >>> s. Shifts at or beyond the width give 0, as the formula does (-1 + 1 or 0 + 0).
  wire signed [OUT_W:0]   sh2 = $signed({x_w, 1'b0}) >>> mag;
  wire signed [OUT_W-1:0] rnd = sh2[OUT_W:1] + {{(OUT_W-1){1'b0}}, sh2[0]};
  assign o_y = neg ? (x_w <<< mag) : rnd;
endmodule
`default_nettype wire
