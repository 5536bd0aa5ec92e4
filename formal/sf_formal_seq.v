// Formal wrapper of the sequencer (rtl/core/sf_seq.v, the module sf_core instantiates, unchanged): "the
// sequencer is back in idle within N cycles after a program ends" (issue 8). The properties read the
// sequencer's state, so they are bound inside it: formal/sf_formal_seq_props.vh, included by sf_seq.v under
// `ifdef SF_FORMAL_SEQ (defined only here, by formal/run_formal.sh). This wrapper is the environment:
//   program memory  free: i_rdata is any row in every cycle (any program, any header, any instruction and
//                   wait fields; covers every content of sf_core's program memory and more)
//   engines         abstracted to their issue interface: each unit's o_free is the real rtl/core/sf_eng_slot.v
//                   (as in every sf_eng_*.v: at most CTX in flight, MIN_GAP between issues), its completion
//                   report is free, except (A2, in the props: it is counted from the sequencer's ports) a unit
//                   reports a completion only while one of its instructions is in flight (issued in an
//                   earlier cycle, not yet reported complete); one per cycle at most (sf_core ties the
//                   second completion bit of every unit to 0, as here)
//   reset, start    free (i_rst in the first cycle: A1 of the props)
`include "sf_isa.vh"
`default_nettype none
module sf_formal_seq (
  input wire                              i_clk, i_rst, i_start,
  input wire [`SF_ISA_INSTR_WORDS*32-1:0] i_rdata,
  input wire [`SF_ISA_N_UNITS-1:0]        i_done_req  // the engines' completion reports (under A2)
);
  localparam integer N = `SF_ISA_N_UNITS, IW = `SF_ISA_INSTR_WORDS * 32;
  wire [N-1:0]   issue, ufree;
  wire [N*2-1:0] udone;
  wire [N*IW-1:0] instr;
  wire [$clog2(`SF_ISA_PROG_DEPTH / `SF_ISA_INSTR_WORDS)-1:0] raddr;
  wire run, done, error;
  sf_seq dut (.i_clk(i_clk), .i_rst(i_rst), .i_start(i_start), .o_raddr(raddr), .i_rdata(i_rdata),
    .o_issue(issue), .o_instr(instr), .i_free(ufree), .i_done(udone), .o_run(run), .o_done(done),
    .o_error(error));

  // engines: each unit's o_free from the real sf_eng_slot; its completion report free, under A2 (props)
  genvar gu;
  generate
    for (gu = 0; gu < N; gu = gu + 1) begin : g_eng
      assign udone[gu*2]     = i_done_req[gu];
      assign udone[gu*2 + 1] = 1'b0;
      sf_eng_slot u_slot (.i_clk(i_clk), .i_rst(i_rst), .i_issue(issue[gu]), .i_done(udone[gu*2]),
        .o_free(ufree[gu]));
    end
  endgenerate
  wire unused = &{1'b0, instr, raddr, run, done, error};
endmodule
`default_nettype wire
