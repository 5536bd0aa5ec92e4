// sf_board_pty: serve the Verilated ULX3S board top (test responder, 3.125 Mbaud simulated) on a
// pseudo-terminal, for trying host tools without a board. Built a second time as sf_board_core_pty
// (SF_PTY_CORE): the board top with the accelerator core (12.5 Mbaud simulated), for `shiftformer board`.
//   sf_board_pty [--link PATH] [--seconds N]
// Prints the pty path (and makes PATH a symbolic link to it), then runs until N seconds have passed
// (default: until killed). Any serial baud rate setting on the host side is accepted (a pty has none).
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#ifdef SF_PTY_CORE
#include "Vsf_ulx3s_core_fast.h"
#else
#include "Vsf_ulx3s_top_fast.h"
#endif
#include "pty_board.h"

namespace {
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) {
  g_stop = 1;
}
}  // namespace

int main(int argc, char** argv) {
  std::string link;
  double seconds = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--link" && i + 1 < argc) {
      link = argv[++i];
    } else if (a == "--seconds" && i + 1 < argc) {
      char* end = nullptr;
      seconds = std::strtod(argv[++i], &end);
      if (!end || *end || seconds <= 0) {
        std::fprintf(stderr, "sf_board_pty: --seconds needs a positive number, got '%s'\n", argv[i]);
        return 2;
      }
    } else {
      std::fprintf(stderr, "sf_board_pty: unknown argument '%s'\nusage: sf_board_pty [--link PATH] [--seconds N]\n",
                   a.c_str());
      return 2;
    }
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
#ifdef SF_PTY_CORE
  sfhost::PtyBoardT<Vsf_ulx3s_core_fast> board(SF_PTY_CORE);
#else
  sfhost::PtyBoardT<Vsf_ulx3s_top_fast> board;
#endif
  if (!link.empty()) {
    ::unlink(link.c_str());
    if (::symlink(board.path().c_str(), link.c_str()) != 0) {
      std::fprintf(stderr, "sf_board_pty: cannot link %s -> %s: %s\n", link.c_str(), board.path().c_str(),
                   std::strerror(errno));
      return 1;
    }
  }
  std::printf("%s\n", board.path().c_str());
  std::fflush(stdout);
  const auto t0 = std::chrono::steady_clock::now();
  while (!g_stop &&
         (seconds < 0 || std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < seconds))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (!link.empty()) ::unlink(link.c_str());
  std::fprintf(stderr, "sf_board_pty: %llu cycles simulated\n", static_cast<unsigned long long>(board.cycles()));
  return 0;
}
