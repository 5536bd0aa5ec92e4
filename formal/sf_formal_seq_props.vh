// Properties of the sequencer (rtl/core/sf_seq.v), included inside it when SF_FORMAL_SEQ is defined (only by
// formal/run_formal.sh seq and seq_tight_*: the top is formal/sf_formal_seq.v, the environment). They read its
// state (state, issued, comp, count, left, buf_v, rd_pend), so they are bound inside the module; the shadow
// counters below are built from its ports alone (i_rdata, o_issue, i_done).
//
// A program: from the first cycle after its header is read (S_FILL; the header: word 0 = MAGIC|VERSION, word
// 2 + 2u = the instruction count of unit u's stream, docs/isa.md; unit 3's count is row 1, word 0) to its
// first cycle back in idle. The program ENDS in the first cycle E in which every unit has issued its whole
// stream (issues seen on o_issue = the header's count) and every issued instruction has completed (completions
// reported on i_done up to and including this cycle = the count): for a program with at least one instruction
// that is the cycle of its last completion report.
//   A1  reset in the first cycle (assumption)
//   A2  a unit reports a completion only while one of its instructions is in flight: issued in an earlier
//       cycle and not yet reported complete (assumption on the engines; counted here from the ports)
//   S1  after E the sequencer is in idle EXACTLY N cycles later (not earlier, not later): N = 1 for a program
//       with at least one instruction, N = 2 for a program of four empty streams (from its first S_FILL cycle)
//   S2  o_done is high exactly in the first idle cycle of a program (never before it ended, never elsewhere)
//   S3  o_run is high exactly in S_RUN, and S_RUN only inside a program
//   S4  an instruction is issued only in S_RUN inside a program, and never more than the stream's count
//   S5  the sequencer's counters (issued, comp, count) equal the shadow counters of the ports; every
//       instruction of a stream is issued, buffered, being fetched or still to fetch (left): one each
//   S6  the issue decision (from the registered wait - comp differences, for timing) equals the direct one:
//       in S_RUN, buffer valid and held since the last cycle, engine free and every wait field of the
//       buffered instruction <= the completion count including this cycle's reports (comp + i_done)
//   C2  cover: from reset, a program in which each of the four units runs at least one instruction, ends,
//       and the sequencer is back in idle with o_done (S1's antecedent is reachable with N = 1)
// SF_F_SEQ_TIGHT_RUN / SF_F_SEQ_TIGHT_EMPTY: S1 with that N - 1, which must fail (S1 states "exactly N", so
// the proof already excludes N - 1; these show the flow reports a wrong bound with a counterexample).
`ifdef FORMAL
`ifdef SF_F_SEQ_TIGHT_RUN
  localparam integer F_N_RUN = 0;           // N - 1: must fail
`else
  localparam integer F_N_RUN = 1;
`endif
`ifdef SF_F_SEQ_TIGHT_EMPTY
  localparam integer F_N_EMPTY = 1;         // N - 1: must fail
`else
  localparam integer F_N_EMPTY = 2;
