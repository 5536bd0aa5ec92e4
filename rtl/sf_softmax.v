// sf_softmax: base-2 integer softmax of one row, LANES elements per beat, no multiplier and no divider
// (log-sum-exp normalization). C++ reference: sf::softmax() in model/intref.h, same stage order:
//   IN : store the row (signed scores, keep mask), running maximum m over kept elements
//   EXP: per beat: D = (m - s) << (G - in_frac); e = exp2neg(D, 0) (sf_exp2neg); S += e over kept elements
//   LOG: L = log2fix(S) (sf_log2fix)
//   OUT: per beat: p = min(exp2neg(D + L, E - P), 2^P - 1) for kept elements, 0 for masked ones
// The row is i_last-terminated, at most MAX_N elements (MAX_N / LANES beats); i_frac (0..G) is taken at the
// i_last beat. One row at a time: o_ready is low from the i_last handshake until the row's last output beat
// is registered. Latency from the i_last handshake to the first o_valid: beats + 3 cycles; the row's
// output beats follow at one per cycle unless i_ready is low. A row with no kept element yields zeros.
`default_nettype none
`include "sf_policy.vh"
module sf_softmax #(
  parameter integer LANES = 8,
  parameter integer MAX_N = `SF_SM_MAX_ROW,
  parameter integer S_W   = `SF_SM_SCORE_BITS,
  parameter integer P_W   = `SF_SM_PROB_BITS
) (
  input  wire                   i_clk,
  input  wire                   i_rst,
  input  wire                   i_valid,
  output wire                   o_ready,
  input  wire [LANES*S_W-1:0]   i_s,
  input  wire [LANES-1:0]       i_keep,
  input  wire                   i_last,
  input  wire [3:0]             i_frac,
  output reg                    o_valid,
  input  wire                   i_ready,
  output reg  [LANES*P_W-1:0]   o_p,
  output reg                    o_last
);
  localparam integer G    = `SF_SM_FRAC_BITS;
  localparam integer E    = `SF_SM_EXP_OUT_BITS;
  localparam integer NB   = MAX_N / LANES;           // beats per row, at most
  localparam integer B_W  = (NB > 1) ? $clog2(NB) : 1;
  localparam integer D_W  = S_W + 1 + G + 1;         // (m - s) << G, plus L
  localparam integer SUM_W = E + 1 + $clog2(MAX_N);
  localparam integer L_W  = 14;
  localparam integer EXTRA_I = E - P_W;
  localparam [3:0]   EXTRA = EXTRA_I[3:0];
  localparam [1:0] ST_IN = 2'd0, ST_EXP = 2'd1, ST_LOG = 2'd2, ST_OUT = 2'd3;

  reg [1:0]           st;
  reg [B_W-1:0]       nbeats, j;       // beats stored - 1, beat index
  reg [LANES*S_W-1:0] mem_s [0:NB-1];
  reg [LANES-1:0]     mem_k [0:NB-1];
  reg signed [S_W-1:0] m;
  reg                 any;
  reg [3:0]           frac;
  reg [SUM_W-1:0]     sum;
  reg [L_W-1:0]       lg;

  wire out_free = !o_valid || i_ready;
  assign o_ready = (st == ST_IN);
  wire in_fire = i_valid && o_ready;

  // ---- beat maximum over kept elements (IN) ----
  reg signed [S_W-1:0] bmax;
  reg                  bany;
  integer i;
  always @* begin
    bmax = {1'b1, {(S_W-1){1'b0}}};
    bany = 1'b0;
    for (i = 0; i < LANES; i = i + 1) begin
      if (i_keep[i] && (!bany || $signed(i_s[i*S_W +: S_W]) > bmax)) bmax = $signed(i_s[i*S_W +: S_W]);
      if (i_keep[i]) bany = 1'b1;
    end
  end

  // ---- the exponential lanes (EXP and OUT share them) ----
  wire [LANES*S_W-1:0] rd_s = mem_s[j];
  wire [LANES-1:0]     rd_k = mem_k[j];
  wire [LANES*(E+1)-1:0] e_all;
  reg  [SUM_W-1:0]     bsum;
  genvar g;
  generate
    for (g = 0; g < LANES; g = g + 1) begin : g_lane
      wire signed [S_W:0] dd = {m[S_W-1], m} - {rd_s[g*S_W+S_W-1], rd_s[g*S_W +: S_W]};  // >= 0 when kept
      wire [D_W-1:0] dsh = {{(G+1){1'b0}}, dd[S_W:0]} << (G[3:0] - frac);
      wire [D_W-1:0] din = (st == ST_OUT) ? dsh + {{(D_W-L_W){1'b0}}, lg} : dsh;
      sf_exp2neg #(.D_W(D_W)) u_exp (.i_d(din), .i_extra(st == ST_OUT ? EXTRA : 4'd0), .o_e(e_all[g*(E+1) +: E+1]));
    end
  endgenerate
  always @* begin
    bsum = {SUM_W{1'b0}};
    for (i = 0; i < LANES; i = i + 1)
      if (rd_k[i]) bsum = bsum + {{(SUM_W-E-1){1'b0}}, e_all[i*(E+1) +: E+1]};
  end
  wire [L_W-1:0] lg_next;
  sf_log2fix #(.S_W(SUM_W), .L_W(L_W)) u_log (.i_s(sum), .o_l(lg_next));

  // ---- control ----
  always @(posedge i_clk) begin
    if (i_rst) begin
      st <= ST_IN;
      j <= {B_W{1'b0}};
      any <= 1'b0;
      o_valid <= 1'b0;
    end else begin
      if (out_free) o_valid <= 1'b0;
      case (st)
        ST_IN: if (in_fire) begin
          if (i_last) begin
            st <= ST_EXP;
            nbeats <= j;
            j <= {B_W{1'b0}};
          end else begin
            j <= j + 1'b1;
          end
          if (bany) any <= 1'b1;
        end
        ST_EXP: begin
          if (j == nbeats) begin
            st <= ST_LOG;
            j <= {B_W{1'b0}};
          end else begin
            j <= j + 1'b1;
          end
        end
        ST_LOG: st <= ST_OUT;
        default: if (out_free) begin  // ST_OUT
          o_valid <= 1'b1;
          if (j == nbeats) begin
            st <= ST_IN;
            j <= {B_W{1'b0}};
            any <= 1'b0;
          end else begin
            j <= j + 1'b1;
          end
        end
      endcase
    end
  end

  // ---- data path registers ----
  always @(posedge i_clk) begin
    case (st)
      ST_IN: if (in_fire) begin
        mem_s[j] <= i_s;
        mem_k[j] <= i_keep;
        if (bany && (!any || bmax > m)) m <= bmax;
        if (i_last) frac <= i_frac;
        sum <= {SUM_W{1'b0}};
      end
      ST_EXP: sum <= sum + bsum;
      ST_LOG: lg <= lg_next;
      default: if (out_free) begin
        o_last <= (j == nbeats);
        for (i = 0; i < LANES; i = i + 1)
          o_p[i*P_W +: P_W] <= (!rd_k[i] || !any) ? {P_W{1'b0}} :
                               (e_all[i*(E+1)+P_W +: E+1-P_W] != 0) ? {P_W{1'b1}} : e_all[i*(E+1) +: P_W];
      end
    endcase
  end
endmodule
`default_nettype wire
