// Quantization on power-of-two scales (the numeric policy of docs/architecture.md): the fake-quant
// primitives of QAT, the observers, and the per-layer precision presets.
//
// Activations: unsigned ACT_BITS (8) with a zero point: real = (q - zp) * 2^exp.
// Weights and biases: symmetric narrow range, real = q * 2^exp, q in [-(2^(b-1)-1), 2^(b-1)-1] (b = 1: +-1).
// Every rounding is round half up (floor(v + 0.5)), the policy's one rule, so a fake-quantized value equals
// what round_shift() computes on the integer path whenever the float arithmetic is exact.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace sf {

inline float round_half_up(float v) { return std::floor(v + 0.5f); }
inline double round_half_up(double v) { return std::floor(v + 0.5); }

// Activation quantization parameters: real = (q - zp) * 2^exp, q in [0, qmax].
struct ActQ {
  int exp = 0;
  int zp = 0;
  int qmax = 255;
  float scale() const { return std::ldexp(1.0f, exp); }
  float lo() const { return (0 - zp) * scale(); }
  float hi() const { return (qmax - zp) * scale(); }
  int quantize(float v) const;  // round half up, saturate
};

// Moving-average min-max observer (ElasticAI.Creator's rule): lo <- (1-m) lo + m batch_min, same for hi.
// The first batch initializes it. momentum 1 gives plain last-batch min-max; qparams() covers 0 always.
struct Observer {
  float lo = 0.0f, hi = 0.0f;
  bool init = false;
  void update(float batch_lo, float batch_hi, float momentum);
  ActQ qparams(int bits = 8, int min_exp = -1000) const;  // exponent at least min_exp
};

// Running min/max of one quantization point within a batch (merged across gradient slots).
struct MinMax {
  float lo = INFINITY, hi = -INFINITY;
  void add(float v) { lo = std::min(lo, v); hi = std::max(hi, v); }
  void merge(const MinMax& o) { lo = std::min(lo, o.lo); hi = std::max(hi, o.hi); }
};

int weight_qmax(int bits);  // 2^(b-1)-1, or 1 for b = 1
// Power-of-two scale exponent of a symmetric per-tensor quantizer of `bits` for values v[0..n).
// "max" covers max|v|; for <= 4 bits the exponent minimizing the squared error among max-3..max is used.
int weight_exp(const float* v, size_t n, int bits);
// Quantizes v to bits at exponent e: q = clamp(round_half_up(v / 2^e)) (b = 1: sign, zero -> +1).
int weight_quantize(float v, int bits, int e);

// Per-layer precision: bits of the weights of every linear layer ("32" = float, kept at full precision
// in fake-quant; deployed at `deploy_bits_for_float`).
struct QuantSpec {
  std::string preset = "fp32";
  // layer-group name -> bits; groups: enc_in, dec_in, out, and per layer "<layer>.attn|self|cross|ff".
  std::vector<std::pair<std::string, int>> bits;
  int default_bits = 32;
  int deploy_bits_for_float = 8;
  int bias_bits = 0;          // 0: same as the layer's weights; otherwise a fixed width
  int ln_gamma_bits = 8;      // LayerNorm gamma (the policy's LN_GAMMA_BITS)
  int ln_beta_bits = 16;      // LayerNorm beta: stored at 16 bits, expanded onto the z*gamma grid
  int act_bits = 8;
  float momentum = 0.01f;     // observer moving-average momentum
  int bits_for(const std::string& linear_name) const;  // e.g. "enc0.attn.q" -> bits
};
// Presets: fp32, paper, all1 (binary) .. all16, each optionally followed by per-group overrides:
// "all2,enc_in=32,*.ff=32" (bits 1..16 or 32 = float; "default=N" sets the rest); a list alone
// ("enc_in=2") starts from fp32. Unknown groups or widths throw. The whole string is the spec's name.
QuantSpec make_quant_spec(const std::string& preset);
std::vector<std::string> quant_presets();

}  // namespace sf
