// intref.cpp: reference functions of the integer arithmetic contract (see intref.h).
#include "intref.h"

#include <algorithm>
#include <cassert>
#include <stdexcept>

namespace sf {
namespace P = policy;

int64_t round_shift(int64_t x, int s) {
  assert(s >= -62 && s <= 62);
  if (s > 0) return (x + (int64_t{1} << (s - 1))) >> s;  // arithmetic shift: round half up
  if (s < 0) return static_cast<int64_t>(static_cast<uint64_t>(x) << -s);
  return x;
}

int64_t saturate(int64_t x, int64_t lo, int64_t hi) { return x < lo ? lo : (x > hi ? hi : x); }

int weight_max(int bits) {
  if (bits < 1 || bits > 16) throw std::invalid_argument("weight bits must be 1..16");
  return bits == 1 ? 1 : (1 << (bits - 1)) - 1;
}

static int32_t wrap32(int64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v)); }

int32_t shift_rescale(int32_t acc, const RescaleParams& p) {
  assert(p.shift >= P::RS_SHIFT_MIN && p.shift <= P::RS_SHIFT_MAX);
  assert(p.mult < (1u << P::RS_MULT_BITS));
  const int64_t m = int64_t{acc} * int64_t{p.mult};  // stage 1: multiplier
  const int64_t r = round_shift(m, p.shift);          // stage 2: rounding shift
  const int64_t z = r + p.zp;                         // stage 3: zero point
  return static_cast<int32_t>(saturate(z, p.lo, p.hi));  // stage 4: saturate
}

// Digit i of the radix-4 signed-digit (Booth) recoding of the wbits-bit pattern u.
static inline int booth_digit(unsigned u, int i) {
  const int b_hi = (u >> (2 * i + 1)) & 1, b_mid = (u >> (2 * i)) & 1;
  const int b_lo = i == 0 ? 0 : (u >> (2 * i - 1)) & 1;
  return -2 * b_hi + b_mid + b_lo;
}

std::vector<int> booth_digits(int w, int wbits) {
  assert(wbits % 2 == 0 && wbits >= 2 && wbits <= 8);
  const unsigned u = static_cast<unsigned>(w) & ((1u << wbits) - 1u);
  std::vector<int> d(wbits / 2);
  for (int i = 0; i < wbits / 2; ++i) d[i] = booth_digit(u, i);
  return d;
}

void qlinear(const int8_t* w, const uint8_t* x, const int32_t* bias, int n_out, int k, int wbits,
             int32_t* acc) {
  for (int o = 0; o < n_out; ++o) {
    uint32_t a = static_cast<uint32_t>(bias[o]);  // stage 1: load bias
    for (int j = 0; j < k; ++j) {
      const int wv = w[o * k + j];
      assert(wv >= -weight_max(wbits) && wv <= weight_max(wbits));
      const unsigned u = static_cast<unsigned>(wv) & ((1u << wbits) - 1u);
      for (int i = 0; i < wbits / 2; ++i)  // stage 2: digits (booth_digits), add/sub/skip of (d * x) << 2i
        a += static_cast<uint32_t>(booth_digit(u, i) * int32_t{x[j]}) << (2 * i);  // stage 3: wrap-around accumulate
    }
    acc[o] = static_cast<int32_t>(a);  // stage 4: emit
  }
}

int32_t fold_zero_point(int32_t bias, const int8_t* w_row, int k, int32_t zx) {
  int64_t sw = 0;
  for (int j = 0; j < k; ++j) sw += w_row[j];
  const int64_t b = int64_t{bias} - int64_t{zx} * sw;
  if (b < INT32_MIN || b > INT32_MAX) throw std::overflow_error("fold_zero_point: bias overflows int32");
  return static_cast<int32_t>(b);
}

int32_t actmac(const uint8_t* a, int32_t za, const uint8_t* b, int32_t zb, int n) {
  uint32_t acc = 0;
  for (int j = 0; j < n; ++j) {
    const int32_t da = int32_t{a[j]} - za, db = int32_t{b[j]} - zb;  // stage 1: 9-bit signed differences
    acc += static_cast<uint32_t>(da * db);                          // stage 2-3: product, accumulate
  }
  return static_cast<int32_t>(acc);
}

int32_t residual_add(uint8_t a, int32_t za, int sa, uint8_t b, int32_t zb, int sb) {
  assert(sa >= P::RES_SHIFT_MIN && sa <= P::RES_SHIFT_MAX && sb >= P::RES_SHIFT_MIN && sb <= P::RES_SHIFT_MAX);
  const int64_t ta = round_shift(int64_t{a} - za, sa), tb = round_shift(int64_t{b} - zb, sb);
  const int64_t lim = int64_t{1} << (P::RES_OUT_BITS - 1);
  return static_cast<int32_t>(saturate(ta + tb, -lim, lim - 1));
}

