// Cycle-by-cycle test of rtl/sf_residual_add.v against sf::residual_add (model/intref.h). Random beats, and the
// extremes the RTL's widths rest on (kind 4): a - za and b - zb at -255 or 511 (za, zb at 255 / -256) with
// shifts at -8, -1, 0, 1 or 8 (the largest left shift, both directions' smallest, the largest right shift).
#include <array>
#include <ostream>

#include "Vsf_residual_add.h"
#include "harness.h"
#include "intref.h"
#include "sf_isa.h"

namespace {
using namespace sfsim;
namespace P = sf::policy;
constexpr int LANES = TB_LANES;

struct Out {
  std::array<int32_t, LANES> y{};
  bool operator==(const Out& o) const { return y == o.y; }
};
std::ostream& operator<<(std::ostream& os, const Out& o) {
  os << "{";
  for (int i = 0; i < LANES; ++i) os << (i ? "," : "") << o.y[i];
  return os << "}";
}
struct Beat {
  std::array<uint8_t, LANES> a{}, b{};
  int32_t za = 0, zb = 0;
  int sa = 0, sb = 0;
};

uint64_t run(uint64_t seed, bool trace, uint64_t vectors) {
  Harness<Vsf_residual_add> h(seed, trace, test_name());
  auto& d = *h.dut;
  Scoreboard<Out> sb("o_y");
  Traffic tr(seed);
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 31);
  h.reset();
  Beat bt;
  bool have = false;
  uint64_t sent = 0;
  const int nsh = P::RES_SHIFT_MAX - P::RES_SHIFT_MIN + 1;
  while (sb.checked() < vectors && sb.errors() == 0) {
    if (!have && sent < vectors && tr.valid()) {
      const int kind = static_cast<int>(rng() % 5);
      const bool top_a = rng() & 1, top_b = rng() & 1;  // kind 4: d = 511 (a 255, z -256) or -255 (a 0, z 255)
      const int edge[5] = {P::RES_SHIFT_MIN, -1, 0, 1, P::RES_SHIFT_MAX};
      for (auto& v : bt.a) v = static_cast<uint8_t>(kind == 0 ? 255 : kind == 4 ? (top_a ? 255 : 0) : rng());
      for (auto& v : bt.b)
        v = static_cast<uint8_t>(kind == 0 ? 255 : kind == 1 ? 0 : kind == 4 ? (top_b ? 255 : 0) : rng());
      bt.za = kind == 1 ? 255 : kind == 4 ? (top_a ? -256 : 255) : static_cast<int32_t>(rng() % 512) - 256;
      bt.zb = kind == 4 ? (top_b ? -256 : 255) : static_cast<int32_t>(rng() % 512) - 256;
      bt.sa = kind == 4 ? edge[rng() % 5] : P::RES_SHIFT_MIN + static_cast<int>(rng() % nsh);
      bt.sb = kind == 0 ? P::RES_SHIFT_MIN : kind == 4 ? edge[rng() % 5] : P::RES_SHIFT_MIN + static_cast<int>(rng() % nsh);
      have = true;
    }
    d.i_valid = have;
    for (int l = 0; l < LANES; ++l) { put(d.i_a, 8 * l, 8, bt.a[l]); put(d.i_b, 8 * l, 8, bt.b[l]); }
    d.i_za = static_cast<uint16_t>(bt.za) & 0x1ff;
    d.i_zb = static_cast<uint16_t>(bt.zb) & 0x1ff;
    d.i_sa = static_cast<uint8_t>(bt.sa) & 0x1f;
    d.i_sb = static_cast<uint8_t>(bt.sb) & 0x1f;
    d.i_ready = tr.ready();
    h.eval();
    if (d.o_valid && d.i_ready) {
      Out o;
      for (int l = 0; l < LANES; ++l) o.y[l] = static_cast<int32_t>(sext(get(d.o_y, 16 * l, 16), 16));
      sb.check(o, h.cycle);
    }
    if (d.o_valid && !d.i_ready) sb.note_stall();
    if (have && d.o_ready) {
      Out e;
      for (int l = 0; l < LANES; ++l) e.y[l] = sf::residual_add(bt.a[l], bt.za, bt.sa, bt.b[l], bt.zb, bt.sb);
      sb.push(e, h.cycle, sf::isa::T_RESIDUAL_LAT);  // spec/isa.toml [timing] residual_lat
      have = false;
      ++sent;
    }
    h.tick();
    if (h.cycle > 100 * vectors + 1000) { ADD_FAILURE() << "timeout at cycle " << h.cycle; break; }
  }
  return sb.checked();
}

class ResidualAdd : public ::testing::TestWithParam<uint64_t> {};
TEST_P(ResidualAdd, RandomStreamsBitExact) {
  run_unit_test([&](bool trace) { return run(GetParam(), trace, TB_VECTORS); }, TB_VECTORS);
}
INSTANTIATE_TEST_SUITE_P(Seeds, ResidualAdd, ::testing::Values(1, 2, 3, 4),
                         [](const auto& i) { return "seed" + std::to_string(i.param); });
}  // namespace
