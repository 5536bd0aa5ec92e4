// Test of sf_round_shift_clamp (rtl/sf_round_shift.v, combinational) against the rounding rule and saturation of
// model/intref.h: o_y == sf::saturate(sf::round_shift(x, s), -2^(OUT_W-1), 2^(OUT_W-1) - 1) (OPT_WRAP = 1: the
// low OUT_W bits of sf::round_shift(x, s), sign-extended). For every shift s
// of the contract range [-LSHIFT_MAX, RSHIFT_MAX]: x at the extremes of IN_W bits; x whose result lies
// around either clamp bound (bound - 3 .. bound + 3), each with the rounding remainders around 0 and
// +-2^(s-1) (ties and their neighbours); x >>> s at the top of every magnitude (the out-of-range mask's
// edges); and random x of every magnitude. Checked: no mismatch, and at every shift that can reach the
// clamp bounds both bounds reached and passed by one step of the result. The pieces o_win / o_out (the window
// before the rounding add, sf_shift_rescale's stage 2) give the same result by the rule the module states.
#include <gtest/gtest.h>
#include <verilated.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <vector>

#include "Vsf_round_shift_clamp.h"
#include "harness.h"
#include "intref.h"

namespace {
using sfsim::get;
using sfsim::put;
using sfsim::sext;
#ifndef TB_OPT_BIASED
#define TB_OPT_BIASED 0  // 1: the port carries shift + LSHIFT_MAX (sf_shift_rescale's lite lanes)
#endif
#ifndef TB_OPT_WRAP
#define TB_OPT_WRAP 0  // 1: no clamp, the low OUT_W bits of the rounding shift (sf_layernorm, sf_rsqrt_fix)
#endif
#ifndef TB_RSHIFT_MAX
#define TB_RSHIFT_MAX ((1 << (TB_SHIFT_W - 1)) - 1)  // the module's default
#endif
constexpr int IN_W = TB_IN_W, SHIFT_W = TB_SHIFT_W, LSH = TB_LSHIFT_MAX, OUT_W = TB_OUT_W;
constexpr int S_MIN = -LSH, S_MAX = TB_RSHIFT_MAX;
constexpr int64_t X_MIN = -(int64_t{1} << (IN_W - 1)), X_MAX = (int64_t{1} << (IN_W - 1)) - 1;
constexpr int64_t Y_MIN = -(int64_t{1} << (OUT_W - 1)), Y_MAX = (int64_t{1} << (OUT_W - 1)) - 1;
static_assert(IN_W + LSH <= 62, "the reference's left shift must not overflow int64");

struct Dut {
  Dut() : ctx(new VerilatedContext), d(new Vsf_round_shift_clamp(ctx.get())) {}
  int64_t eval(int64_t x, int s) {
    put(d->i_x, 0, IN_W, static_cast<uint64_t>(x));
    put(d->i_shift, 0, SHIFT_W, static_cast<uint64_t>(static_cast<int64_t>(TB_OPT_BIASED ? s + LSH : s)));
    d->eval();
    // o_y from the pieces: x >>> s (the window's top OUT_W bits) + the rounding bit, then the clamp (OPT_WRAP:
    // the low OUT_W bits)
    const uint64_t win = get(d->o_win, 0, OUT_W + 1);
    const int64_t sum = sext(win >> 1, OUT_W) + static_cast<int64_t>(win & 1);
    const bool out = get(d->o_out, 0, 1) != 0;
    pieces = TB_OPT_WRAP ? sext(static_cast<uint64_t>(sum), OUT_W) : out ? (x < 0 ? Y_MIN : Y_MAX) : std::min(sum, Y_MAX);
    return sext(get(d->o_y, 0, OUT_W), OUT_W);
  }
  int64_t pieces = 0;  // the result rebuilt from o_win / o_out by the last eval
  std::unique_ptr<VerilatedContext> ctx;
  std::unique_ptr<Vsf_round_shift_clamp> d;
};

int64_t reference(int64_t x, int s) {
  return TB_OPT_WRAP ? sext(static_cast<uint64_t>(sf::round_shift(x, s)), OUT_W)
                     : sf::saturate(sf::round_shift(x, s), Y_MIN, Y_MAX);
}

// the vectors of shift s (in the IN_W range)
std::vector<int64_t> vectors(int s, std::mt19937_64& rng, int* n_bound) {
  std::vector<int64_t> xs = {X_MIN, X_MIN + 1, X_MIN + 2, X_MAX, X_MAX - 1, X_MAX - 2, -2, -1, 0, 1, 2};
  auto add = [&](__int128 x) {
    if (x >= X_MIN && x <= X_MAX) xs.push_back(static_cast<int64_t>(x));
  };
  // around the clamp bounds: results bound - 3 .. bound + 3
  const int before = static_cast<int>(xs.size());
  for (int64_t bound : {Y_MIN, Y_MAX})
    for (int64_t q = bound - 3; q <= bound + 3; ++q) {
      if (s > 0) {
        const __int128 half = __int128{1} << (s - 1);
        for (__int128 rho : {-half - 1, -half, -half + 1, __int128{-1}, __int128{0}, __int128{1}, half - 1, half,
                             half + 1})
          add((__int128{q} << s) + rho);
      } else if (s == 0) {
        add(q);
      } else {  // x << -s: x = q >> -s and its neighbours
        const __int128 base = __int128{q} >> -s;
        for (int k = -1; k <= 1; ++k) add(base + k);
      }
    }
  *n_bound += static_cast<int>(xs.size()) - before;
  // x >>> s at 2^b - 1 .. 2^b + 1 and their negatives, for every magnitude b: the edges of the range mask
  for (int b = 0; b < IN_W; ++b)
    for (int k = -1; k <= 1; ++k)
      for (int sign : {1, -1}) {
        const __int128 q = sign * ((__int128{1} << b) + k);
        add(s >= 0 ? (q << s) : (q >> -s));
      }
  // random x of every magnitude
  for (int k = 0; k < 64; ++k) xs.push_back(sext(rng(), IN_W) >> (rng() % IN_W));
  return xs;
}

TEST(RoundShiftClamp, EveryShiftBitExactAtTheBoundsAndExtremes) {
  Dut dut;
  std::mt19937_64 rng(0x5F3759DF + IN_W * 131 + OUT_W);
  int64_t checked = 0, errors = 0;
  int n_bound = 0, n_clamped = 0, n_ties = 0, n_reach = 0, n_covered = 0;
  for (int s = S_MIN; s <= S_MAX; ++s) {
    // at shifts where x can leave the OUT_W range: each bound reached and passed by one step of the result
    // (1; 2^-s for a left shift, whose results are multiples of 2^-s)
    const int64_t step = s < 0 ? int64_t{1} << -s : 1;
    const bool reach = sf::round_shift(X_MIN, s) < Y_MIN && sf::round_shift(X_MAX, s) > Y_MAX;
    bool lo_at = false, lo_past = false, hi_at = false, hi_past = false;
    for (int64_t x : vectors(s, rng, &n_bound)) {
      const int64_t exact = sf::round_shift(x, s), want = reference(x, s), got = dut.eval(x, s);
      ++checked;
      if (dut.pieces != want && ++errors <= 10)
        ADD_FAILURE() << "x=" << x << " s=" << s << ": expected " << want << ", from o_win / o_out " << dut.pieces;
      n_clamped += exact != want;
      n_ties += s > 0 && (x & ((int64_t{1} << s) - 1)) == (int64_t{1} << (s - 1));
      lo_at |= exact >= Y_MIN && exact < Y_MIN + step;
      lo_past |= exact < Y_MIN && exact >= Y_MIN - step;
      hi_at |= exact <= Y_MAX && exact > Y_MAX - step;
      hi_past |= exact > Y_MAX && exact <= Y_MAX + step;
      if (got != want && ++errors <= 10)
        ADD_FAILURE() << "x=" << x << " s=" << s << ": expected " << want << ", got " << got;
    }
    n_reach += reach;
    n_covered += reach && lo_at && lo_past && hi_at && hi_past;
  }
  std::printf("sf_round_shift_clamp IN_W %d SHIFT_W %d LSHIFT_MAX %d OUT_W %d OPT_BIASED %d OPT_WRAP %d: %lld vectors over shifts %d..%d "
              "(%d around the bounds, %d clamped, %d ties; both bounds reached and passed by one step at %d of the %d shifts "
              "that can reach them), %lld errors\n",
              IN_W, SHIFT_W, LSH, OUT_W, TB_OPT_BIASED, TB_OPT_WRAP, static_cast<long long>(checked), S_MIN, S_MAX, n_bound, n_clamped, n_ties,
              n_covered, n_reach, static_cast<long long>(errors));
  EXPECT_EQ(errors, 0);
  EXPECT_GT(n_reach, 0);
  EXPECT_EQ(n_covered, n_reach);
  EXPECT_GT(n_ties, S_MAX / 2);
}
}  // namespace
