// host_frame.h: the host side of the UART host protocol: frame encoding and decoding, the CRC, the reply
// payload layouts and a streaming parser with the resynchronization rules of the RTL receiver
// (rtl/host/sf_frame_rx.v). Everything protocol-specific comes from build/generated/sf_host_spec.h,
// generated from spec/host_protocol.toml (the one source of truth); docs/host_protocol.md describes it.
//
// On the wire: SOF, TYPE, LEN_LO, LEN_HI, PAYLOAD[LEN], CRC_HI, CRC_LO; CRC-16/CCITT-FALSE over TYPE, LEN
// and PAYLOAD. Multi-byte payload fields are little-endian.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sf_host_spec.h"

namespace sf::host {

using hostspec::Err;
using hostspec::Type;
using Bytes = std::vector<uint8_t>;

// ---- CRC-16/CCITT-FALSE (C++ twin of rtl/host/sf_crc16.v) --------------------------------------------------
uint16_t crc16_update(uint16_t crc, uint8_t byte);
uint16_t crc16(const uint8_t* p, std::size_t n, uint16_t crc = hostspec::kCrcInit);

// ---- frames -----------------------------------------------------------------------------------------------
struct Frame {
  uint8_t type = 0;
  Bytes payload;
};
// The wire bytes of a frame. Any type and any payload up to 65535 bytes (tests build bad frames with it);
// a longer payload throws std::invalid_argument.
Bytes encode(uint8_t type, const Bytes& payload);
inline Bytes encode(Type type, const Bytes& payload) {
  return encode(static_cast<uint8_t>(type), payload);
}

// ---- request payloads (host -> device) ----------------------------------------------------------------------
Bytes window_payload(const std::vector<int16_t>& readings);
Bytes write_mem_payload(uint8_t mem_id, uint16_t addr, const std::vector<uint32_t>& words);

// ---- reply payloads (device -> host) ------------------------------------------------------------------------
struct ErrorReply {
  Err code{};
  uint8_t type = 0;     // the refused frame's type
  uint16_t length = 0;  // the refused frame's declared length
  bool operator==(const ErrorReply& o) const { return code == o.code && type == o.type && length == o.length; }
};
struct WriteAck {
  uint8_t mem_id = 0;
  uint16_t addr = 0;
  uint16_t words = 0;
};
struct VersionInfo {
  uint16_t spec_version = 0;
  uint8_t core_id = 0;
  uint16_t max_payload = 0;
  uint16_t idle_timeout_bits = 0;
};
// The receiver's counters (16-bit, saturating), in the STATUS_INFO order.
struct Counters {
  uint16_t frames_ok = 0, err_crc = 0, err_length = 0, err_type = 0, err_mem_id = 0, err_addr = 0, err_too_long = 0,
           timeouts = 0, line_errors = 0, dropped_bytes = 0, overruns = 0;
  bool operator==(const Counters& o) const;
};
struct StatusInfo {
  uint32_t core_status = 0;
  Counters counters;
};
Bytes forecast_payload(const std::vector<int16_t>& values);
Bytes error_payload(const ErrorReply& e);
Bytes write_ack_payload(const WriteAck& a);
Bytes version_payload(const VersionInfo& v);
Bytes status_payload(const StatusInfo& s);
// Decoders: a frame of another type or size throws std::runtime_error naming the type, expected and got.
std::vector<int16_t> decode_forecast(const Frame& f);
ErrorReply decode_error(const Frame& f);
WriteAck decode_write_ack(const Frame& f);
VersionInfo decode_version(const Frame& f);
StatusInfo decode_status(const Frame& f);
// Throws std::runtime_error when the device speaks another protocol version than this build.
void check_version(const VersionInfo& v);

std::string type_name(uint8_t type);  // "WINDOW", ..., or "0x5A (unknown)"
std::string err_name(Err code);
std::string describe(const Counters& c);

// ---- the streaming parser ------------------------------------------------------------------------------------
// Role::Device: parses requests exactly as rtl/host/sf_frame_rx.v does (it is the reference model of the
// receiver: same states, same checks in the same order, same counters). Role::Host: parses replies
// (known reply type; fixed-size replies must have their size, FORECAST an even size) and is never busy.
enum class Role { Device, Host };
struct Event {
  bool error = false;  // false: a good frame (frame.type/payload); true: a refused frame (err)
  Frame frame;
  ErrorReply err;
};
class FrameParser {
 public:
  explicit FrameParser(Role role) : role_(role) {}
  // One received byte; returns the event completed by it, if any.
  std::optional<Event> feed(uint8_t b);
  // The line has been idle for the idle timeout (drops a frame in progress, ends a resynchronization).
  void idle();
  // A UART framing error or a break (drops a frame in progress, ends a resynchronization).
  void line_error();
  // Device role: the good command's reply has been sent (leaves BUSY).
  void done();
  bool in_frame() const { return state_ >= S_TYPE && state_ <= S_CRC1; }
  bool resyncing() const { return state_ == S_RESYNC; }
  bool busy() const { return state_ == S_BUSY; }
  const Counters& counters() const { return cnt_; }

 private:
  enum State { S_HUNT, S_TYPE, S_LEN0, S_LEN1, S_PAY, S_CRC0, S_CRC1, S_BUSY, S_RESYNC };
  Event finish();
  Event error(Err code, State after);
  Role role_;
  State state_ = S_HUNT;
  uint8_t type_ = 0;
  uint16_t len_ = 0, crc_ = 0, crc_rx_ = 0;
  Bytes payload_;
  bool lost_ = false;
  Counters cnt_;
};

}  // namespace sf::host
