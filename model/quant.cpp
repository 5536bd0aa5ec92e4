#include "quant.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "common.h"

namespace sf {

int ActQ::quantize(float v) const {
  const float q = round_half_up(std::ldexp(v, -exp)) + static_cast<float>(zp);
  return static_cast<int>(std::clamp(q, 0.0f, static_cast<float>(qmax)));
}

void Observer::update(float batch_lo, float batch_hi, float momentum) {
  if (!(batch_lo <= batch_hi)) return;  // empty batch
  if (!init) {
    lo = batch_lo;
    hi = batch_hi;
    init = true;
    return;
  }
  lo = (1.0f - momentum) * lo + momentum * batch_lo;
  hi = (1.0f - momentum) * hi + momentum * batch_hi;
}

ActQ Observer::qparams(int bits, int min_exp) const {
  ActQ q;
  q.qmax = (1 << bits) - 1;
  const float l = std::min(lo, 0.0f), h = std::max(hi, 0.0f);
  const float range = std::max(h - l, 1e-6f);
  q.exp = std::max(min_exp, static_cast<int>(std::ceil(std::log2(range / q.qmax))));
  const float zp = round_half_up(-l / std::ldexp(1.0f, q.exp));
  q.zp = static_cast<int>(std::clamp(zp, 0.0f, static_cast<float>(q.qmax)));
  return q;
}

int weight_qmax(int bits) {
  if (bits < 1 || bits > 16) throw Error(fmt::format("weight bits must be in 1..16, got {}", bits));
  return bits == 1 ? 1 : (1 << (bits - 1)) - 1;
}

int weight_quantize(float v, int bits, int e) {
  if (bits == 1) return v < 0.0f ? -1 : 1;
  const int m = weight_qmax(bits);
  const float q = round_half_up(std::ldexp(v, -e));
  return static_cast<int>(std::clamp(q, static_cast<float>(-m), static_cast<float>(m)));
}

int weight_exp(const float* v, size_t n, int bits) {
  float amax = 0.0f;
  double mean_abs = 0.0;
  for (size_t i = 0; i < n; ++i) {
    amax = std::max(amax, std::fabs(v[i]));
    mean_abs += std::fabs(v[i]);
  }
  if (amax == 0.0f) return 0;
  if (bits == 1) return static_cast<int>(std::lround(std::log2(mean_abs / n)));  // +-2^e ~ mean |v|
  const int m = weight_qmax(bits);
  const int emax = static_cast<int>(std::ceil(std::log2(amax / m)));
  if (bits > 4) return emax;
  int best = emax;
  double best_err = std::numeric_limits<double>::infinity();
  for (int e = emax; e >= emax - 3; --e) {
    double err = 0.0;
    for (size_t i = 0; i < n; ++i) {
      const double d = v[i] - std::ldexp(static_cast<float>(weight_quantize(v[i], bits, e)), e);
      err += d * d;
    }
    if (err < best_err) {
      best_err = err;
      best = e;
    }
  }
  return best;
}

int QuantSpec::bits_for(const std::string& linear_name) const {
  // linear names: enc_in, dec_in, out, encN.attn.q, decN.self.k, decN.cross.o, encN.ff1, ...
  std::string group = linear_name;
  const size_t first = linear_name.find('.');
  if (first != std::string::npos) {
    const size_t second = linear_name.find('.', first + 1);
    const std::string sub = linear_name.substr(first + 1, second == std::string::npos ? std::string::npos
                                                                                       : second - first - 1);
    const std::string kind = (sub == "ff1" || sub == "ff2") ? "ff" : sub;
    group = linear_name.substr(0, first) + "." + kind;  // e.g. enc0.attn, dec0.cross, enc1.ff
    for (const auto& [g, b] : bits)  // exact layer group, then the kind for every layer ("*.cross")
      if (g == group) return b;
    for (const auto& [g, b] : bits)
      if (g == "*." + kind) return b;
    return default_bits;
  }
  for (const auto& [g, b] : bits)
    if (g == group) return b;
  return default_bits;
}

std::vector<std::string> quant_presets() { return {"fp32", "paper", "all1", "all2", "all3", "all4", "all8"}; }

QuantSpec make_quant_spec(const std::string& preset) {
  QuantSpec s;
  s.preset = preset;
  if (preset == "fp32") {
    s.default_bits = 32;
  } else if (preset == "paper") {
    // The paper: every linear layer 2-bit except model output, encoder input, decoder input and the
    // context (cross) attention, kept at full precision (float in fake-quant, 8-bit when deployed).
    s.default_bits = 2;
    s.bits = {{"enc_in", 32}, {"dec_in", 32}, {"out", 32}, {"*.cross", 32}};
  } else if (preset.size() > 3 && preset.rfind("all", 0) == 0) {
    int b = 0;
    try {
      b = std::stoi(preset.substr(3));
    } catch (...) {
      b = 0;
    }
    if (b < 1 || b > 16) throw Error(fmt::format("unknown quantization preset '{}'", preset));
    s.default_bits = b;
  } else {
    std::string names;
    for (const auto& p : quant_presets()) names += (names.empty() ? "" : ", ") + p;
    throw Error(fmt::format("unknown quantization preset '{}' (presets: {})", preset, names));
  }
  return s;
}

}  // namespace sf
