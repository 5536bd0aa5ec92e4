// tb_pty: the host link (model/host_link.h: SerialPort + Link, what `shiftformer board --port DEV` uses)
// against the Verilated ULX3S board top through a pseudo-terminal: no board needed. PtyBoard runs the
// model (PLL stand-in, test responder, BAUD = 3.125 Mbaud so the simulation keeps up: 32 clocks per bit)
// in its own thread and moves bytes between the pty master and the UART pins at the bit level.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <random>
#include <thread>

#include "Vsf_ulx3s_top_fast.h"
#include "host_link.h"
#include "uart_host.h"
#include "verilated.h"

namespace {
using namespace sf::host;
namespace hs = sf::hostspec;

constexpr int kCpb = 100000000 / 3125000;

class PtyBoard {
 public:
  PtyBoard() {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0)
      throw std::runtime_error("PtyBoard: cannot create a pseudo-terminal");
    path_ = ::ptsname(master_);
    ::fcntl(master_, F_SETFL, ::fcntl(master_, F_GETFL) | O_NONBLOCK);
    // keep the slave open in raw mode (no echo of the replies back into the master)
    slave_ = ::open(path_.c_str(), O_RDWR | O_NOCTTY);
    termios tio{};
    ::tcgetattr(slave_, &tio);
    ::cfmakeraw(&tio);
    ::tcsetattr(slave_, TCSANOW, &tio);
    ctx_ = std::make_unique<VerilatedContext>();
    ctx_->randReset(2);
    dut_ = std::make_unique<Vsf_ulx3s_top_fast>(ctx_.get());
    dut_->i_uart_rx = 1;
    dut_->eval();
    uart_ = std::make_unique<sfhost::UartHost>(
        kCpb, hs::kIdleTimeoutBits,
        [this] {
          dut_->i_clk25 = 1;
          dut_->eval();
          dut_->i_clk25 = 0;
          dut_->eval();
        },
        [this](int v) { dut_->i_uart_rx = v; }, [this] { return static_cast<int>(dut_->o_uart_tx); });
    uart_->wait(200);  // PLL stand-in lock, reset release
    thread_ = std::thread([this] { run(); });
  }
  ~PtyBoard() {
    stop_ = true;
    thread_.join();
    dut_->final();
    ::close(slave_);
    ::close(master_);
  }
  const std::string& path() const { return path_; }
  uint64_t cycles() const { return cycles_; }
  // The host's idle rule in simulated time: wait until the model has run `bits` more bit times.
  void wait_bits(int bits) const {
    const uint64_t until = cycles_ + static_cast<uint64_t>(bits) * kCpb;
    while (cycles_ < until) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

 private:
  void run() {
    std::size_t sent = 0;
    int quiet = 0;
    while (!stop_) {
      uint8_t buf[256];
      const ssize_t n = ::read(master_, buf, sizeof buf);
      if (n > 0) {
        for (ssize_t i = 0; i < n; ++i) uart_->send_byte(buf[i]);
        quiet = 0;
      } else {
        uart_->wait(2000);
      }
      if (uart_->rx.size() > sent) {
        const ssize_t w = ::write(master_, uart_->rx.data() + sent, uart_->rx.size() - sent);
        if (w > 0) sent += static_cast<std::size_t>(w);
        quiet = 0;
      } else if (n <= 0 && ++quiet > 64) {
        pollfd p{master_, POLLIN, 0};
        ::poll(&p, 1, 1);  // nothing in flight: let real time pass
      }
      cycles_ = uart_->now;
    }
  }
  int master_ = -1, slave_ = -1;
  std::string path_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vsf_ulx3s_top_fast> dut_;
  std::unique_ptr<sfhost::UartHost> uart_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> cycles_{0};
};

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
