// Cycle-by-cycle test of rtl/sf_actmac.v against sf::actmac (model/intref.h). One vector = one set of LANES
// dot products of length 1..16.
#include <array>
#include <ostream>
#include <vector>

#include "Vsf_actmac.h"
#include "harness.h"
#include "intref.h"

namespace {
using namespace sfsim;
constexpr int LANES = TB_LANES;

struct Out {
  std::array<int32_t, LANES> acc{};
  bool operator==(const Out& o) const { return acc == o.acc; }
};
std::ostream& operator<<(std::ostream& os, const Out& o) {
  os << "{";
  for (int i = 0; i < LANES; ++i) os << (i ? "," : "") << o.acc[i];
  return os << "}";
}
struct Dot {
  int n = 1;
  int32_t za = 0, zb = 0;
  std::vector<uint8_t> a, b;  // (LANES, n)
};

Dot random_dot(std::mt19937_64& rng) {
  Dot t;
  t.n = 1 + static_cast<int>(rng() % 16);
  const int kind = static_cast<int>(rng() % 5);
  t.za = kind == 0 ? 0 : (kind == 1 ? 255 : static_cast<int32_t>(rng() % 256));
  t.zb = kind == 0 ? 255 : (kind == 1 ? 0 : static_cast<int32_t>(rng() % 256));
  if (kind == 4) { t.za = static_cast<int32_t>(rng() % 256) - 128; t.zb = static_cast<int32_t>(rng() % 256) - 128; }
  t.a.resize(LANES * t.n);
  t.b.resize(LANES * t.n);
  for (auto& v : t.a) v = static_cast<uint8_t>(kind == 0 ? 255 : kind == 1 ? 0 : rng());
  for (auto& v : t.b) v = static_cast<uint8_t>(kind == 0 ? 0 : kind == 1 ? 255 : rng());
  return t;
}

uint64_t run(uint64_t seed, bool trace, uint64_t vectors) {
  Harness<Vsf_actmac> h(seed, trace, test_name());
  auto& d = *h.dut;
  Scoreboard<Out> sb("o_acc");
  Traffic tr(seed);
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 21);
  h.reset();
  Dot t;
  int beat = -1;
  bool have = false;
  uint64_t sent = 0;
  while (sb.checked() < vectors && sb.errors() == 0) {
    if (!have && sent < vectors && tr.valid()) {
      if (beat < 0) { t = random_dot(rng); beat = 0; }
      have = true;
    }
    d.i_valid = have;
    if (beat >= 0) {
      d.i_first = beat == 0;
      d.i_last = beat == t.n - 1;
      d.i_za = static_cast<uint16_t>(t.za) & 0x1ff;
      d.i_zb = static_cast<uint16_t>(t.zb) & 0x1ff;
      for (int l = 0; l < LANES; ++l) {
        put(d.i_a, 8 * l, 8, t.a[l * t.n + beat]);
        put(d.i_b, 8 * l, 8, t.b[l * t.n + beat]);
      }
    }
    d.i_ready = tr.ready();
    h.eval();
    if (d.o_valid && d.i_ready) {
      Out o;
      for (int l = 0; l < LANES; ++l) o.acc[l] = static_cast<int32_t>(get(d.o_acc, 32 * l, 32));
      sb.check(o, h.cycle);
    }
    if (d.o_valid && !d.i_ready) sb.note_stall();
    if (have && d.o_ready) {
      if (beat == t.n - 1) {
        Out e;
        for (int l = 0; l < LANES; ++l) e.acc[l] = sf::actmac(&t.a[l * t.n], t.za, &t.b[l * t.n], t.zb, t.n);
        sb.push(e, h.cycle, 3);
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

class Actmac : public ::testing::TestWithParam<uint64_t> {};
TEST_P(Actmac, RandomDotsBitExact) {
  run_unit_test([&](bool trace) { return run(GetParam(), trace, TB_VECTORS); }, TB_VECTORS);
}
INSTANTIATE_TEST_SUITE_P(Seeds, Actmac, ::testing::Values(1, 2, 3, 4),
                         [](const auto& i) { return "seed" + std::to_string(i.param); });
}  // namespace
