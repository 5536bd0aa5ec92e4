// tb_host_if: sf_host_if (UART + framing + controller) at the bit level, with this testbench as the core:
// it takes the readings, the start and the memory writes (random back-pressure) and returns a forecast
// (random valid gaps). Every test sends frames and faults through UartHost, which runs the C++ reference
// receiver on the same bytes; each reference event becomes the expected reply (C++ codec), and the DUT's
// reply bytes must equal it exactly. The core side is checked as a scoreboard: the readings and memory
// writes that reach it are exactly those of the good frames, in order (never a payload of a bad frame).
// Fault table: docs/host_protocol.md. Parameters: CLKS_PER_BIT = TB_CPB, idle timeout from the spec.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <random>

#include "Vsf_host_if.h"
#include "harness.h"
#include "host_frame.h"
#include "uart_host.h"

namespace {
using namespace sf::host;
namespace hs = sf::hostspec;
using sfhost::hex;
using sfhost::UartHost;

constexpr int kCpb = TB_CPB;
constexpr uint8_t kCoreId = 0x5C;

// The forecast this testbench's "core" returns for a window: its own rule, unrelated to the DUT.
std::vector<int16_t> tb_forecast(const std::vector<int16_t>& w) {
  int32_t sum = 0;
  for (int16_t v : w) sum += v;
  const std::size_t m = w.size() % 5 + 1;
  std::vector<int16_t> f(m);
  for (std::size_t j = 0; j < m; ++j) f[j] = static_cast<int16_t>(sum * static_cast<int32_t>(j + 1) + w[j % w.size()]);
  return f;
}

struct MemWrite {
  uint8_t id;
  uint16_t addr;
  uint32_t data;
  bool operator==(const MemWrite& o) const { return id == o.id && addr == o.addr && data == o.data; }
};

class Bench {
 public:
  Bench(uint64_t seed, bool trace)
      : h(seed, trace, sfsim::test_name()),
        rng(seed),
        host(
            kCpb, hs::kIdleTimeoutBits, [this] { step(); }, [this](int v) { h.dut->i_uart_rx = v; },
            [this] { return static_cast<int>(h.dut->o_uart_tx); }) {
    auto& d = *h.dut;
    d.i_uart_rx = 1;
    d.i_win_ready = d.i_start_ready = d.i_fc_valid = d.i_mw_ready = 0;
    d.i_fc_data = 0;
    d.i_fc_last = 0;
    d.i_fc_err = 0;
    d.i_fc_err_code = 0;
    d.i_core_id = kCoreId;
    d.i_core_status = 0;
    h.reset(4);
    host.on_event = [this](const Event& e) { expect_reply(e); };
  }

  // The expected reply to a reference event, and the core-side effects of a good command.
  void expect_reply(const Event& e) {
    Bytes r;
    if (e.error) {
      r = encode(Type::ERROR, error_payload(e.err));
      ++errors_expected;
    } else {
      const Frame& f = e.frame;
      switch (static_cast<Type>(f.type)) {
        case Type::WINDOW: {
          std::vector<int16_t> w(f.payload.size() / 2);
          for (std::size_t i = 0; i < w.size(); ++i)
            w[i] = static_cast<int16_t>(f.payload[2 * i] | (f.payload[2 * i + 1] << 8));
          exp_windows.push_back(w);
          r = encode(Type::FORECAST, forecast_payload(tb_forecast(w)));
          break;
        }
        case Type::WRITE_MEM: {
          const uint8_t id = f.payload[0];
          const uint16_t addr = static_cast<uint16_t>(f.payload[1] | (f.payload[2] << 8));
          const std::size_t n = (f.payload.size() - 3) / 4;
          for (std::size_t k = 0; k < n; ++k) {
            uint32_t v = 0;
            for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(f.payload[3 + 4 * k + i]) << (8 * i);
            exp_writes.push_back({id, static_cast<uint16_t>(addr + k), v});
          }
          r = encode(Type::WRITE_ACK, write_ack_payload({id, addr, static_cast<uint16_t>(n)}));
          break;
        }
        case Type::VERSION:
          r = encode(Type::VERSION_INFO, version_payload({hs::kVersion, kCoreId, hs::kMaxPayload,
                                                          static_cast<uint16_t>(hs::kIdleTimeoutBits)}));
          break;
        default: {  // STATUS: the counters as of this request; the core status of the writes so far
          StatusInfo s;
          s.core_status = status_of(exp_writes);
          s.counters = host.ref.counters();
          r = encode(Type::STATUS_INFO, status_payload(s));
          break;
        }
      }
      ++good_expected;
    }
    expected.insert(expected.end(), r.begin(), r.end());
    pending_done += e.error ? 0 : 1;
  }
  static uint32_t status_of(const std::vector<MemWrite>& w) {
    uint32_t s = 0;
    for (const auto& x : w) s = s * 31u + (x.data ^ (static_cast<uint32_t>(x.id) << 24) ^ x.addr);
    return s;
  }

