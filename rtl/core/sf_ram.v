// sf_ram: block RAM with one write port (byte enables) and one or two registered read ports.
// Written in the form Yosys infers as ECP5 DP16KD (read-before-write: a read in the cycle of a write to the
// same word returns the old data; the core never relies on either behaviour, the compiler orders them).
// INIT: optional $readmemh file (synthesis-time images); empty: zeros in simulation, undefined in hardware.
`default_nettype none
module sf_ram #(
  parameter integer WIDTH  = 16,
  parameter integer DEPTH  = 1024,
  parameter integer NREAD  = 1,
  parameter         INIT   = ""
) (
  input  wire                       i_clk,
  input  wire [WIDTH/8-1:0]         i_we,      // byte enables (WIDTH a multiple of 8)
  input  wire [$clog2(DEPTH)-1:0]   i_waddr,
  input  wire [WIDTH-1:0]           i_wdata,
  input  wire [$clog2(DEPTH)-1:0]   i_raddr0,
  output reg  [WIDTH-1:0]           o_rdata0,
  input  wire [$clog2(DEPTH)-1:0]   i_raddr1,
  output reg  [WIDTH-1:0]           o_rdata1
);
  reg [WIDTH-1:0] mem [0:DEPTH-1];
  initial if (INIT != "") $readmemh(INIT, mem);
  integer b;
  always @(posedge i_clk) begin
    for (b = 0; b < WIDTH / 8; b = b + 1)
      if (i_we[b]) mem[i_waddr][b*8 +: 8] <= i_wdata[b*8 +: 8];
    o_rdata0 <= mem[i_raddr0];
  end
  generate
    if (NREAD > 1) begin : g_r1
      always @(posedge i_clk) o_rdata1 <= mem[i_raddr1];
    end else begin : g_r1n
      always @(posedge i_clk) o_rdata1 <= {WIDTH{1'b0}};
      wire unused = &{1'b0, i_raddr1};
    end
  endgenerate
endmodule
`default_nettype wire
