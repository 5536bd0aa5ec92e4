// tb_pty_core: the whole ULX3S board top with the accelerator core (sf_ulx3s_top CORE = 1: sf_host_if,
// sf_core_adapter, sf_core; PLL stand-in; 12.5 Mbaud = 8 clocks per bit so the simulation keeps up; core
// timeout 100,000 cycles) behind a pseudo-terminal, driven through model/host_link.h and model/host_board.h,
// the code path of `shiftformer board --port DEV`:
//   ShippedModelBitExact     the shipped model compiled (compile_core), loaded with WRITE_MEM frames, 100 test
//                            windows, every forecast bit-exact against the integer engine (int16 on the wire)
//   CoreFaults               no program (ERROR CORE), a window longer than IBUF (ERROR WINDOW_SIZE), a program
//                            that never finishes (ERROR CORE_TIMEOUT, the core is reset), then served again
//   FaultTableAtBoardLevel   bad CRC, wrong length, unknown type, garbage before the start byte, a frame cut
//                            by the idle timeout and by a break: the replies of docs/host_protocol.md, no
//                            forecast for a bad frame, the next good window served bit-exact; STATUS counters
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "Vsf_ulx3s_core_fast.h"
#include "compiler.h"
#include "data.h"
#include "host_board.h"
#include "host_link.h"
#include "intengine.h"
#include "pty_board.h"
#include "qmodel.h"
#include "sf_isa.h"

