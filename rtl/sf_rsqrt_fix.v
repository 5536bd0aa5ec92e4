// sf_rsqrt_fix: 1/sqrt(var) ~= o_r * 2^-(o_e + RQ) for var >= 1. var = m * 4^e with m in [1,4) (leading
// one), m rounded to LN_RSQRT_LUT_BITS fraction bits (a carry to 4.0 moves into e), o_r from the generated
// (3 * 2^RB)-entry table. C++ reference: sf::rsqrt_fix().
// OPT_REG = 0: combinational (i_clk, i_en unused); OPT_REG = 1: registers after the leading-one detection
// and after the normalization shift (latency 2, enabled by i_en), for timing; the second holds the table index
// and the carry (the index's subtraction is gates on two bits, so the table reads a register directly).
`default_nettype none
`include "sf_policy.vh"
module sf_rsqrt_fix #(
  parameter integer V_W = 40,
  parameter integer OPT_REG = 0
) (
  input  wire           i_clk,
  input  wire           i_en,
  input  wire [V_W-1:0] i_var,
  output wire [`SF_LN_RSQRT_OUT_BITS:0] o_r,
  output wire [5:0]     o_e
);
  localparam integer RB = `SF_LN_RSQRT_LUT_BITS;
  `include "sf_tables.vh"

  // ---- step 1: leading one k, e = k / 2, shift 2e - RB ----
  reg [6:0] k, pos;
  integer i;
  always @* begin
    k = 7'd0;
    pos = 7'd0;
    for (i = 0; i < V_W; i = i + 1) begin
      if (i_var[i]) k = pos;
      pos = pos + 7'd1;
    end
  end
  // the shift 2e - RB is in [-RB, 2 * EXM - RB] (e <= EXM: k <= V_W - 1); it goes biased by RB (OPT_BIASED), as
  // 2e = k with bit 0 cleared (EB bits), so no subtraction
  localparam integer EXM = (V_W - 1) / 2;
  localparam integer EB  = $clog2(2 * EXM + 1);
  wire [5:0]    ex_c = k[6:1];
  wire [EB-1:0] sh_c = {k[EB-1:1], 1'b0};
  wire [V_W-1:0] var1;
  wire [5:0]     ex1;
  wire [EB-1:0]  sh1;
  // ---- step 2: t = round_shift(var, 2e - RB) in [2^RB, 4 * 2^RB] (RB + 3 bits): only those bits are computed ----
  wire [RB+2:0] t_c;
  sf_round_shift_clamp #(.IN_W(V_W+1), .SHIFT_W(EB), .LSHIFT_MAX(RB), .RSHIFT_MAX(2*EXM-RB), .OUT_W(RB+3),
                         .OPT_BIASED(1), .OPT_WRAP(1)) u_rs (.i_x({1'b0, var1}), .i_shift(sh1), .o_y(t_c));
  // ---- step 3: carry to 4.0 (t == 4 * 2^RB), table index t - 2^RB (the carry: 0) ----
  // t - 2^RB changes only the top two bits (their value minus 1, mod 4): gates, no carry chain
  wire          carry_c = t_c[RB+2];
  wire [1:0]    th = t_c[RB+1:RB];
  wire [RB+1:0] idx_c = carry_c ? {(RB+2){1'b0}} : {~(th[1] ^ th[0]), ~th[0], t_c[RB-1:0]};
  wire [RB+1:0] idx;
  wire          carry;
  wire [5:0]    ex2;
  generate
    if (OPT_REG != 0) begin : g_reg
      reg [V_W-1:0] var_r; reg [5:0] ex_r, ex_r2; reg [EB-1:0] sh_r; reg [RB+1:0] idx_r; reg carry_r;
      always @(posedge i_clk) if (i_en) begin
        var_r <= i_var; ex_r <= ex_c; sh_r <= sh_c;
        idx_r <= idx_c; carry_r <= carry_c; ex_r2 <= ex1;
      end
      assign var1 = var_r; assign ex1 = ex_r; assign sh1 = sh_r;
      assign idx = idx_r; assign carry = carry_r; assign ex2 = ex_r2;
    end else begin : g_comb
      assign var1 = i_var; assign ex1 = ex_c; assign sh1 = sh_c;
      assign idx = idx_c; assign carry = carry_c; assign ex2 = ex1;
      wire unused_clk = &{1'b0, i_clk, i_en};
    end
  endgenerate
  assign o_r = sf_rsqrt_lut(idx);
  assign o_e = ex2 + {5'd0, carry};
  wire unused_ok = &{1'b0, k[0]};
endmodule
`default_nettype wire