  // One clock: sample the core-side handshakes, tick, then drive the core-side inputs for the next cycle.
  void step() {
    auto& d = *h.dut;
    d.eval();
    if (d.o_win_valid && d.i_win_ready) {
      cur_window.push_back(static_cast<int16_t>(d.o_win_data));
      if (d.o_win_last) {
        got_windows.push_back(cur_window);
        cur_window.clear();
      }
    }
    const bool start = d.o_start_valid && d.i_start_ready;
    if (start) {
      if (!cur_window.empty()) ADD_FAILURE() << "cycle " << h.cycle << ": start before the last reading";
      if (got_windows.empty())
        ADD_FAILURE() << "cycle " << h.cycle << ": start without a window";
      else
        for (int16_t v : tb_forecast(got_windows.back())) fc_queue.push_back(v);
    }
    if (d.i_fc_valid && d.o_fc_ready) fc_queue.pop_front();
    if (d.o_mw_valid && d.i_mw_ready) {
      got_writes.push_back(
          {static_cast<uint8_t>(d.o_mw_id), static_cast<uint16_t>(d.o_mw_addr), static_cast<uint32_t>(d.o_mw_data)});
      d.i_core_status = status_of(got_writes);
    }
    h.tick();
    std::uniform_real_distribution<double> u(0.0, 1.0);
    d.i_win_ready = u(rng) < p_ready;
    d.i_start_ready = u(rng) < p_ready;
    d.i_mw_ready = u(rng) < p_ready;
    d.i_fc_valid = !fc_queue.empty() && u(rng) < p_ready;
    d.i_fc_data = fc_queue.empty() ? 0 : static_cast<uint16_t>(fc_queue.front());
    d.i_fc_last = fc_queue.size() == 1;
    d.eval();
  }

  // Wait for every expected reply byte (and a little more, to catch extra bytes); compare exactly.
  void settle(const std::string& what) {
    const uint64_t limit = (expected.size() - host.rx.size() + 64) * 12ull * kCpb + 20000;
    host.wait_rx(expected.size(), limit);
    host.wait(40ull * kCpb);  // an unexpected extra reply byte would start within this
    if (host.rx != expected) {
      std::size_t i = 0;
      while (i < host.rx.size() && i < expected.size() && host.rx[i] == expected[i]) ++i;
      ADD_FAILURE() << what << ": reply bytes differ from byte " << i
                    << "\n  expected: " << hex(Bytes(expected.begin() + i, expected.end()))
                    << "\n  actual:   " << hex(Bytes(host.rx.begin() + std::min(i, host.rx.size()), host.rx.end()));
      host.rx = expected;  // resynchronize the comparison, keep going
    }
    for (; pending_done > 0; --pending_done) host.ref.done();
    if (got_windows != exp_windows)
      ADD_FAILURE() << what << ": the core received other windows than the good frames carried";
    if (got_writes != exp_writes)
      ADD_FAILURE() << what << ": the core received other memory writes than the good frames carried";
    // The host's rule (docs/host_protocol.md): after an ERROR reply or a reply timeout, keep the line idle
    // for idle_timeout_bits before the next frame. Here: whenever the reference is mid-frame (no reply will
    // come) or resynchronizing (it answered ERROR, or bytes were lost).
    if (host.ref.in_frame() || host.ref.resyncing()) host.wait_idle();
  }
  // A request/response exchange: send, then settle.
  void exchange(const Bytes& b, const std::string& what, int max_gap = 0) {
    host.send(b, max_gap, rng());
    settle(what);
  }