`endif
  reg f_past_valid = 1'b0;
  always @(posedge i_clk) f_past_valid <= 1'b1;
  always @(*) if (!f_past_valid) a1_reset_first: assume(i_rst);

  reg           f_prog = 1'b0;              // inside a program (above)
  reg           f_end = 1'b0;               // the program has ended (E held in an earlier cycle)
  reg  [1:0]    f_age = 2'd0;               // cycles since E (saturating)
  wire [N_UNITS-1:0] f_unit_end, f_unit_ne;
  genvar fu;
  generate
    for (fu = 0; fu < N_UNITS; fu = fu + 1) begin : g_f
      reg  [CW-1:0] f_len;                  // the stream's length, from the header words
      reg  [CW-1:0] f_iss;                  // issues seen on o_issue in this program
      reg  [CW-1:0] f_cmp;                  // completions seen on i_done in this program
      reg  [CW-1:0] f_out;                  // issued and not yet complete, since reset (A2)
      localparam integer F_HW = (fu < N_UNITS - 1) ? (2 + 2 * fu) * 32 : 0;  // header word 2 + 2u
      wire [CW-1:0] done_n = {{(CW-2){1'b0}}, udone[fu*2 +: 2]};
      assign f_unit_end[fu] = f_iss == f_len && f_cmp + done_n == f_len;
      assign f_unit_ne[fu] = f_len != {CW{1'b0}};
      always @(*) assume(done_n == {CW{1'b0}} || (done_n == 1 && f_out != {CW{1'b0}}));
      always @(posedge i_clk) begin
        f_out <= i_rst ? {CW{1'b0}} : f_out + {{(CW-1){1'b0}}, issue[fu]} - done_n;
        if (f_prog) begin
          f_iss <= f_iss + {{(CW-1){1'b0}}, issue[fu]};
          f_cmp <= f_cmp + done_n;
        end
        if (state == S_HDR0 && fu < N_UNITS - 1) f_len <= rdata[F_HW +: CW];
        if (state == S_HDR1) begin
          if (fu == N_UNITS - 1) f_len <= rdata[0 +: CW];
          f_iss <= {CW{1'b0}};
          f_cmp <= {CW{1'b0}};
        end
      end
`ifndef SF_F_COVER
      // S4, S5 (the counters; checked in every cycle after the first; unnamed: one per unit)
      always @(*) if (f_past_valid) begin
        if (issue[fu]) assert(f_prog && state == S_RUN && f_iss != f_len);       // S4
        if (f_prog) begin
          assert(issued[fu] == f_iss && comp[fu] == f_cmp && count[fu] == f_len);  // S5 counters
          assert(f_cmp <= f_iss && f_iss <= f_len);                               // S5 order
          assert(f_out == f_iss - f_cmp);                                         // S5 in flight (A2)
          // S5 stream: issued + buffered + being fetched + still to fetch = the count (no wrap)
          assert({2'b00, f_len} == {2'b00, f_iss} + {{(CW+1){1'b0}}, buf_v[fu]} + {2'b00, left[fu]}
                                   + {{(CW+1){1'b0}}, rd_pend && rd_unit == fu});
          // (a fetch whose address is being presented, a_pend, is still counted in left: left drops then)
          if (buf_v[fu] && rd_pend) assert(rd_unit != fu);                        // S5 one each
          if (buf_v[fu] && a_pend) assert(a_unit != fu);
          if (a_pend && rd_pend) assert(a_unit != rd_unit);
        end else begin
          assert(f_out == {CW{1'b0}});                                            // S5 nothing out
        end
      end
`endif
    end
  endgenerate
  wire f_e = f_prog && &f_unit_end;          // E holds in this cycle
  wire [1:0] f_bound = |f_unit_ne ? F_N_RUN[1:0] : F_N_EMPTY[1:0];

  always @(posedge i_clk) begin
    if (state == S_HDR1 && hdr_q == HDR0) begin
      f_prog <= 1'b1;
      f_end <= 1'b0;
      f_age <= 2'd0;
    end else if (f_prog) begin
      if (f_e && !f_end) begin
        f_end <= 1'b1;
        f_age <= 2'd1;
      end else if (f_end && f_age != 2'd3) f_age <= f_age + 2'd1;
      if (state == S_IDLE) begin
        f_prog <= 1'b0;
        f_end <= 1'b0;
      end
    end
    if (i_rst) begin
      f_prog <= 1'b0;
      f_end <= 1'b0;
    end
  end

`ifndef SF_F_COVER
  always @(*) if (f_past_valid) begin
    s5_state: assert(state <= S_RUN);
    if (f_prog) s5_prog_states: assert(state == S_FILL || state == S_RUN || state == S_IDLE);
    else s5_header_states: assert(state == S_IDLE || state == S_HDR0 || state == S_HDR1);
    if (state != S_FILL && state != S_RUN) s5_no_buffers: assert(buf_v == {N_UNITS{1'b0}} && !rd_pend && !a_pend);
    if (f_prog && f_end) s5_ended: assert(f_e);       // once ended, nothing more is issued or reported
    if (f_prog) s1_idle_exactly_n: assert((state == S_IDLE) == (f_end && f_age == f_bound));
    s2_done: assert(o_done == (f_prog && state == S_IDLE));
    s3_run: assert(o_run == (state == S_RUN) && (state != S_RUN || f_prog));
  end
`endif

`ifndef SF_F_COVER
  generate
    for (fu = 0; fu < N_UNITS; fu = fu + 1) begin : g_f6
      wire [IW_BITS-1:0] f_ins = buf_q[fu];
      reg f_held = 1'b0;                    // buffer not loaded in the last cycle (from rd_pend / rd_unit)
      always @(posedge i_clk) f_held <= !(rd_pend && rd_unit == fu);
      wire f_ok = {1'b0, f_ins[`SF_F_WAIT_IO]} <= comp_next[`SF_UNIT_IO]
               && {1'b0, f_ins[`SF_F_WAIT_W]}  <= comp_next[`SF_UNIT_W]
               && {1'b0, f_ins[`SF_F_WAIT_A]}  <= comp_next[`SF_UNIT_A]
               && {1'b0, f_ins[`SF_F_WAIT_N]}  <= comp_next[`SF_UNIT_N];
      always @(*) if (f_past_valid)  // S6 (unnamed: one per unit)
        assert(issue[fu] == (state == S_RUN && buf_v[fu] && f_held && ufree[fu] && f_ok));
    end
  endgenerate
`endif

  // C2 for Yosys `sat` (formal/run_formal.sh cover, -DSF_F_COVER): the assertion of its negation, whose
  // counterexample from reset is the cover trace
  wire f_c2 = f_past_valid && !i_rst && f_prog && &f_unit_ne && o_done && state == S_IDLE;
`ifdef SF_F_COVER
  always @(*) c2_program_end_idle_unreachable: assert(!f_c2);
`else
  always @(*) c2_program_end_idle: cover(f_c2);
`endif
`endif
