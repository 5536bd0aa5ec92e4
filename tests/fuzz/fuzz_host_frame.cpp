// libFuzzer target: the host-side frame parser (model/host_frame.*). The input drives both parsers (Device
// and Host role) byte by byte; byte 0xA5 escapes (0xA5 0x00 idle, 0xA5 0x01 line error, 0xA5 0x02 done,
// otherwise 0xA5 is fed as a byte). Checked: events carry payloads within the limit; every good Host-role
// frame decodes with its decoder (the parser's size rules and the decoders agree); the counters never
// decrease (they saturate).
#include "fuzz_common.h"
#include "host_frame.h"

namespace {
using namespace sf::host;
namespace hs = sf::hostspec;

void decode_reply(const Frame& f) {
  switch (static_cast<Type>(f.type)) {
    case Type::FORECAST: (void)decode_forecast(f); break;
    case Type::ERROR: (void)decode_error(f); break;
    case Type::WRITE_ACK: (void)decode_write_ack(f); break;
    case Type::VERSION_INFO: (void)decode_version(f); break;
    case Type::STATUS_INFO: (void)decode_status(f); break;
    default: sf::fuzz::fail("the Host parser accepted a frame that is not a reply type");
  }
}

uint32_t sum(const Counters& c) {
  return uint32_t{c.frames_ok} + c.err_crc + c.err_length + c.err_type + c.err_mem_id + c.err_addr +
         c.err_too_long + c.timeouts + c.line_errors + c.dropped_bytes + c.overruns;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FrameParser dev(Role::Device), host(Role::Host);
  uint32_t dev_sum = 0, host_sum = 0;
  for (size_t i = 0; i < size; ++i) {
    uint8_t b = data[i];
    if (b == 0xA5 && i + 1 < size && data[i + 1] <= 2) {
      const uint8_t op = data[++i];
      if (op == 0) { dev.idle(); host.idle(); }
      if (op == 1) { dev.line_error(); host.line_error(); }
      if (op == 2) dev.done();
      continue;
    }
    for (FrameParser* p : {&dev, &host}) {
      const std::optional<Event> ev = p->feed(b);
      if (!ev) continue;
      if (ev->frame.payload.size() > static_cast<size_t>(hs::kMaxPayload)) sf::fuzz::fail("payload over the limit");
      if (p == &host && !ev->error) {
        try {
          decode_reply(ev->frame);
        } catch (const std::exception& e) {
          std::fprintf(stderr, "decode of an accepted reply failed: %s\n", e.what());
          sf::fuzz::fail("the Host parser and the decoders disagree");
        }
      }
      if (p == &dev && !ev->error && !dev.busy()) sf::fuzz::fail("a good request did not enter BUSY");
    }
    const uint32_t ds = sum(dev.counters()), hsum = sum(host.counters());
    if (ds < dev_sum || hsum < host_sum) sf::fuzz::fail("a counter decreased");
    dev_sum = ds;
    host_sum = hsum;
    if (host.busy()) sf::fuzz::fail("the Host parser is never busy");
  }
  return 0;
}
