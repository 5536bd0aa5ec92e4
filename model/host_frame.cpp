// host_frame.cpp: see host_frame.h.
#include "host_frame.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace sf::host {

namespace hs = hostspec;

uint16_t crc16_update(uint16_t crc, uint8_t byte) {
  crc ^= static_cast<uint16_t>(byte) << 8;
  for (int k = 0; k < 8; ++k)
    crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ hs::kCrcPoly) : static_cast<uint16_t>(crc << 1);
  return crc;
}

uint16_t crc16(const uint8_t* p, std::size_t n, uint16_t crc) {
  for (std::size_t i = 0; i < n; ++i) crc = crc16_update(crc, p[i]);
  return crc;
}

Bytes encode(uint8_t type, const Bytes& payload) {
  if (payload.size() > 0xFFFF)
    throw std::invalid_argument("host frame: payload of " + std::to_string(payload.size()) +
                                " bytes does not fit the 16-bit length field");
  const auto len = static_cast<uint16_t>(payload.size());
  Bytes out(payload.size() + hs::kHeaderBytes + hs::kCrcBytes);
  out[0] = hs::kStartByte;
  out[1] = type;
  out[2] = static_cast<uint8_t>(len & 0xFF);
  out[3] = static_cast<uint8_t>(len >> 8);
  std::copy(payload.begin(), payload.end(), out.begin() + hs::kHeaderBytes);
  const std::size_t crc_at = hs::kHeaderBytes + payload.size();
  const uint16_t crc = crc16(out.data() + 1, crc_at - 1);
  out[crc_at] = static_cast<uint8_t>(crc >> 8);
  out[crc_at + 1] = static_cast<uint8_t>(crc & 0xFF);
  return out;
}

namespace {
void put16(Bytes& b, int off, uint16_t v) {
  b[off] = static_cast<uint8_t>(v & 0xFF);
  b[off + 1] = static_cast<uint8_t>(v >> 8);
}
void put32(Bytes& b, int off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}
uint16_t get16(const Bytes& b, int off) {
  return static_cast<uint16_t>(b[off] | (b[off + 1] << 8));
}
uint32_t get32(const Bytes& b, int off) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(b[off + i]) << (8 * i);
  return v;
}
void expect(const Frame& f, Type t, int bytes) {
  if (f.type != static_cast<uint8_t>(t))
    throw std::runtime_error("host reply: expected a " + type_name(static_cast<uint8_t>(t)) + " frame, got " +
                             type_name(f.type));
  if (bytes >= 0 && static_cast<int>(f.payload.size()) != bytes)
    throw std::runtime_error("host reply: " + type_name(f.type) + " payload of " + std::to_string(f.payload.size()) +
                             " bytes, expected " + std::to_string(bytes));
}
const hs::RequestRule* request_rule(uint8_t type) {
  for (const auto& r : hs::kRequests)
    if (static_cast<uint8_t>(r.type) == type) return &r;
  return nullptr;
}
const hs::ReplyInfo* reply_info(uint8_t type) {
  for (const auto& r : hs::kReplies)
    if (static_cast<uint8_t>(r.type) == type) return &r;
  return nullptr;
}
const hs::MemoryInfo* memory_info(uint8_t id) {
  for (const auto& m : hs::kMemories)
    if (static_cast<uint8_t>(m.id) == id) return &m;
  return nullptr;
}
void inc(uint16_t& c) {
  if (c != 0xFFFF) ++c;
}
}  // namespace

bool Counters::operator==(const Counters& o) const {
  return frames_ok == o.frames_ok && err_crc == o.err_crc && err_length == o.err_length && err_type == o.err_type &&
         err_mem_id == o.err_mem_id && err_addr == o.err_addr && err_too_long == o.err_too_long &&
         timeouts == o.timeouts && line_errors == o.line_errors && dropped_bytes == o.dropped_bytes &&
         overruns == o.overruns;
}

Bytes window_payload(const std::vector<int16_t>& readings) {
  return forecast_payload(readings);
}

Bytes write_mem_payload(uint8_t mem_id, uint16_t addr, const std::vector<uint32_t>& words) {
  Bytes b(3 + 4 * words.size());
  b[0] = mem_id;
  put16(b, 1, addr);
  for (std::size_t i = 0; i < words.size(); ++i) put32(b, static_cast<int>(3 + 4 * i), words[i]);
  return b;
}

Bytes forecast_payload(const std::vector<int16_t>& values) {
  Bytes b(2 * values.size());
  for (std::size_t i = 0; i < values.size(); ++i) put16(b, static_cast<int>(2 * i), static_cast<uint16_t>(values[i]));
  return b;
}

Bytes error_payload(const ErrorReply& e) {
  Bytes b(hs::error::kBytes);
  b[hs::error::code] = static_cast<uint8_t>(e.code);
  b[hs::error::type] = e.type;
  put16(b, hs::error::length, e.length);
  return b;
}

