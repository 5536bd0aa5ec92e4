// board_bench.h: the board-level bench of sim/host, shared by tb_board (the RTL of the whole ULX3S board top,
// PLL stand-in) and tb_postsynth (the Yosys synth_ecp5 netlist of sf_host_top with the ECP5 cell models).
// Both run sf_host_top with the TEST RESPONDER at the real UART divider (100 MHz / 115200 baud = 868 clocks
// per bit), driven at the bit level through UartHost. The responder's documented rule (forecast = the
// window reversed; core status = sum of data + addr + (id << 16) over the memory writes) gives the expected
// replies, encoded with the C++ codec; the reference receiver predicts the error replies and the counters.
#pragma once
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <random>

#include "host_frame.h"
#include "uart_host.h"
#include "verilated.h"

namespace sfboard {
using namespace sf::host;
namespace hs = sf::hostspec;
using sfhost::hex;

constexpr int kCpb = (100000000 + 115200 / 2) / 115200;

// M: the Verilated model; tick(M&): one clock period of it.
template <class M>
struct Board {
  Board(uint64_t seed, std::function<void(M&)> tick_fn) : tick_(std::move(tick_fn)) {
    ctx = std::make_unique<VerilatedContext>();
    ctx->randReset(2);
    ctx->randSeed(static_cast<int>(seed));
    dut = std::make_unique<M>(ctx.get());
    dut->i_uart_rx = 1;
    dut->eval();
    host = std::make_unique<sfhost::UartHost>(
        kCpb, hs::kIdleTimeoutBits, [this] { tick_(*dut); }, [this](int v) { dut->i_uart_rx = v; },
        [this] { return static_cast<int>(dut->o_uart_tx); });
    host->on_event = [this](const Event& e) { reply(e); };
  }
  ~Board() { dut->final(); }
  void reply(const Event& e) {
    Bytes r;
    if (e.error) {
      r = encode(Type::ERROR, error_payload(e.err));
    } else if (e.frame.type == static_cast<uint8_t>(Type::WINDOW)) {
      std::vector<int16_t> w(e.frame.payload.size() / 2);
      for (std::size_t i = 0; i < w.size(); ++i)
        w[i] = static_cast<int16_t>(e.frame.payload[2 * i] | (e.frame.payload[2 * i + 1] << 8));
      r = encode(Type::FORECAST, forecast_payload(std::vector<int16_t>(w.rbegin(), w.rend())));
    } else if (e.frame.type == static_cast<uint8_t>(Type::WRITE_MEM)) {
      const Bytes& p = e.frame.payload;
      const uint16_t addr = static_cast<uint16_t>(p[1] | (p[2] << 8));
      const uint16_t n = static_cast<uint16_t>((p.size() - 3) / 4);
      for (uint16_t k = 0; k < n; ++k) {
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(p[3 + 4 * k + i]) << (8 * i);
        core_status += v + static_cast<uint16_t>(addr + k) + (static_cast<uint32_t>(p[0]) << 16);
      }
      r = encode(Type::WRITE_ACK, write_ack_payload({p[0], addr, n}));
    } else if (e.frame.type == static_cast<uint8_t>(Type::VERSION)) {
      r = encode(Type::VERSION_INFO, version_payload({hs::kVersion, static_cast<uint8_t>(hs::Core::TEST_RESPONDER),
                                                      hs::kMaxPayload, static_cast<uint16_t>(hs::kIdleTimeoutBits)}));
    } else {
      r = encode(Type::STATUS_INFO, status_payload({core_status, host->ref.counters()}));
    }
    if (!e.error) ++served;
    dones += e.error ? 0 : 1;
    expected.insert(expected.end(), r.begin(), r.end());
  }
  void exchange(const Bytes& b, const std::string& what) {
    host->send(b);
    host->wait_rx(expected.size(), (expected.size() - std::min(expected.size(), host->rx.size()) + 8) * 12ull * kCpb);
    host->wait(30ull * kCpb);
    EXPECT_EQ(hex(host->rx, 4096), hex(expected, 4096)) << what;
    host->rx = expected;
    for (; dones > 0; --dones) host->ref.done();
    if (host->ref.in_frame() || host->ref.resyncing()) host->wait_idle();  // the host's rule after an ERROR
  }
  std::function<void(M&)> tick_;
  std::unique_ptr<VerilatedContext> ctx;
  std::unique_ptr<M> dut;
  std::unique_ptr<sfhost::UartHost> host;
  Bytes expected;
  uint32_t core_status = 0;
  int dones = 0, served = 0;
};

// The exchanges both benches run (after reset).
template <class M>
void run_exchanges(Board<M>& b) {
  b.exchange(encode(Type::VERSION, {}), "VERSION");
  // the host tool's version check on the decoded reply
  FrameParser hp(Role::Host);
  std::optional<Event> ev;
  for (uint8_t x : b.host->rx) ev = hp.feed(x);
  ASSERT_TRUE(ev && !ev->error);
  EXPECT_NO_THROW(check_version(decode_version(ev->frame)));
  std::mt19937_64 rng(3);
  std::vector<int16_t> w(48);
  for (auto& v : w) v = static_cast<int16_t>(rng());
  b.exchange(encode(Type::WINDOW, window_payload(w)), "WINDOW of 48");
  b.exchange(encode(Type::WRITE_MEM, write_mem_payload(1, 4000, {0x11111111u, 0x80000000u, 5})), "WRITE_MEM");
  Bytes bad = encode(Type::WINDOW, window_payload({1, 2, 3}));
  bad[6] ^= 0x04;
  b.exchange(bad, "bit flip: CRC error");
  b.exchange(encode(Type::WINDOW, window_payload({7, -7, 9})), "WINDOW after the CRC error");
  b.host->send(Bytes{0x00, 0x13});
  b.exchange(encode(Type::STATUS, {}), "STATUS after garbage");
  EXPECT_EQ(b.served, 5);
}

}  // namespace sfboard
