// sf_ram: block RAM with one write port (byte enables) and one or two registered read ports.
// Written in the form Yosys infers as ECP5 DP16KD (read-before-write: a read in the cycle of a write to the
// same word returns the old data; the core never relies on either behaviour, the compiler orders them).
// INIT: optional $readmemh file (synthesis-time images); empty: zeros in simulation, undefined in hardware.
// SHARE_W (NREAD = 2): the writes come only while the readers are idle (host loads into an idle core), so
// read port 1 and the write port share one address (i_raddr1, or i_waddr in a cycle with a write): one
// DP16KD set with a read port and a read/write port instead of two copies of the memory, one per read
// port. In a cycle with a write, o_rdata1 is the old word at i_waddr (read-before-write).
`default_nettype none
module sf_ram #(
  parameter integer WIDTH  = 16,
  parameter integer DEPTH  = 1024,
  parameter integer NREAD  = 1,
  parameter integer SHARE_W = 0,
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
  (* no_rw_check *) reg [WIDTH-1:0] mem [0:DEPTH-1];
  initial if (INIT != "") $readmemh(INIT, mem);
  integer b;
  generate
    if (NREAD > 1 && SHARE_W != 0) begin : g_share
      wire [$clog2(DEPTH)-1:0] a1 = |i_we ? i_waddr : i_raddr1;
      always @(posedge i_clk) begin
        for (b = 0; b < WIDTH / 8; b = b + 1)
          if (i_we[b]) mem[a1][b*8 +: 8] <= i_wdata[b*8 +: 8];
        o_rdata1 <= mem[a1];
      end
    end else begin : g_sep
      always @(posedge i_clk)
        for (b = 0; b < WIDTH / 8; b = b + 1)
          if (i_we[b]) mem[i_waddr][b*8 +: 8] <= i_wdata[b*8 +: 8];
    end
  endgenerate
  always @(posedge i_clk) o_rdata0 <= mem[i_raddr0];
  generate
    if (NREAD > 1 && SHARE_W != 0) begin : g_r1s
    end else if (NREAD > 1) begin : g_r1
      always @(posedge i_clk) o_rdata1 <= mem[i_raddr1];
    end else begin : g_r1n
      always @(posedge i_clk) o_rdata1 <= {WIDTH{1'b0}};
      wire unused = &{1'b0, i_raddr1};
    end
  endgenerate
endmodule
`default_nettype wire
