// host_link.h: the host side of a connection to the board: a serial port (POSIX termios, raw 8N1) and a
// request/response Link that follows the host's rules of docs/host_protocol.md: one request at a time;
// replies parsed with FrameParser(Role::Host); after an ERROR reply or a reply timeout, the line is kept
// idle for the device's idle timeout before the next frame; a request without a reply is retried.
// Used by `shiftformer board --port DEV` (issue 6) and tested through a pseudo-terminal against the
// Verilated board top (sim/host/tb_pty.cpp).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "host_frame.h"

namespace sf::host {

// A byte pipe to the device.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual void write(const Bytes& b) = 0;
  // Whatever arrives within timeout_ms (at least one byte unless the timeout passes; empty on timeout).
  virtual Bytes read(int timeout_ms) = 0;
};

// A serial device (or a pseudo-terminal) in raw 8N1 mode. Errors throw std::runtime_error naming the device.
class SerialPort : public Transport {
 public:
  SerialPort(const std::string& dev, int baud);
  ~SerialPort() override;
  SerialPort(const SerialPort&) = delete;
  SerialPort& operator=(const SerialPort&) = delete;
  void write(const Bytes& b) override;
  Bytes read(int timeout_ms) override;

 private:
  std::string dev_;
  int fd_ = -1;
};

struct LinkOptions {
  int reply_timeout_ms = 1000;  // no complete reply within this: the request is lost
  int idle_ms = 5;              // >= the device's idle timeout (80 bit times: 0.7 ms at 115200 baud)
  int retries = 2;              // resends of a request that got no reply
};

// The outcome of one request: the reply frame (its own type or ERROR).
class Link {
 public:
  explicit Link(Transport& t, LinkOptions o = {}) : t_(t), o_(o) {}
  // Sends a frame, returns the reply (an ERROR reply too). Throws std::runtime_error after
  // 1 + retries attempts without a reply.
  Frame transact(const Bytes& frame);
  // Typed requests: an ERROR reply or a reply of the wrong type throws std::runtime_error naming both.
  VersionInfo version();  // also refuses another protocol version (check_version)
  StatusInfo status();
  std::vector<int16_t> forecast(const std::vector<int16_t>& window);
  WriteAck write_mem(uint8_t mem_id, uint16_t addr, const std::vector<uint32_t>& words);
  uint64_t timeouts() const { return timeouts_; }
  uint64_t error_replies() const { return error_replies_; }

 private:
  Frame expect(const Bytes& request, Type reply);
  void idle();
  Transport& t_;
  LinkOptions o_;
  uint64_t timeouts_ = 0, error_replies_ = 0;
};

}  // namespace sf::host
