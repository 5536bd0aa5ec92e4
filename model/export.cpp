#include "export.h"

#include <omp.h>

#include <cmath>

#include <fmt/format.h>

#include "common.h"

namespace sf {

std::vector<std::string> kept_float_linears(const QModel& qm, const QState& st) {
  std::vector<std::string> names;
  for (const QLinear& l : qm.linears())
    if (st.spec.bits_for(l.name) >= 32) names.push_back(l.name);
  return names;
}

IntModel export_int_model(const QModel& qm, const float* p, const QState& st) {
  const QuantSnapshot s = qm.snapshot(p, st);
  const Transformer& m = qm.fp();
  const ModelConfig& mc = m.config();
  IntModel im;
  im.seq_len = m.seq_len();
  im.pred_len = m.pred_len();
  im.label_len = mc.label_len;
  im.d_model = mc.d_model;
  im.n_heads = mc.n_heads;
  im.attn_exp = st.attn_exp;
  im.in_frac = st.in_frac;
  im.act_in = qm.qp_in;
  im.act_enc_emb = qm.qp_enc_emb;
  im.act_dec_emb = qm.qp_dec_emb;
  for (const ActQ& a : s.act) im.acts.push_back(IntAct{static_cast<int8_t>(a.exp), static_cast<int16_t>(a.zp)});
  const auto& qps = qm.qp_names();
  for (size_t li = 0; li < qm.linears().size(); ++li) {
    const QLinear& q = qm.linears()[li];
    const LinearP& l = *q.l;
    IntLinear il;
    il.name = q.name;
    il.n_in = l.in;
    il.n_out = l.out;
    il.in_act = q.in_qp;
    il.out_act = q.out_qp;
    il.relu = q.out_qp >= 0 && qps[q.out_qp].size() > 5 && qps[q.out_qp].compare(qps[q.out_qp].size() - 5, 5, ".ff.h") == 0;
    const int fq_bits = st.spec.bits_for(q.name);
    const bool kept = fq_bits >= 32;
    il.bits = kept ? st.spec.deploy_bits_for_float : fq_bits;
    if (il.bits > policy::W_MAX_BITS)
      throw Error(fmt::format("{}: {}-bit weights cannot be exported: the MAC array takes at most {} bits "
                              "(quantize with a preset of at most {} bits)",
                              q.name, il.bits, policy::W_MAX_BITS, policy::W_MAX_BITS));
    il.b_bits = st.spec.bias_bits > 0 ? st.spec.bias_bits : il.bits;
    // weights: W (in, out) -> (out, in), quantized exactly as the snapshot did (kept layers: here)
    std::vector<float> wf(static_cast<size_t>(l.in) * l.out), bf(l.out);
    for (size_t i = 0; i < wf.size(); ++i) wf[i] = p[l.w + i] * q.fold_w;
    for (int i = 0; i < l.out; ++i) bf[i] = p[l.b + i] * q.fold_b;
    il.w_exp = kept ? weight_exp(wf.data(), wf.size(), il.bits) : s.w_exp[li];
    il.b_exp = kept ? weight_exp(bf.data(), bf.size(), il.b_bits) : s.b_exp[li];
    il.w.resize(wf.size());
    for (int i = 0; i < l.in; ++i)
      for (int o = 0; o < l.out; ++o)
        il.w[static_cast<size_t>(o) * l.in + i] =
            static_cast<int8_t>(weight_quantize(wf[static_cast<size_t>(i) * l.out + o], il.bits, il.w_exp));
    il.b.resize(l.out);
    for (int o = 0; o < l.out; ++o) il.b[o] = weight_quantize(bf[o], il.b_bits, il.b_exp);
    im.lin.push_back(std::move(il));
  }
  im.l_enc_in = qm.l_enc_in;
  im.l_dec_in = qm.l_dec_in;
  im.l_out = qm.l_out;
  // LayerNorms, with the QP of each output and the epsilon of its residual input
  std::vector<int> ln_in_a(qm.layernorms().size()), ln_in_b(qm.layernorms().size());
  im.ln_out_act.assign(qm.layernorms().size(), 0);
  int x = qm.qp_enc_emb;
  for (const auto& e : qm.encq) {
    im.ln_out_act[e.n1] = e.ln1; ln_in_a[e.n1] = x; ln_in_b[e.n1] = e.attn.out;
    im.ln_out_act[e.n2] = e.ln2; ln_in_a[e.n2] = e.ln1; ln_in_b[e.n2] = e.f;
    im.enc.push_back(IntEncLayer{IntMha{e.attn.lq, e.attn.lk, e.attn.lv, e.attn.lo}, e.n1, e.n2, e.lff1, e.lff2});
    x = e.ln2;
  }
  int y = qm.qp_dec_emb;
  for (const auto& e : qm.decq) {
    im.ln_out_act[e.n1] = e.ln1; ln_in_a[e.n1] = y; ln_in_b[e.n1] = e.self.out;
    im.ln_out_act[e.n2] = e.ln2; ln_in_a[e.n2] = e.ln1; ln_in_b[e.n2] = e.cross.out;
    im.ln_out_act[e.n3] = e.ln3; ln_in_a[e.n3] = e.ln2; ln_in_b[e.n3] = e.f;
    im.dec.push_back(IntDecLayer{IntMha{e.self.lq, e.self.lk, e.self.lv, e.self.lo}, e.n1,
                                 IntMha{e.cross.lq, e.cross.lk, e.cross.lv, e.cross.lo}, e.n2, e.lff1, e.lff2, e.n3});
    y = e.ln3;
  }
  for (size_t i = 0; i < qm.layernorms().size(); ++i) {
    const LayerNormP& l = *qm.layernorms()[i];
    IntLayerNorm n;
    n.d = l.d;
    n.g_exp = s.ln_gamma_exp[i];
    n.beta_bits = st.spec.ln_beta_bits;
    n.beta_exp = s.ln_beta_exp[i];
    n.eps = layernorm_eps(residual_exp(s.act[ln_in_a[i]].exp, s.act[ln_in_b[i]].exp));
    for (int j = 0; j < l.d; ++j) {
      n.gamma.push_back(weight_quantize(p[l.g + j], st.spec.ln_gamma_bits, n.g_exp));
      n.beta.push_back(weight_quantize(p[l.b + j], st.spec.ln_beta_bits, n.beta_exp));
    }
    im.ln.push_back(std::move(n));
  }
  im.pe_frac = kPeFracBits;
  for (Eigen::Index i = 0; i < m.pe.size(); ++i)
    im.pe.push_back(static_cast<int32_t>(std::floor(std::ldexp(static_cast<double>(m.pe.data()[i]), kPeFracBits) + 0.5)));
  return im;
}

Metrics evaluate_int_engine(const IntEngine& e, const Dataset& d, const WindowSet& w,
                            std::vector<int32_t>* forecasts) {
  const std::vector<int32_t> raw = raw_fixed(d, w);
  const int64_t n = w.count();
  const int H = w.pred_len;
  std::vector<int32_t> all(static_cast<size_t>(n) * H);
#pragma omp parallel for schedule(dynamic, 8)
  for (int64_t i = 0; i < n; ++i) e.run(raw.data() + i, &all[static_cast<size_t>(i) * H]);
  MetricsAccumulator acc;
  std::vector<float> out(H);
  for (int64_t i = 0; i < n; ++i) {
    for (int h = 0; h < H; ++h)
      out[h] = static_cast<float>((std::ldexp(static_cast<double>(all[static_cast<size_t>(i) * H + h]), -kRawFracBits) -
                                   d.normalizer.mean) / d.normalizer.std);
    acc.add(out.data(), w.target(i), H);
  }
  if (forecasts) forecasts->swap(all);
  return acc.result();
}

}  // namespace sf
