// Host protocol codec (model/host_frame.h): CRC, frame layout, reply payloads, and the streaming parser's
// resynchronization rules (the reference model of rtl/host/sf_frame_rx.v). Expected bytes are written out
// by hand from the specification (docs/host_protocol.md) or computed by an independent bitwise CRC below.
#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <string>

#include "host_board.h"
#include "host_frame.h"
#include "sf_isa.h"

namespace {
using namespace sf::host;
namespace hs = sf::hostspec;

// An independent CRC-16/CCITT-FALSE: one message bit at a time through a 17-bit polynomial division.
uint16_t crc_ref(const Bytes& msg) {
  uint32_t r = 0xFFFF;
  for (uint8_t byte : msg)
    for (int i = 7; i >= 0; --i) {
      const uint32_t in = (byte >> i) & 1u, top = (r >> 15) & 1u;
      r = ((r << 1) & 0xFFFF) ^ ((in ^ top) ? 0x1021u : 0u);
    }
  return static_cast<uint16_t>(r);
}

// Feed bytes; return the events in order.
std::vector<Event> feed_all(FrameParser& p, const Bytes& bytes) {
  std::vector<Event> ev;
  for (uint8_t b : bytes)
    if (auto e = p.feed(b)) ev.push_back(*e);
  return ev;
}

Bytes status_req() {
  return encode(Type::STATUS, {});
}

TEST(HostFrame, CrcMatchesTheStandardCheckValue) {
  const Bytes msg{'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  EXPECT_EQ(crc16(msg.data(), msg.size()), 0x29B1);  // the published CRC-16/CCITT-FALSE check
  EXPECT_EQ(hs::kCrcCheck, 0x29B1);
  EXPECT_EQ(crc_ref(msg), 0x29B1);
  std::mt19937 rng(5);
  for (int t = 0; t < 200; ++t) {
    Bytes m(rng() % 40);
    for (auto& b : m) b = static_cast<uint8_t>(rng());
    EXPECT_EQ(crc16(m.data(), m.size()), crc_ref(m));
  }
}

TEST(HostFrame, EncodeLayout) {
  // VERSION request: SOF, 0x03, 0x00, 0x00, CRC over {03 00 00}, high byte first
  const Bytes v = encode(Type::VERSION, {});
  const uint16_t c = crc_ref({0x03, 0x00, 0x00});
  EXPECT_EQ(v, (Bytes{0xA5, 0x03, 0x00, 0x00, static_cast<uint8_t>(c >> 8), static_cast<uint8_t>(c & 0xFF)}));
  // WINDOW of two readings -2, 0x1234: little-endian int16
  const Bytes w = encode(Type::WINDOW, window_payload({-2, 0x1234}));
  const uint16_t cw = crc_ref({0x01, 0x04, 0x00, 0xFE, 0xFF, 0x34, 0x12});
  EXPECT_EQ(w, (Bytes{0xA5, 0x01, 0x04, 0x00, 0xFE, 0xFF, 0x34, 0x12, static_cast<uint8_t>(cw >> 8),
                      static_cast<uint8_t>(cw & 0xFF)}));
  // WRITE_MEM: id, addr LE, words LE
  EXPECT_EQ(write_mem_payload(2, 0x0102, {0xA1B2C3D4u}), (Bytes{0x02, 0x02, 0x01, 0xD4, 0xC3, 0xB2, 0xA1}));
  EXPECT_THROW(encode(0x01, Bytes(70000)), std::invalid_argument);
}

TEST(HostFrame, ReplyPayloadsRoundTrip) {
  const ErrorReply er{Err::LENGTH, 0x03, 0x0102};
  EXPECT_EQ(error_payload(er), (Bytes{0x02, 0x03, 0x02, 0x01}));
  EXPECT_EQ(decode_error({0xFF, error_payload(er)}), er);
  const WriteAck a{1, 300, 7};
  const WriteAck a2 = decode_write_ack({0x82, write_ack_payload(a)});
  EXPECT_EQ(a2.mem_id, 1);
  EXPECT_EQ(a2.addr, 300);
  EXPECT_EQ(a2.words, 7);
  const VersionInfo vi{hs::kVersion, 0, 1024, 80};
  EXPECT_EQ(version_payload(vi), (Bytes{static_cast<uint8_t>(hs::kVersion), 0x00, 0x00, 0x00, 0x04, 0x50, 0x00}));
  StatusInfo s;
  s.core_status = 0xDEADBEEF;
  s.counters.frames_ok = 3;
  s.counters.overruns = 0x0102;
  const Bytes sp = status_payload(s);
  ASSERT_EQ(sp.size(), 26u);
  EXPECT_EQ(sp[0], 0xEF);
  EXPECT_EQ(sp[3], 0xDE);
  EXPECT_EQ(sp[4], 3);
  EXPECT_EQ(sp[24], 0x02);
  EXPECT_EQ(sp[25], 0x01);
  const StatusInfo s2 = decode_status({0x84, sp});
  EXPECT_EQ(s2.core_status, 0xDEADBEEFu);
  EXPECT_TRUE(s2.counters == s.counters);
  EXPECT_EQ(decode_forecast({0x81, forecast_payload({-1, 7, -32768})}), (std::vector<int16_t>{-1, 7, -32768}));
}

TEST(HostFrame, DecodersNameWhatIsWrong) {
  try {
    decode_status({0x84, Bytes(25)});
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("STATUS_INFO payload of 25 bytes, expected 26"), std::string::npos)
        << e.what();
  }
  try {
    decode_forecast({0xFF, Bytes(4)});
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("expected a FORECAST frame, got ERROR"), std::string::npos) << e.what();
  }
  EXPECT_THROW(decode_forecast({0x81, Bytes(3)}), std::runtime_error);
}

