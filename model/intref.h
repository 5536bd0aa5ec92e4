// intref.h: the integer arithmetic contract of shiftformer. One C++ reference function per RTL unit, with
// the same name (rtl/sf_<name>.v) and the same stage order. The widths and tables come from
// build/generated/sf_policy.h, generated from configs/numeric_policy.toml (the one source of truth).
// The RTL is compared bit-exactly against these functions (sim/), the integer engine and the QAT trainer
// call them, so nothing here may change without the RTL changing with it. docs/architecture.md explains
// every choice; docs/units.md lists the units.
//
// The one rounding rule (round half up) and saturation live in round_shift() and saturate(); every
// rounding step below goes through them.
#pragma once
#include <cstdint>
#include <vector>

#include "sf_policy.h"

namespace sf {

// ---- rounding and saturation: written once -----------------------------------------------------------
// round_shift(x, s): s > 0: (x + 2^(s-1)) >> s (arithmetic; round half up, i.e. towards +inf on ties);
//                    s == 0: x;  s < 0: x << -s (exact). Requires |s| <= 62 and no overflow of the left shift.
int64_t round_shift(int64_t x, int s);
// saturate(x, lo, hi): clamp to [lo, hi] (lo <= hi).
int64_t saturate(int64_t x, int64_t lo, int64_t hi);
// Narrow-range symmetric weight bounds for b bits: [-(2^(b-1)-1), 2^(b-1)-1]; b == 1 gives {-1, +1}.
int weight_max(int bits);

// ---- shift_rescale (rtl/sf_shift_rescale.v) -----------------------------------------------------------
// stages: acc(int32) -> * mult (unsigned, 1 = pure shift) -> round_shift(shift) -> + zp -> saturate(lo, hi)
// ReLU is lo = zp. shift in [RS_SHIFT_MIN, RS_SHIFT_MAX] (negative = exact left shift).
struct RescaleParams {
  uint32_t mult = 1;  // RS_MULT_BITS unsigned
  int shift = 0;      // signed
  int32_t zp = 0;     // ZP_BITS signed
  int32_t lo = 0;     // saturation bounds, ZP_BITS signed
  int32_t hi = 255;
};
int32_t shift_rescale(int32_t acc, const RescaleParams& p);

// ---- qlinear (rtl/sf_qlinear.v) -------------------------------------------------------------------------
// stages: load bias -> per beat: each weight as wbits/2 radix-4 signed digits d in {-2..2}, add/sub/skip of
//         (d * x) << 2i -> int32 wrap-around accumulation -> emit the accumulators.
// x unsigned ACT_BITS (the activation zero point is folded into the bias: fold_zero_point()).
// booth_digits: w (b-bit two's complement) -> b/2 digits, w == sum_i d_i * 4^i.
std::vector<int> booth_digits(int w, int wbits);
// w: (n_out, k) row-major, x: (k), bias: (n_out) -> acc: (n_out)
void qlinear(const int8_t* w, const uint8_t* x, const int32_t* bias, int n_out, int k, int wbits,
             int32_t* acc);
// Export-time fold of the input zero point zx: bias' = bias - zx * sum_k w[k] (one output row).
int32_t fold_zero_point(int32_t bias, const int8_t* w_row, int k, int32_t zx);

// ---- actmac (rtl/sf_actmac.v) -----------------------------------------------------------------------------
// stages: (a - za), (b - zb) as 9-bit signed -> product -> int32 wrap-around accumulation from 0 -> emit.
// Activation-by-activation dot product (Q.K^T scores, P.V with zp 0 for P).
int32_t actmac(const uint8_t* a, int32_t za, const uint8_t* b, int32_t zb, int n);

// ---- residual_add (rtl/sf_residual_add.v) -----------------------------------------------------------------
// stages: (a - za), (b - zb) -> round_shift by sa, sb (two power-of-two scales aligned) -> add ->
//         saturate to RES_OUT_BITS signed (the LayerNorm input).
int32_t residual_add(uint8_t a, int32_t za, int sa, uint8_t b, int32_t zb, int sb);

// ---- softmax (rtl/sf_softmax.v): base-2, log-sum-exp normalization, no multiplier, no divider --------------
// stages: max over kept scores -> d = max - s, D = d << (G - in_frac) -> e = exp2neg(D) (table of 2^-f) ->
//         S = sum e -> L = log2(S / 2^E) (leading one + table) -> p = exp2neg(D + L) >> (E - P), saturate.
// s: signed SM_SCORE_BITS scores with value s * 2^-in_frac in log2 units (0 <= in_frac <= G); keep: 0 marks
// a masked element (p = 0, excluded from max and sum), nullptr keeps all. p: UQ0.SM_PROB_BITS.
// A row with every element masked yields all zeros.
// exp2neg(D, extra) = round_shift(EXP2[idx], q + extra) with D = q.f (G fraction bits), idx = f rounded to
// SM_EXP_LUT_BITS bits (a carry moves to q); the result approximates 2^E * 2^-(D / 2^G) / 2^extra.
uint32_t exp2neg(uint32_t d, int extra);
// log2fix(S): S >= 2^E; returns round(2^G * log2(S / 2^E)) via leading one + SM_LOG_LUT_BITS table.
uint32_t log2fix(uint32_t s);
void softmax(const int32_t* s, const uint8_t* keep, int n, int in_frac, uint8_t* p);

// ---- layernorm (rtl/sf_layernorm.v) -------------------------------------------------------------------------
// stages: S1 = sum x -> mean = round_shift(S1, log2n) -> c = x - mean, Q = sum c^2 -> var = round_shift(Q,
//         log2n) + eps -> rsqrt by normalization var = m * 4^e, m in [1,4) and a (3 * 2^RB)-entry table ->
//         z = round_shift(c * R, e + RQ - ZF) -> y = z * gamma + beta -> shift_rescale(y, out).
// x: (n = 2^log2n) signed LN_IN_BITS; gamma: signed LN_GAMMA_BITS; beta: int32 at the scale of z*gamma
// (z has LN_Z_FRAC_BITS fraction bits); out: the shift_rescale of y (mult must be 1). eps >= 1 in x-units^2.
struct LayerNormParams {
  int log2n = 5;
  uint32_t eps = 1;
  RescaleParams out;
};
// rsqrt_fix(var): var >= 1; returns (R, e) with 1/sqrt(var) ~= R * 2^-(e + RQ).
void rsqrt_fix(uint64_t var, uint32_t* r, int* e);
void layernorm(const int32_t* x, const int32_t* gamma, const int32_t* beta, const LayerNormParams& p,
               int32_t* y);

}  // namespace sf
