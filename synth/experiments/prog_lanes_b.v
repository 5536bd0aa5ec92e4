// synth/experiments: the same memory as eight 512 x 32 memories (one per lane): 8 DP16KD (docs/ecp5_flow.md).
// the same behaviour as eight 512 x 32 memories, one per lane
module prog_lanes_b(input wire clk, input wire we, input wire [11:0] wa, input wire [31:0] wd, input wire [8:0] ra, output wire [255:0] rd);
  genvar l;
  generate for (l = 0; l < 8; l = l + 1) begin : g
    reg [31:0] m [0:511];
    reg [31:0] q;
    always @(posedge clk) begin
      if (we && wa[2:0] == l) m[wa[11:3]] <= wd;
      q <= m[ra];
    end
    assign rd[l*32 +: 32] = q;
  end endgenerate
endmodule
