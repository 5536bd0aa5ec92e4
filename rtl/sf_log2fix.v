// sf_log2fix: o_l = round(2^G * log2(S / 2^E)) for S >= 2^E, by the leading one k of S and a
// 2^SM_LOG_LUT_BITS-entry table of log2(1 + m) indexed by the mantissa rounded to LB bits (a carry moves
// into k). C++ reference: sf::log2fix(). Values S < 2^E give an unspecified result.
// OPT_REG = 0: combinational (i_clk, i_en unused); OPT_REG = 1: registers after the leading-one detection
// and after the mantissa rounding (latency 2, enabled by i_en), for timing.
`default_nettype none
`include "sf_policy.vh"
module sf_log2fix #(
  parameter integer S_W = 22,
  parameter integer L_W = 12,
  parameter integer OPT_REG = 0
) (
  input  wire           i_clk,
  input  wire           i_en,
  input  wire [S_W-1:0] i_s,
  output wire [L_W-1:0] o_l
);
  localparam integer G  = `SF_SM_FRAC_BITS;
  localparam integer LB = `SF_SM_LOG_LUT_BITS;
  localparam [6:0] LB7 = `SF_SM_LOG_LUT_BITS;
  localparam [5:0] E6  = `SF_SM_EXP_OUT_BITS;
  `include "sf_tables.vh"

  // ---- step 1: leading one (k >= E assumed), mantissa u = S - 2^k, shift k - LB ----
  reg [5:0] k, pos;
  integer i;
  always @* begin
    k = 6'd0;
    pos = 6'd0;
    for (i = 0; i < S_W; i = i + 1) begin
      if (i_s[i]) k = pos;
      pos = pos + 6'd1;
    end
  end
  wire [S_W-1:0] u_c  = i_s & ~({{(S_W-1){1'b0}}, 1'b1} << k);
  wire [6:0]     sh_c = {1'b0, k} - LB7;   // >= E - LB > 0
  wire [5:0]     k1;
  wire [S_W-1:0] u1;
  wire [6:0]     sh1;
  // ---- step 2: idx = round_shift(u, k - LB), carry into k ----
  wire signed [S_W+1:0] r;
  sf_round_shift #(.IN_W(S_W+1), .SHIFT_W(7), .OUT_W(S_W+2), .OPT_LEFT(0)) u_rs (.i_x({1'b0, u1}), .i_shift(sh1), .o_y(r));
  wire          carry = r[LB];
  wire [LB-1:0] idx_c = carry ? {LB{1'b0}} : r[LB-1:0];
  wire [5:0]    kk_c  = k1 + {5'd0, carry} - E6;
  wire [LB-1:0] idx2;
  wire [5:0]    kk2;
  generate
    if (OPT_REG != 0) begin : g_reg
      reg [5:0] k_r; reg [S_W-1:0] u_r; reg [6:0] sh_r; reg [LB-1:0] idx_r; reg [5:0] kk_r;
      always @(posedge i_clk) if (i_en) begin
        k_r <= k; u_r <= u_c; sh_r <= sh_c;
        idx_r <= idx_c; kk_r <= kk_c;
      end
      assign k1 = k_r; assign u1 = u_r; assign sh1 = sh_r;
      assign idx2 = idx_r; assign kk2 = kk_r;
    end else begin : g_comb
      assign k1 = k; assign u1 = u_c; assign sh1 = sh_c;
      assign idx2 = idx_c; assign kk2 = kk_c;
      wire unused_clk = &{1'b0, i_clk, i_en};
    end
  endgenerate
  // ---- step 3: L = (k - E) << G + LOG2[idx] ----
  wire [L_W-1:0] kkw = {{(L_W-6){1'b0}}, kk2};
  assign o_l = (kkw << G) + {{(L_W-G){1'b0}}, sf_log2_lut(idx2)};
  wire unused_ok = &{1'b0, r[S_W+1:LB+1]};
endmodule
`default_nettype wire
