// tb_core_iv: sf_core (rtl/sf_core.v, the file list of sim/core/core_rtl.cmake) under Icarus Verilog, driven
// exactly as the Verilator bench sim/core/core_bench.h drives it: reset (4 cycles high, 1 low), the compiled
// program and images through the host write port, then per window the readings, i_start, the run until o_done,
// and the forecast reads. Only the host interface is used, nothing inside the core.
//
//   vvp tb_core_iv.vvp +dir=DIR      (DIR written by `sf_sim --stim-dir DIR`: sizes.hex, prog.hex, wmem.hex,
//                                     bmem.hex, pmem.hex, windows.hex)
//
// Writes DIR/iverilog_out.txt: one line per window "window K done CYCLES" (o_done's cycle after o_run rose,
// as CoreBench counts it; -1 on a timeout or o_error) followed by its H forecasts, and "cycles N" (every clock
// cycle simulated). scripts/sim_speed.py compares them with the Verilator run, bit for bit.
`timescale 1ns / 1ps
`default_nettype none
`include "sf_isa.vh"
module tb_core_iv;
  localparam integer WMEM_WORDS = `SF_ISA_WMEM_DEPTH * (`SF_ISA_WMEM_WIDTH / 32);
  localparam integer MAX_WIN    = 64;
  localparam integer MAX_L      = `SF_ISA_IBUF_DEPTH;

  reg         clk = 1'b0, rst = 1'b1;
  reg         hw_valid = 1'b0, ib_valid = 1'b0, start = 1'b0;
  reg  [7:0]  hw_mem = 8'd0;
  reg  [15:0] hw_addr = 16'd0, ib_data = 16'd0;
  reg  [31:0] hw_data = 32'd0;
  reg  [5:0]  ib_addr = 6'd0, ob_addr = 6'd0;
  wire [31:0] ob_data;
  wire        run, done, error;

  sf_core dut (
    .i_clk(clk), .i_rst(rst),
    .i_hw_valid(hw_valid), .i_hw_mem(hw_mem), .i_hw_addr(hw_addr), .i_hw_data(hw_data),
    .i_ib_valid(ib_valid), .i_ib_addr(ib_addr), .i_ib_data(ib_data),
    .i_ob_addr(ob_addr), .o_ob_data(ob_data),
    .i_start(start), .o_run(run), .o_done(done), .o_error(error),
    .o_dbg_wv(), .o_dbg_wmem(), .o_dbg_wdual(), .o_dbg_waddr(), .o_dbg_wdata(),
    .o_dbg_obv(), .o_dbg_oba(), .o_dbg_obd()
  );

  reg [31:0] sizes [0:7];
  reg [31:0] prog  [0:`SF_ISA_PROG_DEPTH-1];
  reg [31:0] wmem  [0:WMEM_WORDS-1];
  reg [31:0] bmem  [0:`SF_ISA_BMEM_DEPTH-1];
  reg [31:0] pmem  [0:`SF_ISA_PMEM_DEPTH-1];
  reg [15:0] wins  [0:MAX_WIN*MAX_L-1];

  integer cyc = 0, t0 = -1, capture = 0;
  integer i, k, h, g, n_win, L, H, limit, done_at, fd;
  reg [8*512-1:0] dir, path;

  // one clock cycle: sample o_run before the edge (CoreBench::sample), rising edge, falling edge
  task tick;
    begin
      if (capture != 0 && t0 < 0 && run) t0 = cyc;
      #5 clk = 1'b1;
      #5 clk = 1'b0;
      cyc = cyc + 1;
    end
  endtask

  task host_write(input [7:0] mem, input integer addr, input [31:0] data);
    begin
      hw_valid = 1'b1;
      hw_mem   = mem;
      hw_addr  = addr[15:0];
      hw_data  = data;
      tick;
      hw_valid = 1'b0;
    end
  endtask

  task read_hex(input [8*64-1:0] name, input integer kind, input integer n);
    begin
      $sformat(path, "%0s/%0s", dir, name);
      if (n > 0)
        case (kind)
          0: $readmemh(path, prog, 0, n - 1);
          1: $readmemh(path, wmem, 0, n - 1);
          2: $readmemh(path, bmem, 0, n - 1);
          3: $readmemh(path, pmem, 0, n - 1);
          default: $readmemh(path, wins, 0, n - 1);
        endcase
    end
  endtask

  initial begin
    if (!$value$plusargs("dir=%s", dir)) begin
      $display("tb_core_iv: missing +dir=DIR (the stimulus directory of sf_sim --stim-dir)");
      $finish;
    end
    $sformat(path, "%0s/sizes.hex", dir);
    $readmemh(path, sizes);
    n_win = sizes[4];
    L     = sizes[5];
    H     = sizes[6];
    limit = sizes[7];
    if (sizes[0] > `SF_ISA_PROG_DEPTH || sizes[1] > WMEM_WORDS || sizes[2] > `SF_ISA_BMEM_DEPTH ||
        sizes[3] > `SF_ISA_PMEM_DEPTH || n_win > MAX_WIN || L > MAX_L || n_win < 1) begin
      $display("tb_core_iv: %0s/sizes.hex: sizes beyond this build's memories or no window", dir);
      $finish;
    end
    read_hex("prog.hex", 0, sizes[0]);
    read_hex("wmem.hex", 1, sizes[1]);
    read_hex("bmem.hex", 2, sizes[2]);
    read_hex("pmem.hex", 3, sizes[3]);
    read_hex("windows.hex", 4, n_win * L);
    $sformat(path, "%0s/iverilog_out.txt", dir);
    fd = $fopen(path, "w");
    // reset, as CoreBench's constructor
    for (i = 0; i < 4; i = i + 1) tick;
    rst = 1'b0;
    tick;
    // load, as CoreBench::load (WMEM: the 32-bit words of each wide word in order, address = word index)
    for (i = 0; i < sizes[0]; i = i + 1) host_write(`SF_ISA_PROG_HOST_ID, i, prog[i]);
    for (i = 0; i < sizes[1]; i = i + 1) host_write(`SF_ISA_WMEM_HOST_ID, i, wmem[i]);
    for (i = 0; i < sizes[2]; i = i + 1) host_write(`SF_ISA_BMEM_HOST_ID, i, bmem[i]);
    for (i = 0; i < sizes[3]; i = i + 1) host_write(`SF_ISA_PMEM_HOST_ID, i, pmem[i]);
    // the windows, as CoreBench::run
    for (k = 0; k < n_win; k = k + 1) begin
      for (i = 0; i < L; i = i + 1) begin
        ib_valid = 1'b1;
        ib_addr  = i[5:0];
        ib_data  = wins[k * L + i];
        tick;
      end
      ib_valid = 1'b0;
      t0 = -1;
      capture = 1;
      start = 1'b1;
      tick;
      start = 1'b0;
      done_at = -1;
      for (g = 0; g < limit && done_at < 0; g = g + 1) begin
        tick;
        if (error) g = limit;
        else if (done) done_at = cyc - 1 - t0;
      end
      capture = 0;
      $fwrite(fd, "window %0d done %0d\n", k, done_at);
      for (h = 0; h < H; h = h + 1) begin
        ob_addr = h[5:0];
        tick;
        $fwrite(fd, "%0d\n", $signed(ob_data));
      end
    end
    $fwrite(fd, "cycles %0d\n", cyc);
    $fclose(fd);
    $finish;
  end
endmodule
`default_nettype wire
