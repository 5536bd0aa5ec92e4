// Cycle-by-cycle test of rtl/sf_softmax.v against sf::softmax (model/intref.h). One vector = one row of
// 1..MAX_N/LANES beats with random keep masks (all, causal prefix, random, none) and in_frac 0..G; one row
// kind in seven puts the distances m - s around the unit's saturation of D (2^13 - 1, i.e. m - s near
// 32 << in_frac) and around the last non-zero exponential (D + L near 17 << G: m - s in (10..34) << in_frac).
#include <algorithm>
#include <array>
#include <ostream>
#include <vector>

#include "Vsf_softmax.h"
#include "harness.h"
#include "intref.h"

namespace {
using namespace sfsim;
namespace P = sf::policy;
constexpr int LANES = TB_LANES, MAX_N = TB_MAX_N;

struct Out {
  std::array<int, LANES> p{};
  bool last = false;
  bool operator==(const Out& o) const { return p == o.p && last == o.last; }
};
std::ostream& operator<<(std::ostream& os, const Out& o) {
  os << "{";
  for (int i = 0; i < LANES; ++i) os << (i ? "," : "") << o.p[i];
  return os << (o.last ? "} last" : "}");
}
struct Row {
  int n = LANES, frac = 0;
  std::vector<int32_t> s;
  std::vector<uint8_t> keep;
};

Row random_row(std::mt19937_64& rng) {
  Row r;
  r.n = LANES * (1 + static_cast<int>(rng() % (MAX_N / LANES)));
  r.frac = static_cast<int>(rng() % (P::SM_FRAC_BITS + 1));
  r.s.resize(r.n);
  r.keep.resize(r.n);
  const int kind = static_cast<int>(rng() % 7);
  const int spread = 1 << (rng() % 16);
  const int32_t base = static_cast<int32_t>(rng() % 65536) - 32768;
  for (int j = 0; j < r.n; ++j) {
    int64_t v = kind == 0 ? ((rng() & 1) ? 32767 : -32768)
                          : base + static_cast<int64_t>(rng() % (2 * spread + 1)) - spread;
    if (kind == 6) {  // the row maximum 32767 - 9000 + base % 9000 (at some j), distances near the thresholds
      const int64_t top = 32767 - 9000 + (base + 32768) % 9001;
      const int64_t thr[] = {32, 17, 10 + static_cast<int64_t>(rng() % 25)};
      const int64_t dist = (thr[rng() % 3] << r.frac) + static_cast<int64_t>(rng() % 7) - 3;
      v = j == static_cast<int>(static_cast<uint64_t>(base) % r.n) ? top : top - std::max<int64_t>(dist, 0);
    }
    r.s[j] = static_cast<int32_t>(sf::saturate(v, -32768, 32767));
  }
  const int prefix = 1 + static_cast<int>(rng() % r.n);
  for (int j = 0; j < r.n; ++j)
    r.keep[j] = kind == 2 ? (j < prefix) : kind == 3 ? (rng() % 3 != 0) : kind == 4 && rng() % 8 == 0 ? 0 : 1;
  if (kind == 5 && rng() % 4 == 0) std::fill(r.keep.begin(), r.keep.end(), 0);
  return r;
}

uint64_t run(uint64_t seed, bool trace, uint64_t vectors) {
  Harness<Vsf_softmax> h(seed, trace, test_name());
  auto& d = *h.dut;
  Scoreboard<Out> sb("o_p");
  Traffic tr(seed);
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 41);
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
      const int nb = r.n / LANES;
      d.i_last = beat == nb - 1;
      d.i_frac = r.frac;
      d.i_keep = 0;
      for (int l = 0; l < LANES; ++l) {
        put(d.i_s, 16 * l, 16, static_cast<uint16_t>(r.s[beat * LANES + l]));
        put(d.i_keep, l, 1, r.keep[beat * LANES + l]);
      }
    }
    d.i_ready = tr.ready();
    h.eval();
    if (d.o_valid && d.i_ready) {
      Out o;
      for (int l = 0; l < LANES; ++l) o.p[l] = static_cast<int>(get(d.o_p, 8 * l, 8));
      o.last = d.o_last;
      sb.check(o, h.cycle);
      if (o.last) ++rows_done;
    }
    if (d.o_valid && !d.i_ready) sb.note_stall();
    if (have && d.o_ready) {
      const int nb = r.n / LANES;
      if (beat == nb - 1) {
        std::vector<uint8_t> p(r.n);
        sf::softmax(r.s.data(), r.keep.data(), r.n, r.frac, p.data());
        for (int b = 0; b < nb; ++b) {
          Out e;
          for (int l = 0; l < LANES; ++l) e.p[l] = p[b * LANES + l];
          e.last = b == nb - 1;
          sb.push(e, h.cycle, b == 0 ? nb + 14 : -1);
        }
        beat = -1;
        ++sent;
      } else {
        ++beat;
      }
      have = false;
    }
    h.tick();
    if (h.cycle > 400 * vectors + 1000) { ADD_FAILURE() << "timeout at cycle " << h.cycle; break; }
  }
  return rows_done;
}

class Softmax : public ::testing::TestWithParam<uint64_t> {};
TEST_P(Softmax, RandomRowsBitExact) {
  run_unit_test([&](bool trace) { return run(GetParam(), trace, TB_VECTORS); }, TB_VECTORS);
}
INSTANTIATE_TEST_SUITE_P(Seeds, Softmax, ::testing::Values(1, 2, 3, 4),
                         [](const auto& i) { return "seed" + std::to_string(i.param); });
}  // namespace
