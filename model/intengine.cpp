#include "intengine.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "binio.h"
#include "checkpoint.h"  // write_file_atomic, read_file, crc32_of
#include "common.h"

namespace sf {

namespace {
constexpr int kRawFrac = 6;  // Q10.6 readings (qmodel.h kRawFracBits)
}  // namespace

int weight_mode_bits(int bits) { return bits <= 2 ? 2 : (bits <= 4 ? 4 : 8); }

void set_pow2_shift(RescaleParams& r, int shift) {
  if (shift > policy::RS_SHIFT_MAX)
    throw Error(fmt::format("rescale by 2^-{} exceeds the shifter (at most {})", shift, policy::RS_SHIFT_MAX));
  if (shift >= policy::RS_SHIFT_MIN) {
    r.mult = 1;
    r.shift = shift;
    return;
  }
  if (-shift >= policy::RS_MULT_BITS) throw Error(fmt::format("rescale by 2^{} exceeds the multiplier", -shift));
  r.mult = 1u << -shift;
  r.shift = 0;
}

RescaleParams act_rescale(int shift, const IntAct& a, bool relu) {
  RescaleParams r;
  set_pow2_shift(r, shift);
  r.zp = a.zp;
  r.lo = relu ? a.zp : 0;
  r.hi = (1 << policy::ACT_BITS) - 1;
  return r;
}

IntEngine::IntEngine(const IntModel& m) : m_(m), ex_(m.lin.size()) {
  const IntAct& in = m.acts[m.act_in];
  in_rescale_ = act_rescale(in.exp + kRawFrac, in, false);  // (raw - last) in Q10.6 -> input activation
  for (size_t li = 0; li < m.lin.size(); ++li) {
    const IntLinear& l = m.lin[li];
    const IntAct& xa = m.acts[l.in_act];
    const int eacc = xa.exp + l.w_exp;
    Expanded& e = ex_[li];
    const bool emb = static_cast<int>(li) == m.l_enc_in || static_cast<int>(li) == m.l_dec_in;
    e.rows = emb ? m.seq_len + m.pred_len : 1;
    e.bias.assign(static_cast<size_t>(e.rows) * l.n_out, 0);
    for (int r = 0; r < e.rows; ++r)
      for (int o = 0; o < l.n_out; ++o) {
        // bias (b_bits at 2^b_exp) onto the accumulator grid 2^eacc, plus the positional encoding for the
        // embeddings (row = position), then the input zero point folded in.
        int64_t b = round_shift(l.b[o], eacc - l.b_exp);
        if (emb) b += round_shift(m.pe[static_cast<size_t>(r) * m.d_model + o], eacc + m.pe_frac);
        if (b < INT32_MIN || b > INT32_MAX) throw Error(fmt::format("{}: bias overflows int32", l.name));
        try {
          e.bias[static_cast<size_t>(r) * l.n_out + o] =
              fold_zero_point(static_cast<int32_t>(b), &l.w[static_cast<size_t>(o) * l.n_in], l.n_in, xa.zp);
        } catch (const std::overflow_error&) {
          throw Error(fmt::format("{}: folded bias overflows int32", l.name));
        }
      }
    if (l.out_act >= 0) {
      e.out = act_rescale(m.acts[l.out_act].exp - eacc, m.acts[l.out_act], l.relu);
    } else {  // the output head: forecast delta in Q10.6, signed 16-bit
      set_pow2_shift(e.out, -kRawFrac - eacc);
      e.out.zp = 0;
      e.out.lo = -32768;
      e.out.hi = 32767;
    }
  }
}

void IntEngine::linear(int li, const uint8_t* x, int rows, uint8_t* y) const {
  const IntLinear& l = m_.lin[li];
  const Expanded& e = ex_[li];
  std::vector<int32_t> acc(l.n_out);
  for (int r = 0; r < rows; ++r) {
    const int32_t* bias = e.bias.data() + (e.rows > 1 ? static_cast<size_t>(r) * l.n_out : 0);
    qlinear(l.w.data(), x + static_cast<size_t>(r) * l.n_in, bias, l.n_out, l.n_in, weight_mode_bits(l.bits),
            acc.data());
    for (int o = 0; o < l.n_out; ++o)
      y[static_cast<size_t>(r) * l.n_out + o] = static_cast<uint8_t>(shift_rescale(acc[o], e.out));
  }
}

void IntEngine::mha(const IntMha& h, const uint8_t* xq, int tq, const uint8_t* xkv, int tk, bool causal,
                    uint8_t* out) const {
  const int d = m_.d_model, nh = m_.n_heads, dh = d / nh;
  std::vector<uint8_t> q(static_cast<size_t>(tq) * d), k(static_cast<size_t>(tk) * d),
      v(static_cast<size_t>(tk) * d), o(static_cast<size_t>(tq) * d);
  linear(h.lq, xq, tq, q.data());
  linear(h.lk, xkv, tk, k.data());
  linear(h.lv, xkv, tk, v.data());
  const IntAct &aq = m_.acts[m_.lin[h.lq].out_act], &ak = m_.acts[m_.lin[h.lk].out_act],
               &av = m_.acts[m_.lin[h.lv].out_act], &ao = m_.acts[m_.lin[h.lo].in_act];
  // scores in log2 units with in_frac fraction bits; P.V rescaled to the o activation
  RescaleParams score{1, 0, 0, -32768, 32767};
  set_pow2_shift(score, -(aq.exp + ak.exp + m_.attn_exp + m_.in_frac));
  const RescaleParams pv = act_rescale(ao.exp - (av.exp - policy::SM_PROB_BITS), ao, false);
  std::vector<int32_t> s(tk);
  std::vector<uint8_t> keep(tk), p(tk), vcol(tk);
  for (int hh = 0; hh < nh; ++hh) {
    for (int i = 0; i < tq; ++i) {
      for (int j = 0; j < tk; ++j) {
        const int32_t acc = actmac(&q[static_cast<size_t>(i) * d + hh * dh], aq.zp,
                                   &k[static_cast<size_t>(j) * d + hh * dh], ak.zp, dh);
        s[j] = shift_rescale(acc, score);
        keep[j] = (!causal || j <= i) ? 1 : 0;
      }
      softmax(s.data(), keep.data(), tk, m_.in_frac, p.data());
      for (int c = 0; c < dh; ++c) {
        for (int j = 0; j < tk; ++j) vcol[j] = v[static_cast<size_t>(j) * d + hh * dh + c];
        o[static_cast<size_t>(i) * d + hh * dh + c] =
            static_cast<uint8_t>(shift_rescale(actmac(p.data(), 0, vcol.data(), av.zp, tk), pv));
      }
    }
  }
  linear(h.lo, o.data(), tq, out);
}

void IntEngine::add_norm(const uint8_t* a, int act_a, const uint8_t* b, int act_b, int ln, int rows,
                         uint8_t* y) const {
  const IntAct &A = m_.acts[act_a], &B = m_.acts[act_b];
  const int er = std::max(std::min<int>(A.exp, B.exp), std::max<int>(A.exp, B.exp) - policy::RES_SHIFT_MAX);
  const IntLayerNorm& n = m_.ln[ln];
  const IntAct& o = m_.acts[m_.ln_out_act[ln]];
  const int eb = n.g_exp - policy::LN_Z_FRAC_BITS;
  std::vector<int32_t> beta(n.d), x(n.d), out(n.d);
  for (int j = 0; j < n.d; ++j) beta[j] = static_cast<int32_t>(round_shift(n.beta[j], eb - n.beta_exp));
  LayerNormParams lp;
  lp.log2n = 0;
  while ((1 << lp.log2n) < n.d) ++lp.log2n;
  lp.eps = n.eps;
  lp.out = act_rescale(o.exp - eb, o, false);
  for (int r = 0; r < rows; ++r) {
    for (int j = 0; j < n.d; ++j) {
      const size_t i = static_cast<size_t>(r) * n.d + j;
      x[j] = residual_add(a[i], A.zp, er - A.exp, b[i], B.zp, er - B.exp);
    }
    layernorm(x.data(), n.gamma.data(), beta.data(), lp, out.data());
    for (int j = 0; j < n.d; ++j) y[static_cast<size_t>(r) * n.d + j] = static_cast<uint8_t>(out[j]);
  }
}

void IntEngine::run(const int32_t* raw, int32_t* forecast) const {
  const int L = m_.seq_len, H = m_.pred_len, ll = m_.label_len, S = ll + H, d = m_.d_model;
  const int32_t last = raw[L - 1];
  std::vector<uint8_t> xe(L), xd(S);
  for (int t = 0; t < L; ++t) xe[t] = static_cast<uint8_t>(shift_rescale(raw[t] - last, in_rescale_));
  for (int t = 0; t < S; ++t)
    xd[t] = static_cast<uint8_t>(shift_rescale(t < ll ? raw[L - ll + t] - last : 0, in_rescale_));
  // embeddings: the positional-encoding rows of the decoder start at L - label_len
  std::vector<uint8_t> x(static_cast<size_t>(L) * d), y(static_cast<size_t>(S) * d);
  {
    const IntLinear& l = m_.lin[m_.l_enc_in];
    const Expanded& e = ex_[m_.l_enc_in];
    std::vector<int32_t> acc(d);
    for (int t = 0; t < L; ++t) {
      qlinear(l.w.data(), &xe[t], e.bias.data() + static_cast<size_t>(t) * d, d, 1, weight_mode_bits(l.bits),
              acc.data());
      for (int o = 0; o < d; ++o) x[static_cast<size_t>(t) * d + o] = static_cast<uint8_t>(shift_rescale(acc[o], e.out));
    }
    const IntLinear& ld = m_.lin[m_.l_dec_in];
    const Expanded& ed = ex_[m_.l_dec_in];
    for (int t = 0; t < S; ++t) {
      qlinear(ld.w.data(), &xd[t], ed.bias.data() + static_cast<size_t>(L - ll + t) * d, d, 1,
              weight_mode_bits(ld.bits), acc.data());
      for (int o = 0; o < d; ++o) y[static_cast<size_t>(t) * d + o] = static_cast<uint8_t>(shift_rescale(acc[o], ed.out));
    }
  }
  int x_act = m_.act_enc_emb;
  const size_t rows = static_cast<size_t>(std::max(L, S));  // scratch for either sequence
  std::vector<uint8_t> t1(rows * d), a(rows * d), hbuf, t2(rows * d);
  for (const IntEncLayer& e : m_.enc) {
    mha(e.attn, x.data(), L, x.data(), L, false, t1.data());
    add_norm(x.data(), x_act, t1.data(), m_.lin[e.attn.lo].out_act, e.ln1, L, a.data());
    hbuf.resize(static_cast<size_t>(L) * m_.lin[e.ff1].n_out);
    linear(e.ff1, a.data(), L, hbuf.data());
    linear(e.ff2, hbuf.data(), L, t2.data());
    add_norm(a.data(), m_.ln_out_act[e.ln1], t2.data(), m_.lin[e.ff2].out_act, e.ln2, L, x.data());
    x_act = m_.ln_out_act[e.ln2];
  }
  int y_act = m_.act_dec_emb;
  std::vector<uint8_t> b(static_cast<size_t>(S) * d);
  for (const IntDecLayer& e : m_.dec) {
    mha(e.self, y.data(), S, y.data(), S, true, t1.data());
    add_norm(y.data(), y_act, t1.data(), m_.lin[e.self.lo].out_act, e.ln1, S, a.data());
    mha(e.cross, a.data(), S, x.data(), L, false, t1.data());
    add_norm(a.data(), m_.ln_out_act[e.ln1], t1.data(), m_.lin[e.cross.lo].out_act, e.ln2, S, b.data());
    hbuf.resize(static_cast<size_t>(S) * m_.lin[e.ff1].n_out);
    linear(e.ff1, b.data(), S, hbuf.data());
    linear(e.ff2, hbuf.data(), S, t2.data());
    add_norm(b.data(), m_.ln_out_act[e.ln2], t2.data(), m_.lin[e.ff2].out_act, e.ln3, S, y.data());
    y_act = m_.ln_out_act[e.ln3];
  }
  const IntLinear& lo = m_.lin[m_.l_out];
  const Expanded& eo = ex_[m_.l_out];
  int32_t acc = 0;
  for (int h = 0; h < H; ++h) {
    qlinear(lo.w.data(), &y[static_cast<size_t>(ll + h) * d], eo.bias.data(), 1, d, weight_mode_bits(lo.bits),
            &acc);
    forecast[h] = shift_rescale(acc, eo.out) + last;
  }
}

// ---------------------------------------------------------------------------------------------------------
// File format: magic, version, then the fields in declaration order; CRC-32 at the end (like checkpoints).

void save_int_model(const std::string& path, const IntModel& m) {
  BinWriter w;
  w.buf.append(kIntModelMagic, 8);
  w.pod<uint32_t>(kIntModelVersion);
  w.pod<int32_t>(policy::POLICY_VERSION);
  for (int v : {m.seq_len, m.pred_len, m.label_len, m.d_model, m.n_heads, m.attn_exp, m.in_frac, m.act_in,
                m.act_enc_emb, m.act_dec_emb, m.pe_frac, m.l_enc_in, m.l_dec_in, m.l_out})
    w.pod<int32_t>(v);
  w.pod<uint64_t>(m.acts.size());
  for (const IntAct& a : m.acts) { w.pod<int8_t>(a.exp); w.pod<int16_t>(a.zp); }
  w.pod<uint64_t>(m.lin.size());
  for (const IntLinear& l : m.lin) {
    w.str(l.name);
    for (int v : {l.n_in, l.n_out, l.bits, l.in_act, l.out_act, l.w_exp, l.b_bits, l.b_exp, l.relu ? 1 : 0})
      w.pod<int32_t>(v);
    w.vec(l.w);
    w.vec(l.b);
  }
  w.pod<uint64_t>(m.ln.size());
  for (const IntLayerNorm& n : m.ln) {
    for (int v : {n.d, n.g_exp, n.beta_bits, n.beta_exp, static_cast<int>(n.eps)}) w.pod<int32_t>(v);
    w.vec(n.gamma);
    w.vec(n.beta);
  }
  w.vec(m.pe);
  w.vec(m.ln_out_act);
  w.pod<uint64_t>(m.enc.size());
  for (const IntEncLayer& e : m.enc)
    for (int v : {e.attn.lq, e.attn.lk, e.attn.lv, e.attn.lo, e.ln1, e.ln2, e.ff1, e.ff2}) w.pod<int32_t>(v);
  w.pod<uint64_t>(m.dec.size());
  for (const IntDecLayer& e : m.dec)
    for (int v : {e.self.lq, e.self.lk, e.self.lv, e.self.lo, e.ln1, e.cross.lq, e.cross.lk, e.cross.lv,
                  e.cross.lo, e.ln2, e.ff1, e.ff2, e.ln3})
      w.pod<int32_t>(v);
  const uint32_t crc = crc32_of(w.buf);
  w.pod<uint32_t>(crc);
  write_file_atomic(path, w.buf);
}

namespace {
// Everything IntEngine and the reference functions of intref.h rely on (their asserts), checked on a loaded
// file: a model that passes runs without out-of-range access or a violated precondition; one that does not
// fails with one sf::Error naming the file and the field. (Found by tests/fuzz/fuzz_intmodel.cpp.)
void check_shape(const IntModel& m, const std::string& path) {
  auto fail = [&](const std::string& what) { throw Error(fmt::format("{}: {}", path, what)); };
  auto range = [&](int64_t v, int64_t lo, int64_t hi, const std::string& what) {
    if (v < lo || v > hi) fail(fmt::format("{} = {} is out of range [{}, {}]", what, v, lo, hi));
  };
  const int d = m.d_model, L = m.seq_len, H = m.pred_len;
  range(L, 1, policy::SM_MAX_ROW, "seq_len");  // attention rows of the softmax unit
  range(H, 1, 4096, "pred_len");
  range(m.label_len, 0, L, "label_len");
  range(m.label_len + H, 1, policy::SM_MAX_ROW, "label_len + pred_len");
  range(d, 1, policy::LN_MAX_ROW, "d_model");  // LayerNorm rows
  range(m.n_heads, 1, d, "n_heads");
  if (d % m.n_heads != 0) fail(fmt::format("d_model {} is not a multiple of n_heads {}", d, m.n_heads));
  range(m.in_frac, 0, policy::SM_FRAC_BITS, "in_frac");
  constexpr int kExp = 32;  // every stored exponent; the shifts derived from them are checked below
  range(m.attn_exp, -kExp, kExp, "attn_exp");
  range(m.pe_frac, -kExp, kExp, "pe_frac");
  const int na = static_cast<int>(m.acts.size());
  auto act = [&](int i, const char* what) -> const IntAct& {
    range(i, 0, na - 1, what);
    return m.acts[i];
  };
  for (const IntAct& a : m.acts) range(a.exp, -kExp, kExp, "activation exponent");
  act(m.act_in, "act_in");
  act(m.act_enc_emb, "act_enc_emb");
  act(m.act_dec_emb, "act_dec_emb");
  auto shift = [&](int s, const std::string& what) { range(s, -62, 62, what + " shift"); };
  // a power-of-two rescale in sf_shift_rescale: right shift up to RS_SHIFT_MAX, left through the multiplier
  auto rescale = [&](int s, const std::string& what) {
    range(s, 1 - policy::RS_MULT_BITS, policy::RS_SHIFT_MAX, what + " rescale shift");
  };
  rescale(act(m.act_in, "act_in").exp + kRawFrac, "input");
  const int nl = static_cast<int>(m.lin.size());
  for (int li = 0; li < nl; ++li) {
    const IntLinear& l = m.lin[li];
    range(l.n_in, 1, 8192, l.name + " n_in");
    range(l.n_out, 1, 8192, l.name + " n_out");
    range(l.bits, 1, 8, l.name + " bits");
    range(l.b_bits, 1, 32, l.name + " b_bits");
    range(l.w_exp, -kExp, kExp, l.name + " w_exp");
    range(l.b_exp, -kExp, kExp, l.name + " b_exp");
    const int wmax = weight_max(weight_mode_bits(l.bits));
    for (int8_t w : l.w)
      if (w < -wmax || w > wmax) fail(fmt::format("{}: weight {} outside the {}-bit range", l.name, w, l.bits));
    const int eacc = act(l.in_act, "in_act").exp + l.w_exp;
    shift(eacc - l.b_exp, l.name + " bias");
    if (li == m.l_enc_in || li == m.l_dec_in) shift(eacc + m.pe_frac, l.name + " positional encoding");
    if (li == m.l_out) {
      if (l.out_act != -1) fail(fmt::format("{}: the output head has an activation", l.name));
      rescale(-kRawFrac - eacc, l.name + " output");
    } else {
      rescale(act(l.out_act, "out_act").exp - eacc, l.name + " output");
    }
  }
  auto lin = [&](int i, int n_in, int n_out, const char* what) -> const IntLinear& {
    range(i, 0, nl - 1, what);
    const IntLinear& l = m.lin[i];
    if ((n_in > 0 && l.n_in != n_in) || (n_out > 0 && l.n_out != n_out))
      fail(fmt::format("{} ({}) is {} -> {}, expected {} -> {}", what, l.name, l.n_in, l.n_out, n_in, n_out));
    return l;
  };
  lin(m.l_enc_in, 1, d, "encoder embedding");
  lin(m.l_dec_in, 1, d, "decoder embedding");
  lin(m.l_out, d, 1, "output head");
  for (size_t i = 0; i < m.ln.size(); ++i) {
    const IntLayerNorm& n = m.ln[i];
    if (n.d != d || n.gamma.size() != static_cast<size_t>(d) || n.beta.size() != static_cast<size_t>(d))
      fail(fmt::format("LayerNorm {} does not have d_model = {} elements", i, d));
    range(n.g_exp, -kExp, kExp, "LayerNorm g_exp");
    range(n.beta_exp, -kExp, kExp, "LayerNorm beta_exp");
    range(n.beta_bits, 1, 32, "LayerNorm beta_bits");
    range(n.eps, 1, 65535, "LayerNorm eps");
    for (int32_t g : n.gamma) range(g, -128, 127, "LayerNorm gamma");
    const int eb = n.g_exp - policy::LN_Z_FRAC_BITS;
    shift(eb - n.beta_exp, "LayerNorm beta");
    range(act(m.ln_out_act[i], "LayerNorm output activation").exp - eb, 0, policy::RS_SHIFT_MAX,
          "LayerNorm output shift");
  }
  auto ln = [&](int i, const char* what) {
    range(i, 0, static_cast<int>(m.ln.size()) - 1, what);
    return m.ln_out_act[i];
  };
  // a residual pair: the aligned exponent must be reachable by both shifts (residual_add)
  auto residual = [&](int a, int b, const char* what) {
    range(std::abs(act(a, what).exp - act(b, what).exp), 0, 2 * policy::RES_SHIFT_MAX,
          std::string(what) + " exponent difference");
  };
  auto mha = [&](const IntMha& h) {
    for (int i : {h.lq, h.lk, h.lv, h.lo}) lin(i, d, d, "attention projection");
    const IntAct &aq = m.acts[m.lin[h.lq].out_act], &ak = m.acts[m.lin[h.lk].out_act],
                 &av = m.acts[m.lin[h.lv].out_act], &ao = m.acts[m.lin[h.lo].in_act];
    rescale(-(aq.exp + ak.exp + m.attn_exp + m.in_frac), "attention score");
    rescale(ao.exp - (av.exp - policy::SM_PROB_BITS), "attention output");
  };
  int x_act = m.act_enc_emb;
  for (const IntEncLayer& e : m.enc) {
    mha(e.attn);
    residual(x_act, m.lin[e.attn.lo].out_act, "encoder residual 1");
    const IntLinear& f1 = lin(e.ff1, d, 0, "encoder ff1");
    lin(e.ff2, f1.n_out, d, "encoder ff2");
    residual(ln(e.ln1, "encoder ln1"), m.lin[e.ff2].out_act, "encoder residual 2");
    x_act = ln(e.ln2, "encoder ln2");
  }
  int y_act = m.act_dec_emb;
  for (const IntDecLayer& e : m.dec) {
    mha(e.self);
    residual(y_act, m.lin[e.self.lo].out_act, "decoder residual 1");
    mha(e.cross);
    residual(ln(e.ln1, "decoder ln1"), m.lin[e.cross.lo].out_act, "decoder residual 2");
    const IntLinear& f1 = lin(e.ff1, d, 0, "decoder ff1");
    lin(e.ff2, f1.n_out, d, "decoder ff2");
    residual(ln(e.ln2, "decoder ln2"), m.lin[e.ff2].out_act, "decoder residual 3");
    y_act = ln(e.ln3, "decoder ln3");
  }
}
}  // namespace

IntModel load_int_model(const std::string& path) {
  const std::string b = read_file(path);
  if (b.size() < 16 || std::memcmp(b.data(), kIntModelMagic, 8) != 0)
    throw Error(fmt::format("{}: not a shiftformer integer model file (bad magic)", path));
  BinReader r{b, path, "integer model file", 8, b.size() - 4};
  const uint32_t ver = r.pod<uint32_t>("version");
  if (ver != kIntModelVersion)
    throw Error(fmt::format("{}: integer model format version {}, this build reads {}; re-export it with "
                            "'shiftformer export'",
                            path, ver, kIntModelVersion));
  uint32_t stored;
  std::memcpy(&stored, b.data() + b.size() - 4, 4);
  if (crc32_of(b.substr(0, b.size() - 4)) != stored)
    throw Error(fmt::format("{}: integer model file is corrupt or truncated (CRC-32 mismatch)", path));
  const int32_t pol = r.pod<int32_t>("policy version");
  if (pol != policy::POLICY_VERSION)
    throw Error(fmt::format("{}: exported under numeric policy version {}, this build implements {}", path, pol,
                            policy::POLICY_VERSION));
  IntModel m;
  for (int* v : {&m.seq_len, &m.pred_len, &m.label_len, &m.d_model, &m.n_heads, &m.attn_exp, &m.in_frac, &m.act_in,
                 &m.act_enc_emb, &m.act_dec_emb, &m.pe_frac, &m.l_enc_in, &m.l_dec_in, &m.l_out})
    *v = r.pod<int32_t>("header");
  const uint64_t na = r.pod<uint64_t>("activations");
  if (na > 100000) throw Error(fmt::format("{}: implausible activation count {}", path, na));
  for (uint64_t i = 0; i < na; ++i) {
    IntAct a;
    a.exp = r.pod<int8_t>("activation");
    a.zp = r.pod<int16_t>("activation");
    m.acts.push_back(a);
  }
  const uint64_t nl = r.pod<uint64_t>("linears");
  if (nl > 100000) throw Error(fmt::format("{}: implausible linear count {}", path, nl));
  for (uint64_t i = 0; i < nl; ++i) {
    IntLinear l;
    l.name = r.str("linear name");
    // names become file stems of the RTL images and parts of messages: the exporter's alphabet only
    const auto name_char = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.'; };
    if (l.name.empty() || l.name.size() > 64 || !std::all_of(l.name.begin(), l.name.end(), name_char))
      throw Error(fmt::format("{}: linear {} has a name outside [A-Za-z0-9_.] (at most 64 characters)", path, i));
    int relu = 0;
    for (int* v : {&l.n_in, &l.n_out, &l.bits, &l.in_act, &l.out_act, &l.w_exp, &l.b_bits, &l.b_exp, &relu})
      *v = r.pod<int32_t>("linear");
    l.relu = relu != 0;
    l.w = r.vec<std::vector<int8_t>>("weights");
    l.b = r.vec<std::vector<int32_t>>("biases");
    if (l.w.size() != static_cast<size_t>(l.n_in) * l.n_out || l.b.size() != static_cast<size_t>(l.n_out))
      throw Error(fmt::format("{}: linear {} has inconsistent sizes", path, l.name));
    m.lin.push_back(std::move(l));
  }
  const uint64_t nn = r.pod<uint64_t>("layernorms");
  if (nn > 100000) throw Error(fmt::format("{}: implausible LayerNorm count {}", path, nn));
  for (uint64_t i = 0; i < nn; ++i) {
    IntLayerNorm n;
    for (int* v : {&n.d, &n.g_exp, &n.beta_bits, &n.beta_exp}) *v = r.pod<int32_t>("layernorm");
    n.eps = static_cast<uint32_t>(r.pod<int32_t>("layernorm eps"));
    n.gamma = r.vec<std::vector<int32_t>>("gamma");
    n.beta = r.vec<std::vector<int32_t>>("beta");
    m.ln.push_back(std::move(n));
  }
  m.pe = r.vec<std::vector<int32_t>>("positional encoding");
  m.ln_out_act = r.vec<std::vector<int>>("layernorm outputs");
  const uint64_t ne = r.pod<uint64_t>("encoder layers");
  if (ne > 1000) throw Error(fmt::format("{}: implausible layer count {}", path, ne));
  for (uint64_t i = 0; i < ne; ++i) {
    IntEncLayer e;
    for (int* v : {&e.attn.lq, &e.attn.lk, &e.attn.lv, &e.attn.lo, &e.ln1, &e.ln2, &e.ff1, &e.ff2})
      *v = r.pod<int32_t>("encoder layer");
    m.enc.push_back(e);
  }
  const uint64_t nd = r.pod<uint64_t>("decoder layers");
  if (nd > 1000) throw Error(fmt::format("{}: implausible layer count {}", path, nd));
  for (uint64_t i = 0; i < nd; ++i) {
    IntDecLayer e;
    for (int* v : {&e.self.lq, &e.self.lk, &e.self.lv, &e.self.lo, &e.ln1, &e.cross.lq, &e.cross.lk, &e.cross.lv,
                   &e.cross.lo, &e.ln2, &e.ff1, &e.ff2, &e.ln3})
      *v = r.pod<int32_t>("decoder layer");
    m.dec.push_back(e);
  }
  if (r.pos != r.end) throw Error(fmt::format("{}: {} unexpected trailing bytes", path, r.end - r.pos));
  // Structural checks: every index in range.
  auto check = [&](int v, size_t n, const char* what) {
    if (v < 0 || static_cast<size_t>(v) >= n) throw Error(fmt::format("{}: {} index {} out of range", path, what, v));
  };
  for (const IntLinear& l : m.lin) {
    check(l.in_act, m.acts.size(), "activation");
    if (l.out_act != -1) check(l.out_act, m.acts.size(), "activation");
  }
  for (int v : {m.l_enc_in, m.l_dec_in, m.l_out}) check(v, m.lin.size(), "linear");
  if (m.ln_out_act.size() != m.ln.size()) throw Error(fmt::format("{}: LayerNorm table size mismatch", path));
  check_shape(m, path);
  if (m.pe.size() != static_cast<size_t>(m.seq_len + m.pred_len) * m.d_model)
    throw Error(fmt::format("{}: positional encoding size mismatch", path));
  return m;
}

void write_rtl_images(const IntEngine& e, const std::string& dir) {
  const IntModel& m = e.model();
  std::string vh = fmt::format(
      "// GENERATED by shiftformer export from an integer model (format {}, numeric policy {}) -- do not edit.\n"
      "localparam integer SF_SEQ_LEN = {};\nlocalparam integer SF_PRED_LEN = {};\nlocalparam integer SF_LABEL_LEN = {};\n"
      "localparam integer SF_D_MODEL = {};\nlocalparam integer SF_N_HEADS = {};\nlocalparam integer SF_ENC_LAYERS = {};\n"
      "localparam integer SF_DEC_LAYERS = {};\nlocalparam integer SF_ATTN_EXP = {};\nlocalparam integer SF_IN_FRAC = {};\n"
      "localparam integer SF_N_LINEAR = {};\n",
      kIntModelVersion, policy::POLICY_VERSION, m.seq_len, m.pred_len, m.label_len, m.d_model, m.n_heads, m.enc.size(),
      m.dec.size(), m.attn_exp, m.in_frac, m.lin.size());
  for (size_t li = 0; li < m.lin.size(); ++li) {
    const IntLinear& l = m.lin[li];
    const int wb = weight_mode_bits(l.bits);
    const RescaleParams& r = e.out_rescale(static_cast<int>(li));
    std::string stem = fmt::format("lin{:02d}_{}", li, l.name);
    std::replace(stem.begin(), stem.end(), '.', '_');
    vh += fmt::format("// {}: {} -> {}, weights {} bits\nlocalparam integer SF_LIN{:02d}_N_IN = {}, SF_LIN{:02d}_N_OUT = {}, "
                      "SF_LIN{:02d}_WBITS = {}, SF_LIN{:02d}_SHIFT = {}, SF_LIN{:02d}_ZP = {}, SF_LIN{:02d}_LO = {}, "
                      "SF_LIN{:02d}_HI = {};\n",
                      l.name, l.n_in, l.n_out, wb, li, l.n_in, li, l.n_out, li, wb, li, r.shift, li, r.zp, li, r.lo, li, r.hi);
    std::string w;
    const int digits = (l.n_in * wb + 3) / 4;
    for (int o = 0; o < l.n_out; ++o) {
      std::vector<int> bits(static_cast<size_t>(digits) * 4, 0);
      for (int i = 0; i < l.n_in; ++i) {
        const unsigned code = static_cast<unsigned>(l.w[static_cast<size_t>(o) * l.n_in + i]) & ((1u << wb) - 1u);
        for (int b = 0; b < wb; ++b) bits[static_cast<size_t>(i) * wb + b] = (code >> b) & 1u;
      }
      for (int dgt = digits - 1; dgt >= 0; --dgt) {
        const int v = bits[4 * dgt] | bits[4 * dgt + 1] << 1 | bits[4 * dgt + 2] << 2 | bits[4 * dgt + 3] << 3;
        w += "0123456789abcdef"[v];
      }
      w += "\n";
    }
    write_file_atomic(dir + "/" + stem + ".w.hex", w);
    std::string b;
    for (int32_t v : e.folded_bias(static_cast<int>(li))) b += fmt::format("{:08x}\n", static_cast<uint32_t>(v));
    write_file_atomic(dir + "/" + stem + ".b.hex", b);
  }
  write_file_atomic(dir + "/sf_model.vh", vh);
}

CompressionReport compression(const IntModel& m, const std::vector<std::string>& kept_float) {
  CompressionReport c;
  auto kept = [&](const std::string& n) { return std::find(kept_float.begin(), kept_float.end(), n) != kept_float.end(); };
  for (const IntLinear& l : m.lin) {
    const int64_t nw = static_cast<int64_t>(l.n_in) * l.n_out, nb = l.n_out;
    c.params += nw + nb;
    const int64_t stored = nw * weight_mode_bits(l.bits) + nb * l.b_bits;
    c.stored_bits += stored;
    c.paper_bits += kept(l.name) ? 32 * (nw + nb) : stored;
    c.overhead_bits += 2 * 8;  // weight and bias exponents
  }
  for (const IntLayerNorm& n : m.ln) {
    c.params += 2 * n.d;
    const int64_t stored = static_cast<int64_t>(n.d) * (policy::LN_GAMMA_BITS + n.beta_bits);
    c.stored_bits += stored;
    c.paper_bits += stored;
    c.overhead_bits += 2 * 8;  // gamma and beta exponents
  }
  c.overhead_bits += static_cast<int64_t>(m.acts.size()) * (8 + policy::ZP_BITS);  // exponent + zero point
  c.overhead_bits += 2 * 8;                                                         // attn_exp, in_frac
  c.stored_bits += c.overhead_bits;
  c.paper_bits += c.overhead_bits;
  c.fp32_bits = 32 * c.params;
  return c;
}

}  // namespace sf
