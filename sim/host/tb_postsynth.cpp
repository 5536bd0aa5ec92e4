// tb_postsynth: the Yosys synth_ecp5 netlist of sf_host_top (write_verilog, simulated with Yosys' ECP5 cell
// models: LUT4, CCU2C, TRELLIS_FF, PFUMX, L6MUX21, DP16KD) through board_bench.h, so block-RAM inference,
// initial values and reset behaviour of what goes into the bitstream are checked without a board.
#include "Vsf_host_top_syn.h"
#include "board_bench.h"

namespace {
using namespace sfboard;

TEST(PostSynth, HostTopNetlistServesFrames) {
  Board<Vsf_host_top_syn> b(12, [](Vsf_host_top_syn& d) {
    d.i_clk = 1;
    d.eval();
    d.i_clk = 0;
    d.eval();
  });
  b.dut->i_rst = 1;
  b.host->wait(8);
  b.dut->i_rst = 0;
  b.host->wait(8);
  EXPECT_EQ(b.dut->o_uart_tx, 1) << "UART idles high after reset";
  run_exchanges(b);
  std::printf("post-synthesis netlist: %llu bytes sent, %zu reply bytes checked, %d good frames served\n",
              static_cast<unsigned long long>(b.host->bytes_sent), b.expected.size(), b.served);
}

}  // namespace
