// sf_seq: the sequencer of sf_core (docs/core.md): header check, the four units' instruction streams (IO, W,
// A, N; docs/isa.md) fetched from the program memory into one prefetch buffer per unit, each instruction
// issued to its engine when the engine is free (i_free, sf_eng_slot) and its wait fields are met by the
// completion counters (i_done: two bits per unit, the number of the unit's instructions complete this cycle).
//   i_start (idle only): row 0 is read (o_raddr = 0 while idle); HDR0 registers word 0 and takes the streams'
//   starts and counts, HDR1 checks word 0 (o_error, back to idle on a mismatch: the block RAM's read data
//   goes only into registers, timing) and takes the last count (row 1, word 0), FILL fetches
//   until every non-empty stream's buffer holds its first instruction, then RUN (o_run) until every stream is
//   issued and complete: idle the next cycle with a one-cycle o_done (formal/sf_formal_seq.v proves the bound).
// Program memory: the caller's, one registered read port: i_rdata = the row at the o_raddr of the cycle before.
`default_nettype none
`include "sf_isa.vh"

module sf_seq #(
  parameter integer PROG_DEPTH  = `SF_ISA_PROG_DEPTH,
  parameter integer INSTR_WORDS = `SF_ISA_INSTR_WORDS,
  parameter integer N_UNITS     = `SF_ISA_N_UNITS
) (
  input  wire                                              i_clk,
  input  wire                                              i_rst,
  input  wire                                              i_start,
  output wire [$clog2(PROG_DEPTH / INSTR_WORDS)-1:0]       o_raddr,
  input  wire [INSTR_WORDS*32-1:0]                         i_rdata,
  output wire [N_UNITS-1:0]                                o_issue,
  output wire [N_UNITS*INSTR_WORDS*32-1:0]                 o_instr,
  input  wire [N_UNITS-1:0]                                i_free,
  input  wire [N_UNITS*2-1:0]                              i_done,
  output reg                                               o_run,
  output reg                                               o_done,
  output reg                                               o_error
);
  localparam integer IW_BITS = INSTR_WORDS * 32;
  localparam integer ROWS    = PROG_DEPTH / INSTR_WORDS;
  localparam integer RA_W    = $clog2(ROWS);
  localparam integer LANE_W  = $clog2(INSTR_WORDS);
  localparam integer CW      = 11;                      // instruction counts (waits are 10 bits)
  localparam integer UW      = $clog2(N_UNITS);      // N_UNITS: a power of two
  localparam [31:0]  HDR0    = (`SF_ISA_MAGIC << 16) | (`SF_ISA_BUILD_ID << 12) | `SF_ISA_VERSION;  // the build's
  wire [IW_BITS-1:0]         rdata = i_rdata;
  wire [N_UNITS-1:0]         ufree = i_free;
  wire [N_UNITS*2-1:0]       udone = i_done;
  wire [N_UNITS-1:0]         issue;
  wire [N_UNITS*IW_BITS-1:0] instr;
  reg  [RA_W-1:0]            raddr;
  assign o_raddr = raddr;
  assign o_issue = issue;
  assign o_instr = instr;

  // ---- sequencer state ----
  localparam [2:0] S_IDLE = 3'd0, S_HDR0 = 3'd1, S_HDR1 = 3'd2, S_FILL = 3'd3, S_RUN = 3'd4;
  reg [2:0]          state;
  reg [RA_W-1:0]     row    [0:N_UNITS-1];  // next row to fetch
  reg [CW-1:0]       left   [0:N_UNITS-1];  // instructions still to fetch
  reg [CW-1:0]       count  [0:N_UNITS-1];  // stream length
  reg [CW-1:0]       issued [0:N_UNITS-1];
  reg [CW-1:0]       comp   [0:N_UNITS-1];  // completion counters
  reg [IW_BITS-1:0]  buf_q  [0:N_UNITS-1];  // prefetched instruction
  reg [N_UNITS-1:0]  buf_v;
  // a fetch is decided in cycle t (pick), its row address is registered and presented to the program memory
  // in t + 1 (a_pend, a_unit), the row arrives in t + 2 (rd_pend, rd_unit) and loads the unit's buffer
  reg                a_pend;                // the row address of a fetch for unit a_unit is presented
  reg [UW-1:0]       a_unit;
  reg                rd_pend;               // the row of a fetch for unit rd_unit arrives
  reg [UW-1:0]       rd_unit;
  reg [RA_W-1:0]     raddr_q;
  reg [UW-1:0]       rr;                    // round-robin pointer
  reg [31:0]         hdr_q;                 // header word 0, checked in S_HDR1

  // completion counts including this cycle's reports
  wire [CW-1:0] comp_next [0:N_UNITS-1];
  reg  [CW-1:0] comp_d    [0:N_UNITS-1];  // the counters' next values (0 on reset and at a new header)
  // Timing: comp + i_done -> compare -> issue was the routed design's critical path (docs/ecp5_flow.md).
  // For every buffered instruction (unit u) and wait field (unit v) the difference diff = wait_v - comp[v]
  // is kept in a register, computed a cycle ahead from the buffer and the counters' next values, as its sign
  // (neg), whether 0 <= diff <= 3 (near) and its low bits (lo). This cycle's report d (0..3) enters only in
  // the last step: wait <= comp + d  <=>  diff < 0, or near and lo <= d (comp + d never wraps: completions
  // never pass the stream's count, CW bits). An instruction therefore issues at the earliest in the second
  // cycle after its buffer is loaded (buf_old): the refetch after an issue is hidden behind min_gap
  // (spec/isa.toml), so that never delays an issue of a compiled program (tb_core: every write on the cycle
  // model's cycle); the W engine's registered issue values rely on it too. Formal property S6: the issue
  // decision equals the direct comparison for every buffer held since the last cycle.
  reg  [N_UNITS*N_UNITS-1:0] d_neg, d_near;   // at u * N_UNITS + v
  reg  [N_UNITS*N_UNITS*2-1:0] d_lo;
  reg  [N_UNITS-1:0] buf_old;                  // buffer valid and not loaded in the last cycle
  wire [N_UNITS-1:0] ld_buf;                   // unit u's buffer loads this cycle
  genvar gu, gv;
  generate
    for (gv = 0; gv < N_UNITS; gv = gv + 1) begin : g_cnt
      assign comp_next[gv] = comp[gv] + {{(CW-2){1'b0}}, udone[gv*2 +: 2]};
    end
    for (gu = 0; gu < N_UNITS; gu = gu + 1) begin : g_unit
      wire [IW_BITS-1:0] ins = buf_q[gu];
      assign ld_buf[gu] = rd_pend && rd_unit == gu;
      wire [N_UNITS*10-1:0] waits;   // unit v's wait field at [v*10 +: 10]
      assign waits[`SF_UNIT_IO*10 +: 10] = ins[`SF_F_WAIT_IO];
      assign waits[`SF_UNIT_W*10 +: 10]  = ins[`SF_F_WAIT_W];
      assign waits[`SF_UNIT_A*10 +: 10]  = ins[`SF_F_WAIT_A];
      assign waits[`SF_UNIT_N*10 +: 10]  = ins[`SF_F_WAIT_N];
      // every wait field (unit v has completed wait_v instructions) against the completion counters
      wire [N_UNITS-1:0] ok;
      for (gv = 0; gv < N_UNITS; gv = gv + 1) begin : g_wait
        localparam integer K = gu * N_UNITS + gv;
        // wait - next comp = x - d with x = wait - comp (registers only) and d this cycle's report (0..3): its
        // sign, near and low bits from x's, without a second carry chain behind the first (timing: comp + d,
        // then wait - that, was a 10 ns path at 100 MHz). x - d < 0 <=> x < 0 or 0 <= x <= 3 and x < d;
        // 0 <= x - d <= 3 <=> 0 <= x <= 3 and x >= d, or 4 <= x <= 7 and x - 4 < d. From comp_next's parts,
        // not comp_d (the reset / new-header zeroing is left out: the differences are used only for a buffer
        // held since the cycle before, in S_RUN, by which time they were computed from the zeroed counters;
        // formal S6 checks it; timing: the core's reset was in this path)
        wire [CW:0] x_d = {{(CW-9){1'b0}}, waits[gv*10 +: 10]} - {1'b0, comp[gv]};
        wire [1:0]  dd  = udone[gv*2 +: 2];
        wire        x03 = x_d[CW:2] == {(CW-1){1'b0}};
        wire        x47 = x_d[CW:2] == {{(CW-2){1'b0}}, 1'b1};
        always @(posedge i_clk) begin
          d_neg[K] <= x_d[CW] || (x03 && x_d[1:0] < dd);
          d_near[K] <= (x03 && x_d[1:0] >= dd) || (x47 && x_d[1:0] < dd);
          d_lo[K*2 +: 2] <= x_d[1:0] - dd;
        end
        assign ok[gv] = d_neg[K] || (d_near[K] && d_lo[K*2 +: 2] <= udone[gv*2 +: 2]);
      end
      // buf_old: the buffer was loaded before the last cycle, so the registered differences (from buf_q, not
      // from the program memory's read data: that was the next critical path) describe it
      always @(posedge i_clk) buf_old[gu] <= buf_v[gu] && !ld_buf[gu];
      assign issue[gu] = (state == S_RUN) && buf_v[gu] && buf_old[gu] && ufree[gu] && (&ok);
      assign instr[gu*IW_BITS +: IW_BITS] = ins;
    end
  endgenerate

  // fetch arbitration: the first unit from rr on whose buffer is empty, has more to fetch and no fetch in
  // flight (N_UNITS is a power of two: the unit index wraps at UW bits). A buffer issued in this cycle is
  // refetched from the next: the arbitration reads registers only, and the row address it picks is registered
  // before it reaches the program memory's nine block RAMs (timing: issue -> pick -> program-memory address,
  // then pick -> address fan-out, were the routed critical paths); the refetch stays hidden behind min_gap
  // (spec/isa.toml), tb_core checks it.
  reg           want;
  reg [UW-1:0]  pick, cand;
  integer       k;
  always @(*) begin
    want = 1'b0;
    pick = rr;
    for (k = N_UNITS - 1; k >= 0; k = k - 1) begin
      cand = rr + k[UW-1:0];
      if (!buf_v[cand] && left[cand] != 0 && !(a_pend && a_unit == cand) && !ld_buf[cand]) begin
        want = 1'b1;
        pick = cand;
      end
    end
  end

  wire fetch = (state == S_FILL || state == S_RUN) && want;
  // raddr: row 0 while idle (the header, read when i_start arrives), row 1 in S_HDR0 (raddr_q is 1 after any
  // idle cycle), else the row picked in the cycle before
  always @(*) raddr = (state == S_IDLE) ? {RA_W{1'b0}} : raddr_q;
  always @(posedge i_clk) raddr_q <= (state == S_IDLE) ? {{(RA_W-1){1'b0}}, 1'b1} : row[pick];

  reg filled, all_done;
  integer u;
  reg  [CW-1:0] crem [0:N_UNITS-1];   // count - comp (completions still to come)
  always @(*)
    for (u = 0; u < N_UNITS; u = u + 1)
      crem[u] = count[u] - comp[u];
  always @(*) begin
    filled = 1'b1;
    all_done = 1'b1;
    for (u = 0; u < N_UNITS; u = u + 1) begin
      if (!buf_v[u] && (left[u] != 0 || (a_pend && a_unit == u[UW-1:0]) || ld_buf[u])) filled = 1'b0;
      // comp_next == count <=> count - comp == this cycle's report (no carry chain behind comp + report)
      if (issued[u] != count[u] || crem[u] != {{(CW-2){1'b0}}, udone[u*2 +: 2]}) all_done = 1'b0;
    end
  end

  always @(*)
    for (u = 0; u < N_UNITS; u = u + 1)
      comp_d[u] = (i_rst || state == S_HDR0) ? {CW{1'b0}} : comp_next[u];

  always @(posedge i_clk) begin
    o_done <= 1'b0;
    for (u = 0; u < N_UNITS; u = u + 1) begin
      comp[u] <= comp_d[u];
      if (issue[u]) begin
        issued[u] <= issued[u] + 1'b1;
        buf_v[u] <= 1'b0;
      end
    end
    if (rd_pend) begin
      buf_q[rd_unit] <= rdata;   // (ld_buf[rd_unit])
      buf_v[rd_unit] <= 1'b1;
    end
    a_pend <= fetch;
    rd_pend <= a_pend;
    rd_unit <= a_unit;
    if (fetch) begin
      a_unit <= pick;
      rr <= pick + 1'b1;
    end
    // per unit, a cycle after the pick, so that the enables come from registers (timing: the pick -> row /
    // left enables were near-critical; before that left[pick] - 1 was a carry chain behind the pick)
    for (u = 0; u < N_UNITS; u = u + 1)
      if (a_pend && a_unit == u[UW-1:0]) begin
        row[u] <= row[u] + 1'b1;
        left[u] <= left[u] - 1'b1;
      end
    case (state)
      S_IDLE: if (i_start) begin  // row 0 is read in this cycle
        state <= S_HDR0;
        o_error <= 1'b0;
      end
      S_HDR0: begin               // rdata = row 0: magic|version, (start, count) of units 0..2, start of 3
        state <= S_HDR1;
        hdr_q <= rdata[31:0];
        for (u = 0; u < N_UNITS; u = u + 1) begin
          row[u] <= rdata[(1 + 2 * u) * 32 + LANE_W +: RA_W];
          if (u < N_UNITS - 1) begin
            left[u] <= rdata[(2 + 2 * u) * 32 +: CW];
            count[u] <= rdata[(2 + 2 * u) * 32 +: CW];
          end
          issued[u] <= {CW{1'b0}};
        end
        buf_v <= {N_UNITS{1'b0}};
      end
      S_HDR1: begin               // rdata = row 1: word 8 = count of the last unit; hdr_q = word 0
        left[N_UNITS-1] <= rdata[0 +: CW];
        count[N_UNITS-1] <= rdata[0 +: CW];
        state <= (hdr_q == HDR0) ? S_FILL : S_IDLE;
        o_error <= hdr_q != HDR0;
      end
      S_FILL: if (filled) begin
        state <= S_RUN;
        o_run <= 1'b1;
      end
      S_RUN: if (all_done) begin
        state <= S_IDLE;
        o_run <= 1'b0;
        o_done <= 1'b1;
      end
      default: state <= S_IDLE;
    endcase
    if (i_rst) begin
      state <= S_IDLE;
      o_run <= 1'b0;
      o_done <= 1'b0;
      o_error <= 1'b0;
      a_pend <= 1'b0;
      rd_pend <= 1'b0;
      rr <= {UW{1'b0}};
      buf_v <= {N_UNITS{1'b0}};
      for (u = 0; u < N_UNITS; u = u + 1) begin
        left[u] <= {CW{1'b0}};
        count[u] <= {CW{1'b0}};
        issued[u] <= {CW{1'b0}};
      end
    end
  end

`ifdef SF_FORMAL_SEQ
  // the sequencer's properties (formal/sf_formal_seq.v); bound here because they read its state
  `include "sf_formal_seq_props.vh"
`endif
endmodule
`default_nettype wire
