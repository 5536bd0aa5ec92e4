// sf_eng_w: the W unit's engine -- LINEAR and OUTPUT on sf_qlinear (W_LANES outputs x W_KPAR inputs per
// beat) with RS_W sf_shift_rescale lanes behind it. docs/core.md gives the rules; the C++ cycle model
// (model/compiler.cpp, exec_time) states the same ones.
//
// An instruction is a sequence of pairs (row r, tile of W_LANES outputs), rows outer. Beat side: a pair is
// decided at cycle P (the previous pair's step is over and the drain will be free when the tile completes);
// from P + 1 it fetches NB x G weight words (NB = ceil(n_in / W_KPAR) beats, G = 1, 2, 4 digits = words per
// beat) and, at each beat's first word, two input bytes; each beat is handed to sf_qlinear when its last word
// arrives; the tile is complete (o_valid) at V = P + BL, BL = NB G + G + 3. The next pair is decided at
// P + max(NB G, DR) at the earliest, and late enough that its first beat (G' digits) reaches the array after
// this pair's last beat's digits (P' + G' >= P + NB G + G) and its tile after this drain (P' + BL' >= V + DR). Drain: from V, step i (i < DR = ceil(n_tile / RS_W)) takes outputs
// 2i, 2i+1 with their biases (BMEM, two ports), adds them (int32, wraps: the same sum as a bias loaded
// first), rescales them and writes both bytes at V + i + W_DRAIN_LAT. OUTPUT: one output, rescaled to int16,
// plus the last reading, into the forecast buffer.
// Parameters (the output rescale, 5 words) are read right after the issue into the instruction's context
// (CTX contexts: up to CTX instructions in flight).
`default_nettype none
`include "sf_isa.vh"
`include "sf_policy.vh"
module sf_eng_w #(
  parameter integer IW    = `SF_ISA_INSTR_WORDS * 32,
  parameter integer LANES = `SF_ISA_W_LANES,
  parameter integer KPAR  = `SF_ISA_W_KPAR,
  parameter integer W_MAX = `SF_ISA_W_MAX,
  parameter integer WW    = `SF_ISA_WMEM_WIDTH,
  parameter integer WA    = $clog2(`SF_ISA_WMEM_DEPTH),
  parameter integer BA    = $clog2(`SF_ISA_BMEM_DEPTH)
) (
  input  wire                i_clk,
  input  wire                i_rst,
  input  wire                i_issue,
  input  wire [IW-1:0]       i_instr,
  output wire                o_free,
  output reg                 o_done,
  // parameter memory (the W region), registered read
  output reg  [11:0]         o_pa0,
  output reg  [11:0]         o_pa1,
  input  wire [31:0]         i_pd0,
  input  wire [31:0]         i_pd1,
  // weights, registered read
  output wire [WA-1:0]       o_wmem_addr,
  input  wire [WW-1:0]       i_wmem_data,
  // biases, two registered read ports
  output wire [BA-1:0]       o_bmem_addr0,
  output wire [BA-1:0]       o_bmem_addr1,
  input  wire [31:0]         i_bmem_data0,
  input  wire [31:0]         i_bmem_data1,
  // the input memories X_IO, X_W, X_A, X_N (16-bit words, byte address >> 1), registered read
  output wire [15:0]         o_x_addr,
  input  wire [4*16-1:0]     i_x_data,
  // writes: two bytes (one for OUTPUT into the forecast buffer)
  output wire                o_wr_valid,
  output wire [3:0]          o_wr_mem,
  output wire                o_wr_dual,
  output wire [15:0]         o_wr_addr,
  output wire [15:0]         o_wr_data,
  // the same writes' enables per scratch memory (X_W, NA_W or dual, NB; QK and V per byte lane of their
  // 128-bit words), registered: decoded a cycle ahead from the rescale pipeline's stage 2 (sf_core wires
  // them to the memories' write enables: no decode between a register and a block RAM's byte enables)
  output reg                 o_we_xw,
  output reg                 o_we_naw,
  output reg                 o_we_nb,
  output reg  [15:0]         o_we_qk,
  output reg  [15:0]         o_we_v,
  output wire                o_ob_valid,
  output wire [7:0]          o_ob_addr,
  output wire [31:0]         o_ob_data,
  input  wire [15:0]         i_last
);
  localparam integer CTX = `SF_ISA_CTX;
  localparam integer CI  = $clog2(CTX);
  localparam integer RS  = `SF_ISA_RS_W;
  localparam integer OW  = 16;                 // rescale output width (OUTPUT: int16)
  localparam integer ZW  = 17;
  localparam integer ACC = `SF_ACC_BITS;
  // The array's accumulators are only as wide as a weighted sum can get: every partial sum of a LINEAR/OUTPUT
  // row is sum_j w_j x_j over at most NIN_MAX inputs (spec/isa.toml [maxima]: the compiler refuses larger
  // layers), x_j unsigned SF_ACT_BITS, |w_j| <= 2^(W_MAX-1); the bias is added in the drain at ACC bits. So
  // QACC signed bits hold every value exactly and the sign-extended sum equals the int32 one (lite: 18 bits).
  localparam integer NIN_MAX = (`SF_ISA_MAX_D_FF > `SF_ISA_MAX_D_MODEL) ? `SF_ISA_MAX_D_FF : `SF_ISA_MAX_D_MODEL;
  localparam integer QMAG = NIN_MAX * ((1 << `SF_ACT_BITS) - 1) * (1 << (W_MAX - 1));
  localparam integer QACC = $clog2(QMAG + 1) + 1;

  sf_eng_slot u_slot (.i_clk(i_clk), .i_rst(i_rst), .i_issue(i_issue), .i_done(o_done), .o_free(o_free));

  // ---- contexts: the instruction and its rescale parameters ----
  reg [IW-1:0]      c_ins  [0:CTX-1];
  reg [15:0]        c_mult [0:CTX-1];
  reg [5:0]         c_shift[0:CTX-1];
  reg [ZW-1:0]      c_zp   [0:CTX-1], c_lo [0:CTX-1], c_hi [0:CTX-1];
  reg [CI-1:0]      wp;          // next context to fill
  reg [CTX-1:0]     c_we;        // context k is written this cycle (wp = k and free; one-hot or 0)
  reg               c_wen;       // context wp is written this cycle (= |c_we)
  wire              i_rm0 = i_instr[`SF_F_ROWS] == 8'd1;
  reg [CI:0]        pending;     // issued, not yet started by the beat side
  reg [2:0]         pl_cnt;      // parameter load: cycles since the issue
  reg               pl_run;
  reg [CI-1:0]      pl_idx;
  // per-context values derived from the instruction at the issue (registers: the pair decision reads them)
  reg  [2:0]        c_g    [0:CTX-1];   // words per beat (digits): 1, 2, 4
  reg  [7:0]        c_nb   [0:CTX-1];   // beats
  reg  [9:0]        c_nbg  [0:CTX-1];   // fetch cycles NB G
  reg  [10:0]       c_bl   [0:CTX-1];   // NB G + G + 3
  reg  [10:0]       c_bl1  [0:CTX-1];   // BL + 1
  reg  [3:0]        c_g1   [0:CTX-1];   // G + 1
  reg  [7:0]        c_tm1  [0:CTX-1];   // tiles - 1
  reg  [7:0]        c_rm1  [0:CTX-1];   // rows - 1
  reg  [7:0]        c_tm2  [0:CTX-1], c_rm2 [0:CTX-1];   // tiles - 2, rows - 2
  reg               c_tm0  [0:CTX-1], c_rm0 [0:CTX-1];   // one tile, one row
  // the pair's drain steps and the counters the decision loads, per context for a full tile (DR = LANES / RS)
  // and for the last tile (n_out - (tiles - 1) LANES outputs): the decision only selects (no n_out - toff)
  reg  [7:0]        c_drl  [0:CTX-1];   // drain steps of the last tile
  reg  [10:0]       c_stf  [0:CTX-1], c_stl [0:CTX-1];   // max(NB G, DR) - 1: full tile, last tile
  reg               c_stf0 [0:CTX-1], c_stl0 [0:CTX-1];  // ... = 0
  reg  [10:0]       c_dff  [0:CTX-1], c_dfl [0:CTX-1];   // BL + DR - 1: full tile, last tile
  reg  [10:0]       c_hs   [0:CTX-1];   // NB G + G - 1
  reg               c_hs1  [0:CTX-1];   // ... <= 1 (W_MAX = 2: the next pair's hok after a last pair)
  reg               c_dr1l [0:CTX-1];   // the last tile drains in one step
  reg               c_nbg1 [0:CTX-1];   // NB G = 1
  reg               c_nb1  [0:CTX-1];   // NB = 1
  wire [1:0]        i_mode = i_instr[`SF_F_WMODE];
  wire [7:0]        i_nin  = i_instr[`SF_F_N_IN];
  wire [7:0]        i_nout = i_instr[`SF_F_N_OUT];
  // Issue-derived values, registered from the buffered instruction every cycle (timing: i_instr -> n_b ->
  // n_b G -> BL -> the decision compare was the routed design's critical path, 13.2 ns). Exact because the
  // sequencer issues an instruction at the earliest in the second cycle after its buffer is loaded (sf_seq
  // buf_old), so i_instr has been stable for a cycle. A simulation stop below checks each at every issue.
  // W_MAX = 2 (the ternary-only array): every layer is 2-bit (the compiler refuses wider weights for the build,
  // model/compiler.cpp), one word per beat: G = 1 whatever the mode field says (no digit logic is built)
  localparam integer ONE_DIG = (W_MAX == 2) ? 1 : 0;
  wire [2:0]        i_g_c    = (ONE_DIG != 0 || i_mode == 2'd0) ? 3'd1 : ((i_mode == 2'd1) ? 3'd2 : 3'd4);
  wire [8:0]        i_nb9_c  = ({1'b0, i_nin} + KPAR[8:0] - 9'd1) / KPAR[8:0];
  wire [9:0]        i_nbg_c  = (ONE_DIG != 0 || i_mode == 2'd0) ? {2'b0, i_nb9_c[7:0]} :
                               ((i_mode == 2'd1) ? {1'b0, i_nb9_c[7:0], 1'b0} : {i_nb9_c[7:0], 2'b0});
  wire [8:0]        i_t9_c   = ({1'b0, i_nout} + LANES[8:0] - 9'd1) / LANES[8:0];
  localparam integer LL  = $clog2(LANES);   // LANES is a power of two (checked below)
  localparam integer DRF = (LANES + RS - 1) / RS;
  wire [LL-1:0]     i_ntm_c  = i_nout[LL-1:0] + {LL{1'b1}};                  // (n_out - 1) mod LANES
  wire [7:0]        i_ntl_c  = {{(8-LL){1'b0}}, i_ntm_c} + 8'd1;   // the last tile's outputs, 1..LANES
  wire [7:0]        i_drl_c  = (i_ntl_c + RS[7:0] - 8'd1) / RS[7:0];
  // G = 1 (ONE_DIG): BL = NB + 4 = (n_in + 5 KPAR - 1) / KPAR, BL + 1 likewise: one add each (no add behind
  // the division's add)
  localparam integer BLC0 = 5 * KPAR - 1, BLC1 = 6 * KPAR - 1;
  wire [10:0]       i_bl_c   = (ONE_DIG != 0) ? ({3'd0, i_nin} + BLC0[10:0]) / KPAR[10:0]
                                              : {1'b0, i_nbg_c} + {8'd0, i_g_c} + 11'd3;
  wire [10:0]       i_bl1_c  = (ONE_DIG != 0) ? ({3'd0, i_nin} + BLC1[10:0]) / KPAR[10:0] : i_bl_c + 11'd1;
  wire              unused_i = &{1'b0, i_nb9_c[8], i_t9_c[8]};
  reg  [2:0]        i_g;
  reg  [7:0]        i_nb, i_tm1, i_tm2, i_drl;
  reg  [9:0]        i_nbg;
  reg               i_nbg0, i_nbg1, i_nb1, i_drl0, i_drl1;   // NB G = 0, = 1, NB = 1, the last tile's DR = 0, = 1
  // one tile (1 <= n_out <= W_LANES): from the instruction itself, like i_rm0 (not registered: the context's
  // copy, written every cycle while the context is free, then equals the issue's value, see c_we)
  wire              i_tm0 = i_nout != 8'd0 && {1'b0, i_nout} <= LANES[8:0];
  reg  [10:0]       i_bl, i_bl1;
  reg  [3:0]        i_g1;
  always @(posedge i_clk) begin
    i_g <= i_g_c;
    i_nb <= i_nb9_c[7:0];
    i_nbg <= i_nbg_c;
    i_tm1 <= i_t9_c[7:0] - 8'd1;
    i_tm2 <= i_t9_c[7:0] - 8'd2;
    i_nbg0 <= i_nbg_c == 10'd0;
    i_nbg1 <= i_nbg_c == 10'd1;
    i_nb1 <= i_nb9_c[7:0] == 8'd1;
    i_drl0 <= i_drl_c == 8'd0;
    i_drl1 <= i_drl_c == 8'd1;
    i_drl <= i_drl_c;
    i_bl <= i_bl_c;
    i_bl1 <= i_bl1_c;
    i_g1 <= {1'b0, i_g_c} + 4'd1;
  end
  wire [10:0]       i_stf  = ({1'b0, i_nbg} > DRF[10:0]) ? {1'b0, i_nbg} - 11'd1 : DRF[10:0] - 11'd1;
  wire [10:0]       i_stl  = ({1'b0, i_nbg} > {3'd0, i_drl}) ? {1'b0, i_nbg} - 11'd1 : {3'd0, i_drl} - 11'd1;
  // ... = 0 from the registered flags (no compare behind the subtraction behind the compare): max(NB G, DR) = 1
  // (NB G > DR: NB G = 1, DR = 0; else DR = 1, NB G <= 1); the full tile's DR is DRF
  wire              i_stf0 = (DRF == 1) && (i_nbg0 || i_nbg1);
  wire              i_stl0 = (i_nbg1 && i_drl0) || ((i_nbg0 || i_nbg1) && i_drl1);
`ifndef SYNTHESIS
`ifndef FORMAL
  always @(posedge i_clk)
    if (!i_rst && i_issue && (i_g != i_g_c || i_nb != i_nb9_c[7:0] || i_nbg != i_nbg_c || i_drl != i_drl_c
        || i_tm1 != i_t9_c[7:0] - 8'd1 || i_tm2 != i_t9_c[7:0] - 8'd2 || i_tm0 != (i_t9_c[7:0] == 8'd1) || i_bl != i_bl_c
        || i_nbg0 != (i_nbg_c == 10'd0) || i_nbg1 != (i_nbg_c == 10'd1) || i_nb1 != (i_nb9_c[7:0] == 8'd1)
        || i_drl0 != (i_drl_c == 8'd0) || i_drl1 != (i_drl_c == 8'd1) || i_stf0 != (i_stf == 11'd0) || i_stl0 != (i_stl == 11'd0) || i_bl1 != i_bl_c + 11'd1 || i_brow_r != i_brow)) begin
      $display("sf_eng_w: the issued instruction was not in the buffer for a cycle before its issue");
      $stop;
    end
`endif
`endif
  generate
    if (LL < 1 || LL > 7 || (1 << LL) != LANES) begin : g_lanes_pow2
      sf_eng_w_needs_lanes_a_power_of_two_up_to_128 u_err ();
    end
  endgenerate
  // per context: the bias-row offset of the instruction's row 0, (brow0 + r0) n_out (0 without BIAS_ROWS), by
  // explicit shift-and-add (no multiplier): two 4-term partial sums at the issue (t), their sum at t + 1; the
  // first pair (decided at P >= t + 1) reads it at P + 1
  reg  [15:0]       c_pb0  [0:CTX-1];
  reg  [12:0]       pl_plo, pl_phi;
  reg               pl_flag;
  wire [8:0]        i_brow = {1'b0, i_instr[`SF_F_BROW0]} + {1'b0, i_instr[`SF_F_R0]};
  reg  [8:0]        i_brow_r;   // registered every cycle, like i_g (exact at the issue: checked above)
  reg  [11:0]       pl_base;    // the issued instruction's PBASE
  function [12:0] mul9x4;  // a * b, shift-and-add
    input [8:0] a;
    input [3:0] b;
    begin
      mul9x4 = ({13{b[0]}} & {4'd0, a}) + ({13{b[1]}} & {3'd0, a, 1'b0})
             + ({13{b[2]}} & {2'd0, a, 2'b0}) + ({13{b[3]}} & {1'd0, a, 3'b0});
    end
  endfunction
  wire              unused_phi = pl_phi[12];  // bit 16 of the product: beyond the 16-bit address
  always @(posedge i_clk) begin
    i_brow_r <= i_brow;
    if (i_issue) begin
      pl_plo <= mul9x4(i_brow_r, i_nout[3:0]);
      pl_phi <= mul9x4(i_brow_r, i_nout[7:4]);
      pl_base <= i_instr[`SF_F_PBASE];
      pl_flag <= i_instr[4 + `SF_FLAG_BIAS_ROWS];
    end
    if (pl_run && pl_cnt == 3'd0) c_pb0[pl_idx] <= pl_flag ? {3'd0, pl_plo} + {pl_phi[11:0], 4'd0} : 16'd0;
  end
  // The contexts are written while free, not at the issue: context k every cycle while it is the next to fill
  // (wp) and holds no instruction in flight (c_we, one-hot, registered: no issue decode behind the contexts'
  // ~400 enables). The issue's own write is the last (wp moves on); as the issued instruction has been in the
  // buffer since the cycle before (sf_seq buf_old), c_ins[wp] and the values taken straight from i_instr
  // (c_tm0, c_rm0) already hold the issue's values in the issue cycle (simulation stop below), so reads of a
  // context being filled this cycle need no i_issue bypass for them.
  // (c_ins, read by many ports: registers with one-hot enables; the per-context values: one write port at wp,
  // enabled by c_wen, so that the multi-bit ones stay LUT RAM)
  integer ck;
  always @(posedge i_clk)
    for (ck = 0; ck < CTX; ck = ck + 1)
      if (c_we[ck]) c_ins[ck] <= i_instr;
  always @(posedge i_clk) begin
    if (c_wen) begin
      c_g[wp] <= i_g;
      c_nb[wp] <= i_nb;
      c_nbg[wp] <= i_nbg;
      c_bl[wp] <= i_bl;
      c_bl1[wp] <= i_bl1;
      c_g1[wp] <= i_g1;
      c_tm1[wp] <= i_tm1;
      c_rm1[wp] <= i_instr[`SF_F_ROWS] - 8'd1;
      c_tm2[wp] <= i_tm2;
      c_rm2[wp] <= i_instr[`SF_F_ROWS] - 8'd2;
      c_tm0[wp] <= i_tm0;
      c_rm0[wp] <= i_rm0;
      c_drl[wp] <= i_drl;
      c_stf[wp] <= i_stf;
      c_stl[wp] <= i_stl;
      c_stf0[wp] <= i_stf0;
      c_stl0[wp] <= i_stl0;
      c_dff[wp] <= i_bl + DRF[10:0] - 11'd1;
      c_dfl[wp] <= i_bl + {3'd0, i_drl} - 11'd1;
      c_hs[wp] <= {1'b0, i_nbg} + {8'd0, i_g} - 11'd1;
      c_hs1[wp] <= {1'b0, i_nbg} + {8'd0, i_g} - 11'd1 <= 11'd1;
      c_dr1l[wp] <= i_drl1;
      c_nbg1[wp] <= i_nbg1;
      c_nb1[wp] <= i_nb1;
    end
  end
  always @(posedge i_clk) begin
    if (i_issue) begin
      pl_idx <= wp;
      pl_run <= 1'b1;
      pl_cnt <= 3'd0;
      wp <= wp + 1'b1;
    end else if (pl_run) begin
      pl_cnt <= pl_cnt + 1'b1;
      if (pl_cnt == 3'd4) pl_run <= 1'b0;
    end
    // addresses set at pl_cnt k are read at k + 1, the data arrives at k + 2
    case (pl_cnt)
      3'd0: begin o_pa0 <= pl_base; o_pa1 <= pl_base + 12'd1; end
      3'd1: begin o_pa0 <= pl_base + 12'd2; o_pa1 <= pl_base + 12'd3; end
      3'd2: o_pa0 <= pl_base + 12'd4;
      default: ;
    endcase
    if (pl_run && pl_cnt == 3'd2) begin c_mult[pl_idx] <= i_pd0[15:0]; c_shift[pl_idx] <= i_pd1[5:0]; end
    if (pl_run && pl_cnt == 3'd3) begin c_zp[pl_idx] <= i_pd0[ZW-1:0]; c_lo[pl_idx] <= i_pd1[ZW-1:0]; end
    if (pl_run && pl_cnt == 3'd4) c_hi[pl_idx] <= i_pd0[ZW-1:0];
    if (i_rst) begin
      wp <= {CI{1'b0}};
      pl_run <= 1'b0;
      pl_cnt <= 3'd0;
    end
  end

  // ---- beat side ----
  reg  [CI-1:0] bi;              // context of the instruction being fetched
  wire [IW-1:0] b_ins = c_ins[bi];
  wire [1:0]    b_mode  = b_ins[`SF_F_WMODE];
  wire [7:0]    b_nout  = b_ins[`SF_F_N_OUT];
  // G (and G + 1) per context; ONE_DIG: the constants (every context holds G = 1: no context read, no compare
  // with a read behind the decision flags)
  wire [2:0]    b_g     = (ONE_DIG != 0) ? 3'd1 : c_g[bi];
  wire [2:0]    g_bi1   = (ONE_DIG != 0) ? 3'd1 : c_g[bi1];
  wire [3:0]    g1_bi   = (ONE_DIG != 0) ? 4'd2 : c_g1[bi];
  wire [7:0]    b_nb    = c_nb[bi];
  wire [9:0]    b_nbg   = c_nbg[bi];                                   // fetch cycles
  reg  [7:0]    r, tile;                                               // next pair
  reg  [7:0]    toff;                                                  // tile W_LANES (kept as tiles advance)
  // the row's last tile (tile == c_tm1[bi]) and the last row (r == c_rm1[bi]), registered: computed from the
  // next tile, r and context (the issue's own values when it fills that context this cycle), so the decision
  // flags below start at registers, not at a context read and a compare
  reg           t_last, r_last;
  wire          b_tl    = t_last;
  wire [7:0]    b_dr    = b_tl ? c_drl[bi] : DRF[7:0];
  wire [10:0]   b_bl    = c_bl[bi];
  reg  [10:0]   step_cnt, dfree_cnt;  // cycles until the next pair may be decided / the drain is free
  reg  [10:0]   hs_cnt;               // cycles until the array takes a beat (the last beat's digits are done)
  // have = (pending != 0) and step_z = (step_cnt == 0), registered (computed from the next values: the
  // decision is an AND of registers)
  reg           have, step_z;
  // dok = (dfree_cnt <= b_bl), hok = (hs_cnt <= b_g), registered: computed a cycle ahead from the next counter
  // values and the next context's BL, G (the issue's own values when it fills that context this cycle); after
  // a decision inside the instruction they reduce to DR = 1 and NB G = 1 (the same context)
  reg           dok, hok;
  wire          decide  = have && step_z && dok && hok && !mf_n[3];   // mf_n <= 8
  wire          last_pair = r_last && t_last;
  wire [CI-1:0] bi1     = bi + 1'b1;
  // each compare against the context's register and against the issue's value, the issue flag selecting only
  // the results (and-or: no mux in front of a compare); BL + 1 and G + 1 per context (no add on the path)
  // The issue itself is not in these paths (timing: the sequencer's issue decision -> iss_b -> the flags was
  // the routed critical path): with nothing pending (!have) the flags follow the instruction offered to the
  // engine (i_instr's registered values, exact in the cycle of its issue), and after the last pair the next
  // context is the one the write pointer is at (fill_b1: wp == bi + 1) exactly when it is empty, in which case
  // nothing is pending afterwards unless it is filled in this cycle (by the instruction offered).
  wire          fill_b1  = wp == bi1;
  wire          dok_hold = (!have & (dfree_cnt <= i_bl1)) | (have & (dfree_cnt <= c_bl1[bi]));  // no decision:
  wire          hok_hold = (!have & (hs_cnt <= {7'd0, i_g1})) |                                 // the counters
                           (have & (hs_cnt <= {7'd0, g1_bi}));                                // step down
  wire          dok_next = (fill_b1 & (c_dfl[bi] <= i_bl)) | (!fill_b1 & (c_dfl[bi] <= c_bl[bi1]));  // last pair:
  // (W_MAX = 2: every G is 1, the compare is the context's registered flag: no 11-bit compare behind the read)
  wire          hok_next = (ONE_DIG != 0) ? c_hs1[bi] :                                          // the next
                           (fill_b1 & (c_hs[bi] <= {8'd0, i_g})) |                               // context
                           (!fill_b1 & (c_hs[bi] <= {8'd0, g_bi1}));
  wire          dok_same = b_tl ? c_dr1l[bi] : (DRF == 1);
  wire          hok_same = c_nbg1[bi];
  always @(posedge i_clk) begin
    if (i_rst) begin
      dok <= 1'b1;
      hok <= 1'b1;
    end else begin
      // and-or, not a mux: Yosys `share` would merge the two c_bl / c_g reads behind a mux on the decision
      // (one read port, its address selected by decide: the decision back on the compare's path)
      dok <= (!decide & dok_hold) | (decide & last_pair & dok_next) | (decide & !last_pair & dok_same);
      hok <= (!decide & hok_hold) | (decide & last_pair & hok_next) | (decide & !last_pair & hok_same);
    end
  end
`ifndef SYNTHESIS
`ifndef FORMAL  // Yosys read_verilog -formal rejects $stop outside initial blocks (formal/)
  always @(posedge i_clk) begin
    if (!i_rst && (have != (pending != 0) || step_z != (step_cnt == 11'd0) || mf_n > 4'd8)) begin
      $display("sf_eng_w: registered have / step_z disagree (%b %b)", have, step_z);
      $stop;
    end
    if (!i_rst && have && (dok != (dfree_cnt <= b_bl) || hok != (hs_cnt <= {8'd0, b_g}))) begin
      $display("sf_eng_w: registered decision flags disagree (dok %b hok %b)", dok, hok);
      $stop;
    end
    if (!i_rst && ONE_DIG != 0 && c_hs1[bi] != (c_hs[bi] <= 11'd1)) begin
      $display("sf_eng_w: registered flag c_hs1 disagrees with NB G + G - 1 <= 1");
      $stop;
    end
    if (!i_rst && have && (t_last != (tile == c_tm1[bi]) || r_last != (r == c_rm1[bi]))) begin
      $display("sf_eng_w: registered last-tile / last-row flags disagree (t_last %b r_last %b)", t_last, r_last);
      $stop;
    end
  end
`endif
`endif
  // the pair's addresses, kept incrementally (no multiplier): wbase + tile NB G, a + r a_stride, d + r d_stride,
  // the bias-row offset r n_out (BIAS_ROWS; added to the context's (brow0 + r0) n_out in the drain pipeline)
  reg  [15:0]   wa_tile, xa_row, db_row, pbo_row;
  wire [15:0]   b_wa    = (tile == 8'd0) ? b_ins[`SF_F_WBASE] : wa_tile;
  wire [15:0]   b_xa    = (r == 8'd0) ? b_ins[`SF_F_A] : xa_row;
  // nx: b_xa as a register (the next pair's beat 0 input address, read from the x memories at its decision:
  // the input prefetch below). b_xa changes at a decision (r, bi, xa_row) and when the issue fills context bi.
  reg  [15:0]   nx;
`ifndef SYNTHESIS
`ifndef FORMAL
  always @(posedge i_clk)
    if (!i_rst && have && nx != b_xa) begin
      $display("sf_eng_w: the registered input address nx disagrees with the pair's (%h, %h)", nx, b_xa);
      $stop;
    end
`endif
`endif
  wire [15:0]   b_db    = (r == 8'd0) ? b_ins[`SF_F_D] : db_row;
  wire [15:0]   b_pbo   = (r == 8'd0) ? 16'd0 : pbo_row;

  // fetch of the decided pair
  reg           f_on;
  reg  [9:0]    f_c, f_n;            // fetch cycle, cycles
  reg  [WA-1:0] f_wa;
  reg           f_odd;               // beat 0's input byte address is odd (n_in = 1)
  reg  [2:0]    f_g;
  reg  [1:0]    f_mode;
  reg  [1:0]    f_xsel;
  reg  [7:0]    f_nb;
  wire [2:0]    f_dig   = (ONE_DIG != 0) ? 3'd0 : f_c[2:0] & (f_g - 3'd1);   // word of the beat (G a power of two)
  wire          f_dlast = (ONE_DIG != 0) || f_dig == f_g - 3'd1;                // the beat's last word
  wire [9:0]    f_beat  = (f_g == 3'd1) ? f_c : ((f_g == 3'd2) ? {1'b0, f_c[9:1]} : {2'b0, f_c[9:2]});
  assign o_wmem_addr = f_wa + {{(WA-10){1'b0}}, f_c};                 // WMEM depth >= 1024 words
  // Input prefetch: a beat's two input bytes are read one cycle before its first word's fetch cycle (beat 0 at
  // the decision, from nx; beat k >= 1 at the fetch of beat k-1's last word, from xb), land in x_r (the
  // memory's lane selected there: memory -> one LUT -> register) and stay there for the beat's data cycles.
  // The x port is free at a decision: the pair before it read its last beat's inputs at P + (NB - 1) G < P'.
  reg           xp;                  // beats k >= 1 still to read
  reg  [7:0]    xrem;                // beats to read after this one (while xp)
  reg  [15:0]   xb;                  // byte address of the next beat to read (while xp)
  wire          x_pf = xp && f_dlast;
  wire [15:0]   x_byte = x_pf ? xb : nx;
  assign o_x_addr    = {1'b0, x_byte[15:1]};
  // the four memories' words registered as read, the memory selected behind the register (x_q, x_qsel: the
  // block RAMs' clock-to-out then a 4:1 select into x_r was 9.7 ns)
  reg  [63:0]   x_q;
  reg  [1:0]    x_qsel;
  wire [15:0]   x_r = x_q[x_qsel * 16 +: 16];
  always @(posedge i_clk) begin
    if (decide) begin
      xp <= !c_nb1[bi];
      xrem <= b_nb - 8'd2;
      xb <= nx + 16'd2;
    end else if (x_pf) begin
      xb <= xb + 16'd2;
      xrem <= xrem - 8'd1;
      if (xrem == 8'd0) xp <= 1'b0;
    end
    if (f_on && f_dig == 3'd0) begin
      x_q <= i_x_data;
      x_qsel <= f_xsel;
    end
    if (i_rst) xp <= 1'b0;
  end
  // the data cycle: one behind the fetch
  reg           d_on, d_first, d_lastbeat, d_odd;
  reg  [2:0]    d_dig, d_g;
  reg  [1:0]    d_mode;
  reg  [WW-1:0] stage [0:2];
  always @(posedge i_clk) begin
    d_on <= f_on;
    d_dig <= f_dig;
    d_g <= f_g;
    d_mode <= f_mode;
    d_first <= f_beat == 10'd0;
    d_lastbeat <= f_beat == {2'b0, f_nb} - 10'd1;
    d_odd <= f_odd;
    if (i_rst) d_on <= 1'b0;
  end
  // n_in = 1 at an odd byte: the pair is (the high byte, 0)
  wire [15:0] x_pair = d_odd ? {8'h00, x_r[15:8]} : x_r;
`ifndef SYNTHESIS
`ifndef FORMAL
  reg  [15:0]   x_ref;   // the word as selected before the register
  always @(posedge i_clk) begin
    if (f_on && f_dig == 3'd0) x_ref <= i_x_data[f_xsel * 16 +: 16];
    if (!i_rst && d_on && x_r != x_ref) begin
      $display("sf_eng_w: the beat's input word %h disagrees with the selected read %h", x_r, x_ref);
      $stop;
    end
  end
`endif
`endif
  always @(posedge i_clk) begin
    if (ONE_DIG == 0 && d_on && d_dig != d_g - 3'd1) stage[d_dig[1:0]] <= i_wmem_data;
  end
  // the beat bus in the mode's layout (word c = bits [WW c +: WW]), then each weight sign-extended to W_MAX
  wire [4*WW-1:0] bus = (ONE_DIG != 0 || d_g == 3'd1) ? {{(3*WW){1'b0}}, i_wmem_data}
                      : (d_g == 3'd2) ? {{(2*WW){1'b0}}, i_wmem_data, stage[0]}
                      : {i_wmem_data, stage[2], stage[1], stage[0]};
  wire [LANES*KPAR*W_MAX-1:0] wbus;
  genvar gq;
  generate
    for (gq = 0; gq < LANES * KPAR; gq = gq + 1) begin : g_w
      if (W_MAX == 2) begin : g2
        assign wbus[gq*2 +: 2] = bus[gq*2 +: 2];
      end else if (W_MAX == 4) begin : g4
        assign wbus[gq*4 +: 4] = (d_mode == 2'd0) ? {{2{bus[gq*2+1]}}, bus[gq*2 +: 2]} : bus[gq*4 +: 4];
      end else begin : g8
        assign wbus[gq*8 +: 8] = (d_mode == 2'd0) ? {{6{bus[gq*2+1]}}, bus[gq*2 +: 2]}
                               : (d_mode == 2'd1) ? {{4{bus[gq*4+3]}}, bus[gq*4 +: 4]} : bus[gq*8 +: 8];
      end
    end
  endgenerate
  wire beat_v = d_on && (ONE_DIG != 0 || d_dig == d_g - 3'd1);

  // pair metadata to the drain (FIFO, in decision order)
  reg  [CI-1:0] mf_ctx  [0:7];
  reg  [7:0]    mf_r    [0:7];
  reg  [7:0]    mf_row  [0:7];   // r0 + r, the output row (OUTPUT: the forecast buffer's address)
  reg           mf_last [0:7];
  reg  [2:0]    mf_wp, mf_rp;
  reg  [3:0]    mf_n;
  // the pair's drain steps and its bias / output base addresses (bbase + (brow0 + r0 + r) n_out [bias rows]
  // + tile W_LANES, d + r d_stride + tile W_LANES): computed in three stages after the decision and written
  // into the pair's FIFO entry at P + 3 (the drain reads it at V = P + BL >= P + 5)
  reg  [7:0]    mf_dr   [0:7];
  reg           mf_one  [0:7];   // the pair's drain is one step
  reg  [15:0]   mf_bb   [0:7], mf_db [0:7];
  reg  [15:0]   mf_bb1  [0:7];   // mf_bb + 1 (port 1's first address)
  reg           e1_v, e2_v, e1_flag;
  reg  [2:0]    e1_wp, e2_wp;
  reg  [CI-1:0] e1_ctx;
  reg  [7:0]    e1_t;
  reg  [15:0]   e1_bbase, e1_db, e1_pbo, e2_bb, e2_db, e2_pb;
  wire [16:0]   e2_bb1 = {e2_bb, 1'b1} + {e2_pb, 1'b1};   // e2_bb + e2_pb + 1, one carry chain
  always @(posedge i_clk) begin
    e1_v <= decide;
    e1_wp <= mf_wp;
    e1_flag <= b_ins[4 + `SF_FLAG_BIAS_ROWS];
    e1_ctx <= bi;
    e1_pbo <= b_pbo;
    e1_t <= toff;
    e1_bbase <= b_ins[`SF_F_BBASE];
    e1_db <= b_db;
    e2_v <= e1_v;
    e2_wp <= e1_wp;
    e2_pb <= e1_flag ? c_pb0[e1_ctx] + e1_pbo : 16'd0;
    e2_bb <= e1_bbase + {8'd0, e1_t};
    e2_db <= e1_db + {8'd0, e1_t};
    if (e2_v) begin
      mf_bb[e2_wp] <= e2_bb + e2_pb;
      mf_bb1[e2_wp] <= e2_bb1[16:1];
      mf_db[e2_wp] <= e2_db;
    end
    if (decide) begin
      mf_dr[mf_wp] <= b_dr;
      mf_one[mf_wp] <= b_dr == 8'd1;
    end
    if (i_rst) begin
      e1_v <= 1'b0;
      e2_v <= 1'b0;
    end
  end

  always @(posedge i_clk) begin
    if (step_cnt != 0) step_cnt <= step_cnt - 1'b1;
    step_z <= step_cnt <= 11'd1;
    if (dfree_cnt != 0) dfree_cnt <= dfree_cnt - 1'b1;
    if (hs_cnt != 0) hs_cnt <= hs_cnt - 1'b1;
    if (f_on) begin
      f_c <= f_c + 1'b1;
      if (f_c == f_n - 10'd1) f_on <= 1'b0;
    end
    if (decide) begin
      step_cnt <= b_tl ? c_stl[bi] : c_stf[bi];                 // max(NB G, DR) - 1
      step_z <= b_tl ? c_stl0[bi] : c_stf0[bi];
      dfree_cnt <= b_tl ? c_dfl[bi] : c_dff[bi];                // BL + DR - 1
      hs_cnt <= c_hs[bi];                                       // the last beat's digits end at P + NB G + G
      f_on <= 1'b1;
      f_c <= 10'd0;
      f_n <= b_nbg;
      f_g <= b_g;
      f_mode <= b_mode;
      f_nb <= b_nb;
      f_wa <= b_wa[WA-1:0];
      f_odd <= nx[0];
      wa_tile <= b_wa + {6'd0, b_nbg};
      if (b_tl) begin  // the row moves on
        xa_row <= nx + {8'd0, b_ins[`SF_F_A_STRIDE]};
        db_row <= b_db + {8'd0, b_ins[`SF_F_D_STRIDE]};
        pbo_row <= b_pbo + {8'd0, b_nout};
      end
      mf_ctx[mf_wp] <= bi;
      mf_r[mf_wp] <= r;
      mf_row[mf_wp] <= b_ins[`SF_F_R0] + r;
      mf_last[mf_wp] <= last_pair;
      mf_wp <= mf_wp + 1'b1;
      if (last_pair) nx <= c_ins[bi1][`SF_F_A];   // an issue into bi + 1 now: written since a cycle (c_we)
      else if (b_tl) nx <= nx + {8'd0, b_ins[`SF_F_A_STRIDE]};
      if (last_pair) begin
        r <= 8'd0;
        tile <= 8'd0;
        toff <= 8'd0;
        bi <= bi + 1'b1;
        t_last <= c_tm0[bi1];
        r_last <= c_rm0[bi1];
      end else if (b_tl) begin
        tile <= 8'd0;
        toff <= 8'd0;
        r <= r + 1'b1;
        t_last <= c_tm0[bi];
        r_last <= r == c_rm2[bi];
      end else begin
        tile <= tile + 1'b1;
        t_last <= tile == c_tm2[bi];
        toff <= toff + LANES[7:0];
      end
    end
    if (!have) nx <= i_instr[`SF_F_A];
    if (!have) begin  // the instruction offered to the idle engine: exact in the cycle it is issued (tile = r = 0)
      t_last <= i_tm0;
      r_last <= i_rm0;
    end
    if (decide) f_xsel <= b_ins[`SF_F_A_MEM] == `SF_ISA_SCR_X_IO ? 2'd0 : b_ins[`SF_F_A_MEM] == `SF_ISA_SCR_X_W ? 2'd1 :
                         b_ins[`SF_F_A_MEM] == `SF_ISA_SCR_X_A ? 2'd2 : 2'd3;
    // +1 / -1 from the register, the decision selecting last (no three-input add behind it)
    if (decide && last_pair) begin
      if (!i_issue) pending <= pending - 1'b1;
    end else if (i_issue) pending <= pending + 1'b1;
    have <= i_issue || (|pending[CI:1]) || (pending[0] && !(decide && last_pair));
    if (i_rst) begin
      bi <= {CI{1'b0}};
      r <= 8'd0;
      tile <= 8'd0;
      toff <= 8'd0;
      step_cnt <= 11'd0;
      dfree_cnt <= 11'd0;
      hs_cnt <= 11'd0;
      f_on <= 1'b0;
      mf_wp <= 3'd0;
      pending <= {(CI+1){1'b0}};
      have <= 1'b0;
      step_z <= 1'b1;
    end
  end

  // ---- the array ----
  wire              q_valid;
  wire [LANES*QACC-1:0] q_acc;
  wire              dr_go, dr_lastc;
  sf_qlinear #(.LANES(LANES), .KPAR(KPAR), .W_MAX(W_MAX), .ACC_W(QACC), .NO_STALL(1)) u_q (
    .i_clk(i_clk), .i_rst(i_rst), .i_valid(beat_v), .o_ready(), .i_first(d_first), .i_last(d_lastbeat),
    .i_mode(d_mode), .i_x(x_pair), .i_w(wbus), .i_bias({(LANES*QACC){1'b0}}),
    .o_valid(q_valid), .i_ready(dr_lastc), .o_acc(q_acc));

  // ---- drain ----
  reg           dr_on;
  reg  [7:0]    dr_i;
  reg  [CI-1:0] dr_ctx;
  reg  [7:0]    dr_r, dr_dr, dr_row;
  reg  [15:0]   dr_bb, dr_db;
  reg           dr_lastp;
  assign dr_go = q_valid && !dr_on;
  wire [CI-1:0] k_ctx  = dr_on ? dr_ctx : mf_ctx[mf_rp];
  wire [7:0]    k_r    = dr_on ? dr_r : mf_r[mf_rp];
  wire [15:0]   k_bb   = dr_on ? dr_bb : mf_bb[mf_rp];
  wire [15:0]   k_db   = dr_on ? dr_db : mf_db[mf_rp];
  wire          k_lastp = dr_on ? dr_lastp : mf_last[mf_rp];
  wire [7:0]    k_i    = dr_on ? dr_i : 8'd0;
  wire [IW-1:0] kins   = c_ins[k_ctx];
  wire          k_step = q_valid;      // a drain step this cycle (the tile is held until its last step)
  // the tile's last drain step (sf_qlinear's i_ready: from registers, a flag per FIFO entry and dr_lastn)
  reg           dr_lastn;      // while dr_on: the step at dr_i is the last
  assign dr_lastc = k_step && (dr_on ? dr_lastn : mf_one[mf_rp]);
  // the row from the FIFO entry (r0 + r added at the decision: no context read and add behind the FIFO read)
  wire [7:0]    k_row  = dr_on ? dr_row : mf_row[mf_rp];
`ifndef SYNTHESIS
`ifndef FORMAL
  always @(posedge i_clk)
    if (!i_rst && k_step && k_row != kins[`SF_F_R0] + k_r) begin
      $display("sf_eng_w: the drain's row %0d disagrees with r0 + r (%0d + %0d)", k_row, kins[`SF_F_R0], k_r);
      $stop;
    end
`endif
`endif
  // the bias addresses (bb + 2 k_i, + 1): the FIFO head's at a tile's first step, then registers stepped by 2
  // (no add between the drain state and the block RAM's address)
  reg  [15:0]   dr_ba, dr_ba1;
  wire [15:0]   k_bias_w = k_bb + {7'd0, k_i, 1'b0};   // (the reference: checked below)
  wire [15:0]   k_ba0 = dr_on ? dr_ba : mf_bb[mf_rp];
  wire [15:0]   k_ba1 = dr_on ? dr_ba1 : mf_bb1[mf_rp];
  wire [BA-1:0] k_bias = k_ba0[BA-1:0];
  assign o_bmem_addr0 = k_bias;
  assign o_bmem_addr1 = k_ba1[BA-1:0];
`ifndef SYNTHESIS
`ifndef FORMAL
  always @(posedge i_clk)
    if (!i_rst && k_step && (k_ba0 != k_bias_w || k_ba1 != k_bias_w + 16'd1)) begin
      $display("sf_eng_w: bias addresses %h %h, expected %h (+1)", k_ba0, k_ba1, k_bias_w);
      $stop;
    end
`endif
`endif
  // the drain step's two lanes, 2 k_i and 2 k_i + 1, by an array index: a part select at (2 k_i) * QACC
  // (QACC not a power of two) made Yosys build the offset with a multiplier, mapped to a MULT18X18D, on
  // the routed design's critical path (docs/ecp5_flow.md)
  wire [QACC-1:0] q_lane [0:LANES-1];
  genvar gl;
  generate
    for (gl = 0; gl < LANES; gl = gl + 1) begin : g_lane
      assign q_lane[gl] = q_acc[gl * QACC +: QACC];
    end
  endgenerate
  // The lanes of steps i >= 1 are selected a cycle ahead (qn0, qn1 at ks = the next step's index, from
  // registers; the tile is held unchanged from its first step to its last), step 0 takes lanes 0 and 1: a 2:1
  // select in front of s1_a0 / s1_a1 instead of the LANES/2:1 lane select behind the drain state (10.2 ns)
  reg  [LL-2:0]   ks;    // dr_on ? dr_i + 1 : 1 (mod LANES / 2)
  localparam [LL-2:0] KS1 = 1, KS2 = 2;
  reg  [QACC-1:0] qn0, qn1;
  always @(posedge i_clk) begin
    qn0 <= q_lane[{ks, 1'b0}];
    qn1 <= q_lane[{ks, 1'b1}];
    if (dr_go) ks <= dr_lastc ? KS1 : KS2;
    else if (dr_on) ks <= dr_lastc ? KS1 : ks + KS1;
    if (i_rst) ks <= KS1;
  end
  wire [QACC-1:0] qa0 = dr_on ? qn0 : q_lane[0];
  wire [QACC-1:0] qa1 = dr_on ? qn1 : q_lane[1];
  wire [LL-1:0]   k_l0 = {k_i[LL-2:0], 1'b0};   // k_i < LANES / 2 (the reference: checked below)
`ifndef SYNTHESIS
`ifndef FORMAL
  wire [LL-2:0] ks_ref = dr_on ? dr_i[LL-2:0] + KS1 : KS1;
  wire [LL-1:0] k_l1 = {k_i[LL-2:0], 1'b1};
  always @(posedge i_clk)
    if (!i_rst && (ks != ks_ref || (k_step && (qa0 != q_lane[k_l0] || qa1 != q_lane[k_l1])))) begin
      $display("sf_eng_w: the drain step's preselected lanes disagree (ks %0d, step %0d)", ks, k_i);
      $stop;
    end
`endif
`endif
  wire [ACC-1:0] acc0 = {{(ACC-QACC){qa0[QACC-1]}}, qa0};
  wire [ACC-1:0] acc1 = {{(ACC-QACC){qa1[QACC-1]}}, qa1};
  always @(posedge i_clk) begin
    if (dr_go) begin
      dr_on <= !dr_lastc;
      dr_i <= 8'd1;
      dr_lastn <= mf_dr[mf_rp] == 8'd2;
      dr_ctx <= mf_ctx[mf_rp];
      dr_r <= mf_r[mf_rp];
      dr_row <= mf_row[mf_rp];
      dr_dr <= mf_dr[mf_rp];
      dr_bb <= mf_bb[mf_rp];
      dr_ba <= mf_bb[mf_rp] + 16'd2;
      dr_ba1 <= mf_bb1[mf_rp] + 16'd2;
      dr_db <= mf_db[mf_rp];
      dr_lastp <= mf_last[mf_rp];
      mf_rp <= mf_rp + 1'b1;
    end else if (dr_on) begin
      dr_i <= dr_i + 1'b1;
      dr_ba <= dr_ba + 16'd2;
      dr_ba1 <= dr_ba1 + 16'd2;
      dr_lastn <= dr_i == dr_dr - 8'd2;
      if (dr_lastc) dr_on <= 1'b0;
    end
    if (i_rst) begin
      dr_on <= 1'b0;
      mf_rp <= 3'd0;
    end
  end
  always @(posedge i_clk) begin
    if (i_rst) mf_n <= 4'd0;
    else mf_n <= mf_n + {3'd0, decide} - {3'd0, dr_go};
  end
  // D0 -> D1: lanes and metadata registered; D1: + bias -> D2: the rescale lanes' input. RS_MULT = 2 (no
  // multiplier: the rescale's stage 1 is a plain register) registers the biases (BMEM read data) beside the
  // lanes at D1 and adds at D2, in front of that register: the add sits between registers instead of behind
  // the block RAM's 5.6 ns clock-to-out. Otherwise the add is at D1 (the multiplier follows at D2).
  localparam integer LATE_ADD = (`SF_ISA_RS_MULT == 2) ? 1 : 0;
  reg            s1_v, s2_v;
  reg  [ACC-1:0] s1_a0, s1_a1, s2_a0, s2_a1, s2_b0, s2_b1;
  reg  [CI-1:0]  s1_ctx, s2_ctx;
  reg  [15:0]    s1_addr, s2_addr;
  reg  [7:0]     s1_row, s2_row;
  reg            s1_last, s2_last;
  wire [15:0]    k_addr = k_db + {7'd0, k_i, 1'b0};
  always @(posedge i_clk) begin
    s1_v <= k_step;
    s1_a0 <= acc0;
    s1_a1 <= acc1;
    s1_ctx <= k_ctx;
    s1_addr <= k_addr;
    s1_row <= k_row;
    s1_last <= k_lastp && dr_lastc;
    s2_v <= s1_v;
    s2_a0 <= (LATE_ADD != 0) ? s1_a0 : s1_a0 + i_bmem_data0;
    s2_a1 <= (LATE_ADD != 0) ? s1_a1 : s1_a1 + i_bmem_data1;
    s2_b0 <= (LATE_ADD != 0) ? i_bmem_data0 : {ACC{1'b0}};
    s2_b1 <= (LATE_ADD != 0) ? i_bmem_data1 : {ACC{1'b0}};
    s2_ctx <= s1_ctx;
    s2_addr <= s1_addr;
    s2_row <= s1_row;
    s2_last <= s1_last;
    if (i_rst) begin
      s1_v <= 1'b0;
      s2_v <= 1'b0;
    end
  end
  // rescale (4 stages; the context's parameters are stable while the instruction is in flight)
  wire [ACC-1:0]   s2_s0 = (LATE_ADD != 0) ? s2_a0 + s2_b0 : s2_a0;   // int32, wraps (the same sum as a
  wire [ACC-1:0]   s2_s1 = (LATE_ADD != 0) ? s2_a1 + s2_b1 : s2_a1;   // bias loaded first)
  wire [RS*OW-1:0] y;
  wire             yv;
  // the context's rescale parameters, read at D1 (s1_ctx) into registers: the rescale's stage 1 sees
  // registers, not the context memories' read (s2_ctx -> LUT RAM -> k = log2(mult) -> shift add)
  reg  [15:0]      r_mult;
  reg  signed [5:0]    r_shift;   // signed: the ports are (no $signed() of a register in a port connection:
  reg  signed [ZW-1:0] r_zp, r_lo, r_hi;   // Yosys' AST frontend asserts on it)
  always @(posedge i_clk) begin
    r_mult <= c_mult[s1_ctx];
    r_shift <= c_shift[s1_ctx];
    r_zp <= c_zp[s1_ctx];
    r_lo <= c_lo[s1_ctx];
    r_hi <= c_hi[s1_ctx];
  end
  sf_shift_rescale #(.LANES(RS), .OUT_W(OW), .ZP_W(ZW)) u_rs (
    .i_clk(i_clk), .i_rst(i_rst), .i_valid(s2_v), .o_ready(), .i_acc({s2_s1, s2_s0}),
    .i_mult(r_mult), .i_shift(r_shift), .i_zp(r_zp),
    .i_lo(r_lo), .i_hi(r_hi), .o_valid(yv), .i_ready(1'b1), .o_y(y));
  reg  [CI-1:0] p_ctx  [0:3];
  reg  [15:0]   p_addr [0:3];
  reg  [7:0]    p_row  [0:3];
  reg  [3:0]    p_last;
  integer z;
  always @(posedge i_clk) begin
    p_ctx[0] <= s2_ctx; p_addr[0] <= s2_addr; p_row[0] <= s2_row;
    for (z = 1; z < 4; z = z + 1) begin p_ctx[z] <= p_ctx[z-1]; p_addr[z] <= p_addr[z-1]; p_row[z] <= p_row[z-1]; end
    p_last <= {p_last[2:0], s2_last};
    o_done <= yv && p_last[3];
    if (i_rst) begin
      p_last <= 4'd0;
      o_done <= 1'b0;
    end
  end
  // the write enables a cycle ahead: p_ctx[2], p_addr[2] and p_v[2] are the next cycle's p_ctx[3], p_addr[3]
  // and yv (the rescale's o_valid is s2_v four cycles later: its stall input is tied high). The context's
  // instruction does not change while the instruction is in flight.
  reg  [3:0]    p_v;
  wire [IW-1:0] w2ins = c_ins[p_ctx[2]];
  wire          w2_wr = p_v[2] && w2ins[`SF_F_OP] != `SF_OP_OUTPUT;
  wire [3:0]    w2_mem = w2ins[`SF_F_D_MEM];
  wire [15:0]   w2_be = 16'b11 << {p_addr[2][3:1], 1'b0};   // the two bytes' lanes in a 128-bit word
  always @(posedge i_clk) begin
    p_v <= {p_v[2:0], s2_v};
    o_we_xw <= w2_wr && w2_mem == `SF_ISA_SCR_X_W;
    o_we_naw <= w2_wr && (w2_mem == `SF_ISA_SCR_NA_W || w2ins[4 + `SF_FLAG_DUAL]);
    o_we_nb <= w2_wr && w2_mem == `SF_ISA_SCR_NB;
    o_we_qk <= {16{w2_wr && w2_mem == `SF_ISA_SCR_QK}} & w2_be;
    o_we_v <= {16{w2_wr && w2_mem == `SF_ISA_SCR_V}} & w2_be;
    if (i_rst) begin
      p_v <= 4'd0;
      o_we_xw <= 1'b0;
      o_we_naw <= 1'b0;
      o_we_nb <= 1'b0;
      o_we_qk <= 16'd0;
      o_we_v <= 16'd0;
    end
  end
`ifndef SYNTHESIS
`ifndef FORMAL
  always @(posedge i_clk)
    if (!i_rst && p_v[3] != yv) begin
      $display("sf_eng_w: the write-enable pipeline's valid disagrees with the rescale's");
      $stop;
    end
`endif
`endif
  // context write enables for the next cycle: context k is free when it is wp and fewer than CTX instructions
  // are in flight, or the one completing (o_done) is k (its last read, the write port's, was a cycle before)
  reg  [CI:0]   n_fl;    // instructions issued and not complete (sf_eng_slot's count)
  wire [CI-1:0] wp_n  = wp + {{(CI-1){1'b0}}, i_issue};
  wire [CI:0]   nfl_n = n_fl + {{CI{1'b0}}, i_issue} - {{CI{1'b0}}, o_done};
  wire          done_n = yv && p_last[3];
  integer cq;
  always @(posedge i_clk) begin
    n_fl <= nfl_n;
    for (cq = 0; cq < CTX; cq = cq + 1)
      c_we[cq] <= wp_n == cq[CI-1:0] && (nfl_n < CTX[CI:0] || done_n);
    c_wen <= nfl_n < CTX[CI:0] || done_n;
    if (i_rst) begin
      n_fl <= {(CI+1){1'b0}};
      c_we <= {{(CTX-1){1'b0}}, 1'b1};
      c_wen <= 1'b1;
    end
  end
`ifndef SYNTHESIS
`ifndef FORMAL
  always @(posedge i_clk) begin
    if (!i_rst && (c_we != ({{(CTX-1){1'b0}}, n_fl < CTX[CI:0] || o_done} << wp) || c_wen != (|c_we) || n_fl > CTX[CI:0])) begin
      $display("sf_eng_w: context write enables %b disagree (wp %0d, in flight %0d)", c_we, wp, n_fl);
      $stop;
    end
    if (!i_rst && i_issue && (!c_we[wp] || c_ins[wp] != i_instr || c_tm0[wp] != i_tm0 || c_rm0[wp] != i_rm0)) begin
      $display("sf_eng_w: the issue's context %0d was not written with its instruction since the cycle before", wp);
      $stop;
    end
  end
`endif
`endif
  wire [IW-1:0] wins = c_ins[p_ctx[3]];
  // OUTPUT or not, registered with the write enables (the forecast buffer's write enable: yv and a register)
  reg           is_out;
  always @(posedge i_clk) is_out <= w2ins[`SF_F_OP] == `SF_OP_OUTPUT;
`ifndef SYNTHESIS
`ifndef FORMAL
  always @(posedge i_clk)
    if (!i_rst && yv && is_out != (wins[`SF_F_OP] == `SF_OP_OUTPUT)) begin
      $display("sf_eng_w: the registered OUTPUT flag disagrees with the writing instruction's");
      $stop;
    end
`endif
`endif
  assign o_wr_valid = yv && !is_out;
  assign o_wr_mem   = wins[`SF_F_D_MEM];
  assign o_wr_dual  = wins[4 + `SF_FLAG_DUAL];
  assign o_wr_addr  = p_addr[3];
  assign o_wr_data  = {y[OW +: 8], y[0 +: 8]};
  assign o_ob_valid = yv && is_out;
  assign o_ob_addr  = p_row[3];
  assign o_ob_data  = {{16{y[OW-1]}}, y[0 +: OW]} + {{16{i_last[15]}}, i_last};
  wire unused = &{1'b0, y[OW+8 +: OW-8], b_wa, k_bias_w, k_ba0, k_ba1, x_byte[0], e2_bb1[0]};
endmodule
`default_nettype wire
