// Host link (model/host_link.h): the request/response rules against an in-memory device (the reference
// receiver plus a responder that reverses windows), with lost replies, a dead device, ERROR replies and a
// protocol version mismatch; and SerialPort's error on a missing device. The pseudo-terminal test against
// the Verilated board top is sim/host/tb_pty.cpp.
#include <gtest/gtest.h>

#include <deque>
#include <stdexcept>
#include <string>

#include "host_link.h"

namespace {
using namespace sf::host;
namespace hs = sf::hostspec;

class FakeDevice : public Transport {
 public:
  void write(const Bytes& b) override {
    for (uint8_t x : b) {
      auto e = parser.feed(x);
      if (!e) continue;
      Bytes r;
      if (e->error) {
        r = encode(Type::ERROR, error_payload(e->err));
      } else if (e->frame.type == static_cast<uint8_t>(Type::VERSION)) {
        r = encode(Type::VERSION_INFO, version_payload({version, 0, hs::kMaxPayload, 80}));
      } else if (e->frame.type == static_cast<uint8_t>(Type::WINDOW)) {
        Bytes p = e->frame.payload;
        Bytes q(p.size());
        for (std::size_t i = 0; i < p.size(); i += 2) {
          q[p.size() - 2 - i] = p[i];
          q[p.size() - 1 - i] = p[i + 1];
        }
        r = encode(Type::FORECAST, q);
      } else {
        r = encode(Type::STATUS_INFO, status_payload({0, parser.counters()}));
      }
      parser.done();
      ++requests;
      if (drop > 0) {
        --drop;
        continue;
      }
      if (dead) continue;
      out.insert(out.end(), r.begin(), r.end());
    }
  }
  Bytes read(int) override {
    Bytes b(out.begin(), out.end());
    out.clear();
    return b;
  }
  FrameParser parser{Role::Device};
  std::deque<uint8_t> out;
  int drop = 0, requests = 0;
  bool dead = false;
  uint16_t version = hs::kVersion;
};

LinkOptions fast() {
  LinkOptions o;
  o.reply_timeout_ms = 20;
  o.idle_ms = 1;
  o.retries = 2;
  return o;
}

TEST(HostLink, ServesTypedRequests) {
  FakeDevice d;
  Link l(d, fast());
  EXPECT_EQ(l.version().spec_version, hs::kVersion);
  EXPECT_EQ(l.forecast({1, -2, 3}), (std::vector<int16_t>{3, -2, 1}));
  EXPECT_EQ(l.status().counters.frames_ok, 3);
  EXPECT_EQ(l.timeouts(), 0u);
}

TEST(HostLink, ResendsWhenAReplyIsLost) {
  FakeDevice d;
  d.drop = 1;
  Link l(d, fast());
  EXPECT_EQ(l.forecast({7, 8}), (std::vector<int16_t>{8, 7}));
  EXPECT_EQ(l.timeouts(), 1u);
  EXPECT_EQ(d.requests, 2);
}

TEST(HostLink, GivesUpWithAClearMessage) {
  FakeDevice d;
  d.dead = true;
  Link l(d, fast());
  try {
    l.version();
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no reply to a VERSION request after 3 attempts"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(d.requests, 3);
}

TEST(HostLink, ErrorReplyBecomesAnExceptionNamingTheFrame) {
  FakeDevice d;
  Link l(d, fast());
  const Frame f = l.transact(encode(Type::WINDOW, Bytes(3)));  // odd length
  ASSERT_EQ(f.type, static_cast<uint8_t>(Type::ERROR));
  EXPECT_EQ(decode_error(f), (ErrorReply{Err::LENGTH, 0x01, 3}));
  EXPECT_EQ(l.error_replies(), 1u);
  try {
    l.forecast({});  // an empty window: LENGTH
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("refused a WINDOW frame of length 0: LENGTH"), std::string::npos) << e.what();
  }
}

TEST(HostLink, RefusesAnotherProtocolVersion) {
  FakeDevice d;
  d.version = hs::kVersion + 1;
  Link l(d, fast());
  EXPECT_THROW(l.version(), std::runtime_error);
}

TEST(HostLink, SerialPortNamesAMissingDevice) {
  try {
    SerialPort p("/nonexistent/ttyUSB9", 115200);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("serial port /nonexistent/ttyUSB9: cannot open"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(SerialPort("/dev/null", 12345), std::runtime_error);   // unsupported baud rate
  EXPECT_THROW(SerialPort("/dev/null", 115200), std::runtime_error);  // not a terminal
}

}  // namespace
