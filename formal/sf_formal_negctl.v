// Negative control of the formal flow: a one-register stream stage with a deliberate bug (the output register
// takes the input while the output is stalled). The proof of sf_formal_stream.vh must FAIL on it (CTest
// WILL_FAIL): evidence that the properties and the flow can fail at all.
`default_nettype none
module sf_formal_negctl (
  input wire       i_clk, i_rst, i_valid, i_ready,
  input wire [7:0] i_d
);
  reg       o_valid;
  reg [7:0] o_d;
  always @(posedge i_clk) begin
    if (i_rst) o_valid <= 1'b0;
    else if (!o_valid || i_ready) o_valid <= i_valid;
    o_d <= i_d;  // BUG: should be `if (!o_valid || i_ready) o_d <= i_d;`
  end
  `define SF_F_DATA o_d
  `include "sf_formal_stream.vh"
endmodule