namespace {
using namespace sf::host;
namespace hs = sf::hostspec;
using Board = sfhost::PtyBoardT<Vsf_ulx3s_core_fast>;

// The shipped model, its compiled image and the test split, loaded once for every test.
struct Shipped {
  sf::IntModel im = sf::load_int_model(SF_TEST_DATA_DIR "/model/default-all2.sfint");
  sf::IntEngine e{im};
  sf::CoreImage img = sf::compile_core(e);
  sf::Dataset d = sf::make_dataset(SF_TEST_DATA_DIR "/ETT/ETTh1.csv", "OT", im.seq_len, im.pred_len);
  std::vector<int32_t> raw = sf::raw_fixed(d, d.test);
  std::vector<int16_t> window(int64_t i) const {
    return std::vector<int16_t>(raw.begin() + i, raw.begin() + i + im.seq_len);
  }
  std::vector<int16_t> expect(int64_t i) const {
    std::vector<int32_t> f(static_cast<size_t>(im.pred_len));
    e.run(raw.data() + i, f.data());
    std::vector<int16_t> s;
    for (int32_t x : f) s.push_back(saturate16(x));
    return s;
  }
};
const Shipped& shipped() {
  static const auto* s = new Shipped;
  return *s;
}

struct Session {
  Board board{SF_PTY_CORE};
  SerialPort port{board.path(), 115200};
  Link link{port, opts()};
  static LinkOptions opts() {
    LinkOptions o;
    o.reply_timeout_ms = 20000;  // real time: the simulated board runs about 50x slower than a real one
    o.idle_ms = 10;
    o.retries = 0;
    return o;
  }
  Frame raw_exchange(const Bytes& b) {  // bytes as they are, then the reply
    port.write(b);
    return link.transact(Bytes{});
  }
  // nothing arrives from the device within ms (real time)
  bool silent(int ms) { return port.read(ms).empty(); }
};

ErrorReply expect_error(const Frame& f) {
  EXPECT_EQ(f.type, static_cast<uint8_t>(Type::ERROR));
  return decode_error(f);
}

TEST(PtyCore, ShippedModelBitExact) {
  const Shipped& m = shipped();
  Session s;
  const VersionInfo v = s.link.version();
  EXPECT_EQ(v.core_id, static_cast<uint8_t>(hs::Core::SF_CORE));
  const LoadStats ls = load_core_image(s.link, m.img);
  const uint64_t c0 = s.board.cycles();
  const BoardResult r = run_board_windows(s.link, m.e, m.raw, m.d.test, m.d.normalizer, 100);
  const uint64_t c1 = s.board.cycles();
  EXPECT_EQ(r.windows, 100);
  EXPECT_EQ(r.exact, 100) << r.first_mismatch;
  EXPECT_EQ(r.mse_board, r.mse_engine);
  const StatusInfo st = s.link.status();
  EXPECT_EQ(st.core_status & 0xFFFF, 100u);          // forecasts served
  EXPECT_EQ((st.core_status >> 16) & 0xFF, 0u);      // no core fault
  EXPECT_EQ(st.counters.frames_ok, 2 + ls.frames + 100);  // VERSION, loads, windows, this STATUS
  const double cyc = static_cast<double>(c1 - c0) / 100.0;
  std::printf("pty core: loaded %lld words in %lld frames (%.2f s); %lld / %lld windows bit-exact, MSE board %.4f "
              "engine %.4f; %.1f forecasts/s (simulated 12.5 Mbaud, real time), latency mean %.2f ms; %.0f "
              "simulated cycles per forecast exchange (%.1f us at 100 MHz)\n",
              static_cast<long long>(ls.words), static_cast<long long>(ls.frames), ls.seconds,
              static_cast<long long>(r.exact), static_cast<long long>(r.windows), r.mse_board, r.mse_engine,
              r.windows / r.seconds, r.lat_mean_ms, cyc, cyc / 100.0);
}

TEST(PtyCore, CoreFaults) {
  const Shipped& m = shipped();
  Session s;
  const std::vector<int16_t> w = m.window(0);
  // no program: a zero header is refused by the core
  s.link.write_mem(static_cast<uint8_t>(sf::isa::PROG_HOST_ID), 0, std::vector<uint32_t>(16, 0));
  ErrorReply e = expect_error(s.link.transact(encode(Type::WINDOW, window_payload(w))));
  EXPECT_EQ(e.code, hs::Err::CORE);
  EXPECT_EQ(e.type, static_cast<uint8_t>(Type::WINDOW));
  EXPECT_EQ(e.length, 2 * w.size());
  // more readings than the core's input buffer
  e = expect_error(s.link.transact(encode(Type::WINDOW, window_payload(std::vector<int16_t>(65, 7)))));
  EXPECT_EQ(e.code, hs::Err::WINDOW_SIZE);
  EXPECT_EQ(e.length, 130);
  // a program that never finishes: unit IO has one instruction whose wait fields can never be met
  std::vector<uint32_t> hdr(16, 0);
  hdr[0] = (static_cast<uint32_t>(sf::isa::MAGIC) << 16) | static_cast<uint32_t>(sf::isa::VERSION);
  for (int u = 0; u < sf::isa::N_UNITS; ++u) hdr[static_cast<size_t>(1 + 2 * u)] = 16;
  hdr[2] = 1;  // unit 0: one instruction at word 16
  s.link.write_mem(static_cast<uint8_t>(sf::isa::PROG_HOST_ID), 16, std::vector<uint32_t>(8, 0xFFFFFFFFu));
  s.link.write_mem(static_cast<uint8_t>(sf::isa::PROG_HOST_ID), 0, hdr);
  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t c0 = s.board.cycles();
  e = expect_error(s.link.transact(encode(Type::WINDOW, window_payload(w))));
  EXPECT_EQ(e.code, hs::Err::CORE_TIMEOUT);
  EXPECT_GE(s.board.cycles() - c0, static_cast<uint64_t>(SF_CORE_TIMEOUT));
  std::printf("core timeout reported after %.2f s real time\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  // the core was reset: load the model and get a bit-exact forecast
  load_core_image(s.link, m.img);
  EXPECT_EQ(s.link.forecast(w), m.expect(0));
  const StatusInfo st = s.link.status();
  EXPECT_EQ(st.core_status & 0xFFFF, 1u);
  EXPECT_EQ((st.core_status >> 16) & 0xFF, 3u);
  EXPECT_EQ(st.core_status >> 24, static_cast<uint32_t>(hs::Err::CORE_TIMEOUT));
}

TEST(PtyCore, FaultTableAtBoardLevel) {
  const Shipped& m = shipped();
  Session s;
  load_core_image(s.link, m.img);
  const StatusInfo st0 = s.link.status();
  int64_t k = 7;  // test window index, advanced for each good exchange
  auto good = [&] {
    k += 13;
    ASSERT_EQ(s.link.forecast(m.window(k)), m.expect(k)) << "window " << k;
  };
  const Bytes frame = encode(Type::WINDOW, window_payload(m.window(3)));
  // bad CRC: ERROR CRC, the device resynchronizes on an idle line, then serves the next frame
  Bytes bad = frame;
  bad.back() ^= 0x40;
  ErrorReply e = expect_error(s.raw_exchange(bad));
  EXPECT_EQ(e.code, hs::Err::CRC);
  s.board.wait_bits(2 * hs::kIdleTimeoutBits);
  good();
  // wrong length for the type (odd WINDOW), good CRC: ERROR LENGTH, next served at once
  e = expect_error(s.raw_exchange(encode(Type::WINDOW, Bytes(95, 0x11))));
  EXPECT_EQ(e.code, hs::Err::LENGTH);
  EXPECT_EQ(e.length, 95);
  good();
  // unknown type: ERROR TYPE
  e = expect_error(s.raw_exchange(encode(0x7E, Bytes(4, 0x22))));
  EXPECT_EQ(e.code, hs::Err::TYPE);
  EXPECT_EQ(e.type, 0x7E);
  good();
  // garbage (no start byte) before a good frame: dropped, the frame is served
  Bytes g = {0x00, 0x13, 0xFF, 0x5A, 0x81, 0x42, 0x00, 0x7E, 0xC3, 0x01, 0x02};
  const Bytes f7 = encode(Type::WINDOW, window_payload(m.window(k + 13)));
  g.insert(g.end(), f7.begin(), f7.end());
  const Frame r7 = s.raw_exchange(g);
  ASSERT_EQ(r7.type, static_cast<uint8_t>(Type::FORECAST));
  EXPECT_EQ(decode_forecast(r7), m.expect(k + 13));
  k += 13;
  // a frame cut short, then silence: dropped by the idle timeout, no reply; the next frame is served
  s.port.write(Bytes(frame.begin(), frame.begin() + 40));
  s.board.wait_bits(2 * hs::kIdleTimeoutBits + 30);
  EXPECT_TRUE(s.silent(50));
  good();
  // a frame cut by a break: dropped at once, no reply; the next frame is served right after
  s.board.break_after(s.board.bytes_in() + 30, 20);
  s.port.write(Bytes(frame.begin(), frame.begin() + 30));
  s.board.wait_break();
  good();
  EXPECT_TRUE(s.silent(20));
  const StatusInfo st = s.link.status();
  EXPECT_EQ(st.counters.err_crc - st0.counters.err_crc, 1);
  EXPECT_EQ(st.counters.err_length - st0.counters.err_length, 1);
  EXPECT_EQ(st.counters.err_type - st0.counters.err_type, 1);
  EXPECT_EQ(st.counters.timeouts - st0.counters.timeouts, 1);
  EXPECT_EQ(st.counters.line_errors - st0.counters.line_errors, 1);
  EXPECT_EQ(st.counters.dropped_bytes - st0.counters.dropped_bytes, 11);
  EXPECT_EQ(st.counters.frames_ok - st0.counters.frames_ok, 7);  // 6 windows + this STATUS
  EXPECT_EQ(st.core_status & 0xFFFF, 6u);                          // forecasts: only the good frames
  EXPECT_EQ((st.core_status >> 16) & 0xFF, 0u);
}

}  // namespace
