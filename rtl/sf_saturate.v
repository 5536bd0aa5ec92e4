// sf_saturate: clamp a signed value to [i_lo, i_hi] (the policy's saturation, one module, reused).
// Combinational. C++ reference: sf::saturate(). Requires i_lo <= i_hi. o_y keeps the low OUT_W bits of the
// clamped value (OUT_W must hold [lo, hi]).
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
  wire signed [IN_W-1:0] lo_w = {{(IN_W-LIM_W){i_lo[LIM_W-1]}}, i_lo};
  wire signed [IN_W-1:0] hi_w = {{(IN_W-LIM_W){i_hi[LIM_W-1]}}, i_hi};
  wire signed [IN_W-1:0] c    = (i_x < lo_w) ? lo_w : ((i_x > hi_w) ? hi_w : i_x);
  assign o_y = c[OUT_W-1:0];
  // upper bits are implied by [lo, hi]
  wire unused_ok = &{1'b0, c[IN_W-1:OUT_W]};
endmodule
`default_nettype wire
