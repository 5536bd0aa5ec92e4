// uart_host.h: the host side of the UART at the bit level, for the Verilator testbenches of sim/host.
//   UartHost drives the DUT's RX pin (8N1 bytes, breaks, idle gaps), decodes the DUT's TX pin (8N1, mid-bit
//   sampling, a stop bit read as 0 is a test failure) and runs the C++ reference receiver
//   (sf::host::FrameParser, Role::Device) on exactly the bytes and line events it sends. The reference
//   turns each completed frame into an event; the test turns events into the expected reply bytes with the
//   C++ codec (model/host_frame.h) and compares them byte-exactly with what the DUT sent.
// Idle timeouts: the DUT drops a frame (or ends a resynchronization) when two byte starts are more than
// TIMEOUT = idle_timeout_bits * cpb clocks apart. The host never starts a byte within MARGIN of that
// threshold (it waits past it), and tells the reference idle() whenever it crossed it.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "host_frame.h"

namespace sfhost {
using sf::host::Bytes;

class UartHost {
 public:
  // tick: advance the DUT (and any core model) by one clock; set_rx / get_tx: the UART pins.
  UartHost(int cpb, int timeout_bits, std::function<void()> tick, std::function<void(int)> set_rx,
           std::function<int()> get_tx)
      : cpb_(cpb),
        timeout_(static_cast<uint64_t>(timeout_bits) * cpb),
        margin_(3ull * cpb),
        tick_(std::move(tick)),
        set_rx_(std::move(set_rx)),
        get_tx_(std::move(get_tx)) {
    set_rx_(1);
  }

  // Called for each event of the reference receiver (the test appends the expected reply).
  std::function<void(const sf::host::Event&)> on_event;

  void clock() {
    tick_();
    ++now;
    monitor();
  }
  void wait(uint64_t clks) {
    for (uint64_t i = 0; i < clks; ++i) clock();
  }
  // Keep the line idle until the DUT's idle timeout has certainly passed since the last byte start.
  void wait_idle() {
    while (now - last_start_ <= timeout_ + margin_) clock();
    sync_idle();
  }
  void send_byte(uint8_t b, int extra_gap_clks = 0) {
    before_start();
    const int c = send_cpb > 0 ? send_cpb : cpb_;
    level(0, c);
    for (int i = 0; i < 8; ++i) level((b >> i) & 1, c);
    level(1, c + extra_gap_clks);
    ++bytes_sent;
    if (auto e = ref.feed(b))
      if (on_event) on_event(*e);
  }
  void send(const Bytes& bytes, int max_gap_clks = 0, uint64_t seed = 0) {
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    for (uint8_t b : bytes) {
      int gap = 0;
      if (max_gap_clks > 0) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        gap = static_cast<int>(s % static_cast<uint64_t>(max_gap_clks + 1));
      }
      send_byte(b, gap);
    }
  }
  // Hold the line low for `bits` bit times (a break: one framing error at the DUT), then high for two.
  void send_break(int bits) {
    before_start();
    level(0, bits * cpb_);
    level(1, 2 * cpb_);
    ref.line_error();
  }
  // One byte whose stop bit is 0, the line high again right after: a UART framing error at the DUT that is not
  // a break (the receiver drops the byte, counts a line error and waits for the line to go high).
  void send_bad_stop_byte(uint8_t b) {
    before_start();
    const int c = send_cpb > 0 ? send_cpb : cpb_;
    level(0, c);
    for (int i = 0; i < 8; ++i) level((b >> i) & 1, c);
    level(0, c);  // the stop bit, low
    level(1, 2 * c);
    ++bytes_sent;
    ref.line_error();
  }
  // Wait until `n` reply bytes have arrived in total; false if max_clks passed first.
  bool wait_rx(std::size_t n, uint64_t max_clks) {
    for (uint64_t i = 0; i < max_clks && rx.size() < n; ++i) clock();
    return rx.size() >= n;
  }

  int send_cpb = 0;  // > 0: the host's bit period differs from the DUT's (baud-rate mismatch)
  uint64_t now = 0;
  Bytes rx;  // every byte the DUT has sent
  uint64_t bytes_sent = 0;
  sf::host::FrameParser ref{sf::host::Role::Device};

 private:
  void sync_idle() {
    if (!idle_synced_) ref.idle();
    idle_synced_ = true;
  }
  void before_start() {
    const uint64_t gap = now - last_start_;
    if (gap + margin_ >= timeout_ && gap <= timeout_ + margin_) {  // too close to the threshold: go past it
      while (now - last_start_ <= timeout_ + margin_) clock();
    }
    if (now - last_start_ > timeout_ + margin_) sync_idle();
    last_start_ = now;
    idle_synced_ = false;
  }
  void level(int v, int clks) {
    set_rx_(v);
    for (int i = 0; i < clks; ++i) clock();
  }
  void monitor() {
    const int tx = get_tx_();
    switch (mon_) {
      case 0:
        if (!tx) {
          mon_ = 1;
          cnt_ = 0;
        }
        break;
      case 1:  // start bit, checked at its middle
        if (++cnt_ == cpb_ / 2) {
          if (tx) {
            ADD_FAILURE() << "clock " << now << ": o_uart_tx: a low glitch shorter than half a bit";
            mon_ = 0;
          } else {
            mon_ = 2;
            cnt_ = 0;
            nbit_ = 0;
            sh_ = 0;
          }
        }
        break;
      case 2:  // data bits, then the stop bit, at their middles
        if (++cnt_ == cpb_) {
          cnt_ = 0;
          if (nbit_ < 8) {
            sh_ |= static_cast<uint8_t>(tx << nbit_);
            ++nbit_;
          } else {
            if (!tx) ADD_FAILURE() << "clock " << now << ": o_uart_tx: stop bit low (framing error)";
            rx.push_back(sh_);
            mon_ = 0;
          }
        }
        break;
    }
  }
  int cpb_;
  uint64_t timeout_, margin_;
  std::function<void()> tick_;
  std::function<void(int)> set_rx_;
  std::function<int()> get_tx_;
  uint64_t last_start_ = 0;
  bool idle_synced_ = true;
  int mon_ = 0, cnt_ = 0, nbit_ = 0;
  uint8_t sh_ = 0;
};

inline std::string hex(const Bytes& b, std::size_t max = 48) {
  std::string s;
  char buf[4];
  for (std::size_t i = 0; i < b.size() && i < max; ++i) {
    std::snprintf(buf, sizeof buf, "%02X ", b[i]);
    s += buf;
  }
  if (b.size() > max) s += "... (" + std::to_string(b.size()) + " bytes)";
  return s;
}

}  // namespace sfhost
