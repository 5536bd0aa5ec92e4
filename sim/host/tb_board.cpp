// tb_board: the whole ULX3S board top (sf_ulx3s_top: PLL stand-in, reset synchronizer, sf_host_top with the
// TEST RESPONDER) through board_bench.h at the real UART divider.
#include "Vsf_ulx3s_top.h"
#include "board_bench.h"

namespace {
using namespace sfboard;

TEST(BoardTop, Ulx3sTopServesFramesAtTheRealBaudDivider) {
  Board<Vsf_ulx3s_top> b(11, [](Vsf_ulx3s_top& d) {
    d.i_clk25 = 1;
    d.eval();
    d.i_clk25 = 0;
    d.eval();
  });
  b.host->wait(200);  // PLL stand-in lock and reset release (no reset pin)
  EXPECT_EQ(b.dut->o_led >> 7, 1) << "PLL (stand-in) locked LED";
  EXPECT_EQ(b.dut->o_uart_tx, 1) << "UART idles high";
  run_exchanges(b);
  // the host's baud rate off by -4 % and +4 % (the receiver samples at mid-bit: 9.5 bits x 4 % = 0.38 bit)
  for (int c : {kCpb * 96 / 100, kCpb * 104 / 100}) {
    b.host->send_cpb = c;
    std::vector<int16_t> w(24);
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<int16_t>(1000 * i - 12345);
    b.exchange(encode(Type::WINDOW, window_payload(w)), "WINDOW at " + std::to_string(c) + " clocks per bit");
  }
  b.host->send_cpb = 0;
  b.exchange(encode(Type::STATUS, {}), "STATUS");
  std::printf("board top: %llu bytes sent, %zu reply bytes checked, %d good frames served\n",
              static_cast<unsigned long long>(b.host->bytes_sent), b.expected.size(), b.served);
}

}  // namespace
