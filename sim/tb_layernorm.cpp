// Cycle-by-cycle test of rtl/sf_layernorm.v against sf::layernorm (model/intref.h). One vector = one row
// of n = 2^log2n (1..MAX_N) elements: constant rows (var = 0), extremes, normal rows of random spread,
// random gamma/beta/eps and output rescale. Also the value-range extremes the RTL's narrow widths rest on
// (rtl/sf_layernorm.v): the largest variance (x alternating between the int16 extremes: Q / n at its bound
// 2^30 - 2^15), the largest |z| (one element at one extreme, the rest at the other: |z| ~ sqrt(n) * 2^ZF),
// with the largest eps, and the extreme means (every x at one extreme).
#include <cmath>
#include <ostream>
#include <vector>

#include "Vsf_layernorm.h"
#include "harness.h"
#include "intref.h"

namespace {
using namespace sfsim;
namespace P = sf::policy;
constexpr int MAX_N = TB_MAX_N;

struct Out {
  int y = 0;
  bool last = false;
  bool operator==(const Out& o) const { return y == o.y && last == o.last; }
};
std::ostream& operator<<(std::ostream& os, const Out& o) { return os << o.y << (o.last ? " last" : ""); }

struct Row {
  sf::LayerNormParams p;
  std::vector<int32_t> x, g, b;
};

Row random_row(std::mt19937_64& rng) {
  Row r;
  int max_log2n = 0;
  while ((2 << max_log2n) <= MAX_N) ++max_log2n;
  r.p.log2n = static_cast<int>(rng() % (max_log2n + 1));
  const int n = 1 << r.p.log2n;
  const int kind = static_cast<int>(rng() % 9);
  r.p.eps = kind == 1 || (kind == 6 && rng() % 2) ? 65535u : 1u + static_cast<uint32_t>(rng() % (rng() % 2 ? 4 : 65535));
  const double sd = std::ldexp(1.0, static_cast<int>(rng() % 14));
  const double mu = static_cast<double>(static_cast<int>(rng() % 65536) - 32768);
  std::normal_distribution<double> nd(mu, sd);
  const int32_t cst = static_cast<int32_t>(rng() % 65536) - 32768;
  r.x.resize(n); r.g.resize(n); r.b.resize(n);
  for (int j = 0; j < n; ++j) {
    const bool top = (j & 1) != 0;  // kind 6: alternating extremes (the largest variance), from either end
    const int32_t hi = cst & 1 ? 32767 : -32768, lo = cst & 1 ? -32768 : 32767;
    r.x[j] = kind == 0 ? cst : kind == 2 ? ((rng() & 1) ? 32767 : -32768)
           : kind == 6 ? (top ? hi : lo)
           : kind == 7 ? (j == static_cast<int>(cst & (n - 1)) ? hi : lo)  // one outlier: the largest |z|
           : kind == 8 ? hi                                               // every x at one extreme
                       : static_cast<int32_t>(sf::saturate(std::llround(nd(rng)), -32768, 32767));
    r.g[j] = kind == 3 ? ((rng() & 1) ? 127 : -128) : static_cast<int32_t>(rng() % 256) - 128;
    r.b[j] = kind == 4 ? static_cast<int32_t>(rng()) : static_cast<int32_t>(rng() % 200001) - 100000;
  }
  r.p.out.mult = 1;
  r.p.out.shift = P::RS_SHIFT_MIN + static_cast<int>(rng() % (P::RS_SHIFT_MAX - P::RS_SHIFT_MIN + 1));
  if (rng() % 2) r.p.out.shift = P::LN_Z_FRAC_BITS + static_cast<int>(rng() % 8);  // the usual range
  r.p.out.zp = static_cast<int32_t>(rng() % 256);
  r.p.out.lo = 0;
  r.p.out.hi = 255;
  if (rng() % 4 == 0) { r.p.out.zp -= 128; r.p.out.lo = -128; r.p.out.hi = 127; }
  return r;
}

uint64_t run(uint64_t seed, bool trace, uint64_t vectors) {
  Harness<Vsf_layernorm> h(seed, trace, test_name());
  auto& d = *h.dut;
  Scoreboard<Out> sb("o_y");
  Traffic tr(seed);
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 51);
  h.reset();
  Row r;
  int beat = -1;
  bool have = false;
  uint64_t sent = 0, rows_done = 0;
  while (rows_done < vectors && sb.errors() == 0) {
    if (!have && sent < vectors && tr.valid()) {
      if (beat < 0) { r = random_row(rng); beat = 0; }
      have = true;
    }
    d.i_valid = have;
    if (beat >= 0) {
      const int n = 1 << r.p.log2n;
      d.i_x = static_cast<uint16_t>(r.x[beat]);
      d.i_gamma = static_cast<uint8_t>(r.g[beat]);
      d.i_beta = static_cast<uint32_t>(r.b[beat]);
      d.i_last = beat == n - 1;
      d.i_log2n = r.p.log2n;
      d.i_eps = r.p.eps;
      d.i_shift = static_cast<uint8_t>(r.p.out.shift) & 0x3f;
      d.i_zp = static_cast<uint16_t>(r.p.out.zp) & 0x1ff;
      d.i_lo = static_cast<uint16_t>(r.p.out.lo) & 0x1ff;
      d.i_hi = static_cast<uint16_t>(r.p.out.hi) & 0x1ff;
    }
    d.i_ready = tr.ready();
    h.eval();
    if (d.o_valid && d.i_ready) {
      Out o{static_cast<int>(sext(d.o_y, 8)), d.o_last != 0};
      sb.check(o, h.cycle);
      if (o.last) ++rows_done;
    }
    if (d.o_valid && !d.i_ready) sb.note_stall();
    if (have && d.o_ready) {
      const int n = 1 << r.p.log2n;
      if (beat == n - 1) {
        std::vector<int32_t> y(n);
        sf::layernorm(r.x.data(), r.g.data(), r.b.data(), r.p, y.data());
        for (int j = 0; j < n; ++j)
          sb.push(Out{static_cast<int>(sext(static_cast<uint32_t>(y[j]) & 0xff, 8)), j == n - 1}, h.cycle,
                  j == 0 ? n + 15 : -1);
        beat = -1;
        ++sent;
      } else {
        ++beat;
      }
      have = false;
    }
    h.tick();
    if (h.cycle > 600 * vectors + 1000) { ADD_FAILURE() << "timeout at cycle " << h.cycle; break; }
  }
  return rows_done;
}

class LayerNorm : public ::testing::TestWithParam<uint64_t> {};
TEST_P(LayerNorm, RandomRowsBitExact) {
  run_unit_test([&](bool trace) { return run(GetParam(), trace, TB_VECTORS); }, TB_VECTORS);
}
INSTANTIATE_TEST_SUITE_P(Seeds, LayerNorm, ::testing::Values(1, 2, 3, 4),
                         [](const auto& i) { return "seed" + std::to_string(i.param); });
}  // namespace
