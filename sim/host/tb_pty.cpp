// tb_pty: the host link (model/host_link.h: SerialPort + Link, what `shiftformer board --port DEV` uses)
// against the Verilated ULX3S board top through a pseudo-terminal: no board needed. PtyBoard runs the
// model (PLL stand-in, test responder, BAUD = 3.125 Mbaud so the simulation keeps up: 32 clocks per bit)
// in its own thread and moves bytes between the pty master and the UART pins at the bit level.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <thread>

#include "Vsf_ulx3s_top_fast.h"
#include "host_link.h"
#include "pty_board.h"

namespace {
using namespace sf::host;
namespace hs = sf::hostspec;
using PtyBoard = sfhost::PtyBoardT<Vsf_ulx3s_top_fast>;

TEST(Pty, HostLinkTalksToTheBoardTopThroughAPseudoTerminal) {
  PtyBoard board;
  SerialPort port(board.path(), 115200);
  LinkOptions o;
  o.reply_timeout_ms = 5000;
  o.idle_ms = 20;  // real time; the simulation runs about 20x slower than a 100 MHz board
  o.retries = 1;
  Link link(port, o);

  const VersionInfo v = link.version();
  EXPECT_EQ(v.spec_version, hs::kVersion);
  EXPECT_EQ(v.core_id, static_cast<uint8_t>(hs::Core::TEST_RESPONDER));
  EXPECT_EQ(v.max_payload, hs::kMaxPayload);

  std::mt19937_64 rng(21);
  const auto t0 = std::chrono::steady_clock::now();
  const int kWindows = 100;
  for (int i = 0; i < kWindows; ++i) {
    std::vector<int16_t> w(1 + rng() % 64);
    for (auto& x : w) x = static_cast<int16_t>(rng());
    ASSERT_EQ(link.forecast(w), std::vector<int16_t>(w.rbegin(), w.rend())) << "window " << i;
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const WriteAck a = link.write_mem(2, 10, {5, 6, 7});
  EXPECT_EQ(a.mem_id, 2);
  EXPECT_EQ(a.addr, 10);
  EXPECT_EQ(a.words, 3);

  // a damaged request: the device answers ERROR CRC; the link waits for the idle line; the next is served
  Bytes bad = encode(Type::VERSION, {});
  bad[2] ^= 0x01;  // LEN_LO: header declares 1 byte, the CRC no longer matches
  port.write(bad);
  port.write(Bytes{0x00});                 // the declared payload byte
  const Frame f = link.transact(Bytes{});  // nothing more to send: just collect the reply
  ASSERT_EQ(f.type, static_cast<uint8_t>(Type::ERROR));
  EXPECT_EQ(decode_error(f).code, Err::CRC);
  board.wait_bits(2 * hs::kIdleTimeoutBits);
  // a truncated request, then the host's idle rule: the next request is served
  const Bytes ver = encode(Type::VERSION, {});
  port.write(Bytes(ver.begin(), ver.begin() + 3));
  board.wait_bits(2 * hs::kIdleTimeoutBits + 30);
  EXPECT_NO_THROW(link.version());

  const StatusInfo st = link.status();
  EXPECT_EQ(st.core_status, (5u + 10u + (2u << 16)) + (6u + 11u + (2u << 16)) + (7u + 12u + (2u << 16)));
  EXPECT_EQ(st.counters.frames_ok, kWindows + 4);
  EXPECT_EQ(st.counters.err_crc, 1);
  EXPECT_EQ(st.counters.timeouts, 1);
  EXPECT_EQ(link.timeouts(), 0u);
  std::printf(
      "pty: %d windows bit-exact through %s in %.2f s (%.1f forecasts/s at 3.125 Mbaud simulated), "
      "%llu simulated cycles\n",
      kWindows, board.path().c_str(), s, kWindows / s, static_cast<unsigned long long>(board.cycles()));
}

}  // namespace
