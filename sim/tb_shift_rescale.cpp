// Cycle-by-cycle test of rtl/sf_shift_rescale.v against sf::shift_rescale (model/intref.h).
#include <gtest/gtest-spi.h>
#include <sys/stat.h>

#include <array>
#include <ostream>

#include "Vsf_shift_rescale.h"
#include "harness.h"
#include "intref.h"

namespace {
using namespace sfsim;
namespace P = sf::policy;
#ifndef TB_OPT_MULT
#define TB_OPT_MULT 1
#endif
#ifndef TB_ZP_W
#define TB_ZP_W 9   // the unit's defaults: SF_ZP_BITS, SF_ACT_BITS
#endif
#ifndef TB_OUT_W
#define TB_OUT_W 8
#endif
constexpr int LANES = TB_LANES;
constexpr int ZP_W = TB_ZP_W, OUT_W = TB_OUT_W;  // the engines' W / A lanes: 17, 16
static_assert(ZP_W == P::ZP_BITS || ZP_W > P::ZP_BITS, "zero point at least the policy's width");
constexpr bool MULT = TB_OPT_MULT == 1;  // OPT_MULT = 0 (the pure power-of-two build): mult is always 1
// OPT_MULT = 2 (the lite core build): mult = 2^k as a saturating left shifter; contract: shift = 0 if k > 0
constexpr bool SHL = TB_OPT_MULT == 2;
constexpr int LATENCY = 4;

struct Beat {
  std::array<int32_t, LANES> acc{};
  sf::RescaleParams p;
};
struct Out {
  std::array<int32_t, LANES> y{};
  bool operator==(const Out& o) const { return y == o.y; }
};
std::ostream& operator<<(std::ostream& os, const Out& o) {
  os << "{";
  for (int i = 0; i < LANES; ++i) os << (i ? "," : "") << o.y[i];
  return os << "}";
}

// acc with round_shift(acc * mult, shift) near r (r exactly when mult <= 1), or a random acc if none fits int32
int32_t acc_for(int64_t r, const sf::RescaleParams& p, std::mt19937_64& rng) {
  const int s = p.shift;
  __int128 m = static_cast<__int128>(r) << s;
  if (s > 0) {  // a rounding remainder in [-2^(s-1), 2^(s-1)): the edges, 0, or any
    const int64_t half = int64_t{1} << (s - 1);
    const int64_t rem[] = {-half, half - 1, 0, -1, static_cast<int64_t>(rng() % (2 * half)) - half};
    m += rem[rng() % 5];
  }
  if (p.mult > 1) m = (m >= 0 ? m : m - (p.mult - 1)) / static_cast<__int128>(p.mult);  // floor
  if (m < INT32_MIN || m > INT32_MAX) return static_cast<int32_t>(rng()) >> (rng() % 32);
  return static_cast<int32_t>(m);
}

Beat random_beat(std::mt19937_64& rng) {
  Beat b;
  const int kind = static_cast<int>(rng() % 8);
  b.p.shift = P::RS_SHIFT_MIN + static_cast<int>(rng() % (P::RS_SHIFT_MAX - P::RS_SHIFT_MIN + 1));
  const uint32_t mmax = (1u << P::RS_MULT_BITS) - 1;
  const int mk = static_cast<int>(rng() % 6);
  b.p.mult = mk == 0 ? 1u : mk == 1 ? 0u : mk == 2 ? mmax : static_cast<uint32_t>(rng() & mmax);
  if (!MULT) b.p.mult = 1;
  if (SHL) {
    const int k = static_cast<int>(rng() % P::RS_MULT_BITS);
    b.p.mult = 1u << k;
    if (k > 0) b.p.shift = 0;
  }
  const int lim = static_cast<int>(rng() % 5);
  const int32_t zmax = 1 << (ZP_W - 1);  // zp, lo, hi: ZP_W-bit signed
  b.p.zp = static_cast<int32_t>(rng() % 256);
  if (lim == 0) { b.p.lo = 0; b.p.hi = 255; }
  else if (lim == 1) { b.p.lo = -128; b.p.hi = 127; b.p.zp -= 128; }
  else if (lim == 2) { b.p.lo = b.p.zp; b.p.hi = 255; }  // ReLU
  else {
    const int a = static_cast<int>(rng() % (2 * zmax)) - zmax, c = static_cast<int>(rng() % (2 * zmax)) - zmax;
    b.p.lo = std::min(a, c); b.p.hi = std::max(a, c);
    b.p.zp = static_cast<int32_t>(rng() % (2 * zmax)) - zmax;
  }
  // kind 3: results around stage 2's range reduction (+-2^ZP_W) and the bounds lo - zp, hi - zp, +-3
  const int64_t cl = int64_t{1} << ZP_W;
  const int64_t targets[] = {-cl, cl - 1, int64_t{b.p.lo} - b.p.zp, int64_t{b.p.hi} - b.p.zp, -cl / 2, cl / 2};
  for (auto& a : b.acc) {
    switch (kind) {
      case 3: a = acc_for(targets[rng() % 6] + static_cast<int64_t>(rng() % 7) - 3, b.p, rng); break;
      case 0: a = static_cast<int32_t>(rng() % 5) - 2 + ((rng() & 1) ? INT32_MIN + 2 : INT32_MAX - 2); break;
      case 1: {  // ties of the rounding rule: k * 2^s + 2^(s-1)
        const int s = b.p.shift > 0 ? b.p.shift : 1;
        a = static_cast<int32_t>((static_cast<int64_t>(static_cast<int32_t>(rng()) >> 8) << (s > 30 ? 30 : s)) >> 1);
        b.p.mult = 1;
        if (SHL && b.p.shift == 0) b.p.mult = 1u << (rng() % P::RS_MULT_BITS);
        break;
      }
      case 2: a = static_cast<int32_t>(rng() % 4097) - 2048; break;
      default: a = static_cast<int32_t>(rng()) >> (rng() % 32);
    }
  }
  return b;
}

// What the last run's beats reached, per shift: a saturated result, an unsaturated one, and stage 2's range
// reduction (|round_shift(acc * mult, shift)| beyond 2^ZP_W).
struct Cover {
  std::array<bool, 64> sat{}, inside{}, reduced{};
};
Cover cover;

// inject: 0 none, 1 corrupt the expected value of vector 100, 2 expect one cycle less latency (harness self-test)
uint64_t run(uint64_t seed, bool trace, uint64_t vectors, int inject = 0) {
  Harness<Vsf_shift_rescale> h(seed, trace, test_name());
  auto& d = *h.dut;
  Scoreboard<Out> sb("o_y");
  Traffic tr(seed);
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 1);
  h.reset();
  cover = Cover{};
  bool have = false;
  Beat beat;
  uint64_t sent = 0;
  while (sb.checked() < vectors && sb.errors() == 0) {
    if (!have && sent < vectors && tr.valid()) { beat = random_beat(rng); have = true; }
    d.i_valid = have;
    for (int l = 0; l < LANES; ++l) put(d.i_acc, 32 * l, 32, static_cast<uint32_t>(beat.acc[l]));
    d.i_mult = beat.p.mult;
    d.i_shift = static_cast<uint8_t>(beat.p.shift) & 0x3f;
    put(d.i_zp, 0, ZP_W, static_cast<uint64_t>(static_cast<int64_t>(beat.p.zp)));
    put(d.i_lo, 0, ZP_W, static_cast<uint64_t>(static_cast<int64_t>(beat.p.lo)));
    put(d.i_hi, 0, ZP_W, static_cast<uint64_t>(static_cast<int64_t>(beat.p.hi)));
    d.i_ready = tr.ready();
    h.eval();
    if (d.o_valid && d.i_ready) {
      Out o;
      for (int l = 0; l < LANES; ++l) o.y[l] = static_cast<int32_t>(sext(get(d.o_y, OUT_W * l, OUT_W), OUT_W));
      sb.check(o, h.cycle);
    }
    if (d.o_valid && !d.i_ready) sb.note_stall();
    if (have && d.o_ready) {
      Out e;
      for (int l = 0; l < LANES; ++l)
        e.y[l] = static_cast<int32_t>(sext(static_cast<uint32_t>(sf::shift_rescale(beat.acc[l], beat.p)), OUT_W));
      for (int l = 0; l < LANES; ++l) {
        const int64_t r = sf::round_shift(int64_t{beat.acc[l]} * beat.p.mult, beat.p.shift), z = r + beat.p.zp;
        const bool sat = z < beat.p.lo || z > beat.p.hi;
        const int si = beat.p.shift - P::RS_SHIFT_MIN;
        cover.sat[si] |= sat;
        cover.inside[si] |= !sat;
        cover.reduced[si] |= r < -(int64_t{1} << ZP_W) || r >= (int64_t{1} << ZP_W);
      }
      if (inject == 1 && sent == 100) e.y[1] ^= 4;
      sb.push(e, h.cycle, inject == 2 ? LATENCY - 1 : LATENCY);
      have = false;
      ++sent;
    }
    h.tick();
    if (h.cycle > 100 * vectors + 1000) { ADD_FAILURE() << "timeout at cycle " << h.cycle; break; }
  }
  return sb.checked();
}

