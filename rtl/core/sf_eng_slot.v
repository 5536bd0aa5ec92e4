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
  assign o_free = (inflight < CTX[$clog2(CTX+1)-1:0]) && (gap == 0);
  always @(posedge i_clk) begin
    if (i_rst) begin
      inflight <= 0;
      gap <= 0;
    end else begin
      inflight <= inflight + {{($clog2(CTX+1)-1){1'b0}}, i_issue} - {{($clog2(CTX+1)-1){1'b0}}, i_done};
      if (i_issue) gap <= GAP[$clog2(GAP)-1:0] - 1'b1;
      else if (gap != 0) gap <= gap - 1'b1;
    end
  end
endmodule
`default_nettype wire
