// sf_eng_a: the A unit's engine -- ATTN. The build's A_LANES (spec/isa.toml [core] a_lanes, per [[build]]) sets
// its width: NH = A_LANES / A_DH heads per item. An item is one query row and NH heads: 16 lanes (full build),
// a group of two heads = one 16-byte word of the row; 8 lanes (lite), one head = the half of the word its
// parity selects (the word holds heads 2g, 2g + 1). Three stages run concurrently on consecutive items, with
// two buffer slots between them:
//   QK : the query word, then key word j (QK memory, 128-bit) -> A_LANES products (q - zq)(k - zk) -> one sum
//        per head -> score rescale (NH sf_shift_rescale lanes) -> the score slot
//   SM : the slot's scores, 8 per beat, into NH sf_softmax instances (one per head, in lockstep; causal mask
//        j <= query row) -> the probability slot
//   PV : value word j (V memory) x p_h[j] in sf_actmac (A_LANES lanes, one per column) -> P.V rescale (2
//        lanes) -> two bytes per cycle into X_A (A_LANES / 2 steps)
// Rules (docs/core.md; the C++ cycle model states the same): QK decided at Q: q addressed at Q + 1, key j at
// Q + 2 + j, score j written at Q + A_SCORE_LAT + j; the next QK at Q + tk + 1. SM decided at S when the score
// slot is full, both softmax instances take input and the probability slot is free: beat b at S + b,
// probabilities from S + 2 nb + 13. PV decided at V when the probability slot is full: value j addressed at
// V + 1 + j (its read data registered), the sums complete at V + tk + 5, output pair m written at V + tk + A_PV_WLAT + m; the next PV
// decision waits until the output register is free (V' >= V + tk + 5 + A_LANES / 2 - tk' - 5).
`default_nettype none
`include "sf_isa.vh"
`include "sf_policy.vh"
module sf_eng_a #(
  parameter integer IW = `SF_ISA_INSTR_WORDS * 32,
  parameter integer QA = $clog2(`SF_ISA_SCR_QK_DEPTH / 16),
  parameter integer VA = $clog2(`SF_ISA_SCR_V_DEPTH / 16)
) (
  input  wire              i_clk,
  input  wire              i_rst,
  input  wire              i_issue,
  input  wire [IW-1:0]     i_instr,
  output wire              o_free,
  output reg               o_done,
  output reg  [11:0]       o_pa0,
  output reg  [11:0]       o_pa1,
  input  wire [31:0]       i_pd0,
  input  wire [31:0]       i_pd1,
  output reg  [QA-1:0]     o_qk_addr,
  input  wire [127:0]      i_qk_data,
  output reg  [VA-1:0]     o_v_addr,
  input  wire [127:0]      i_v_data,
  output wire              o_wr_valid,
  output wire [3:0]        o_wr_mem,
  output wire [15:0]       o_wr_addr,
  output wire [15:0]       o_wr_data
);
  localparam integer CTX = `SF_ISA_CTX;
  localparam integer CI  = $clog2(CTX);
  localparam integer ZW  = `SF_ZP_BITS;
  localparam integer SW  = `SF_SM_SCORE_BITS;
  localparam integer PW  = `SF_SM_PROB_BITS;
  localparam integer ACC = `SF_ACC_BITS;
  localparam integer AL  = `SF_ISA_A_LANES;            // activation lanes: 16 (two heads per item) or 8 (one)
  localparam integer NH  = AL / `SF_ISA_A_DH;           // heads per item
  localparam integer GSH = NH == 2 ? 4 : 3;             // an item's byte offset in the row: group << GSH
  localparam integer ND  = AL / 2;                      // output drain steps (two lanes a step)
  generate
    if (`SF_ISA_A_DH != 8 || (AL != 8 && AL != 16)) begin : g_bad_a_lanes
      sf_eng_a_needs_a_lanes_8_or_16_and_a_dh_8 u_bad ();   // no such module: an unsupported build stops here
    end
  endgenerate

  sf_eng_slot u_slot (.i_clk(i_clk), .i_rst(i_rst), .i_issue(i_issue), .i_done(o_done), .o_free(o_free));

  // ---- contexts ----
  reg [IW-1:0]  c_ins [0:CTX-1];
  // the 14 parameter words, one register array per word (indexed by the context: a CTX-way select)
  reg [15:0]    c_ms [0:CTX-1], c_mo [0:CTX-1];                                   // words 0, 5: mult
  reg [5:0]     c_ss [0:CTX-1], c_so [0:CTX-1];                                   // words 1, 6: shift
  reg [16:0]    c_zs [0:CTX-1], c_ls [0:CTX-1], c_hs [0:CTX-1];                   // words 2..4
  reg [16:0]    c_zo [0:CTX-1], c_lo [0:CTX-1], c_ho [0:CTX-1];                   // words 7..9
  reg [ZW-1:0]  c_zq [0:CTX-1], c_zk [0:CTX-1], c_zv [0:CTX-1];                   // words 10..12
  reg [3:0]     c_fr [0:CTX-1];                                                   // word 13
  reg [CTX-1:0] c_rdy;
  reg [CI-1:0]  wp, pl_idx;
  reg [3:0]     pl_cnt;
  reg           pl_run;
  // Timing: the issued instruction is written into c_ins[pl_idx] the cycle after the issue, from ins_s (i_instr
  // registered every cycle) -- i_issue, a late signal of the sequencer, then drives one flip-flop (iss_d) instead
  // of the context's write enable over every instruction bit. Nothing reads the issued context in that cycle
  // (it is free and not ready: c_rdy rises after its parameter load) except the parameter load's first address,
  // which takes ins_s; a simulation stop below compares every read with the instruction as issued.
  reg [IW-1:0]  ins_s;
  reg           iss_d;
  wire [11:0]   pl_pb = iss_d ? ins_s[`SF_F_PBASE] : c_ins[pl_idx][`SF_F_PBASE];
  always @(posedge i_clk) begin
    ins_s <= i_instr;
    iss_d <= i_issue;
    if (iss_d) c_ins[pl_idx] <= ins_s;
    if (i_rst) iss_d <= 1'b0;
  end
  always @(posedge i_clk) begin
    // QK leaves the context at its last item's decision (it stays not ready until reloaded); the parameter load
    // sets it. Timing: from registers but the decision: q_last, qi one-hot, the set a cycle ahead (set_oh)
    c_rdy <= (c_rdy & ~({CTX{qk_go && q_last}} & qi_oh)) | set_oh;
    if (i_issue) begin
      pl_idx <= wp;
      pl_run <= 1'b1;
      pl_cnt <= 4'd0;
      wp <= wp + 1'b1;
    end else if (pl_run) begin
      pl_cnt <= pl_cnt + 1'b1;
      if (pl_cnt == 4'd8) pl_run <= 1'b0;
    end
    // words 2k, 2k + 1 addressed at pl_cnt k (k < 7), the data at k + 2
    o_pa0 <= pl_pb + {7'd0, pl_cnt, 1'b0};
    o_pa1 <= pl_pb + {7'd0, pl_cnt, 1'b0} + 12'd1;
    if (pl_run) begin
      case (pl_cnt)
        4'd2: begin c_ms[pl_idx] <= i_pd0[15:0]; c_ss[pl_idx] <= i_pd1[5:0]; end
        4'd3: begin c_zs[pl_idx] <= i_pd0[16:0]; c_ls[pl_idx] <= i_pd1[16:0]; end
        4'd4: begin c_hs[pl_idx] <= i_pd0[16:0]; c_mo[pl_idx] <= i_pd1[15:0]; end
        4'd5: begin c_so[pl_idx] <= i_pd0[5:0]; c_zo[pl_idx] <= i_pd1[16:0]; end
        4'd6: begin c_lo[pl_idx] <= i_pd0[16:0]; c_ho[pl_idx] <= i_pd1[16:0]; end
        4'd7: begin c_zq[pl_idx] <= i_pd0[ZW-1:0]; c_zk[pl_idx] <= i_pd1[ZW-1:0]; end
        4'd8: begin c_zv[pl_idx] <= i_pd0[ZW-1:0]; c_fr[pl_idx] <= i_pd1[3:0]; end
        default: ;
      endcase
    end
    if (i_rst) begin
      wp <= {CI{1'b0}};
      pl_run <= 1'b0;
      c_rdy <= {CTX{1'b0}};
    end
  end

  // ---- item sequencing (QK decides items in order) ----
  reg  [CI-1:0] qi;          // context of the next item
  reg  [7:0]    q_row;       // its row in the instruction
  reg  [2:0]    q_grp;
  reg  [CI:0]   pending;
  wire [IW-1:0] qins = c_ins[qi];
  wire [7:0]    q_tk = qins[`SF_F_N_IN];
  wire [3:0]    q_ngrp = NH == 2 ? (qins[`SF_F_HEADS] + 4'd1) >> 1 : qins[`SF_F_HEADS];
  reg  [8:0]    qk_cnt;      // cycles until the next QK may be decided
  reg  [1:0]    s_full, p_full;   // score / probability slots
  reg           slot_q;      // slot of the next item (items alternate)
  // The decision's inputs from registers, each equal at every cycle a decision can be taken to what it stands
  // for (a simulation stop below compares them every cycle):
  //   q_rowl / q_grpl: q_row == rows - 1 / q_grp == groups - 1, compared a cycle ahead from qi, q_row, q_grp
  //     and c_ins[qi]. Those change only at a decision (none in the next cycle: qk_cnt = tk >= 1) or at the
  //     issue into context qi (c_rdy[qi] low for 9 cycles after).
  //   q_cntz: qk_cnt == 0 in this cycle (its next value: 0 after a decision only if tk were 0).
  //   q_rdy: c_rdy[qi] from the next values of both. c_rdy[x] is set when x's parameters are loaded and cleared
  //     when QK decides x's last item (not at the issue into x: the issue is a late signal of the sequencer):
  //     while an instruction of x waits for QK (pending), both rules give the same value, and the issue into
  //     x (free, so QK has left it) never meets its own parameter load (MIN_GAP >= 10 > 8).
  //   q_pend: pending != 0, from its next value (the issue enters in the last OR).
  reg           q_rowl, q_grpl, q_cntz, q_rdy, q_pend;
  reg           q_last;      // q_rowl && q_grpl, registered with them
  wire          q_lastitem = q_last;
  reg  [CTX-1:0] qi_oh;      // one-hot qi
  reg  [CTX-1:0] set_oh;     // c_rdy's set at this edge (pl_set at pl_idx), registered a cycle ahead: pl_cnt 7
                             // is followed by 8 (no issue meets a parameter load: MIN_GAP >= 10)
  wire          qk_go = q_pend && q_rdy && q_cntz && !s_full[slot_q] && !sq_busy[slot_q];
  wire [CI-1:0] qi_1 = qi + 1'b1;
  // q_row + 1 and q_grp + 1, kept with q_row / q_grp: q_rowl / q_grpl compare them with each context's rows /
  // groups (no subtract, no context select in front of the compare: the select takes the compares)
  reg  [7:0]    q_row1;
  reg  [3:0]    q_grp1;
  wire [CTX-1:0] rowl_c, grpl_c;
  genvar gc;
  generate
    for (gc = 0; gc < CTX; gc = gc + 1) begin : g_qc
      wire [7:0]    cr = c_ins[gc][`SF_F_ROWS];
      wire [3:0]    ch = c_ins[gc][`SF_F_HEADS];
      wire [3:0]    ng = NH == 2 ? (ch + 4'd1) >> 1 : ch;
      assign rowl_c[gc] = q_row1 == cr;
      assign grpl_c[gc] = q_grp1 == ng;
    end
  endgenerate
  wire          pl_set = pl_run && pl_cnt == 4'd8;     // c_rdy[pl_idx] set at this edge
  wire          rdy_q0 = c_rdy[qi] || (pl_set && pl_idx == qi);       // c_rdy[qi]'s next value (no clear)
  wire          rdy_q1 = c_rdy[qi_1] || (pl_set && pl_idx == qi_1);   // c_rdy[qi + 1]'s next value
  // pending + issue - (last-item decision), as a select by i_issue (late) between two values (no adder behind it)
  wire          q_dec = qk_go && q_lastitem;
  wire [CI:0]   pend_i = q_dec ? pending : pending + 1'b1;
  wire [CI:0]   pend_k = q_dec ? pending - 1'b1 : pending;
  wire [CI:0]   pending_n = i_issue ? pend_i : pend_k;
  integer       sk;
  always @(posedge i_clk) begin
    q_rowl <= rowl_c[qi];
    q_grpl <= grpl_c[qi];
    q_last <= rowl_c[qi] && grpl_c[qi];
    if (qk_go && q_lastitem) qi_oh <= {qi_oh[CTX-2:0], qi_oh[CTX-1]};
    for (sk = 0; sk < CTX; sk = sk + 1) set_oh[sk] <= pl_run && pl_cnt == 4'd7 && pl_idx == sk[CI-1:0];
    q_cntz <= !qk_go && qk_cnt <= 9'd1;
    q_rdy <= (qk_go && q_lastitem) ? rdy_q1 : rdy_q0;
    // pending_n != 0: an issue makes it nonzero; a last-item decision (pending >= 1) leaves pending - 1.
    // Timing: the issue enters a cycle late (iss_d, a register): q_pend then lags pending != 0 only in the cycle
    // after an issue into an empty queue, whose context is QK's next (qi) and not ready (q_rdy low): no decision
    // is lost (a simulation stop checks it)
    q_pend <= iss_d || ((qk_go && q_lastitem) ? pending != {{CI{1'b0}}, 1'b1} : q_pend);
    if (i_rst) begin
      q_rdy <= 1'b0;
      q_cntz <= 1'b1;
      q_pend <= 1'b0;
      qi_oh <= {{(CTX-1){1'b0}}, 1'b1};
      set_oh <= {CTX{1'b0}};
    end
  end
  generate
    if (`SF_ISA_MIN_GAP < 10) begin : g_bad_gap
      sf_eng_a_needs_min_gap_10 u_bad ();   // c_rdy's rule above: an issue never meets a parameter load
    end
  endgenerate
  // QK pipeline state
  reg           qk_on;
  reg  [7:0]    qk_j, qk_tk;
  reg  [15:0]   qk_kaddr;
  reg  [7:0]    qk_bstride;
  reg           qk_slot;
  reg  [1:0]    sq_busy;     // slot being written by QK (until its last score)
  always @(posedge i_clk) begin
    if (qk_cnt != 0) qk_cnt <= qk_cnt - 1'b1;
    if (qk_go) begin
      qk_cnt <= {1'b0, q_tk};                                    // next decision at Q + tk + 1
      o_qk_addr <= qaddr[QA+3:4];
      qk_on <= 1'b1;
      qk_j <= 8'd0;
      qk_tk <= q_tk;
      qk_kaddr <= qins[`SF_F_B] + ({13'd0, q_grp} << GSH);
      qk_bstride <= qins[`SF_F_B_STRIDE];
      qk_slot <= slot_q;
      slot_q <= !slot_q;
      if (q_lastitem) begin
        q_row <= 8'd0; q_row1 <= 8'd1;
        q_grp <= 3'd0; q_grp1 <= 4'd1;
        qi <= qi + 1'b1;
      end else if (q_grpl) begin
        q_grp <= 3'd0; q_grp1 <= 4'd1;
        q_row <= q_row1; q_row1 <= q_row1 + 1'b1;
      end else begin
        q_grp <= q_grp + 1'b1; q_grp1 <= q_grp1 + 1'b1;
      end
    end else if (qk_on) begin
      o_qk_addr <= qk_kaddr[QA+3:4];
      qk_kaddr <= qk_kaddr + {8'd0, qk_bstride};
      qk_j <= qk_j + 1'b1;
      if (qk_j == qk_tk - 8'd1) qk_on <= 1'b0;
    end
    pending <= pending_n;
    if (i_rst) begin
      qi <= {CI{1'b0}};
      q_row <= 8'd0; q_row1 <= 8'd1;
      q_grp <= 3'd0; q_grp1 <= 4'd1;
      qk_cnt <= 9'd0;
      qk_on <= 1'b0;
      slot_q <= 1'b0;
      pending <= {(CI+1){1'b0}};
    end
  end
  // the item's row addresses, kept incrementally (no multiplier): a + q_row a_stride (query) and d + q_row
  // d_stride (output); reloaded from the instruction while QK stands at its first item (row 0, group 0: at
  // least one cycle before that item's decision, which waits for the context's parameters or QK's previous
  // reads), advanced by the strides when the row moves on
  reg  [15:0] q_abase, q_dbase;
  reg         q_first;       // q_row == 0 && q_grp == 0, from a register (it changes only at a decision)
  always @(posedge i_clk) begin
    if (qk_go) q_first <= q_lastitem;
    if (i_rst) q_first <= 1'b1;
  end
  always @(posedge i_clk) begin
    if (qk_go) begin
      if (!q_lastitem && q_grpl) begin
        q_abase <= q_abase + {8'd0, qins[`SF_F_A_STRIDE]};
        q_dbase <= q_dbase + {8'd0, qins[`SF_F_D_STRIDE]};
      end
    end else if (q_first) begin
      q_abase <= qins[`SF_F_A];
      q_dbase <= qins[`SF_F_D];
    end
  end
  wire [15:0] qaddr = q_abase + ({13'd0, q_grp} << GSH);
`ifndef SYNTHESIS
`ifndef FORMAL  // Yosys read_verilog -formal rejects $stop outside initial blocks (formal/)
  always @(posedge i_clk) begin
    if (!i_rst && (q_cntz != (qk_cnt == 9'd0) || q_rdy != c_rdy[qi] ||
                   (q_pend != (pending != 0) && !(iss_d && !q_pend && pending == 1 && !q_rdy)) ||
                   q_first != (q_row == 8'd0 && q_grp == 3'd0) ||
                   (qk_go && (q_rowl != (q_row == qins[`SF_F_ROWS] - 8'd1) ||
                              q_grpl != ({1'b0, q_grp} == q_ngrp - 4'd1) || q_tk == 8'd0)))) begin
      $display("sf_eng_a: registered QK decision inputs disagree (cntz %b rdy %b pend %b rowl %b grpl %b tk %0d)",
               q_cntz, q_rdy, q_pend, q_rowl, q_grpl, q_tk);
      $stop;
    end
  end
`endif
`endif

  // item metadata: captured at the QK decision, indexed by slot
  // (it_lim: the last key index the causal mask keeps, r0 + row, 255 without the mask; it_dbase: the output
  // row's address)
  reg [CI-1:0] it_ctx [0:1];
  reg [7:0]    it_lim [0:1], it_tk [0:1];
  reg [8:0]    it_nk [0:1];   // keys the softmax keeps: min(tk, lim + 1), written at Q + 2
  reg [7:0]    it_keep0 [0:1]; // the first beat's keep mask (key k < min(tk, lim + 1)), written at Q + 1
  reg          it_one [0:1];  // a single beat (tk <= 8), written at Q + 1
  reg [2:0]    it_nb1 [0:1];  // beats - 1, written at Q + 1
  reg [15:0]   it_dbase [0:1];
  reg [2:0]    it_grp [0:1];
  reg          it_last [0:1];
  always @(posedge i_clk) begin
    if (qk_go) begin
      it_ctx[slot_q] <= qi;
      it_lim[slot_q] <= qins[4 + `SF_FLAG_CAUSAL] ? qins[`SF_F_R0] + q_row : 8'hFF;
      it_tk[slot_q] <= q_tk;
      it_dbase[slot_q] <= q_dbase;
      it_grp[slot_q] <= q_grp;
      it_last[slot_q] <= q_lastitem;
    end
  end

  // QK data path: q at Q + 2, key j at Q + 3 + j; products and sums registered; rescale; score write
  reg          q_take, q_take1;
  reg  [7:0]   nk_t;
  reg  [8:0]   nk_l;
  wire [5:0]   tk_m1 = it_tk[qk_slot][5:0] - 6'd1;   // (tk - 1) mod 64: beats - 1 in its bits 5:3
  reg  [AL*8-1:0] q_reg;
  reg          k_v1, k_v2, k_v3, k_v4, k_v5, k_v6, k_v7;
  reg  [7:0]   k_j1, k_j2, k_j3, k_j4, k_j5, k_j6, k_j7;
  reg          k_s1, k_s2, k_s3, k_s4, k_s5, k_s6, k_s7;
  reg          k_l1, k_l2, k_l3, k_l4, k_l5, k_l6, k_l7;
  reg          qk_v0, qk_l0;
  reg  [7:0]   qk_j0;
  wire [CI-1:0] kc = it_ctx[k_s2];
  wire signed [ZW-1:0] zq = c_zq[kc], zk = c_zk[kc];
  reg  [AL*8-1:0] kr;         // the key word's lanes, registered straight from the block RAM
  reg  signed [9:0] dq [0:AL-1], dk [0:AL-1];
  // the differences again, each register feeding only its lane's MULT18X18D (timing: nextpnr times the DSP as
  // combinational, so the register in front of it must sit next to it; dq / dk sit by their subtractors)
  reg  signed [9:0] dq2 [0:AL-1], dk2 [0:AL-1];
  reg  signed [19:0] pr [0:AL-1];
  // a head's sum of 8 products |(q - zq)(k - zk)| <= 511 * 511 < 2^18: the pair sums fit 21 bits, the head
  // sum 23 bits (no wrap: the same value as the int32 sum, sign-extended)
  reg  signed [20:0] ps [0:AL/2-1];
  reg  signed [ACC-1:0] hs [0:NH-1];
  // a head's four pair sums (23 bits: no wrap)
  wire signed [22:0] hsum [0:NH-1];
  genvar gk;
  generate
    for (gk = 0; gk < NH; gk = gk + 1) begin : g_hsum
      assign hsum[gk] = {{2{ps[gk*4+0][20]}}, ps[gk*4+0]} + {{2{ps[gk*4+1][20]}}, ps[gk*4+1]} +
                        {{2{ps[gk*4+2][20]}}, ps[gk*4+2]} + {{2{ps[gk*4+3][20]}}, ps[gk*4+3]};
    end
  endgenerate
  // the item's lanes of a 128-bit word: all of it (two heads), or the half of its head's parity (one head);
  // the query's item is QK's (qk_slot until the query is taken), a key's the slot it travels with (k_s1)
  wire [AL*8-1:0] q_word, k_word;
  generate
    if (NH == 2) begin : g_w2
      assign q_word = i_qk_data;
      assign k_word = i_qk_data;
    end else begin : g_w1
      assign q_word = i_qk_data[it_grp[qk_slot][0] * 64 +: 64];
      assign k_word = i_qk_data[it_grp[k_s1][0] * 64 +: 64];
    end
  endgenerate
  integer l, hh0;
  always @(posedge i_clk) begin
    q_take1 <= qk_go;
    // the slot's softmax constants from registers, in two steps (qk_slot holds until Q + 2: tk >= 1)
    if (q_take1) begin
      nk_t <= it_tk[qk_slot];
      nk_l <= {1'b0, it_lim[qk_slot]} + 9'd1;
      for (l = 0; l < 8; l = l + 1)
        it_keep0[qk_slot][l] <= it_tk[qk_slot] > l[7:0] && it_lim[qk_slot] >= l[7:0];
      it_nb1[qk_slot] <= tk_m1[5:3];
      it_one[qk_slot] <= tk_m1[5:3] == 3'd0;
    end
    if (q_take) it_nk[qk_slot] <= ({1'b0, nk_t} < nk_l) ? {1'b0, nk_t} : nk_l;
    q_take <= q_take1;
    if (q_take) q_reg <= q_word;                // Q + 2: the query word
    qk_v0 <= qk_on;                             // the key address of j is presented at Q + 2 + j
    qk_j0 <= qk_j;
    qk_l0 <= qk_on && qk_j == qk_tk - 8'd1;
    k_v1 <= qk_v0; k_j1 <= qk_j0; k_s1 <= qk_slot; k_l1 <= qk_l0;      // Q + 3 + j: the key data
    kr <= k_word;
    // Q + 4 + j: the differences (q_reg holds the item's query until Q' + 3 >= Q + tk + 4, after its last key's)
    for (l = 0; l < AL; l = l + 1) begin
      dq[l] <= $signed({2'b00, q_reg[l*8 +: 8]}) - $signed({{(10-ZW){zq[ZW-1]}}, zq});
      dk[l] <= $signed({2'b00, kr[l*8 +: 8]}) - $signed({{(10-ZW){zk[ZW-1]}}, zk});
      dq2[l] <= dq[l];
      dk2[l] <= dk[l];
      pr[l] <= dq2[l] * dk2[l];
    end
    for (l = 0; l < AL / 2; l = l + 1)
      ps[l] <= {pr[2*l][19], pr[2*l]} + {pr[2*l+1][19], pr[2*l+1]};
    for (hh0 = 0; hh0 < NH; hh0 = hh0 + 1)
      hs[hh0] <= {{(ACC-23){hsum[hh0][22]}}, hsum[hh0]};
    k_v2 <= k_v1; k_j2 <= k_j1; k_s2 <= k_s1; k_l2 <= k_l1;
    k_v3 <= k_v2; k_j3 <= k_j2; k_s3 <= k_s2; k_l3 <= k_l2;
    k_v4 <= k_v3; k_j4 <= k_j3; k_s4 <= k_s3; k_l4 <= k_l3;
    k_v5 <= k_v4; k_j5 <= k_j4; k_s5 <= k_s4; k_l5 <= k_l4;
    k_v6 <= k_v5; k_j6 <= k_j5; k_s6 <= k_s5; k_l6 <= k_l5;
    k_v7 <= k_v6; k_j7 <= k_j6; k_s7 <= k_s6; k_l7 <= k_l6;
    if (i_rst) begin
      qk_v0 <= 1'b0; k_v1 <= 1'b0; k_v2 <= 1'b0; k_v3 <= 1'b0; k_v4 <= 1'b0; k_v5 <= 1'b0; k_v6 <= 1'b0; k_v7 <= 1'b0;
      q_take <= 1'b0; q_take1 <= 1'b0;
    end
  end
  // stage timing: qk_v0 at Q + 2 + j (address), k_v1 at Q + 3 + j (data, registered in kr at its end), k_v2
  // (kr: dq/dk registered at its end), k_v3 (dq/dk: copied to dq2/dk2), k_v4 (dq2/dk2: products), k_v5
  // (products: pair sums), k_v6 (pair sums: head sums), k_v7 (sums) = the rescale input at Q + 9 + j, its output
  // at Q + 13 + j = Q + A_SCORE_LAT + j
  wire [NH*SW-1:0]  sc;
  wire [NH*ACC-1:0] hs_all;
  wire              sc_v;
  genvar gq;
  generate
    for (gq = 0; gq < NH; gq = gq + 1) begin : g_hs
      assign hs_all[gq*ACC +: ACC] = hs[gq];
    end
  endgenerate
  wire [CI-1:0]   kc3 = it_ctx[k_s7];
  wire [15:0]     rs_ms = c_ms[kc3];
  wire signed [5:0]  rs_ss = c_ss[kc3];
  wire signed [16:0] rs_zs = c_zs[kc3], rs_ls = c_ls[kc3], rs_hs = c_hs[kc3];
  sf_shift_rescale #(.LANES(NH), .OUT_W(SW), .ZP_W(17)) u_rs_s (
    .i_clk(i_clk), .i_rst(i_rst), .i_valid(k_v7), .o_ready(), .i_acc(hs_all),
    .i_mult(rs_ms), .i_shift(rs_ss), .i_zp(rs_zs), .i_lo(rs_ls), .i_hi(rs_hs), .o_valid(sc_v), .i_ready(1'b1),
    .o_y(sc));
  reg [7:0] w_j [0:3];
  reg [3:0] w_s, w_l;
  reg       w_kp, w_first;   // score w_j[3]: kept by the causal mask; the item's first score
  always @(posedge i_clk) begin
    w_j[0] <= k_j7; w_j[1] <= w_j[0]; w_j[2] <= w_j[1]; w_j[3] <= w_j[2];
    w_s <= {w_s[2:0], k_s7};
    w_l <= {w_l[2:0], k_l7 && k_v7};
    w_kp <= w_j[2] <= it_lim[w_s[2]];
    w_first <= w_j[2] == 8'd0;
  end
  // the row maximum of the kept scores, per slot and head, kept as the scores are written (the softmax takes
  // it with the row's last beat: sf_softmax EXT_MAX); a slot's maximum is complete when the slot is full
  // score slots, per head and lane position: [slot][beat] (16 x SW: LUT RAM), written one score at a time at
  // lane wj[2:0], the 8 lanes of a beat read at once (asynchronous read: the same cycle as a register array)
  wire [7:0] wj = w_j[3];
  wire [NH*8*SW-1:0] s_beat;      // the SM beat's scores, per head (slot sm_slot_now, beat sm_bn)
  wire [NH*SW-1:0]   s_max;       // the slot's row maximum, per head
  genvar gs, gl;
  generate
    for (gs = 0; gs < NH; gs = gs + 1) begin : g_sb
      reg signed [SW-1:0] smx [0:1];
      reg                 sany [0:1];
      wire signed [SW-1:0] sh = $signed(sc[gs*SW +: SW]);
      // timing: the score is compared with both slots' maxima (no slot select in front of the compare), and the
      // compare's only gate after it is the enable's OR (its other terms from registers)
      wire                gt0 = sh > smx[0], gt1 = sh > smx[1];
      wire                wr_any = sc_v && w_kp;                        // a kept score is written
      wire                set0 = wr_any && !w_s[3] && (w_first || !sany[0]);   // slot 0 takes it unconditionally
      wire                set1 = wr_any && w_s[3] && (w_first || !sany[1]);
      wire                cmp0 = wr_any && !w_s[3], cmp1 = wr_any && w_s[3];   // slot takes it if larger
      always @(posedge i_clk) begin
        if (set0 || (cmp0 && gt0)) smx[0] <= sh;
        if (set1 || (cmp1 && gt1)) smx[1] <= sh;
        if (sc_v) sany[w_s[3]] <= w_kp || (!w_first && sany[w_s[3]]);
      end
      assign s_max[gs*SW +: SW] = smx[sm_slot_now];
      for (gl = 0; gl < 8; gl = gl + 1) begin : g_ln
        localparam [2:0] LN = gl;
        reg [SW-1:0] sbuf [0:15];
        always @(posedge i_clk)
          if (sc_v && wj[2:0] == LN) sbuf[{w_s[3], wj[5:3]}] <= sh;
        assign s_beat[(gs*8+gl)*SW +: SW] = sbuf[{sm_slot_now, sm_bn}];
      end
    end
  endgenerate
  // a slot is busy from the QK decision until its last score is written, then full until SM has fed it
  always @(posedge i_clk) begin
    if (qk_go) sq_busy[slot_q] <= 1'b1;
    if (sc_v && w_l[3]) begin
      sq_busy[w_s[3]] <= 1'b0;
      s_full[w_s[3]] <= 1'b1;
    end
    if (sm_go_last) s_full[sm_slot_now] <= 1'b0;
    if (i_rst) begin
      sq_busy <= 2'b00;
      s_full <= 2'b00;
    end
  end

  // ---- SM ----
  reg         sm_on;
  reg  [2:0]  sm_b;
  reg         sm_slot;
  reg         slot_s;        // slot of the next item for SM
  wire [NH-1:0] sm_rdy;
  wire [CI-1:0] sc_ctx = sm_on ? pm_ctx[sm_slot] : it_ctx[slot_s];
  wire [IW-1:0] sins = c_ins[it_ctx[slot_s]];   // the next SM item's instruction
  wire        sm_go = !sm_on && s_full[slot_s] && !p_full[slot_s] && !p_busy[slot_s] && !pv_rd[slot_s] && sm_rdy[0];
  wire unused_rdy = &{1'b0, sm_rdy};
  wire        sm_beat = sm_go || sm_on;
  wire [2:0]  sm_bn = sm_on ? sm_b : 3'd0;
  wire        sm_slot_now = sm_on ? sm_slot : slot_s;
  // the beat sm_bn is the row's last (sm_bn == beats - 1), from registers: the first beat's from it_one, later
  // beats' from sm_lastn (set a beat ahead); sm_lastr is the softmax's i_last (taken only with a beat)
  reg         sm_lastn;
  reg  [2:0]  sm_nb1;         // the row's beats - 1 while sm_on
  wire        sm_lastr = sm_on ? sm_lastn : it_one[slot_s];
  wire        sm_last = sm_beat && sm_lastr;
  wire        sm_go_last = sm_last;
  // item metadata by probability slot: captured at the SM decision (the score slot's may be reused after)
  reg [CI-1:0] pm_ctx [0:1];
  reg [7:0]    pm_tk [0:1];
  reg [8:0]    pm_tk5 [0:1];   // tk + 5
  reg [15:0]   pm_dbase [0:1];
  reg [2:0]    pm_grp [0:1];
  reg          pm_last [0:1];
  reg [15:0]   pm_vbase [0:1];  // value 0's address, c + (group << GSH): no add behind the PV decision
  always @(posedge i_clk) begin
    if (sm_go) begin
      pm_ctx[slot_s] <= it_ctx[slot_s];
      pm_tk[slot_s] <= it_tk[slot_s];
      pm_tk5[slot_s] <= {1'b0, it_tk[slot_s]} + 9'd5;
      pm_dbase[slot_s] <= it_dbase[slot_s];
      pm_grp[slot_s] <= it_grp[slot_s];
      pm_vbase[slot_s] <= sins[`SF_F_C] + ({13'd0, it_grp[slot_s]} << GSH);
      pm_last[slot_s] <= it_last[slot_s];
    end
  end
  // the beat's keep mask: key 8 b + k kept iff 8 b + k < min(tk, lim + 1), i.e. k < the keys left from beat b
  // (sm_rem, counted down by 8 a beat; the first beat's from it_nk): compares with constants, no carry chain
  // The mask itself comes from registers (timing: it is the LUT RAM write data in sf_softmax): the first beat's
  // from it_keep0, a later beat's from sm_keep, set a beat ahead from rem_now.
  reg  signed [9:0] sm_rem;   // keys left from the next beat on (negative: none)
  wire signed [9:0] rem_now = sm_on ? sm_rem : $signed({1'b0, it_nk[slot_s]});
  reg  [7:0]  sm_keep;
  wire [7:0]  keep = sm_on ? sm_keep : it_keep0[slot_s];
  integer kk;
  always @(posedge i_clk) begin
    if (sm_beat) begin
      sm_rem <= rem_now - 10'sd8;
      for (kk = 0; kk < 8; kk = kk + 1)
        sm_keep[kk] <= rem_now > $signed(kk[9:0] + 10'sd8);
    end
  end
`ifndef SYNTHESIS
`ifndef FORMAL  // Yosys read_verilog -formal rejects $stop outside initial blocks (formal/)
  reg  [7:0] pm_lim_chk [0:1];   // the old limit path, for the check only
  always @(posedge i_clk) if (sm_go) pm_lim_chk[slot_s] <= it_lim[slot_s];
  wire [7:0] keep_lim = sm_on ? pm_lim_chk[sm_slot] : it_lim[slot_s];
  integer kq;
  wire [7:0]  s_tk = sm_on ? pm_tk[sm_slot] : it_tk[slot_s];
  wire [5:0]  s_tk1 = s_tk[5:0] - 6'd1;
  wire unused_chk = &{1'b0, s_tk1[2:0]};
  always @(posedge i_clk) begin
    if (!i_rst && sm_beat && sm_lastr != (sm_bn == s_tk1[5:3])) begin
      $display("sf_eng_a: registered last-beat flag disagrees (beat %0d)", sm_bn);
      $stop;
    end
    for (kq = 0; kq < 8; kq = kq + 1)
      if (!i_rst && sm_beat && keep[kq] != (({2'b0, sm_bn, kq[2:0]} < s_tk) && ({2'b0, sm_bn, kq[2:0]} <= keep_lim))) begin
        $display("sf_eng_a: keep mask disagrees (beat %0d lane %0d)", sm_bn, kq);
        $stop;
      end
  end
`endif
`endif
  always @(posedge i_clk) begin
    if (sm_go) begin
      sm_slot <= slot_s;
      slot_s <= !slot_s;
      sm_on <= !it_one[slot_s];
      sm_b <= 3'd1;
      sm_nb1 <= it_nb1[slot_s];
      sm_lastn <= it_nb1[slot_s] == 3'd1;
    end else if (sm_on) begin
      sm_b <= sm_b + 1'b1;
      sm_lastn <= sm_b + 3'd1 == sm_nb1;
      if (sm_lastn) sm_on <= 1'b0;
    end
    if (i_rst) begin
      sm_on <= 1'b0;
      slot_s <= 1'b0;
    end
  end
  wire [NH-1:0]      p_v, p_lastb;
  wire [NH*8*PW-1:0] p_beat;
  genvar gh;
  generate
    for (gh = 0; gh < NH; gh = gh + 1) begin : g_sm
      sf_softmax #(.EXT_MAX(1)) u_sm (
        .i_clk(i_clk), .i_rst(i_rst), .i_valid(sm_beat), .o_ready(sm_rdy[gh]),
        .i_s(s_beat[gh*8*SW +: 8*SW]), .i_keep(keep), .i_last(sm_lastr),
        .i_frac(c_fr[sc_ctx]), .i_max(s_max[gh*SW +: SW]), .o_valid(p_v[gh]), .i_ready(1'b1),
        .o_p(p_beat[gh*8*PW +: 8*PW]), .o_last(p_lastb[gh]));
    end
  endgenerate
  // probability slots, per head: [slot][beat] of 8 (16 x 8 PW: LUT RAM, asynchronous read); written in output
  // order (the instances run in lockstep: head 0's valid and last stand for all)
  reg [2:0]      po_b;
  reg            po_slot;      // slot the softmax outputs go to (outputs follow the inputs in order)
  reg [1:0]      p_busy;
  wire [NH*PW-1:0] p_val;      // P.V's probability of key v_j2, per head
  genvar gp;
  generate
    for (gp = 0; gp < NH; gp = gp + 1) begin : g_pb
      reg [8*PW-1:0] pbuf [0:15];
      always @(posedge i_clk)
        if (p_v[0]) pbuf[{po_slot, po_b}] <= p_beat[gp*8*PW +: 8*PW];
      wire [8*PW-1:0] pw = pbuf[{v_s2, v_j2[5:3]}];
      assign p_val[gp*PW +: PW] = pw[v_j2[2:0] * PW +: PW];
    end
  endgenerate
  always @(posedge i_clk) begin
    if (sm_go) p_busy[slot_s] <= 1'b1;
    if (p_v[0]) begin
      po_b <= p_lastb[0] ? 3'd0 : po_b + 1'b1;
      if (p_lastb[0]) begin
        po_slot <= !po_slot;
        p_busy[po_slot] <= 1'b0;
        p_full[po_slot] <= 1'b1;
      end
    end
    if (pv_go) p_full[slot_v] <= 1'b0;   // taken by P.V (pv_rd guards it until its last read)
    if (i_rst) begin
      po_b <= 3'd0;
      po_slot <= 1'b0;
      p_busy <= 2'b00;
      p_full <= 2'b00;
    end
  end

  // ---- PV ----
  reg          slot_v;        // slot of the next item for PV
  reg  [8:0]   pv_cnt;        // cycles until the next PV may be decided (value reads)
  reg  [8:0]   ov_cnt;        // cycles until the P.V output register is free (shadow read over)
  wire [CI-1:0] pc = pm_ctx[slot_v];
  wire [IW-1:0] pins = c_ins[pc];
  wire [7:0]   v_tk = pm_tk[slot_v];
  // pv_cntz: pv_cnt == 0, from its next value (0 after a decision only if tk were 0: tk >= 1 is checked at the
  // QK decision); pm_tk5: tk + 5 per probability slot, written with pm_tk (no add in front of the compare)
  // ov_le: ov_cnt <= pm_tk5[slot_v], from the next values of ov_cnt and slot_v (pm_tk5[x] is written at an SM
  // decision into x, which leaves p_full[x] low for more than a cycle: a stale ov_le then meets no decision)
  reg          pv_cntz;
  reg          ov_le;
  // Timing: ov_le's two compares from registers, no add in front: ovd = max(ov_cnt - 1, 0) (ov_cnt's next value
  // without a decision) kept beside ov_cnt; ov_a[x]: the reload after a decision of slot x (pm_tk5[x] + ND - 1)
  // <= pm_tk5[!x], compared a cycle ahead (it matters only if the other slot is full in the next cycle, so both
  // slots' tk were written long before)
  reg  [8:0]   ovd;
  reg  [1:0]   ov_a;
  wire         pv_go = p_full[slot_v] && pv_cntz && ov_le;
  reg          pv_on;
  reg  [7:0]   pv_j, pv_tk;
  reg  [15:0]  pv_vaddr;
  reg  [7:0]   pv_cstride;
  reg          pv_slot;
  reg  [CI-1:0] pv_ctx;
  reg  [15:0]  pv_dbase;
  reg  [2:0]   pv_grp;
  reg          pv_last;
  reg  [1:0]   pv_rd;          // slot being read by PV
  wire [15:0]  vbase = pm_vbase[slot_v];                                   // value 0's address
  wire [15:0]  vnext = pv_vaddr + {8'd0, pv_cstride};                     // value j + 1's (pv_vaddr: j's)
  always @(posedge i_clk) begin
    if (pv_cnt != 0) pv_cnt <= pv_cnt - 1'b1;
    pv_cntz <= !pv_go && pv_cnt <= 9'd1;
    if (ov_cnt != 0) ov_cnt <= ov_cnt - 1'b1;
    ovd <= pv_go ? {1'b0, v_tk} + 9'd5 + ND[8:0] - 9'd2 : ovd - {8'd0, ovd != 9'd0};
    ov_a[0] <= pm_tk5[0] + ND[8:0] - 9'd1 <= pm_tk5[1];
    ov_a[1] <= pm_tk5[1] + ND[8:0] - 9'd1 <= pm_tk5[0];
    ov_le <= pv_go ? ov_a[slot_v] : ovd <= pm_tk5[slot_v];
    if (pv_go) begin
      pv_cnt <= {1'b0, v_tk};                                          // next decision at V + tk + 1
      ov_cnt <= {1'b0, v_tk} + 9'd5 + ND[8:0] - 9'd1;                  // output taken at V + tk + 5, read ND
      pv_on <= 1'b1;
      pv_j <= 8'd0;
      pv_tk <= v_tk;
      pv_vaddr <= vbase;
      o_v_addr <= vbase[VA+3:4];                                       // value 0 at V + 1
      pv_cstride <= pins[`SF_F_C_STRIDE];
      pv_slot <= slot_v;
      pv_ctx <= pm_ctx[slot_v];
      pv_dbase <= pm_dbase[slot_v];
      pv_grp <= pm_grp[slot_v];
      pv_last <= pm_last[slot_v];
      slot_v <= !slot_v;
      pv_rd[slot_v] <= 1'b1;
    end else if (pv_on) begin
      o_v_addr <= vnext[VA+3:4];                                       // value j + 1 at V + 2 + j
      pv_vaddr <= vnext;
      pv_j <= pv_j + 1'b1;
      if (pv_j == pv_tk - 8'd1) pv_on <= 1'b0;
    end
    if (v_lastbeat) pv_rd[v_s2] <= 1'b0;   // the slot's last probability read
    if (i_rst) begin
      slot_v <= 1'b0;
      pv_cnt <= 9'd0;
      pv_cntz <= 1'b1;
      ov_cnt <= 9'd0;
      ovd <= 9'd0;
      ov_le <= 1'b1;
      pv_on <= 1'b0;
      pv_rd <= 2'b00;
    end
  end
`ifndef SYNTHESIS
`ifndef FORMAL  // Yosys read_verilog -formal rejects $stop outside initial blocks (formal/)
  always @(posedge i_clk) begin
    if (!i_rst && (pv_cntz != (pv_cnt == 9'd0) || (p_full[slot_v] && pm_tk5[slot_v] != {1'b0, v_tk} + 9'd5) ||
                   (p_full[slot_v] && ov_le != (ov_cnt <= pm_tk5[slot_v])) ||
                   ovd != ov_cnt - {8'd0, ov_cnt != 9'd0} ||
                   (p_full[slot_v] && pm_vbase[slot_v] != pins[`SF_F_C] + ({13'd0, pm_grp[slot_v]} << GSH)))) begin
      $display("sf_eng_a: registered PV decision inputs disagree (pv_cntz %b)", pv_cntz);
      $stop;
    end
  end
`endif
`endif
  // value j: addressed at V + 1 + j (o_v_addr set at V + j), the memory's data at V + 2 + j registered (vr: the
  // block RAM's 5.6 ns read delay then meets only the lane select), vr and p at V + 3 + j
  reg        v_v1, v_v2, v_f1, v_f2, v_l1, v_l2, v_s1, v_s2, v_h1;
  reg  [7:0] v_j1, v_j2;
  reg  [CI-1:0] v_c1, v_c2;
  always @(posedge i_clk) begin
    v_v1 <= pv_on; v_j1 <= pv_j; v_f1 <= pv_on && pv_j == 8'd0; v_l1 <= pv_on && pv_j == pv_tk - 8'd1;
    v_s1 <= pv_slot; v_c1 <= pv_ctx; v_h1 <= pv_grp[0];
    v_v2 <= v_v1; v_j2 <= v_j1; v_f2 <= v_f1; v_l2 <= v_l1; v_s2 <= v_s1; v_c2 <= v_c1;
    if (i_rst) begin v_v1 <= 1'b0; v_v2 <= 1'b0; end
  end
  wire v_lastbeat = v_v2 && v_l2;
  // lane c of head h takes p_h (8 lanes a head); the value word's lanes as the query's (NH = 1: the half of
  // the head's parity, v_h1 at the memory's data cycle)
  wire [AL*PW-1:0] pv_a;
  wire [AL*8-1:0]  v_word;
  reg  [AL*8-1:0]  vr;
  always @(posedge i_clk) vr <= v_word;
  genvar ga;
  generate
    for (ga = 0; ga < NH; ga = ga + 1) begin : g_pa
      assign pv_a[ga*8*PW +: 8*PW] = {8{p_val[ga*PW +: PW]}};
    end
    if (NH == 2) begin : g_v2
      assign v_word = i_v_data;
    end else begin : g_v1
      assign v_word = i_v_data[v_h1 * 64 +: 64];
    end
  endgenerate
  wire [AL*ACC-1:0] pv_acc;
  wire              pv_ov;
  sf_actmac #(.LANES(AL)) u_pv (
    .i_clk(i_clk), .i_rst(i_rst), .i_valid(v_v2), .o_ready(), .i_first(v_f2), .i_last(v_l2),
    .i_a(pv_a), .i_b(vr), .i_za({ZW{1'b0}}), .i_zb(c_zv[v_c2]),
    .o_valid(pv_ov), .i_ready(1'b1), .o_acc(pv_acc));
  // the item's output metadata: from the PV decision to its last beat (ov_*), to the capture (o_*)
  reg [CI-1:0] ov_ctx, o_ctx;
  reg [15:0]   ov_dbase, o_dbase;
  reg [2:0]    ov_grp, o_grp;
  reg          ov_last, o_islast;
  // the output: captured at V + tk + 5, drained two lanes a cycle from V + tk + 6 (the register shifts down
  // by two lanes a step: the rescale lanes always take its lowest two, no lane select)
  reg [AL*ACC-1:0] shadow;
  reg              dr_on;
  reg [2:0]        dr_m;
  localparam [2:0] DR_LAST = ND[2:0] - 3'd1;
  always @(posedge i_clk) begin
    if (v_lastbeat) begin ov_ctx <= v_c2; ov_dbase <= pv_dbase_q; ov_grp <= pv_grp_q; ov_last <= pv_last_q; end
    if (pv_ov) begin
      shadow <= pv_acc;
      dr_on <= 1'b1;
      dr_m <= 3'd0;
      o_ctx <= ov_ctx;
      o_dbase <= ov_dbase;
      o_grp <= ov_grp;
      o_islast <= ov_last;
    end else if (dr_on) begin
      dr_m <= dr_m + 1'b1;
      shadow <= {{(2*ACC){1'b0}}, shadow[AL*ACC-1:2*ACC]};
      if (dr_m == DR_LAST) dr_on <= 1'b0;
    end
    if (i_rst) dr_on <= 1'b0;
  end
  // the PV decision's row / group / last flag, carried to the last beat
  reg [15:0] pv_dbase_q1, pv_dbase_q;
  reg [2:0] pv_grp_q1, pv_grp_q;
  reg       pv_last_q1, pv_last_q;
  always @(posedge i_clk) begin
    pv_dbase_q1 <= pv_dbase; pv_dbase_q <= pv_dbase_q1;
    pv_grp_q1 <= pv_grp; pv_grp_q <= pv_grp_q1;
    pv_last_q1 <= pv_last; pv_last_q <= pv_last_q1;
  end
  wire [CI-1:0] oc = o_ctx;
  wire [IW-1:0] oins = c_ins[oc];
  // the output rescale's mult and shift, registered with o_ctx (the context's parameters are stable while it is
  // in flight): no LUT RAM read in front of sf_shift_rescale's stage 1 (its log2(mult) / multiplier)
  reg  [15:0]   ro_ms;
  reg  signed [5:0]  ro_ss;
  always @(posedge i_clk) if (pv_ov) begin ro_ms <= c_mo[ov_ctx]; ro_ss <= c_so[ov_ctx]; end
  wire signed [16:0] ro_zs = c_zo[oc], ro_ls = c_lo[oc], ro_hs = c_ho[oc];
  wire [2*16-1:0] oy;
  wire            oy_v;
  sf_shift_rescale #(.LANES(2), .OUT_W(16), .ZP_W(17)) u_rs_o (
    .i_clk(i_clk), .i_rst(i_rst), .i_valid(dr_on), .o_ready(),
    .i_acc(shadow[2*ACC-1:0]),
    .i_mult(ro_ms), .i_shift(ro_ss), .i_zp(ro_zs), .i_lo(ro_ls), .i_hi(ro_hs), .o_valid(oy_v), .i_ready(1'b1),
    .o_y(oy));
  reg [15:0] o_addr [0:3];
  reg [3:0]  o_mem [0:3];
  reg [3:0]  o_last;
  wire [15:0] d_addr = o_dbase + ({13'd0, o_grp} << GSH) + {12'd0, dr_m, 1'b0};
  always @(posedge i_clk) begin
    o_addr[0] <= d_addr; o_addr[1] <= o_addr[0]; o_addr[2] <= o_addr[1]; o_addr[3] <= o_addr[2];
    o_mem[0] <= oins[`SF_F_D_MEM]; o_mem[1] <= o_mem[0]; o_mem[2] <= o_mem[1]; o_mem[3] <= o_mem[2];
    o_last <= {o_last[2:0], dr_on && dr_m == DR_LAST && o_islast};
    o_done <= oy_v && o_last[3];
    if (i_rst) begin
      o_last <= 4'd0;
      o_done <= 1'b0;
    end
  end
`ifndef SYNTHESIS
`ifndef FORMAL  // Yosys read_verilog -formal rejects $stop outside initial blocks (formal/)
  // c_rdy by its rule (cleared at QK's last-item decision at qi, set by the parameter load at pl_idx), and the
  // registered inputs of its new form
  reg [CTX-1:0] c_rdy_chk;
  always @(posedge i_clk) begin
    if (qk_go && q_rowl && q_grpl) c_rdy_chk[qi] <= 1'b0;
    if (pl_set) c_rdy_chk[pl_idx] <= 1'b1;
    if (i_rst) c_rdy_chk <= {CTX{1'b0}};
    if (!i_rst && (c_rdy != c_rdy_chk || q_last != (q_rowl && q_grpl) || qi_oh != ({{(CTX-1){1'b0}}, 1'b1} << qi) ||
                   set_oh != (pl_set ? {{(CTX-1){1'b0}}, 1'b1} << pl_idx : {CTX{1'b0}}))) begin
      $display("sf_eng_a: c_rdy or its registered inputs disagree (c_rdy %b, by the rule %b)", c_rdy, c_rdy_chk);
      $stop;
    end
  end
  // the contexts as issued (c_ins is written a cycle later, from ins_s): every read that is used must see them
  reg [IW-1:0] c_ins_chk [0:CTX-1];
  always @(posedge i_clk) if (i_issue) c_ins_chk[wp] <= i_instr;
  always @(posedge i_clk) begin
    if (!i_rst && ((qk_go && (qins != c_ins_chk[qi] || (q_first && (q_abase != qins[`SF_F_A] ||
                                                                      q_dbase != qins[`SF_F_D])))) ||
                   (sm_go && sins != c_ins_chk[it_ctx[slot_s]]) || (pv_go && pins != c_ins_chk[pc]) ||
                   (dr_on && oins != c_ins_chk[oc]) ||
                   (pl_run && pl_pb != c_ins_chk[pl_idx][`SF_F_PBASE]) ||
                   q_row1 != q_row + 8'd1 || q_grp1 != {1'b0, q_grp} + 4'd1)) begin
      $display("sf_eng_a: a context read disagrees with the issued instruction (or q_row1 / q_grp1)");
      $stop;
    end
  end
`endif
`endif
  assign o_wr_valid = oy_v;
  assign o_wr_mem   = o_mem[3];
  assign o_wr_addr  = o_addr[3];
  assign o_wr_data  = {oy[16 +: 8], oy[0 +: 8]};
  wire unused = &{1'b0, qaddr, wj, tk_m1[2:0], p_v, p_lastb, v_j2, v_h1, oy};
endmodule
`default_nettype wire
