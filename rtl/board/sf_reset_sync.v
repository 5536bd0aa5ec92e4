// sf_reset_sync: the core reset. i_ready (e.g. PLL lock, asynchronous to i_clk) goes through a
// STAGES-flip-flop synchronizer; o_rst is high from configuration (flip-flop initial values) and while
// i_ready is low, and falls STAGES clocks after i_ready rises. The design behind it uses o_rst synchronously.
`default_nettype none
module sf_reset_sync #(
  parameter integer STAGES = 4
) (
  input  wire i_clk,
  input  wire i_ready,
  output wire o_rst
);
  reg [STAGES-1:0] q = {STAGES{1'b0}};
  always @(posedge i_clk) q <= {q[STAGES-2:0], i_ready};
  assign o_rst = !q[STAGES-1];
endmodule
`default_nettype wire