  sfsim::Harness<Vsf_host_if> h;
  std::mt19937_64 rng;
  UartHost host;
  double p_ready = 0.7;
  Bytes expected;
  int pending_done = 0;
  uint64_t good_expected = 0, errors_expected = 0;
  std::vector<std::vector<int16_t>> exp_windows, got_windows;
  std::vector<int16_t> cur_window;
  std::deque<int16_t> fc_queue;
  std::vector<MemWrite> exp_writes, got_writes;
};

std::vector<int16_t> rand_window(std::mt19937_64& rng, int max_n) {
  std::vector<int16_t> w(1 + rng() % max_n);
  for (auto& v : w) v = static_cast<int16_t>(rng());
  return w;
}
Bytes good_frame(std::mt19937_64& rng) {
  switch (rng() % 4) {
    case 0:
      return encode(Type::WINDOW, window_payload(rand_window(rng, 24)));
    case 1: {
      std::vector<uint32_t> words(1 + rng() % 6);
      for (auto& w : words) w = static_cast<uint32_t>(rng());
      const auto& m = hs::kMemories[rng() % std::size(hs::kMemories)];
      return encode(Type::WRITE_MEM,
                    write_mem_payload(static_cast<uint8_t>(m.id),
                                      static_cast<uint16_t>(rng() % (m.depth - words.size() + 1)), words));
    }
    case 2:
      return encode(Type::VERSION, {});
    default:
      return encode(Type::STATUS, {});
  }
}

// Runs a test body once; on a failure again with the FST trace (build/sim/waves/<test>.fst).
void run(const std::function<uint64_t(Bench&)>& body, uint64_t seed, uint64_t min_frames) {
  sfsim::run_unit_test(
      [&](bool trace) {
        Bench b(seed, trace);
        const uint64_t n = body(b);
        EXPECT_FALSE(b.host.ref.in_frame());
        std::printf("%s: %llu bytes sent, %llu good frames served, %llu error replies, %zu reply bytes checked\n",
                    sfsim::test_name().c_str(), static_cast<unsigned long long>(b.host.bytes_sent),
                    static_cast<unsigned long long>(b.good_expected),
                    static_cast<unsigned long long>(b.errors_expected), b.expected.size());
        return n;
      },
      min_frames);
}

TEST(HostIf, GoodFramesOfEveryType) {
  run(
      [](Bench& b) {
        b.exchange(encode(Type::VERSION, {}), "VERSION");
        b.exchange(encode(Type::WINDOW, window_payload({1, -2, 300, -32768, 32767})), "WINDOW");
        b.exchange(encode(Type::WRITE_MEM, write_mem_payload(1, 100, {0xDEADBEEF, 1, 2})), "WRITE_MEM");
        b.exchange(encode(Type::STATUS, {}), "STATUS");
        // the largest window (max_payload bytes) and the last words of a memory
        std::vector<int16_t> big(hs::kMaxPayload / 2);
        for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<int16_t>(i * 37 - 9000);
        b.exchange(encode(Type::WINDOW, window_payload(big)), "WINDOW max");
        b.exchange(encode(Type::WRITE_MEM, write_mem_payload(0, 1022, {7, 8})), "WRITE_MEM last words");
        for (int i = 0; i < 20; ++i) b.exchange(good_frame(b.rng), "random good frame", i % 2 ? 3 * kCpb : 0);
        b.exchange(encode(Type::STATUS, {}), "STATUS");
        EXPECT_EQ(b.host.ref.counters().frames_ok, 27);
        EXPECT_EQ(b.errors_expected, 0u);
        return b.good_expected;
      },
      1, 27);
}

TEST(HostIf, BitFlipsGetCrcErrorsAndTheNextFrameIsServed) {
  run(
      [](Bench& b) {
        int crc_errors = 0;
        for (int i = 0; i < 60; ++i) {
          Bytes f = good_frame(b.rng);
          const std::size_t bit = 8 + b.rng() % ((f.size() - 1) * 8);  // any bit after the start byte
          f[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
          const uint16_t before = b.host.ref.counters().err_crc;
          b.exchange(f, "bit flip at bit " + std::to_string(bit));
          crc_errors += b.host.ref.counters().err_crc - before;
          b.exchange(good_frame(b.rng), "good frame after a bit flip");
        }
        b.exchange(encode(Type::STATUS, {}), "STATUS");
        EXPECT_GE(crc_errors, 40);  // flips in LEN can turn into timeouts or TOO_LONG instead
        return b.good_expected;
      },
      2, 61);
}

TEST(HostIf, FlippedStartByteIsDroppedAsGarbage) {
  run(
      [](Bench& b) {
        Bytes f = encode(Type::VERSION, {});
        f[0] ^= 0x01;
        b.exchange(f, "start byte flipped");
        EXPECT_EQ(b.host.ref.counters().dropped_bytes, f.size());
        b.exchange(encode(Type::STATUS, {}), "STATUS");
        return b.good_expected;
      },
      3, 1);
}

TEST(HostIf, WrongLengthUnknownTypeMemoryIdAndRange) {
  run(
      [](Bench& b) {
        b.exchange(encode(Type::WINDOW, Bytes(5)), "WINDOW odd length");
        b.exchange(encode(Type::WINDOW, Bytes{}), "WINDOW empty");
        b.exchange(encode(Type::VERSION, Bytes(2)), "VERSION with a payload");
        b.exchange(encode(Type::STATUS, Bytes(1)), "STATUS with a payload");
        b.exchange(encode(Type::WRITE_MEM, Bytes(6)), "WRITE_MEM too short");
        b.exchange(encode(Type::WRITE_MEM, Bytes(9)), "WRITE_MEM not 3 + 4k");
        for (uint8_t t : {0x00, 0x05, 0x7F, 0x81, 0xFF}) b.exchange(encode(t, Bytes(4)), "unknown type");
        b.exchange(encode(Type::WRITE_MEM, write_mem_payload(0x33, 0, {1})), "unknown memory id");
        b.exchange(encode(Type::WRITE_MEM, write_mem_payload(0, 4095, {1, 2})), "beyond PROG");
        b.exchange(encode(Type::WRITE_MEM, write_mem_payload(2, 0xFFFF, {1})), "address 0xFFFF");
        b.exchange(encode(Type::WINDOW, window_payload({4, 5})), "good frame after the errors");
        b.exchange(encode(Type::STATUS, {}), "STATUS");
        const Counters& c = b.host.ref.counters();
        EXPECT_EQ(c.err_length, 6);
        EXPECT_EQ(c.err_type, 5);
        EXPECT_EQ(c.err_mem_id, 1);
        EXPECT_EQ(c.err_addr, 2);
        EXPECT_EQ(b.errors_expected, 14u);
        return b.good_expected + b.errors_expected;
      },
      4, 16);
}

TEST(HostIf, GarbageBeforeTheStartByte) {
  run(
      [](Bench& b) {
        uint64_t dropped = 0;
        for (int i = 0; i < 20; ++i) {
          Bytes g(1 + b.rng() % 40);
          for (auto& x : g) {
            do x = static_cast<uint8_t>(b.rng());
            while (x == hs::kStartByte);
          }
          dropped += g.size();
          Bytes s = g;
          const Bytes f = good_frame(b.rng);
          s.insert(s.end(), f.begin(), f.end());
          b.exchange(s, "garbage then a good frame");
        }
        EXPECT_EQ(b.host.ref.counters().dropped_bytes, dropped);
        b.exchange(encode(Type::STATUS, {}), "STATUS");
        return b.good_expected;
      },
      5, 21);
}

TEST(HostIf, GarbageWithStartBytesThenGoodFrames) {
  run(
      [](Bench& b) {
        for (int i = 0; i < 20; ++i) {
          Bytes g(2 + b.rng() % 30);
          for (auto& x : g) x = static_cast<uint8_t>(b.rng());
          g[b.rng() % g.size()] = hs::kStartByte;
          b.exchange(g, "garbage with a start byte");  // whatever the reference makes of it
          b.exchange(good_frame(b.rng), "good frame after garbage");
        }
        b.exchange(encode(Type::STATUS, {}), "STATUS");
        return b.good_expected;
      },
      6, 21);
}

TEST(HostIf, TruncatedFrameThenTimeout) {
  run(
      [](Bench& b) {
        for (int i = 0; i < 15; ++i) {
          const Bytes f = good_frame(b.rng);
          const std::size_t cut = 1 + b.rng() % (f.size() - 1);
          b.exchange(Bytes(f.begin(), f.begin() + cut), "frame cut after " + std::to_string(cut) + " bytes");
          b.exchange(good_frame(b.rng), "good frame after a timeout");
        }
        EXPECT_EQ(b.host.ref.counters().timeouts, 15);
        b.exchange(encode(Type::STATUS, {}), "STATUS");
        return b.good_expected;
      },
      7, 16);
}

TEST(HostIf, BreakMidFrame) {
  run(
      [](Bench& b) {
        for (int i = 0; i < 15; ++i) {
          const Bytes f = good_frame(b.rng);
          const std::size_t cut = 1 + b.rng() % (f.size() - 1);
          b.host.send(Bytes(f.begin(), f.begin() + cut));
          b.host.send_break(20 + static_cast<int>(b.rng() % 200));
          b.exchange(good_frame(b.rng), "good frame right after a break");
        }
        EXPECT_EQ(b.host.ref.counters().line_errors, 15);
        EXPECT_EQ(b.host.ref.counters().timeouts, 0);
        b.exchange(encode(Type::STATUS, {}), "STATUS");
        return b.good_expected;
      },
      8, 16);
}

// A framing error that is not a break (one byte with a low stop bit) in the middle of a frame: the frame is
// dropped silently like at a break (line_errors), and the next frame is served right after (issue 8).
TEST(HostIf, FramingErrorMidFrame) {
  run(
      [](Bench& b) {
        for (int i = 0; i < 15; ++i) {
          const Bytes f = good_frame(b.rng);
          const std::size_t cut = 1 + b.rng() % (f.size() - 1);
          b.host.send(Bytes(f.begin(), f.begin() + cut));
          b.host.send_bad_stop_byte(f[cut]);
          b.exchange(good_frame(b.rng), "good frame right after a framing error");
        }
        EXPECT_EQ(b.host.ref.counters().line_errors, 15);
        EXPECT_EQ(b.host.ref.counters().timeouts, 0);
        b.exchange(encode(Type::STATUS, {}), "STATUS");
        return b.good_expected;
      },
      10, 16);
}

TEST(HostIf, OverLongFrames) {
  run(
      [](Bench& b) {
        // a header declaring more than max_payload: TOO_LONG at once, the rest dropped until the line is idle
        b.exchange(encode(Type::WINDOW, Bytes(hs::kMaxPayload + 2)), "declared length > max_payload");
        b.exchange(encode(Type::WRITE_MEM, Bytes(hs::kMaxPayload + 1)), "declared length > max_payload");
        b.exchange(good_frame(b.rng), "good frame after TOO_LONG");
        EXPECT_EQ(b.host.ref.counters().err_too_long, 2);
        // more bytes than the header declares: the frame is served, the extra bytes arrive while the
        // interface is busy (overruns) and force a resynchronization
        for (int i = 0; i < 10; ++i) {
          Bytes f = encode(Type::VERSION, {});
          for (int k = 0; k < 3; ++k) f.push_back(static_cast<uint8_t>(b.rng()));
          b.exchange(f, "3 bytes more than declared");
          b.exchange(good_frame(b.rng), "good frame after an over-long frame");
        }
        EXPECT_EQ(b.host.ref.counters().overruns, 30);
        b.exchange(encode(Type::STATUS, {}), "STATUS");
        return b.good_expected;
      },
      9, 22);
}

// Everything mixed, with random back-pressure regimes and inter-byte gaps; four seeds.
class HostIfRandom : public ::testing::TestWithParam<int> {};
TEST_P(HostIfRandom, MixOfFramesAndFaults) {
  run(
      [](Bench& b) {
        // SF_HOST_EXCHANGES=N: a longer soak than CI's 500 exchanges per seed
        const char* env = std::getenv("SF_HOST_EXCHANGES");
        const int n = env ? std::max(1, std::atoi(env)) : 500;
        for (int i = 0; i < n; ++i) {
          b.p_ready = (i / 50) % 2 ? 0.3 : 0.9;
          Bytes f = good_frame(b.rng);
          const int kind = static_cast<int>(b.rng() % 8);
          std::string what = "good";
          if (kind == 1) {
            const std::size_t bit = b.rng() % (f.size() * 8);
            f[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
            what = "bit flip";
          } else if (kind == 2) {
            f.resize(1 + b.rng() % (f.size() - 1));
            what = "truncated";
          } else if (kind == 3) {
            Bytes g(1 + b.rng() % 8);
            for (auto& x : g) x = static_cast<uint8_t>(b.rng());
            g.insert(g.end(), f.begin(), f.end());
            f = g;
            what = "garbage first";
          } else if (kind == 4) {
            f = encode(static_cast<uint8_t>(b.rng() % 2 ? 0x40 : 0x02), Bytes(b.rng() % 12));
            what = "bad type or length";
          }
          if (kind == 5) {
            b.host.send(Bytes(f.begin(), f.begin() + 1 + b.rng() % (f.size() - 1)));
            b.host.send_break(12 + static_cast<int>(b.rng() % 30));
            what = "break";
          }
          b.exchange(f, what + " #" + std::to_string(i), b.rng() % 3 == 0 ? 4 * kCpb : 0);
        }
        b.exchange(encode(Type::STATUS, {}), "STATUS");
        return b.good_expected + b.errors_expected;
      },
      100 + GetParam(), 350);
}
INSTANTIATE_TEST_SUITE_P(HostIf, HostIfRandom, ::testing::Values(0, 1, 2, 3),
                         [](const ::testing::TestParamInfo<int>& i) { return "seed" + std::to_string(i.param); });

}  // namespace