class ShiftRescale : public ::testing::TestWithParam<uint64_t> {};
TEST_P(ShiftRescale, RandomStreamsBitExact) {
  run_unit_test([&](bool trace) { return run(GetParam(), trace, TB_VECTORS); }, TB_VECTORS);
  // every shift saturated and not; stage 2's range reduction at every shift where |acc * mult| >> shift can
  // pass 2^ZP_W (|acc| <= 2^31, mult < 2^16; with 2^k, k > 0, only at shift 0)
  const int acc_bits = MULT ? 31 + P::RS_MULT_BITS : 31;
  static_assert(P::RS_SHIFT_MAX - P::RS_SHIFT_MIN < 64, "Cover holds 64 shifts");
  for (int sh = P::RS_SHIFT_MIN; sh <= P::RS_SHIFT_MAX; ++sh) {
    const int si = sh - P::RS_SHIFT_MIN;
    EXPECT_TRUE(cover.sat[si] && cover.inside[si]) << "shift " << sh << ": saturated " << cover.sat[si]
                                                   << ", inside " << cover.inside[si];
    if (sh < acc_bits - ZP_W) EXPECT_TRUE(cover.reduced[si]) << "shift " << sh << ": no |r| >= 2^" << ZP_W;
  }
}
// The framework itself: an injected wrong value and an injected wrong latency must each be reported (exactly
// one failure with the cycle, signal, expected and actual), and a traced run must leave its FST behind.
#if TB_OPT_MULT == 1
void injected_value() { run(7, true, 1000, 1); }
void injected_latency() { run(7, false, 1000, 2); }
TEST(ShiftRescaleHarness, ReportsInjectedMismatchesAndKeepsTrace) {
  EXPECT_NONFATAL_FAILURE(injected_value(), "o_y: expected {");
  EXPECT_NONFATAL_FAILURE(injected_latency(), "latency 4 cycles, expected 3");
  const std::string wave = std::string(SF_SIM_OUT_DIR) + "/waves/" + test_name() + ".fst";
  struct stat st {};
  ASSERT_EQ(::stat(wave.c_str(), &st), 0) << wave;
  EXPECT_GT(st.st_size, 1000);
  EXPECT_EQ(run(7, false, 1000, 0), 1000u);  // and the same stimulus passes without injection
}
#endif

INSTANTIATE_TEST_SUITE_P(Seeds, ShiftRescale, ::testing::Values(1, 2, 3, 4),
                         [](const auto& i) { return std::string(MULT ? "mult_" : SHL ? "shl_" : "pow2_") + "seed" + std::to_string(i.param); });
}  // namespace
