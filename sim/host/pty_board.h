// pty_board.h: a Verilated ULX3S board top (sf_ulx3s_top, PLL stand-in) behind a pseudo-terminal. A thread
// runs the model and moves bytes between the pty master and the UART pins at the bit level
// (sfhost::UartHost). A host opens path() like a serial port. PtyBoardT<Top> takes the Verilated class and
// the clocks per bit it was built with: the test responder at 3.125 Mbaud (32 clocks per bit; tb_pty,
// sf_board_pty) or the accelerator core at 12.5 Mbaud (8 clocks per bit; tb_pty_core, sf_board_core_pty).
// The includer includes the Verilated model's header first.
#pragma once
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "host_frame.h"
#include "uart_host.h"
#include "verilated.h"

namespace sfhost {

constexpr int kPtyCpb = 100000000 / 3125000;

template <class Top>
class PtyBoardT {
 public:
  explicit PtyBoardT(int cpb = kPtyCpb) : cpb_(cpb), idle_step_(std::min(2000, 40 * cpb)) {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0)
      throw std::runtime_error("PtyBoard: cannot create a pseudo-terminal");
    path_ = ::ptsname(master_);
    ::fcntl(master_, F_SETFL, ::fcntl(master_, F_GETFL) | O_NONBLOCK);
    // keep the slave open in raw mode (no echo of the replies back into the master)
    slave_ = ::open(path_.c_str(), O_RDWR | O_NOCTTY);
    termios tio{};
    ::tcgetattr(slave_, &tio);
    ::cfmakeraw(&tio);
    ::tcsetattr(slave_, TCSANOW, &tio);
    ctx_ = std::make_unique<VerilatedContext>();
    ctx_->randReset(2);
    dut_ = std::make_unique<Top>(ctx_.get());
    dut_->i_uart_rx = 1;
    dut_->eval();
    uart_ = std::make_unique<sfhost::UartHost>(
        cpb_, sf::hostspec::kIdleTimeoutBits,
        [this] {
          dut_->i_clk25 = 1;
          dut_->eval();
          dut_->i_clk25 = 0;
          dut_->eval();
        },
        [this](int v) { dut_->i_uart_rx = v; }, [this] { return static_cast<int>(dut_->o_uart_tx); });
    uart_->wait(200);  // PLL stand-in lock, reset release
    thread_ = std::thread([this] { run(); });
  }
  ~PtyBoardT() {
    stop_ = true;
    thread_.join();
    dut_->final();
    ::close(slave_);
    ::close(master_);
  }
  const std::string& path() const { return path_; }
  uint64_t cycles() const { return cycles_; }
  int cpb() const { return cpb_; }
  // bytes the model has received on its UART pin so far (from the pty)
  uint64_t bytes_in() const { return bytes_in_; }
  // Holds the device's RX line low for `bits` bit times (a break) right after the model has received its
  // byte number `after_bytes` (counting from the start, bytes_in()), with no idle gap before it; a
  // pseudo-terminal cannot carry a break, so it is injected here. wait_break() returns when it is over.
  void break_after(uint64_t after_bytes, int bits) {
    break_at_ = after_bytes;
    break_bits_ = bits;
  }
  void wait_break() const {
    while (break_bits_ != 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  // The host's idle rule in simulated time: wait until the model has run `bits` more bit times.
  void wait_bits(int bits) const {
    const uint64_t until = cycles_ + static_cast<uint64_t>(bits) * static_cast<uint64_t>(cpb_);
    while (cycles_ < until) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

 private:
  void run() {
    std::size_t sent = 0;
    int quiet = 0;
    while (!stop_) {
      uint8_t buf[256];
      const ssize_t n = ::read(master_, buf, sizeof buf);
      if (n > 0) {
        for (ssize_t i = 0; i < n; ++i) {
          uart_->send_byte(buf[i]);
          if (++bytes_in_ == break_at_ && break_bits_ != 0) {
            uart_->send_break(break_bits_);
            break_bits_ = 0;
          }
        }
        quiet = 0;
      } else {
        uart_->wait(idle_step_);  // well under the device's idle timeout, so a frame split by the pty survives
      }
      if (uart_->rx.size() > sent) {
        const ssize_t w = ::write(master_, uart_->rx.data() + sent, uart_->rx.size() - sent);
        if (w > 0) sent += static_cast<std::size_t>(w);
        quiet = 0;
      } else if (n <= 0 && ++quiet > 64) {
        pollfd p{master_, POLLIN, 0};
        ::poll(&p, 1, 1);  // nothing in flight: let real time pass
      }
      cycles_ = uart_->now;
    }
  }
  int master_ = -1, slave_ = -1;
  std::string path_;
  std::unique_ptr<VerilatedContext> ctx_;
  int cpb_, idle_step_;
  std::unique_ptr<Top> dut_;
  std::unique_ptr<sfhost::UartHost> uart_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> cycles_{0}, bytes_in_{0};
  std::atomic<int> break_bits_{0};
  std::atomic<uint64_t> break_at_{0};
};

}  // namespace sfhost