TEST(HostFrame, VersionMismatchIsRefused) {
  VersionInfo v{hs::kVersion, 0, 1024, 80};
  EXPECT_NO_THROW(check_version(v));
  v.spec_version = hs::kVersion + 1;
  try {
    check_version(v);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("the device speaks v" + std::to_string(hs::kVersion + 1)), std::string::npos) << m;
    EXPECT_NE(m.find("this build v" + std::to_string(hs::kVersion)), std::string::npos) << m;
  }
}

// The WRITE_MEM memory table of spec/host_protocol.toml is the core's memory map (spec/isa.toml): same ids,
// depths in 32-bit words (a 128-bit WMEM word is four).
TEST(HostFrame, MemoryTableIsTheCoreMemoryMap) {
  struct Want {
    hs::Mem id;
    int host_id, depth32;
  };
  const Want want[] = {{hs::Mem::PROG, sf::isa::PROG_HOST_ID, sf::isa::PROG_DEPTH * sf::isa::PROG_WIDTH / 32},
                       {hs::Mem::WMEM, sf::isa::WMEM_HOST_ID, sf::isa::WMEM_DEPTH * sf::isa::WMEM_WIDTH / 32},
                       {hs::Mem::PMEM, sf::isa::PMEM_HOST_ID, sf::isa::PMEM_DEPTH * sf::isa::PMEM_WIDTH / 32},
                       {hs::Mem::BMEM, sf::isa::BMEM_HOST_ID, sf::isa::BMEM_DEPTH * sf::isa::BMEM_WIDTH / 32}};
  ASSERT_EQ(std::size(hs::kMemories), std::size(want));
  for (const Want& w : want) {
    EXPECT_EQ(static_cast<int>(w.id), w.host_id);
    bool found = false;
    for (const auto& m : hs::kMemories)
      if (m.id == w.id) {
        found = true;
        EXPECT_EQ(static_cast<int>(m.depth), w.depth32) << m.name;
      }
    EXPECT_TRUE(found);
  }
}

// Forecasts on the wire: the engine's int32 saturated to int16.
TEST(HostFrame, ForecastSaturatesToInt16) {
  EXPECT_EQ(sf::host::saturate16(0), 0);
  EXPECT_EQ(sf::host::saturate16(-1), -1);
  EXPECT_EQ(sf::host::saturate16(32767), 32767);
  EXPECT_EQ(sf::host::saturate16(32768), 32767);
  EXPECT_EQ(sf::host::saturate16(-32768), -32768);
  EXPECT_EQ(sf::host::saturate16(-32769), -32768);
  EXPECT_EQ(sf::host::saturate16(INT32_MAX), 32767);
  EXPECT_EQ(sf::host::saturate16(INT32_MIN), -32768);
}

