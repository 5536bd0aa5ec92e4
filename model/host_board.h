// host_board.h: the accelerator core on a board (or its Verilated model behind a pseudo-terminal), driven
// over the host link (host_link.h): load a compiled program and its memory images with WRITE_MEM frames,
// then run windows and check every forecast bit for bit against the integer engine (intengine.h).
// Used by `shiftformer board --port DEV` (model/cli/board.cpp) and by sim/host/tb_pty_core.cpp.
//
// The wire carries forecasts as int16 Q10.6 (spec/host_protocol.toml); the core computes int32 Q10.6
// (head output + last reading) and sf_core_adapter saturates to int16, so a board forecast is compared with
// saturate16(engine forecast). Readings must fit int16 (Q10.6 of the raw series: |x| < 512).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "compiler.h"
#include "data.h"
#include "host_link.h"
#include "intengine.h"

namespace sf::host {

inline int16_t saturate16(int32_t x) {
  return static_cast<int16_t>(x > 32767 ? 32767 : (x < -32768 ? -32768 : x));
}

struct LoadStats {
  int64_t frames = 0, words = 0;
  double seconds = 0;
};
// Writes img into the core: PROG, WMEM (a 128-bit word w as the four 32-bit words 4w..4w+3), BMEM, PMEM,
// WRITE_MEM frames of up to 255 words; the header (PROG words 0..15) last, so a load cut short leaves no
// runnable program behind. Throws on an ERROR reply or a lost link.
LoadStats load_core_image(Link& link, const CoreImage& img);

struct BoardResult {
  int64_t windows = 0, exact = 0;       // forecasts equal to saturate16(engine), all H values
  int64_t saturated = 0;                // engine values outside int16 (compared saturated)
  double mse_board = 0, mse_engine = 0; // normalized scale, on the windows run
  double seconds = 0;                   // wall time of the windows (requests and replies)
  double lat_mean_ms = 0, lat_min_ms = 0, lat_max_ms = 0;  // WINDOW sent -> FORECAST received
  std::string first_mismatch;           // "" when every window was bit-exact
};
// Runs `count` windows of the split evenly spaced (every window when count <= 0 or >= the split's count)
// through the board and the engine. raw: raw_fixed(d, split); targets from split (normalized).
BoardResult run_board_windows(Link& link, const IntEngine& e, const std::vector<int32_t>& raw, const WindowSet& split,
                              const Normalizer& norm, int64_t count);

}  // namespace sf::host
