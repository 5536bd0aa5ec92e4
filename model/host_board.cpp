// host_board.cpp: see host_board.h.
#include "host_board.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "data.h"
#include "metrics.h"
#include "sf_isa.h"

namespace sf::host {

namespace {
constexpr size_t kMaxWords = 255;  // WRITE_MEM: k x u32, k = 1..255

void write_all(Link& link, int mem, size_t first, const std::vector<uint32_t>& words, LoadStats& st) {
  for (size_t a = first; a < words.size(); a += kMaxWords) {
    const size_t n = std::min(kMaxWords, words.size() - a);
    if (a + n > 0xFFFF + 1u) throw std::runtime_error("board: memory image beyond the 16-bit WRITE_MEM address");
    std::vector<uint32_t> chunk(words.begin() + static_cast<std::ptrdiff_t>(a),
                                words.begin() + static_cast<std::ptrdiff_t>(a + n));
    const WriteAck ack = link.write_mem(static_cast<uint8_t>(mem), static_cast<uint16_t>(a), chunk);
    if (ack.mem_id != mem || ack.addr != a || ack.words != n)
      throw std::runtime_error(fmt::format("board: WRITE_ACK ({}, {}, {}) does not match the request ({}, {}, {})",
                                           ack.mem_id, ack.addr, ack.words, mem, a, n));
    ++st.frames;
    st.words += static_cast<int64_t>(n);
  }
}
}  // namespace

LoadStats load_core_image(Link& link, const CoreImage& img) {
  const auto t0 = std::chrono::steady_clock::now();
  LoadStats st;
  std::vector<uint32_t> w;
  w.reserve(img.wmem.size() * (isa::WMEM_WIDTH / 32));
  for (const WWord& x : img.wmem) w.insert(w.end(), x.begin(), x.end());
  write_all(link, isa::WMEM_HOST_ID, 0, w, st);
  write_all(link, isa::BMEM_HOST_ID, 0, std::vector<uint32_t>(img.bmem.begin(), img.bmem.end()), st);
  write_all(link, isa::PMEM_HOST_ID, 0, std::vector<uint32_t>(img.pmem.begin(), img.pmem.end()), st);
  // the program: instructions first, the header (words 0 .. HEADER_WORDS-1) last
  const size_t hdr = std::min<size_t>(isa::HEADER_WORDS, img.prog.size());
  write_all(link, isa::PROG_HOST_ID, hdr, img.prog, st);
  write_all(link, isa::PROG_HOST_ID, 0, std::vector<uint32_t>(img.prog.begin(), img.prog.begin() + hdr), st);
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return st;
}

BoardResult run_board_windows(Link& link, const IntEngine& e, const std::vector<int32_t>& raw, const WindowSet& split,
                              const Normalizer& norm, int64_t count) {
  const int L = e.model().seq_len, H = e.model().pred_len;
  const int64_t n_all = split.count();
  const int64_t n = (count <= 0 || count >= n_all) ? n_all : count;
  const int64_t step = n < n_all ? n_all / n : 1;
  BoardResult r;
  MetricsAccumulator a_board, a_eng;
  std::vector<int32_t> eng(static_cast<size_t>(H));
  std::vector<int16_t> win(static_cast<size_t>(L));
  std::vector<float> pb(static_cast<size_t>(H)), pe(static_cast<size_t>(H));
  double lat_sum = 0;
  r.lat_min_ms = std::numeric_limits<double>::infinity();
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t k = 0; k < n; ++k) {
    const int64_t i = k * step;
    const int32_t* w = raw.data() + i;
    for (int t = 0; t < L; ++t) {
      if (w[t] < -32768 || w[t] > 32767)
        throw std::runtime_error(fmt::format("board: window {} reading {} = {} does not fit int16 Q10.6", i, t, w[t]));
      win[static_cast<size_t>(t)] = static_cast<int16_t>(w[t]);
    }
    e.run(w, eng.data());
    const auto s0 = std::chrono::steady_clock::now();
    const std::vector<int16_t> fc = link.forecast(win);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s0).count();
    lat_sum += ms;
    r.lat_min_ms = std::min(r.lat_min_ms, ms);
    r.lat_max_ms = std::max(r.lat_max_ms, ms);
    bool ok = static_cast<int>(fc.size()) == H;
    for (int h = 0; h < H; ++h) {
      const int32_t x = eng[static_cast<size_t>(h)];
      r.saturated += x != saturate16(x);
      if (ok && fc[static_cast<size_t>(h)] != saturate16(x)) {
        ok = false;
        if (r.first_mismatch.empty())
          r.first_mismatch = fmt::format("window {} value {}: board {}, integer engine {} (int16: {})", i, h,
                                         fc[static_cast<size_t>(h)], x, saturate16(x));
      }
      pe[static_cast<size_t>(h)] = static_cast<float>(norm.norm(std::ldexp(static_cast<double>(x), -6)));
      pb[static_cast<size_t>(h)] = h < static_cast<int>(fc.size())
                                       ? static_cast<float>(norm.norm(std::ldexp(fc[static_cast<size_t>(h)], -6)))
                                       : 0.0f;
    }
    if (!ok && r.first_mismatch.empty())
      r.first_mismatch = fmt::format("window {}: {} forecast values, the model has {}", i, fc.size(), H);
    r.exact += ok;
    ++r.windows;
    a_board.add(pb.data(), split.target(i), H);
    a_eng.add(pe.data(), split.target(i), H);
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.lat_mean_ms = r.windows ? lat_sum / static_cast<double>(r.windows) : 0;
  if (!r.windows) r.lat_min_ms = 0;
  r.mse_board = a_board.result().mse;
  r.mse_engine = a_eng.result().mse;
  return r;
}

}  // namespace sf::host
