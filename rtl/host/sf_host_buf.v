// sf_host_buf: the frame payload buffer, DEPTH x 8 bits, one write port, one read port with a registered
// read (latency 1, no reset and no initial value on the read register, so Yosys maps it to a DP16KD).
`default_nettype none
module sf_host_buf #(
  parameter integer DEPTH = 1024,
  parameter integer AW    = $clog2(DEPTH)
) (
  input  wire          i_clk,
  input  wire          i_we,
  input  wire [AW-1:0] i_waddr,
  input  wire [7:0]    i_wdata,
  input  wire [AW-1:0] i_raddr,
  output reg  [7:0]    o_rdata
);
  reg [7:0] mem[0:DEPTH-1];
  always @(posedge i_clk) begin
    if (i_we) mem[i_waddr] <= i_wdata;
    o_rdata <= mem[i_raddr];
  end
endmodule
`default_nettype wire
