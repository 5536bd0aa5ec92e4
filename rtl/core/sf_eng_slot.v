// sf_eng_slot: when an engine can take its next instruction (docs/core.md, "issue"): fewer than CTX of its
// instructions in flight (issued, not complete) and MIN_GAP cycles since its last issue (the sequencer's
// refetch of the unit's next instruction is then always done). Both from registers: an instruction issued
// at cycle t (o_free && the sequencer's waits) lets the next issue at t + MIN_GAP at the earliest, and one
// complete at cycle e (i_done) frees its context for an issue at e + 1.
`default_nettype none
`include "sf_isa.vh"
module sf_eng_slot (
  input  wire i_clk,
  input  wire i_rst,
  input  wire i_issue,
  input  wire i_done,
  output wire o_free
);
  localparam integer CTX = `SF_ISA_CTX, GAP = `SF_ISA_MIN_GAP;
  reg [$clog2(CTX+1)-1:0] inflight;
  reg [$clog2(GAP)-1:0]   gap;
  // o_free = inflight < CTX && gap == 0, registered from the next values (timing: o_free reaches the sequencer's
  // issue decision, which reaches every engine): after an issue the gap is GAP - 1 > 0; otherwise the gap is 0
  // next when it is at most 1 now, and a context is free next when one is now or this cycle's completion
  // frees one (inflight <= CTX)
  reg free_q;
  assign o_free = free_q;
  generate
    if (GAP < 2) begin : g_gap_min
      sf_eng_slot_needs_min_gap_of_at_least_2 u_err ();
    end
  endgenerate
  // inflight + issue - done, as a select by i_issue (a late signal of the sequencer) between the two values
  // from registers (inflight, i_done: the engine's registered o_done): one gate after i_issue, no adder
  wire [$clog2(CTX+1)-1:0] if_iss  = i_done ? inflight : inflight + 1'b1;
  wire [$clog2(CTX+1)-1:0] if_keep = i_done ? inflight - 1'b1 : inflight;
  // the gap is set a cycle after the issue (from iss_d, a register: i_issue reaches no set / enable of gap), to
  // GAP - 2, the value it has then; in that cycle free_q is cleared by iss_d (the gap would be GAP - 1 > 1)
  localparam integer GAP_M2I = GAP - 2;
  localparam [$clog2(GAP)-1:0] GAP_M2 = GAP_M2I[$clog2(GAP)-1:0];
  reg iss_d;
  always @(posedge i_clk) begin
    free_q <= i_rst || (!i_issue && !iss_d && gap <= 1 && (inflight < CTX[$clog2(CTX+1)-1:0] || i_done));
    iss_d <= i_issue && !i_rst;
    if (i_rst) begin
      inflight <= 0;
      gap <= 0;
    end else begin
      inflight <= i_issue ? if_iss : if_keep;
      if (iss_d) gap <= GAP_M2;
      else if (gap != 0) gap <= gap - 1'b1;
    end
  end
`ifndef SYNTHESIS
`ifndef FORMAL
  reg rst_d = 1'b1;
  reg [$clog2(GAP)-1:0] gap_chk;   // the gap set at the issue itself (GAP - 1), as the rule states it
  always @(posedge i_clk) begin
    rst_d <= i_rst;
    if (i_rst) gap_chk <= 0;
    else if (i_issue) gap_chk <= GAP[$clog2(GAP)-1:0] - 1'b1;
    else if (gap_chk != 0) gap_chk <= gap_chk - 1'b1;
    if (!i_rst && !rst_d && (free_q != ((inflight < CTX[$clog2(CTX+1)-1:0]) && (gap_chk == 0)) ||
                             (!iss_d && gap != gap_chk))) begin
      $display("sf_eng_slot: registered o_free or gap disagrees with inflight %0d gap %0d (%0d)", inflight, gap,
               gap_chk);
      $stop;
    end
  end
`endif
`endif
endmodule
`default_nettype wire
