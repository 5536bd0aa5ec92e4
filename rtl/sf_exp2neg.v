// sf_exp2neg: o_e = round_shift(EXP2[idx], min(q + i_extra, 31)), the base-2 exponential of the softmax.
// i_d = q.f with G = SM_FRAC_BITS fraction bits (the distance below the row maximum, log2 units); idx is f
// rounded to SM_EXP_LUT_BITS bits (a carry moves into q); EXP2[i] = round(2^E * 2^(-i/2^TB)) from the
// generated table. C++ reference: sf::exp2neg(). OPT_REG = 0: combinational (i_clk, i_en unused);
// OPT_REG = 1: a register (enabled by i_en) between the index/shift computation + table and the rounding
// (latency 1), for timing.
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
  wire [TB-1:0] idx = carry ? {TB{1'b0}} : idx_r[TB-1:0];
  // s = min(q + carry + extra, 31)
  wire [D_W-G+1:0] s_full = {2'b00, q} + {{(D_W-G+1){1'b0}}, carry} + {{(D_W-G-2){1'b0}}, i_extra};
  wire [5:0] s_c = (s_full > 31) ? 6'd31 : s_full[5:0];
  wire [E1-1:0] t_c = sf_exp2_lut(idx);
  wire [5:0]    s;
  wire [E1-1:0] t;
  generate
    if (OPT_REG != 0) begin : g_reg
      reg [5:0]    s_r;
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
  wire signed [E1+1:0] r;
  sf_round_shift #(.IN_W(E1+1), .SHIFT_W(6), .OUT_W(E1+2), .OPT_LEFT(0)) u_rs (.i_x({1'b0, t}), .i_shift(s), .o_y(r));
  assign o_e = r[E1-1:0];  // <= 2^E: fits
  wire unused_ok = &{1'b0, r[E1+1:E1]};
endmodule
`default_nettype wire