Bytes write_ack_payload(const WriteAck& a) {
  Bytes b(hs::write_ack::kBytes);
  b[hs::write_ack::mem_id] = a.mem_id;
  put16(b, hs::write_ack::addr, a.addr);
  put16(b, hs::write_ack::words, a.words);
  return b;
}

Bytes version_payload(const VersionInfo& v) {
  Bytes b(hs::version_info::kBytes);
  put16(b, hs::version_info::spec_version, v.spec_version);
  b[hs::version_info::core_id] = v.core_id;
  put16(b, hs::version_info::max_payload, v.max_payload);
  put16(b, hs::version_info::idle_timeout_bits, v.idle_timeout_bits);
  return b;
}

Bytes status_payload(const StatusInfo& s) {
  namespace si = hs::status_info;
  Bytes b(si::kBytes);
  const Counters& c = s.counters;
  put32(b, si::core_status, s.core_status);
  put16(b, si::frames_ok, c.frames_ok);
  put16(b, si::err_crc, c.err_crc);
  put16(b, si::err_length, c.err_length);
  put16(b, si::err_type, c.err_type);
  put16(b, si::err_mem_id, c.err_mem_id);
  put16(b, si::err_addr, c.err_addr);
  put16(b, si::err_too_long, c.err_too_long);
  put16(b, si::timeouts, c.timeouts);
  put16(b, si::line_errors, c.line_errors);
  put16(b, si::dropped_bytes, c.dropped_bytes);
  put16(b, si::overruns, c.overruns);
  return b;
}

std::vector<int16_t> decode_forecast(const Frame& f) {
  expect(f, Type::FORECAST, -1);
  if (f.payload.size() % 2)
    throw std::runtime_error("host reply: FORECAST payload of " + std::to_string(f.payload.size()) +
                             " bytes is not a whole number of int16 values");
  std::vector<int16_t> v(f.payload.size() / 2);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int16_t>(get16(f.payload, static_cast<int>(2 * i)));
  return v;
}

ErrorReply decode_error(const Frame& f) {
  expect(f, Type::ERROR, hs::error::kBytes);
  return {static_cast<Err>(f.payload[hs::error::code]), f.payload[hs::error::type],
          get16(f.payload, hs::error::length)};
}

WriteAck decode_write_ack(const Frame& f) {
  expect(f, Type::WRITE_ACK, hs::write_ack::kBytes);
  return {f.payload[hs::write_ack::mem_id], get16(f.payload, hs::write_ack::addr),
          get16(f.payload, hs::write_ack::words)};
}

VersionInfo decode_version(const Frame& f) {
  expect(f, Type::VERSION_INFO, hs::version_info::kBytes);
  return {get16(f.payload, hs::version_info::spec_version), f.payload[hs::version_info::core_id],
          get16(f.payload, hs::version_info::max_payload), get16(f.payload, hs::version_info::idle_timeout_bits)};
}

StatusInfo decode_status(const Frame& f) {
  namespace si = hs::status_info;
  expect(f, Type::STATUS_INFO, si::kBytes);
  StatusInfo s;
  Counters& c = s.counters;
  const Bytes& b = f.payload;
  s.core_status = get32(b, si::core_status);
  c.frames_ok = get16(b, si::frames_ok);
  c.err_crc = get16(b, si::err_crc);
  c.err_length = get16(b, si::err_length);
  c.err_type = get16(b, si::err_type);
  c.err_mem_id = get16(b, si::err_mem_id);
  c.err_addr = get16(b, si::err_addr);
  c.err_too_long = get16(b, si::err_too_long);
  c.timeouts = get16(b, si::timeouts);
  c.line_errors = get16(b, si::line_errors);
  c.dropped_bytes = get16(b, si::dropped_bytes);
  c.overruns = get16(b, si::overruns);
  return s;
}

void check_version(const VersionInfo& v) {
  if (v.spec_version != hs::kVersion)
    throw std::runtime_error("host protocol version mismatch: the device speaks v" + std::to_string(v.spec_version) +
                             ", this build v" + std::to_string(hs::kVersion) +
                             " (spec/host_protocol.toml): rebuild the tool or the bitstream (make bit) from the "
                             "same revision");
}

std::string type_name(uint8_t type) {
  if (const auto* r = request_rule(type)) return r->name;
  if (const auto* r = reply_info(type)) return r->name;
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%02X (unknown)", type);
  return buf;
}

std::string err_name(Err code) {
  for (const auto& e : hs::kErrors)
    if (e.code == code) return e.name;
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%02X (unknown)", static_cast<unsigned>(code));
  return buf;
}

std::string describe(const Counters& c) {
  return "frames_ok=" + std::to_string(c.frames_ok) + " err_crc=" + std::to_string(c.err_crc) +
         " err_length=" + std::to_string(c.err_length) + " err_type=" + std::to_string(c.err_type) +
         " err_mem_id=" + std::to_string(c.err_mem_id) + " err_addr=" + std::to_string(c.err_addr) +
         " err_too_long=" + std::to_string(c.err_too_long) + " timeouts=" + std::to_string(c.timeouts) +
         " line_errors=" + std::to_string(c.line_errors) + " dropped_bytes=" + std::to_string(c.dropped_bytes) +
         " overruns=" + std::to_string(c.overruns);
}

