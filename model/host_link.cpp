// host_link.cpp: see host_link.h.
#include "host_link.h"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace sf::host {

namespace {
speed_t baud_constant(int baud) {
  switch (baud) {
    case 9600:
      return B9600;
    case 19200:
      return B19200;
    case 38400:
      return B38400;
    case 57600:
      return B57600;
    case 115200:
      return B115200;
    case 230400:
      return B230400;
    case 460800:
      return B460800;
    case 921600:
      return B921600;
    case 1000000:
      return B1000000;
    case 2000000:
      return B2000000;
    case 3000000:
      return B3000000;
    default:
      return 0;
  }
}
std::runtime_error sys_error(const std::string& dev, const std::string& what) {
  return std::runtime_error("serial port " + dev + ": " + what + ": " + std::strerror(errno));
}
}  // namespace

SerialPort::SerialPort(const std::string& dev, int baud) : dev_(dev) {
  const speed_t sp = baud_constant(baud);
  if (!sp) throw std::runtime_error("serial port " + dev + ": unsupported baud rate " + std::to_string(baud));
  fd_ = ::open(dev.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd_ < 0) throw sys_error(dev, "cannot open");
  termios tio{};
  if (::tcgetattr(fd_, &tio) != 0) {
    const auto e = sys_error(dev, "not a terminal (tcgetattr)");
    ::close(fd_);
    throw e;
  }
  ::cfmakeraw(&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cflag &= ~(CSTOPB | PARENB | CRTSCTS);
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  ::cfsetispeed(&tio, sp);
  ::cfsetospeed(&tio, sp);
  if (::tcsetattr(fd_, TCSANOW, &tio) != 0) {
    const auto e = sys_error(dev, "cannot set raw 8N1 mode");
    ::close(fd_);
    throw e;
  }
  ::tcflush(fd_, TCIOFLUSH);
}

SerialPort::~SerialPort() {
  if (fd_ >= 0) ::close(fd_);
}

void SerialPort::write(const Bytes& b) {
  std::size_t done = 0;
  while (done < b.size()) {
    const ssize_t n = ::write(fd_, b.data() + done, b.size() - done);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw sys_error(dev_, "write failed");
    }
    done += static_cast<std::size_t>(n);
  }
  ::tcdrain(fd_);
}

Bytes SerialPort::read(int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  const int r = ::poll(&p, 1, timeout_ms);
  if (r < 0 && errno != EINTR) throw sys_error(dev_, "poll failed");
  if (r <= 0 || !(p.revents & POLLIN)) return {};
  uint8_t buf[4096];
  const ssize_t n = ::read(fd_, buf, sizeof buf);
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return {};
    throw sys_error(dev_, "read failed");
  }
  return Bytes(buf, buf + n);
}

void Link::idle() {
  std::this_thread::sleep_for(std::chrono::milliseconds(o_.idle_ms));
}

Frame Link::transact(const Bytes& frame) {
  using clock = std::chrono::steady_clock;
  for (int attempt = 0; attempt <= o_.retries; ++attempt) {
    FrameParser p(Role::Host);
    t_.write(frame);
    const auto deadline = clock::now() + std::chrono::milliseconds(o_.reply_timeout_ms);
    while (clock::now() < deadline) {
      const int left =
          static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count());
      for (uint8_t b : t_.read(std::max(1, left))) {
        auto e = p.feed(b);
        if (!e) continue;
        if (e->error) continue;  // a damaged reply: keep listening until the deadline, then retry
        if (e->frame.type == static_cast<uint8_t>(Type::ERROR)) {
          ++error_replies_;
          idle();  // the device resynchronizes on an idle line after some errors
        }
        return e->frame;
      }
    }
    ++timeouts_;
    idle();
  }
  throw std::runtime_error("host link: no reply to a " + type_name(frame.size() > 1 ? frame[1] : 0) +
                           " request after " + std::to_string(o_.retries + 1) + " attempts of " +
                           std::to_string(o_.reply_timeout_ms) + " ms (is the board programmed and on this port?)");
}

Frame Link::expect(const Bytes& request, Type reply) {
  Frame f = transact(request);
  if (f.type == static_cast<uint8_t>(Type::ERROR)) {
    const ErrorReply e = decode_error(f);
    throw std::runtime_error("host link: the device refused a " + type_name(e.type) + " frame of length " +
                             std::to_string(e.length) + ": " + err_name(e.code));
  }
  if (f.type != static_cast<uint8_t>(reply))
    throw std::runtime_error("host link: expected a " + type_name(static_cast<uint8_t>(reply)) + " reply, got " +
                             type_name(f.type));
  return f;
}

VersionInfo Link::version() {
  const VersionInfo v = decode_version(expect(encode(Type::VERSION, {}), Type::VERSION_INFO));
  check_version(v);
  return v;
}

StatusInfo Link::status() {
  return decode_status(expect(encode(Type::STATUS, {}), Type::STATUS_INFO));
}

std::vector<int16_t> Link::forecast(const std::vector<int16_t>& window) {
  return decode_forecast(expect(encode(Type::WINDOW, window_payload(window)), Type::FORECAST));
}

WriteAck Link::write_mem(uint8_t mem_id, uint16_t addr, const std::vector<uint32_t>& words) {
  return decode_write_ack(expect(encode(Type::WRITE_MEM, write_mem_payload(mem_id, addr, words)), Type::WRITE_ACK));
}

}  // namespace sf::host
