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

namespace {

// A layer-group name bits_for() knows: enc_in, dec_in, out, *.attn|self|cross|ff, encN.attn|ff,
// decN.self|cross|ff.
bool known_group(const std::string& g) {
  if (g == "enc_in" || g == "dec_in" || g == "out") return true;
  const size_t dot = g.find('.');
  if (dot == std::string::npos) return false;
  const std::string layer = g.substr(0, dot), kind = g.substr(dot + 1);
  if (layer == "*") return kind == "attn" || kind == "self" || kind == "cross" || kind == "ff";
  auto numbered = [&](const char* prefix) {
    const size_t n = std::char_traits<char>::length(prefix);
    return layer.size() > n && layer.compare(0, n, prefix) == 0 &&
           std::all_of(layer.begin() + n, layer.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  };
  if (numbered("enc")) return kind == "attn" || kind == "ff";
  if (numbered("dec")) return kind == "self" || kind == "cross" || kind == "ff";
  return false;
}

// Weight bits of a preset or override: 1..16, or 32 (float in fake-quant).
int parse_bits(const std::string& text, const std::string& what) {
  int b = 0;
  size_t used = 0;
  try {
    b = std::stoi(text, &used);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !((b >= 1 && b <= 16) || b == 32))
    throw Error(fmt::format("{}: bits '{}' must be 1 to 16, or 32 (float)", what, text));
  return b;
}

QuantSpec make_base_spec(const std::string& preset);

}  // namespace

// "PRESET" or "PRESET,group=bits,..." or "group=bits,..." (on fp32): a preset with per-group overrides.
QuantSpec make_quant_spec(const std::string& preset) {
  const size_t comma = preset.find(',');
  const bool list_only = preset.find('=') != std::string::npos &&
                         (comma == std::string::npos || preset.find('=') < comma);
  QuantSpec s = make_base_spec(list_only ? "fp32" : preset.substr(0, comma));
  s.preset = preset;
  if (!list_only && comma == std::string::npos) return s;
  size_t pos = list_only ? 0 : comma + 1;
  while (pos <= preset.size()) {
    const size_t end = std::min(preset.find(',', pos), preset.size());
    const std::string item = preset.substr(pos, end - pos);
    const size_t eq = item.find('=');
    if (eq == std::string::npos)
      throw Error(fmt::format("quantization spec '{}': '{}' is not group=bits", preset, item));
    const std::string group = item.substr(0, eq);
    const int b = parse_bits(item.substr(eq + 1), fmt::format("quantization spec '{}': {}", preset, group));
    if (group == "default") {
      s.default_bits = b;
    } else {
      if (!known_group(group))
        throw Error(fmt::format("quantization spec '{}': unknown layer group '{}' (groups: enc_in, dec_in, out, "
                                "default, *.attn, *.self, *.cross, *.ff, encN.attn, encN.ff, decN.self, "
                                "decN.cross, decN.ff)",
                                preset, group));
      s.bits.erase(std::remove_if(s.bits.begin(), s.bits.end(), [&](const auto& gb) { return gb.first == group; }),
                   s.bits.end());
      s.bits.emplace_back(group, b);
    }
    pos = end + 1;
  }
  return s;
}

namespace {

QuantSpec make_base_spec(const std::string& preset) {
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

}  // namespace

}  // namespace sf
