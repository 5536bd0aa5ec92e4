// Cycle-by-cycle test of rtl/sf_qlinear.v against sf::qlinear (model/intref.h). One vector = one output
// tile (LANES accumulators over K = 1..12 beats of KPAR inputs). Built twice: W_MAX = 8 (modes 2/4/8-bit)
// and W_MAX = 2 (the ternary-only array).
#include <array>
#include <ostream>
#include <vector>

#include "Vsf_qlinear.h"
#include "harness.h"
#include "intref.h"

namespace {
using namespace sfsim;
constexpr int LANES = TB_LANES, KPAR = TB_KPAR, W_MAX = TB_W_MAX;

struct Out {
  std::array<int32_t, LANES> acc{};
  bool operator==(const Out& o) const { return acc == o.acc; }
};
std::ostream& operator<<(std::ostream& os, const Out& o) {
  os << "{";
  for (int i = 0; i < LANES; ++i) os << (i ? "," : "") << o.acc[i];
  return os << "}";
}

struct Tile {
  int wbits = 2, k = 1;
  std::vector<int8_t> w;   // (LANES, k*KPAR)
  std::vector<uint8_t> x;  // (k*KPAR)
  std::vector<int32_t> bias;
};

Tile random_tile(std::mt19937_64& rng) {
  Tile t;
  const int modes = W_MAX == 2 ? 1 : (W_MAX == 4 ? 2 : 3);
  t.wbits = 2 << (rng() % modes);
  t.k = 1 + static_cast<int>(rng() % 12);
  const int n = t.k * KPAR, wm = sf::weight_max(t.wbits);
  const int kind = static_cast<int>(rng() % 6);
  t.w.resize(LANES * n);
  t.x.resize(n);
  t.bias.resize(LANES);
  for (auto& v : t.w)
    v = static_cast<int8_t>(kind == 0 ? wm : kind == 1 ? -wm : static_cast<int>(rng() % (2 * wm + 1)) - wm);
  for (auto& v : t.x) v = static_cast<uint8_t>(kind <= 1 ? 255 : (kind == 2 ? rng() % 2 * 255 : rng()));
  for (auto& v : t.bias)
    v = kind == 3 ? static_cast<int32_t>(rng() % 2 ? INT32_MAX - 100 : INT32_MIN + 100)
                  : static_cast<int32_t>(rng()) >> (rng() % 32);
  return t;
}

uint64_t run(uint64_t seed, bool trace, uint64_t vectors) {
  Harness<Vsf_qlinear> h(seed, trace, test_name());
  auto& d = *h.dut;
  Scoreboard<Out> sb("o_acc");
  Traffic tr(seed);
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 11);
  h.reset();
  Tile t;
  int beat = -1;  // next beat of t to send; -1: need a new tile
  bool have = false;
  uint64_t sent = 0;
  while (sb.checked() < vectors && sb.errors() == 0) {
    if (!have && sent < vectors && tr.valid()) {
      if (beat < 0) { t = random_tile(rng); beat = 0; }
      have = true;
    }
    d.i_valid = have;
    if (beat >= 0) {
      d.i_first = beat == 0;
      d.i_last = beat == t.k - 1;
      d.i_mode = t.wbits == 2 ? 0 : (t.wbits == 4 ? 1 : 2);
      for (int k = 0; k < KPAR; ++k) put(d.i_x, 8 * k, 8, t.x[beat * KPAR + k]);
      for (int l = 0; l < LANES; ++l) {
        for (int k = 0; k < KPAR; ++k)
          put(d.i_w, (l * KPAR + k) * W_MAX, W_MAX, static_cast<uint8_t>(t.w[l * t.k * KPAR + beat * KPAR + k]));
        put(d.i_bias, 32 * l, 32, static_cast<uint32_t>(t.bias[l]));
      }
    }
    d.i_ready = tr.ready();
    h.eval();
    if (d.o_valid && d.i_ready) {
      Out o;
      for (int l = 0; l < LANES; ++l) o.acc[l] = static_cast<int32_t>(get(d.o_acc, 32 * l, 32));
      sb.check(o, h.cycle, "mode " + std::to_string(d.i_mode));
    }
    if (d.o_valid && !d.i_ready) sb.note_stall();
    if (have && d.o_ready) {
      if (beat == t.k - 1) {
        Out e;
        sf::qlinear(t.w.data(), t.x.data(), t.bias.data(), LANES, t.k * KPAR, t.wbits, e.acc.data());
        sb.push(e, h.cycle, 2 + t.wbits / 2);
        beat = -1;
        ++sent;
      } else {
        ++beat;
      }
      have = false;
    }
    h.tick();
    if (h.cycle > 200 * vectors + 1000) { ADD_FAILURE() << "timeout at cycle " << h.cycle; break; }
  }
  return sb.checked();
}

class Qlinear : public ::testing::TestWithParam<uint64_t> {};
TEST_P(Qlinear, RandomTilesBitExact) {
  run_unit_test([&](bool trace) { return run(GetParam(), trace, TB_VECTORS); }, TB_VECTORS);
}
INSTANTIATE_TEST_SUITE_P(Seeds, Qlinear, ::testing::Values(1, 2, 3, 4),
                         [](const auto& i) { return "wmax" + std::to_string(W_MAX) + "_seed" + std::to_string(i.param); });
}  // namespace
