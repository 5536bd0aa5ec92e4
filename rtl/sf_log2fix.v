// sf_log2fix: o_l = round(2^G * log2(S / 2^E)) for S >= 2^E, by the leading one k of S and a
// 2^SM_LOG_LUT_BITS-entry table of log2(1 + m) indexed by the mantissa rounded to LB bits (a carry moves
// into k). C++ reference: sf::log2fix(). Values S < 2^E give an unspecified result.
// The mantissa u = S - 2^k < 2^k is rounded by k - LB >= E - LB > 0 bits: idx = u[k-1:k-LB] + u[k-LB-1], i.e.
// the LB + 1 bits of S just below its leading one (a window selected by k, one of the S_W - E positions
// E..S_W-1: no barrel shifter, no mask). The leading one is searched in bits E..S_W-1 only (S >= 2^E).
// A carry of the rounding (idx == 2^LB) leaves idx's low LB bits 0: they index the table directly.
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
  localparam integer E  = `SF_SM_EXP_OUT_BITS;
  localparam integer NK = S_W - E;                       // leading-one positions E .. S_W-1
  localparam integer KW = (NK > 1) ? $clog2(NK) : 1;     // k - E
  localparam integer LO = E - LB - 1;                    // lowest bit a window reaches (k = E)
  `include "sf_tables.vh"

  // ---- step 1: leading one k (k >= E assumed), kept as k - E ----
  reg [KW-1:0] kr;
  integer i;
  always @* begin
    kr = {KW{1'b0}};
    for (i = 1; i < NK; i = i + 1)
      if (i_s[E+i]) kr = i[KW-1:0];
  end
  wire [KW-1:0]     k1;
  wire [S_W-2:LO]   s1;   // the bits any window can reach
  // ---- step 2: idx = round_shift(S - 2^k, k - LB): the window S[k-1:k-LB-1], rounded; carry into k ----
  reg  [LB:0] w;
  always @* begin
    w = {(LB+1){1'b0}};
    for (i = 0; i < NK; i = i + 1)
      if (k1 == i[KW-1:0]) w = s1[E+i-1 -: LB+1];
  end
  wire [LB:0]   r     = {1'b0, w[LB:1]} + {{LB{1'b0}}, w[0]};
  wire [LB-1:0] idx_c = r[LB-1:0];                         // 0 on a carry (r == 2^LB)
  wire [5:0]    kk_c  = {{(6-KW){1'b0}}, k1} + {5'd0, r[LB]};
  wire [LB-1:0] idx2;
  wire [5:0]    kk2;
  generate
    if (OPT_REG != 0) begin : g_reg
      reg [KW-1:0] k_r; reg [S_W-2:LO] s_r; reg [LB-1:0] idx_r; reg [5:0] kk_r;
      always @(posedge i_clk) if (i_en) begin
        k_r <= kr; s_r <= i_s[S_W-2:LO];
        idx_r <= idx_c; kk_r <= kk_c;
      end
      assign k1 = k_r; assign s1 = s_r;
      assign idx2 = idx_r; assign kk2 = kk_r;
    end else begin : g_comb
      assign k1 = kr; assign s1 = i_s[S_W-2:LO];
      assign idx2 = idx_c; assign kk2 = kk_c;
      wire unused_clk = &{1'b0, i_clk, i_en};
    end
  endgenerate
  // ---- step 3: L = (k - E) << G + LOG2[idx] ----
  wire [L_W-1:0] kkw = {{(L_W-6){1'b0}}, kk2};
  assign o_l = (kkw << G) + {{(L_W-G){1'b0}}, sf_log2_lut(idx2)};
  wire unused_ok = &{1'b0, i_s[LO-1:0]};
endmodule
`default_nettype wire