// ---- the streaming parser: the rules of rtl/host/sf_frame_rx.v ----------------------------------------------
Event FrameParser::error(Err code, State after) {
  Event e;
  e.error = true;
  e.err = {code, type_, len_};
  switch (code) {
    case Err::CRC:
      inc(cnt_.err_crc);
      break;
    case Err::LENGTH:
      inc(cnt_.err_length);
      break;
    case Err::TYPE:
      inc(cnt_.err_type);
      break;
    case Err::TOO_LONG:
      inc(cnt_.err_too_long);
      break;
    case Err::MEM_ID:
      inc(cnt_.err_mem_id);
      break;
    case Err::ADDR:
      inc(cnt_.err_addr);
      break;
    case Err::CORE:  // core faults are replies to good frames (sf_core_adapter), never receiver errors
    case Err::CORE_TIMEOUT:
    case Err::WINDOW_SIZE:
      break;
  }
  state_ = after;
  return e;
}

Event FrameParser::finish() {
  if (crc_rx_ != crc_) return error(Err::CRC, S_RESYNC);
  if (role_ == Role::Device) {
    const auto* rule = request_rule(type_);
    if (!rule) return error(Err::TYPE, S_HUNT);
    if (len_ < rule->len_min || len_ > rule->len_max || (len_ - rule->len_min) % rule->len_step != 0)
      return error(Err::LENGTH, S_HUNT);
    if (type_ == static_cast<uint8_t>(Type::WRITE_MEM)) {
      const auto* mem = memory_info(payload_[0]);
      if (!mem) return error(Err::MEM_ID, S_HUNT);
      const uint32_t addr = get16(payload_, 1), words = (len_ - 3u) / 4u;
      if (addr + words > mem->depth) return error(Err::ADDR, S_HUNT);
    }
  } else {
    const auto* info = reply_info(type_);
    if (!info) return error(Err::TYPE, S_HUNT);
    if (info->bytes >= 0 ? len_ != info->bytes : (len_ % 2 != 0)) return error(Err::LENGTH, S_HUNT);
  }
  inc(cnt_.frames_ok);
  Event e;
  e.frame = {type_, payload_};
  state_ = role_ == Role::Device ? S_BUSY : S_HUNT;
  lost_ = false;
  return e;
}

std::optional<Event> FrameParser::feed(uint8_t b) {
  switch (state_) {
    case S_HUNT:
      if (b == hs::kStartByte) {
        state_ = S_TYPE;
        crc_ = hs::kCrcInit;
      } else {
        inc(cnt_.dropped_bytes);
      }
      return std::nullopt;
    case S_TYPE:
      type_ = b;
      crc_ = crc16_update(crc_, b);
      state_ = S_LEN0;
      return std::nullopt;
    case S_LEN0:
      len_ = b;
      crc_ = crc16_update(crc_, b);
      state_ = S_LEN1;
      return std::nullopt;
    case S_LEN1:
      len_ = static_cast<uint16_t>(len_ | (b << 8));
      crc_ = crc16_update(crc_, b);
      payload_.clear();
      if (len_ > hs::kMaxPayload) return error(Err::TOO_LONG, S_RESYNC);
      state_ = len_ == 0 ? S_CRC0 : S_PAY;
      return std::nullopt;
    case S_PAY:
      payload_.push_back(b);
      crc_ = crc16_update(crc_, b);
      if (payload_.size() == len_) state_ = S_CRC0;
      return std::nullopt;
    case S_CRC0:
      crc_rx_ = static_cast<uint16_t>(b << 8);
      state_ = S_CRC1;
      return std::nullopt;
    case S_CRC1:
      crc_rx_ = static_cast<uint16_t>(crc_rx_ | b);
      return finish();
    case S_BUSY:
      inc(cnt_.overruns);
      lost_ = true;
      return std::nullopt;
    case S_RESYNC:
      inc(cnt_.dropped_bytes);
      return std::nullopt;
  }
  return std::nullopt;
}

void FrameParser::idle() {
  if (in_frame()) {
    inc(cnt_.timeouts);
    state_ = S_HUNT;
  } else if (state_ == S_RESYNC) {
    state_ = S_HUNT;
  }
}

void FrameParser::line_error() {
  inc(cnt_.line_errors);
  if (in_frame() || state_ == S_RESYNC)
    state_ = S_HUNT;
  else if (state_ == S_BUSY)
    lost_ = true;
}

void FrameParser::done() {
  if (state_ != S_BUSY) return;
  state_ = lost_ ? S_RESYNC : S_HUNT;
  lost_ = false;
}

}  // namespace sf::host