TEST(HostFrameParser, GoodRequestsAreServedAndBusyUntilDone) {
  FrameParser p(Role::Device);
  const std::vector<std::pair<Type, Bytes>> reqs = {{Type::WINDOW, window_payload({1, -2, 3})},
                                                    {Type::WRITE_MEM, write_mem_payload(0, 5, {1, 2})},
                                                    {Type::VERSION, {}},
                                                    {Type::STATUS, {}}};
  for (const auto& [t, pl] : reqs) {
    const auto ev = feed_all(p, encode(t, pl));
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_FALSE(ev[0].error);
    EXPECT_EQ(ev[0].frame.type, static_cast<uint8_t>(t));
    EXPECT_EQ(ev[0].frame.payload, pl);
    EXPECT_TRUE(p.busy());
    p.done();
  }
  EXPECT_EQ(p.counters().frames_ok, 4);
}

TEST(HostFrameParser, GarbageBeforeStartIsDropped) {
  FrameParser p(Role::Device);
  Bytes g{0x00, 0xFF, 0x12, 0x5A, 0xA4};
  Bytes s = g;
  const Bytes f = status_req();
  s.insert(s.end(), f.begin(), f.end());
  const auto ev = feed_all(p, s);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_FALSE(ev[0].error);
  EXPECT_EQ(p.counters().dropped_bytes, g.size());
}

TEST(HostFrameParser, CrcErrorThenResyncOnIdle) {
  FrameParser p(Role::Device);
  Bytes bad = encode(Type::WINDOW, window_payload({10, 20}));
  bad[5] ^= 0x10;
  auto ev = feed_all(p, bad);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(ev[0].error);
  EXPECT_EQ(ev[0].err, (ErrorReply{Err::CRC, 0x01, 4}));
  EXPECT_TRUE(p.resyncing());
  // a frame right after, without an idle line, is dropped with the resynchronization
  ev = feed_all(p, status_req());
  EXPECT_TRUE(ev.empty());
  EXPECT_EQ(p.counters().dropped_bytes, 6);
  p.idle();
  ev = feed_all(p, status_req());
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_FALSE(ev[0].error);
}

TEST(HostFrameParser, WrongLengthUnknownTypeMemIdAddr) {
  FrameParser p(Role::Device);
  struct Case {
    Bytes frame;
    ErrorReply expect;
  };
  const std::vector<Case> cases = {
      {encode(Type::WINDOW, Bytes(3)), {Err::LENGTH, 0x01, 3}},  // odd
      {encode(Type::WINDOW, Bytes{}), {Err::LENGTH, 0x01, 0}},   // empty
      {encode(Type::VERSION, Bytes(1)), {Err::LENGTH, 0x03, 1}},
      {encode(Type::WRITE_MEM, Bytes(8)), {Err::LENGTH, 0x02, 8}},  // not 3 + 4k
      {encode(0x7E, Bytes(2)), {Err::TYPE, 0x7E, 2}},
      {encode(Type::FORECAST, Bytes(2)), {Err::TYPE, 0x81, 2}},  // a reply type is not a request
      {encode(Type::WRITE_MEM, write_mem_payload(9, 0, {1})), {Err::MEM_ID, 0x02, 7}},
      {encode(Type::WRITE_MEM, write_mem_payload(0, 4095, {1, 2})), {Err::ADDR, 0x02, 11}},  // PROG: 4096 words
  };
  for (const auto& c : cases) {
    const auto ev = feed_all(p, c.frame);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_TRUE(ev[0].error);
    EXPECT_EQ(ev[0].err, c.expect) << err_name(ev[0].err.code);
    EXPECT_FALSE(p.resyncing());  // CRC good: framing is certain, back to hunting
  }
  // the last word of PROG is writable
  const auto ev = feed_all(p, encode(Type::WRITE_MEM, write_mem_payload(0, 4095, {1})));
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_FALSE(ev[0].error);
  const Counters& c = p.counters();
  EXPECT_EQ(c.err_length, 4);
  EXPECT_EQ(c.err_type, 2);
  EXPECT_EQ(c.err_mem_id, 1);
  EXPECT_EQ(c.err_addr, 1);
  EXPECT_EQ(c.frames_ok, 1);
}

