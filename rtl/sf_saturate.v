// sf_saturate: clamp a signed value to [i_lo, i_hi] (the policy's saturation, one module, reused).
// Combinational. C++ reference: sf::saturate(). Requires i_lo <= i_hi and IN_W >= LIM_W. o_y keeps the low
// OUT_W bits of the clamped value (OUT_W must hold [lo, hi]; OUT_W <= LIM_W).
`default_nettype none
module sf_saturate #(
  parameter integer IN_W  = 41,
  parameter integer LIM_W = 9,
  parameter integer OUT_W = 8
) (
  input  wire signed [IN_W-1:0]  i_x,
  input  wire signed [LIM_W-1:0] i_lo,
  input  wire signed [LIM_W-1:0] i_hi,
  output wire        [OUT_W-1:0] o_y
);
  // Values that do not fit LIM_W bits saturate by their sign alone; the others are compared at LIM_W bits
  // (short carry chains instead of IN_W-bit comparators; same result).
  wire [IN_W-LIM_W:0]     top  = i_x[IN_W-1:LIM_W-1];
  wire                    fits = (top == {(IN_W-LIM_W+1){1'b0}}) || (top == {(IN_W-LIM_W+1){1'b1}});
  wire signed [LIM_W-1:0] xs   = i_x[LIM_W-1:0];
  wire signed [LIM_W-1:0] c    = !fits ? (i_x[IN_W-1] ? i_lo : i_hi)
                                       : ((xs < i_lo) ? i_lo : ((xs > i_hi) ? i_hi : xs));
  assign o_y = c[OUT_W-1:0];
  // bits of c above OUT_W are implied by [lo, hi]
  wire unused_ok = &{1'b0, c};
endmodule
`default_nettype wire