uint32_t exp2neg(uint32_t d, int extra) {
  constexpr int G = P::SM_FRAC_BITS, TB = P::SM_EXP_LUT_BITS;
  uint32_t q = d >> G;
  uint32_t idx = static_cast<uint32_t>(round_shift(d & ((1u << G) - 1u), G - TB));
  if (idx == (1u << TB)) { idx = 0; ++q; }
  const uint32_t s = std::min<uint32_t>(q + static_cast<uint32_t>(extra), 31u);
  return static_cast<uint32_t>(round_shift(P::EXP2_LUT[idx], static_cast<int>(s)));
}

uint32_t log2fix(uint32_t s) {
  constexpr int G = P::SM_FRAC_BITS, E = P::SM_EXP_OUT_BITS, LB = P::SM_LOG_LUT_BITS;
  assert(s >= (1u << E));
  int k = 31;
  while (!((s >> k) & 1u)) --k;
  const uint32_t u = s - (1u << k);
  uint32_t idx = static_cast<uint32_t>(round_shift(u, k - LB));
  if (idx == (1u << LB)) { idx = 0; ++k; }
  return (static_cast<uint32_t>(k - E) << G) + P::LOG2_LUT[idx];
}

void softmax(const int32_t* s, const uint8_t* keep, int n, int in_frac, uint8_t* p) {
  constexpr int G = P::SM_FRAC_BITS, E = P::SM_EXP_OUT_BITS, PB = P::SM_PROB_BITS;
  assert(in_frac >= 0 && in_frac <= G && n >= 1 && n <= P::SM_MAX_ROW);
  const auto kept = [&](int j) { return keep == nullptr || keep[j] != 0; };
  // stage 1: row maximum over kept scores
  bool any = false;
  int32_t m = 0;
  for (int j = 0; j < n; ++j)
    if (kept(j)) { m = any ? std::max(m, s[j]) : s[j]; any = true; }
  if (!any) { std::fill(p, p + n, 0); return; }
  // stage 2: d = m - s in log2 units with G fraction bits; stage 3: e = 2^-d; stage 4: sum
  std::vector<uint32_t> dd(n);
  uint32_t sum = 0;
  for (int j = 0; j < n; ++j) {
    dd[j] = static_cast<uint32_t>(m - s[j]) << (G - in_frac);
    if (kept(j)) sum += exp2neg(dd[j], 0);
  }
  // stage 5: L = log2(sum / 2^E); stage 6: p = 2^-(d + L), at PB bits, saturated
  const uint32_t l = log2fix(sum);
  for (int j = 0; j < n; ++j)
    p[j] = kept(j) ? static_cast<uint8_t>(std::min<uint32_t>(exp2neg(dd[j] + l, E - PB), (1u << PB) - 1u)) : 0;
}

void rsqrt_fix(uint64_t var, uint32_t* r, int* e) {
  constexpr int RB = P::LN_RSQRT_LUT_BITS;
  assert(var >= 1);
  int k = 63;
  while (!((var >> k) & 1u)) --k;
  int ex = k / 2;  // var in [4^ex, 4^(ex+1))
  uint64_t t = static_cast<uint64_t>(round_shift(static_cast<int64_t>(var), 2 * ex - RB));
  if (t == (uint64_t{4} << RB)) { t = uint64_t{1} << RB; ++ex; }
  *r = P::RSQRT_LUT[t - (uint64_t{1} << RB)];
  *e = ex;
}

void layernorm(const int32_t* x, const int32_t* gamma, const int32_t* beta, const LayerNormParams& p,
               int32_t* y) {
  constexpr int RQ = P::LN_RSQRT_OUT_BITS, ZF = P::LN_Z_FRAC_BITS;
  assert(p.log2n >= 0 && (1 << p.log2n) <= P::LN_MAX_ROW && p.eps >= 1 && p.out.mult == 1);
  const int n = 1 << p.log2n;
  int64_t s1 = 0;  // stage 1: sum
  for (int j = 0; j < n; ++j) s1 += x[j];
  const int64_t mean = round_shift(s1, p.log2n);  // stage 2: mean
  int64_t q = 0;                                  // stage 3: centred sum of squares
  for (int j = 0; j < n; ++j) q += (x[j] - mean) * (x[j] - mean);
  const uint64_t var = static_cast<uint64_t>(round_shift(q, p.log2n)) + p.eps;  // stage 4: variance
  uint32_t r;
  int e;
  rsqrt_fix(var, &r, &e);  // stage 5: inverse square root
  for (int j = 0; j < n; ++j) {
    const int64_t z = round_shift((x[j] - mean) * int64_t{r}, e + RQ - ZF);  // stage 6: normalize
    const int64_t v = z * gamma[j] + beta[j];                                // stage 7: affine
    y[j] = shift_rescale(wrap32(v), p.out);                                  // stage 8: rescale
  }
}

}  // namespace sf