TEST(HostFrameParser, TooLongIsRefusedAtTheHeader) {
  FrameParser p(Role::Device);
  const Bytes f = encode(Type::WINDOW, Bytes(hs::kMaxPayload + 2));
  std::vector<Event> ev;
  std::size_t at = 0;
  for (std::size_t i = 0; i < f.size(); ++i)
    if (auto e = p.feed(f[i])) {
      ev.push_back(*e);
      at = i;
    }
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(at, 3u);  // right after LEN_HI
  EXPECT_EQ(ev[0].err, (ErrorReply{Err::TOO_LONG, 0x01, static_cast<uint16_t>(hs::kMaxPayload + 2)}));
  EXPECT_EQ(p.counters().dropped_bytes, f.size() - 4);
  p.idle();
  EXPECT_EQ(feed_all(p, status_req()).size(), 1u);
}

TEST(HostFrameParser, TimeoutAndBreakDropTheFrameSilently) {
  for (bool brk : {false, true}) {
    FrameParser p(Role::Device);
    const Bytes f = encode(Type::WINDOW, window_payload({1, 2, 3, 4}));
    EXPECT_TRUE(feed_all(p, Bytes(f.begin(), f.begin() + 7)).empty());
    EXPECT_TRUE(p.in_frame());
    brk ? p.line_error() : p.idle();
    EXPECT_FALSE(p.in_frame());
    const auto ev = feed_all(p, f);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_FALSE(ev[0].error);
    EXPECT_EQ(p.counters().timeouts, brk ? 0 : 1);
    EXPECT_EQ(p.counters().line_errors, brk ? 1 : 0);
  }
}

TEST(HostFrameParser, BytesWhileBusyAreOverrunsAndForceAResync) {
  FrameParser p(Role::Device);
  ASSERT_EQ(feed_all(p, status_req()).size(), 1u);
  EXPECT_TRUE(feed_all(p, status_req()).empty());
  EXPECT_EQ(p.counters().overruns, 6);
  p.done();
  EXPECT_TRUE(p.resyncing());
  p.idle();
  EXPECT_EQ(feed_all(p, status_req()).size(), 1u);
}

// Every single-bit flip of a good frame: never a good event from it, and after the host's rule (wait for
// the reply or an idle line) the next good frame is served.
TEST(HostFrameParser, EveryBitFlipIsCaught) {
  const Bytes good = encode(Type::WRITE_MEM, write_mem_payload(1, 7, {0x01020304u, 0xA5A5A5A5u}));
  const Bytes next = encode(Type::WINDOW, window_payload({5, 6}));
  for (std::size_t bit = 0; bit < good.size() * 8; ++bit) {
    FrameParser p(Role::Device);
    Bytes bad = good;
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    for (const auto& e : feed_all(p, bad)) EXPECT_TRUE(e.error) << "bit " << bit;
    p.idle();
    const auto ev = feed_all(p, next);
    ASSERT_EQ(ev.size(), 1u) << "bit " << bit;
    EXPECT_FALSE(ev[0].error);
    EXPECT_EQ(ev[0].frame.payload, window_payload({5, 6}));
  }
}

TEST(HostFrameParser, HostRoleChecksReplies) {
  FrameParser p(Role::Host);
  auto ev = feed_all(p, encode(Type::ERROR, error_payload({Err::CRC, 1, 4})));
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_FALSE(ev[0].error);
  EXPECT_FALSE(p.busy());
  ev = feed_all(p, encode(Type::STATUS_INFO, Bytes(25)));
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].err.code, Err::LENGTH);
  ev = feed_all(p, encode(Type::WINDOW, Bytes(2)));  // a request is not a reply
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].err.code, Err::TYPE);
  ev = feed_all(p, encode(Type::FORECAST, forecast_payload({1, 2, 3})));
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(decode_forecast(ev[0].frame), (std::vector<int16_t>{1, 2, 3}));
}

TEST(HostFrameParser, CountersSaturate) {
  FrameParser p(Role::Device);
  for (int i = 0; i < 70000; ++i) p.feed(0x00);
  EXPECT_EQ(p.counters().dropped_bytes, 0xFFFF);
}

}  // namespace
