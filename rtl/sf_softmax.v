// sf_softmax: base-2 integer softmax of one row, LANES elements per beat, no multiplier and no divider
// (log-sum-exp normalization). C++ reference: sf::softmax() in model/intref.h, same stage order:
//   IN : store the row (signed scores, keep mask), running maximum m over kept elements
//   EXP: per beat: D = (m - s) << (G - in_frac); e = exp2neg(D, 0) (sf_exp2neg); S += e over kept elements
//   LOG: L = log2fix(S) (sf_log2fix, 3 cycles)
//   OUT: per beat: p = min(exp2neg(D + L, E - P), 2^P - 1) for kept elements, 0 for masked ones
// EXP and OUT issue one beat per cycle into a lane pipeline: P0 m - s | P1 D (+ L) | P2 exp2neg index,
// shift, table | P3 exp2neg rounding | P4 beat sum (EXP) or the output register (OUT) | P5 S += beat sum.
// The whole pipeline advances while !o_valid || i_ready (it stalls only behind a stuck output beat).
// The row is i_last-terminated, at most MAX_N elements (MAX_N / LANES beats); i_frac (0..G) is taken at the
// i_last beat. o_ready is high in IN only (the previous row's last beats may still drain). Latency from the
// i_last handshake to the first o_valid: beats + 14 cycles; the row's output beats follow at one per cycle
// unless i_ready is low. A row with no kept element yields zeros.
// EXT_MAX = 1: the row maximum over the kept elements is not computed here but taken from i_max with the
// i_last beat (the caller keeps it as the scores are produced; the same value, so the same outputs): the
// compare-and-select over the lanes leaves the input path (timing). EXT_MAX = 0: i_max is unused.
`default_nettype none
`include "sf_policy.vh"
module sf_softmax #(
  parameter integer LANES = 8,
  parameter integer MAX_N = `SF_SM_MAX_ROW,
  parameter integer S_W   = `SF_SM_SCORE_BITS,
  parameter integer P_W   = `SF_SM_PROB_BITS,
  parameter integer EXT_MAX = 0
) (
  input  wire                   i_clk,
  input  wire                   i_rst,
  input  wire                   i_valid,
  output wire                   o_ready,
  input  wire [LANES*S_W-1:0]   i_s,
  input  wire [LANES-1:0]       i_keep,
  input  wire                   i_last,
  input  wire [3:0]             i_frac,
  input  wire [S_W-1:0]         i_max,
  output reg                    o_valid,
  input  wire                   i_ready,
  output reg  [LANES*P_W-1:0]   o_p,
  output reg                    o_last
);
  localparam integer G     = `SF_SM_FRAC_BITS;
  localparam integer E     = `SF_SM_EXP_OUT_BITS;
  localparam integer NB    = MAX_N / LANES;          // beats per row, at most
  localparam integer B_W   = (NB > 1) ? $clog2(NB) : 1;
  // D = (m - s) << (G - in_frac) is kept as its low DS_W bits and a flag ov (D >= 2^DS_W) in bit DS_W:
  // exp2neg(D + L, extra) is 0 for every D >= (E+2) << G (its shift q + ... >= E + 2, the table value is
  // <= 2^E), and 2^DS_W >= (E+2) << G, so {ov, D mod 2^DS_W} (>= 2^DS_W when ov) gives the same 0 in both
  // passes. A masked element (or a row without a kept one) sets ov too: its exponential is 0, so it adds 0
  // to the sum and its output is 0 (no keep mask after the lanes). L <= log2(MAX_N) << G (S <= MAX_N 2^E)
  // < 2^DS_W: D + L fits DS_W + 2 bits.
  localparam integer DS_W  = $clog2((E + 2) << G);   // 13
  localparam integer D_W   = DS_W + 2;               // {ov, D}, plus L
  localparam integer SUM_W = E + 1 + $clog2(MAX_N);
  localparam integer L_W   = DS_W + 1;               // L < 2^DS_W (above)
  localparam integer EXTRA_I = E - P_W;
  localparam [3:0]   EXTRA = EXTRA_I[3:0];
  localparam [2:0] ST_IN = 3'd0, ST_EXP = 3'd1, ST_EXPW = 3'd2, ST_LOG = 3'd3, ST_LOG2 = 3'd5, ST_LOG3 = 3'd6,
                   ST_OUT = 3'd4;

  reg [2:0]           st;
  reg [B_W-1:0]       nbeats, j;       // beats stored - 1, beat index
  reg [LANES*S_W-1:0] mem_s [0:NB-1];
  reg [LANES-1:0]     mem_k [0:NB-1];
  reg signed [S_W-1:0] m;
  reg                 any;
  reg [3:0]           frac;
  reg [SUM_W-1:0]     sum;
  reg [L_W-1:0]       lg;

  wire adv = !o_valid || i_ready;       // the lane pipeline moves
  assign o_ready = (st == ST_IN);
  wire in_fire = i_valid && o_ready;
  wire issue = adv && (st == ST_EXP || st == ST_OUT);
  wire issue_last = (j == nbeats);

  // ---- beat maximum over kept elements (IN) ----
  reg signed [S_W-1:0] bmax;
  wire                 bany = |i_keep;
  integer i;
  generate
    if (EXT_MAX == 0) begin : g_bmax
      reg b;
      always @* begin
        bmax = {1'b1, {(S_W-1){1'b0}}};
        b = 1'b0;
        for (i = 0; i < LANES; i = i + 1) begin
          if (i_keep[i] && (!b || $signed(i_s[i*S_W +: S_W]) > bmax)) bmax = $signed(i_s[i*S_W +: S_W]);
          if (i_keep[i]) b = 1'b1;
        end
      end
      wire unused_max = &{1'b0, i_max};
    end else begin : g_xmax
      always @* bmax = $signed(i_max);
    end
  endgenerate

  // ---- lane pipeline control: valid, OUT mode, last beat (the keep mask enters the lanes' ov at P0) ----
  reg v0, v1, v2, v3, o0, o1, o2, o3, l0, l1, l2, l3, v4e, l4;
  reg [3:0]       dsh_n;      // G - in_frac
  reg [DS_W-1:0]  dsh_m;      // the top dsh_n bits of a DS_W-bit value
  reg [D_W-1:0]   lg_o;       // L in OUT, 0 in EXP
  always @(posedge i_clk) begin
    if (i_rst) begin
      v0 <= 1'b0; v1 <= 1'b0; v2 <= 1'b0; v3 <= 1'b0; v4e <= 1'b0;
    end else if (adv) begin
      v0 <= issue; v1 <= v0; v2 <= v1; v3 <= v2; v4e <= v3 && !o3;
    end
  end
  always @(posedge i_clk) begin
    if (adv) begin
      o0 <= (st == ST_OUT); o1 <= o0; o2 <= o1; o3 <= o2;
      l0 <= issue_last; l1 <= l0; l2 <= l1; l3 <= l2; l4 <= l3;
      // the row's shift (from in_frac) and L travel with the beat (a new row may arrive meanwhile); computed
      // here from registers, so P1 holds only the shift and the add
      dsh_n <= G[3:0] - frac;
      dsh_m <= ~({DS_W{1'b1}} >> (G[3:0] - frac));
      lg_o  <= (st == ST_OUT) ? {1'b0, lg} : {D_W{1'b0}};
    end
  end

  // ---- the exponential lanes ----
  // P1 shift G - in_frac (i_frac in 0..G by contract), shared by the lanes, and the mask of the DS_W-bit d's
  // top bits that the shift moves out (any set: ov); L enters in OUT only (dsh_n, dsh_m, lg_o: registers)
  wire [LANES*S_W-1:0]   rd_s = mem_s[j];
  wire [LANES-1:0]       rd_k = mem_k[j] & {LANES{any}};
  wire [LANES*(E+1)-1:0] e_all;
  genvar g;
  generate
    for (g = 0; g < LANES; g = g + 1) begin : g_lane
      // m - s >= 0 for kept elements; ov: m - s >= 2^DS_W, or not kept
      wire signed [S_W:0] dd = {m[S_W-1], m} - {rd_s[g*S_W+S_W-1], rd_s[g*S_W +: S_W]};
      reg  [DS_W-1:0] dd0;                                                  // P0
      reg             ov0;
      always @(posedge i_clk) if (adv) begin dd0 <= dd[DS_W-1:0]; ov0 <= |dd[S_W:DS_W] || !rd_k[g]; end
      wire [DS_W-1:0] sb = dd0 << dsh_n;
      wire            ov1 = ov0 || |(dd0 & dsh_m);
      reg  [D_W-1:0]  d1;                                                   // P1
      always @(posedge i_clk) if (adv) d1 <= {1'b0, ov1, sb} + lg_o;
      reg  [E:0] e3;                                                        // P2 (inside) and P3
      wire [E:0] e;
      sf_exp2neg #(.D_W(D_W), .OPT_REG(1)) u_exp (.i_clk(i_clk), .i_en(adv), .i_d(d1),
                                                   .i_extra(o1 ? EXTRA : 4'd0), .o_e(e));
      always @(posedge i_clk) if (adv) e3 <= e;
      assign e_all[g*(E+1) +: E+1] = e3;
    end
  endgenerate

  // ---- P4: beat sum (EXP) as a balanced tree, or the output beat (OUT) ----
  // node g (depth floor(log2(g + 1))) sums at most 2^(clog2(LANES) - depth) values <= 2^E: its width
  wire [SUM_W-1:0] tree [0:2*LANES-2] /* verilator split_var */;
  generate
    for (g = 0; g < LANES; g = g + 1) begin : g_leaf
      assign tree[LANES-1+g] = {{(SUM_W-E-1){1'b0}}, e_all[g*(E+1) +: E+1]};  // 0 for a masked element
    end
    for (g = 0; g < LANES - 1; g = g + 1) begin : g_node
      localparam integer TW = E + 1 + $clog2(LANES) - ($clog2(g + 2) - 1);
      wire [TW-1:0] t = tree[2*g+1][TW-1:0] + tree[2*g+2][TW-1:0];
      assign tree[g] = {{(SUM_W-TW){1'b0}}, t};
    end
  endgenerate
  reg [SUM_W-1:0] bs4;
  always @(posedge i_clk) begin
    if (adv) begin
      bs4 <= tree[0];
      if (v3 && o3) begin
        o_last <= l3;
        for (i = 0; i < LANES; i = i + 1)
          // e = exp2neg(., E - P) <= 2^E >> (E - P) = 2^P in OUT: bit P is the only one above the output
          o_p[i*P_W +: P_W] <= e_all[i*(E+1)+P_W] ? {P_W{1'b1}} : e_all[i*(E+1) +: P_W];  // 0 if masked
      end
    end
  end
  always @(posedge i_clk) begin
    if (i_rst) o_valid <= 1'b0;
    else if (adv) o_valid <= v3 && o3;
  end

  wire [L_W-1:0] lg_next;
  sf_log2fix #(.S_W(SUM_W), .L_W(L_W), .OPT_REG(1)) u_log (.i_clk(i_clk), .i_en(1'b1), .i_s(sum), .o_l(lg_next));

  // ---- control ----
  always @(posedge i_clk) begin
    if (i_rst) begin
      st <= ST_IN;
      j <= {B_W{1'b0}};
      any <= 1'b0;
    end else begin
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
        ST_EXP: if (issue) begin
          if (issue_last) begin
            st <= ST_EXPW;
            j <= {B_W{1'b0}};
          end else begin
            j <= j + 1'b1;
          end
        end
        ST_EXPW: if (adv && v4e && l4) st <= ST_LOG;  // the last beat sum enters S at this edge
        ST_LOG: st <= ST_LOG2;    // sf_log2fix: two internal registers
        ST_LOG2: st <= ST_LOG3;
        ST_LOG3: st <= ST_OUT;
        default: if (issue) begin  // ST_OUT
          if (issue_last) begin
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

  // ---- data registers ----
  always @(posedge i_clk) begin
    if (st == ST_IN && in_fire) begin
      mem_s[j] <= i_s;
      mem_k[j] <= i_keep;
      if (EXT_MAX != 0) begin
        if (i_last) m <= bmax;
      end else if (bany && (!any || bmax > m)) begin
        m <= bmax;
      end
      if (i_last) frac <= i_frac;
    end
    if (st == ST_EXP && j == {B_W{1'b0}} && issue) sum <= {SUM_W{1'b0}};
    else if (adv && v4e) sum <= sum + bs4;
    if (st == ST_LOG3) lg <= lg_next;
  end
endmodule
`default_nettype wire
