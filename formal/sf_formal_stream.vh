// The output-handshake properties shared by every formal wrapper (formal/sf_formal_*.v). Included inside the
// wrapper module; needs i_clk, i_rst (synchronous, active high), o_valid, i_ready and `SF_F_DATA, the
// output payload (a concatenation of every output that travels with o_valid).
//   A1  reset first: the environment holds i_rst in the first cycle (assumption)
//   P1  a beat offered (o_valid) and not taken (!i_ready) is offered again in the next cycle ...
//   P2  ... with the same payload
//   P3  the cycle after a reset no beat is offered
//   C1  cover: a beat stalls (o_valid && !i_ready), stays stalled a second cycle, then is taken
//       (shows P1/P2 are not vacuous: their antecedent is reachable from reset)
`ifdef FORMAL
  reg f_past_valid = 1'b0;
  always @(posedge i_clk) f_past_valid <= 1'b1;
  always @(*) if (!f_past_valid) assume(i_rst);

`ifndef SF_F_COVER
  always @(posedge i_clk)
    if (f_past_valid && !$past(i_rst) && $past(o_valid) && !$past(i_ready)) begin
      p1_valid_held: assert(o_valid);
      p2_data_stable: assert(`SF_F_DATA == $past(`SF_F_DATA));
    end
  always @(posedge i_clk)
    if (f_past_valid && $past(i_rst)) p3_reset_idle: assert(!o_valid);
`endif

  reg [1:0] f_stall_run = 2'd0;  // consecutive stalled cycles (saturating)
  always @(posedge i_clk)
    if (i_rst) f_stall_run <= 2'd0;
    else if (o_valid && !i_ready) f_stall_run <= (f_stall_run == 2'd3) ? 2'd3 : f_stall_run + 2'd1;
    else f_stall_run <= 2'd0;
  // C1 for Yosys `sat` (formal/run_formal.sh cover, -DSF_F_COVER): stated as an assertion of its negation,
  // whose counterexample from reset is the cover trace; proving it instead would show C1 unreachable
  wire f_c1 = f_past_valid && !i_rst && f_stall_run >= 2'd2 && o_valid && i_ready;
`ifdef SF_F_COVER
  always @(posedge i_clk) c1_stall_then_accept_unreachable: assert(!f_c1);
`else
  always @(posedge i_clk) c1_stall_then_accept: cover(f_c1);
`endif
`endif
