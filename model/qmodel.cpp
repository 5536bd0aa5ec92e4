#include "qmodel.h"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <cmath>

#include "intref.h"
#include "metrics.h"

namespace sf {

int32_t raw_to_fixed(double v) { return static_cast<int32_t>(std::floor(v * (1 << kRawFracBits) + 0.5)); }

uint32_t layernorm_eps(int er) {
  return static_cast<uint32_t>(std::max(1.0, std::floor(std::ldexp(1e-5, -2 * er) + 0.5)));
}

int residual_exp(int ea, int eb) {
  return std::max(std::min(ea, eb), std::max(ea, eb) - policy::RES_SHIFT_MAX);
}


// ---------------------------------------------------------------------------------------------------------
// Per-sample caches

struct QMhaCache {
  Mat q_in, kv_in, q, k, v, o, mq, mk, mv, mo, mout;
  std::vector<Mat> p;  // per head (Tq, Tk), dequantized UQ0.8 probabilities
};
struct QFfnCache { Mat x, h, mh, mf; };
struct QEncCache { QMhaCache attn; LayerNormCache ln1; Mat a; QFfnCache ff; LayerNormCache ln2; };
struct QDecCache {
  QMhaCache self; LayerNormCache ln1; Mat a; QMhaCache cross; LayerNormCache ln2; Mat b; QFfnCache ff;
  LayerNormCache ln3;
};
struct QCache {
  Mat enc_x, dec_x, m_emb_enc, m_emb_dec;
  std::vector<QEncCache> enc; std::vector<Mat> enc_out;
  std::vector<QDecCache> dec; std::vector<Mat> dec_out;
  Mat head_in;
  std::vector<float> mout;  // STE mask of the output rounding/saturation
};
QCachePtr make_qcache() { return QCachePtr(new QCache()); }
void QCacheDeleter::operator()(QCache* c) const { delete c; }

// ---------------------------------------------------------------------------------------------------------
// Model wiring

QModel::~QModel() = default;

int QModel::add_qp(const std::string& name) {
  qp_names_.push_back(name);
  return static_cast<int>(qp_names_.size()) - 1;
}

int QModel::add_linear(const std::string& name, const LinearP& l, int in_qp, int out_qp, float fold_w,
                       float fold_b) {
  lin_.push_back(QLinear{name, &l, in_qp, out_qp, 32, fold_w, fold_b});
  return static_cast<int>(lin_.size()) - 1;
}

int QModel::add_ln(const LayerNormP& l, int out_qp) {
  lns_.push_back(&l);
  ln_out_qp_.push_back(out_qp);
  return static_cast<int>(lns_.size()) - 1;
}

QModel::QModel(const Transformer& m, const Normalizer& z) : m_(m), z_(z) {
  const float stdv = static_cast<float>(z.std);
  qp_in = add_qp("in");
  qp_enc_emb = add_qp("enc_emb");
  qp_dec_emb = add_qp("dec_emb");
  l_enc_in = add_linear("enc_in", m.enc_in, qp_in, qp_enc_emb, 1.0f / stdv);
  l_dec_in = add_linear("dec_in", m.dec_in, qp_in, qp_dec_emb, 1.0f / stdv);
  auto mha = [&](const std::string& n, const MhaP& p, int q_src, int kv_src) {
    MhaQ h{};
    h.q = add_qp(n + ".q");
    h.k = add_qp(n + ".k");
    h.v = add_qp(n + ".v");
    h.o = add_qp(n + ".o");
    h.out = add_qp(n + ".out");
    h.lq = add_linear(n + ".q", p.q, q_src, h.q);
    h.lk = add_linear(n + ".k", p.k, kv_src, h.k);
    h.lv = add_linear(n + ".v", p.v, kv_src, h.v);
    h.lo = add_linear(n + ".o", p.o, h.o, h.out);
    return h;
  };
  int x = qp_enc_emb;
  for (size_t i = 0; i < m.enc.size(); ++i) {
    const std::string n = "enc" + std::to_string(i);
    const EncLayerP& e = m.enc[i];
    EncQ q{};
    q.attn = mha(n + ".attn", e.attn, x, x);
    q.ln1 = add_qp(n + ".ln1");
    q.h = add_qp(n + ".ff.h");
    q.f = add_qp(n + ".ff.out");
    q.ln2 = add_qp(n + ".ln2");
    q.lff1 = add_linear(n + ".ff1", e.ff.l1, q.ln1, q.h);
    q.lff2 = add_linear(n + ".ff2", e.ff.l2, q.h, q.f);
    q.n1 = add_ln(e.ln1, q.ln1);
    q.n2 = add_ln(e.ln2, q.ln2);
    encq.push_back(q);
    x = q.ln2;
  }
  const int mem = x;
  int y = qp_dec_emb;
  for (size_t i = 0; i < m.dec.size(); ++i) {
    const std::string n = "dec" + std::to_string(i);
    const DecLayerP& e = m.dec[i];
    DecQ q{};
    q.self = mha(n + ".self", e.self, y, y);
    q.ln1 = add_qp(n + ".ln1");
    q.cross = mha(n + ".cross", e.cross, q.ln1, mem);
    q.ln2 = add_qp(n + ".ln2");
    q.h = add_qp(n + ".ff.h");
    q.f = add_qp(n + ".ff.out");
    q.ln3 = add_qp(n + ".ln3");
    q.lff1 = add_linear(n + ".ff1", e.ff.l1, q.ln2, q.h);
    q.lff2 = add_linear(n + ".ff2", e.ff.l2, q.h, q.f);
    q.n1 = add_ln(e.ln1, q.ln1);
    q.n2 = add_ln(e.ln2, q.ln2);
    q.n3 = add_ln(e.ln3, q.ln3);
    decq.push_back(q);
    y = q.ln3;
  }
  l_out = add_linear("out", m.out, y, -1, stdv, stdv);
}

QState QModel::init_state(const QuantSpec& spec) const {
  QState st;
  st.spec = spec;
  st.obs.assign(num_qp(), Observer{});
  // Base-2 softmax: 2^(c q.k) with c = 2^attn_exp the power of two nearest to log2(e) / sqrt(d_head), so
  // that it matches the FP32 model's exp(q.k / sqrt(d_head)) as closely as a shift allows.
  const int dh = m_.config().d_model / m_.config().n_heads;
  st.attn_exp = static_cast<int>(std::lround(std::log2(1.4426950408889634 / std::sqrt(static_cast<double>(dh)))));
  st.in_frac = policy::SM_FRAC_BITS;
  return st;
}

namespace {
bool is_relu_qp(const std::string& n) { return n.size() > 5 && n.compare(n.size() - 5, 5, ".ff.h") == 0; }

float exp2f_int(int e) { return std::ldexp(1.0f, e); }
}  // namespace

QuantSnapshot QModel::snapshot(const float* p, const QState& st) const {
  QuantSnapshot s;
  s.pq.assign(p, p + m_.num_params());
  s.act.resize(num_qp());
  for (int i = 0; i < num_qp(); ++i) {
    Observer o = st.obs[i];
    if (!o.init) { o.lo = -4.0f; o.hi = 4.0f; }  // uncalibrated: a wide default
    if (is_relu_qp(qp_names_[i])) o.lo = 0.0f;
    s.act[i] = o.qparams(st.spec.act_bits);
  }
  // LayerNorm outputs: the policy rescales by right shifts only, so the output scale is never finer than
  // the z * gamma grid (in practice it is far coarser; this only guards the contract).
  for (size_t i = 0; i < lns_.size(); ++i) {
    const LayerNormP& l = *lns_[i];
    const int eg = weight_exp(&p[l.g], l.d, st.spec.ln_gamma_bits);
    Observer o = st.obs[ln_out_qp_[i]];
    if (!o.init) { o.lo = -4.0f; o.hi = 4.0f; }
    s.act[ln_out_qp_[i]] = o.qparams(st.spec.act_bits, eg - policy::LN_Z_FRAC_BITS);
  }
  s.w_exp.assign(lin_.size(), 0);
  s.b_exp.assign(lin_.size(), 0);
  std::vector<float> tmp;
  for (size_t li = 0; li < lin_.size(); ++li) {
    const QLinear& ql = lin_[li];
    const LinearP& l = *ql.l;
    const int bits = st.spec.bits_for(ql.name);
    const size_t nw = static_cast<size_t>(l.in) * l.out;
    for (size_t i = 0; i < nw; ++i) s.pq[l.w + i] = p[l.w + i] * ql.fold_w;
    for (int i = 0; i < l.out; ++i) s.pq[l.b + i] = p[l.b + i] * ql.fold_b;
    if (bits >= 32) continue;  // kept at full precision in fake-quant
    const int ew = weight_exp(&s.pq[l.w], nw, bits);
    s.w_exp[li] = ew;
    for (size_t i = 0; i < nw; ++i)
      s.pq[l.w + i] = std::ldexp(static_cast<float>(weight_quantize(s.pq[l.w + i], bits, ew)), ew);
    const int bb = st.spec.bias_bits > 0 ? st.spec.bias_bits : bits;
    const int eb = weight_exp(&s.pq[l.b], l.out, bb);
    s.b_exp[li] = eb;
    const int eacc = s.act[ql.in_qp].exp + ew;  // the accumulator grid
    for (int i = 0; i < l.out; ++i) {
      const float bq = std::ldexp(static_cast<float>(weight_quantize(s.pq[l.b + i], bb, eb)), eb);
      s.pq[l.b + i] = std::ldexp(round_half_up(std::ldexp(bq, -eacc)), eacc);
    }
  }
  // LayerNorm: gamma at LN_GAMMA_BITS on a power-of-two scale, beta on the grid of z * gamma.
  s.ln_gamma_exp.assign(lns_.size(), 0);
  s.ln_beta_exp.assign(lns_.size(), 0);
  for (size_t i = 0; i < lns_.size(); ++i) {
    const LayerNormP& l = *lns_[i];
    const int eg = weight_exp(&p[l.g], l.d, st.spec.ln_gamma_bits);
    s.ln_gamma_exp[i] = eg;
    const int eb = eg - policy::LN_Z_FRAC_BITS;
    const int ebeta = weight_exp(&p[l.b], l.d, st.spec.ln_beta_bits);
    s.ln_beta_exp[i] = ebeta;
    for (int j = 0; j < l.d; ++j) {
      s.pq[l.g + j] = std::ldexp(static_cast<float>(weight_quantize(p[l.g + j], st.spec.ln_gamma_bits, eg)), eg);
      const float bq = std::ldexp(static_cast<float>(weight_quantize(p[l.b + j], st.spec.ln_beta_bits, ebeta)), ebeta);
      s.pq[l.b + j] = std::ldexp(round_half_up(std::ldexp(bq, -eb)), eb);
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Quantized building blocks

namespace {

struct Ctx {
  const QModel& qm;
  const QuantSnapshot& s;
  const QState& st;
  std::vector<MinMax>* obs;
  ApproxStats* approx = nullptr;
  const float* pq() const { return s.pq.data(); }
};

// Fake-quantizes x in place at QP `qp` (relu: clamp at zero first); mask = 1 where the STE passes.
void fq(const Ctx& c, int qp, Mat& x, Mat* mask, bool relu) {
  const ActQ& q = c.s.act[qp];
  if (relu) x = x.cwiseMax(0.0f);
  if (c.obs && x.size() > 0) {
    (*c.obs)[qp].add(x.minCoeff());
    (*c.obs)[qp].add(x.maxCoeff());
  }
  if (mask) mask->resize(x.rows(), x.cols());
  const float inv = exp2f_int(-q.exp), sc = exp2f_int(q.exp);
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const float u = round_half_up(x.data()[i] * inv) + static_cast<float>(q.zp);
    const float cl = std::clamp(u, 0.0f, static_cast<float>(q.qmax));
    if (mask) mask->data()[i] = (u == cl && !(relu && x.data()[i] <= 0.0f)) ? 1.0f : 0.0f;
    x.data()[i] = (cl - static_cast<float>(q.zp)) * sc;
  }
}

// Integer code of an exactly quantized value.
inline int32_t code(float v, const ActQ& q) {
  return static_cast<int32_t>(std::lround(std::ldexp(v, -q.exp))) + q.zp;
}

// r = residual_add(a, b) on the integer path; returns the exponent of r.
int residual_q(const Ctx& c, const Mat& a, int qa, const Mat& b, int qb, Mat& r) {
  const ActQ &A = c.s.act[qa], &B = c.s.act[qb];
  const int er = residual_exp(A.exp, B.exp);
  r.resize(a.rows(), a.cols());
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    const int32_t v = residual_add(static_cast<uint8_t>(code(a.data()[i], A)), A.zp, er - A.exp,
                                   static_cast<uint8_t>(code(b.data()[i], B)), B.zp, er - B.exp);
    r.data()[i] = std::ldexp(static_cast<float>(v), er);
  }
  return er;
}

LayerNormParams ln_params(const Ctx& c, int ln_index, int er, int qp_out, int d) {
  LayerNormParams lp;
  lp.log2n = 0;
  while ((1 << lp.log2n) < d) ++lp.log2n;
  // eps of the FP32 model (1e-5) in x-units^2, at least 1
  lp.eps = layernorm_eps(er);
  const ActQ& o = c.s.act[qp_out];
  lp.out.mult = 1;
  lp.out.shift = o.exp - (c.s.ln_gamma_exp[ln_index] - policy::LN_Z_FRAC_BITS);
  lp.out.zp = o.zp;
  lp.out.lo = 0;
  lp.out.hi = o.qmax;
  return lp;
}

// Integer LayerNorm of r (exponent er) -> y at QP qp_out; float statistics kept for the backward pass.
void layernorm_q(const Ctx& c, int ln_index, int qp_out, const Mat& r, int er, Mat& y, LayerNormCache& lc) {
  const LayerNormP& l = *c.qm.layernorms()[ln_index];
  Mat yf;
  layernorm_forward(c.pq(), l, r, yf, lc);
  if (c.obs && yf.size() > 0) {
    (*c.obs)[qp_out].add(yf.minCoeff());
    (*c.obs)[qp_out].add(yf.maxCoeff());
  }
  const LayerNormParams lp = ln_params(c, ln_index, er, qp_out, l.d);
  const int eg = c.s.ln_gamma_exp[ln_index], eb = eg - policy::LN_Z_FRAC_BITS;
  std::vector<int32_t> gamma(l.d), beta(l.d), x(l.d), out(l.d);
  for (int j = 0; j < l.d; ++j) {
    gamma[j] = static_cast<int32_t>(std::lround(std::ldexp(c.pq()[l.g + j], -eg)));
    beta[j] = static_cast<int32_t>(std::lround(std::ldexp(c.pq()[l.b + j], -eb)));
  }
  const ActQ& o = c.s.act[qp_out];
  y.resize(r.rows(), l.d);
  for (Eigen::Index i = 0; i < r.rows(); ++i) {
    for (int j = 0; j < l.d; ++j) x[j] = static_cast<int32_t>(std::lround(std::ldexp(r(i, j), -er)));
    layernorm(x.data(), gamma.data(), beta.data(), lp, out.data());
    for (int j = 0; j < l.d; ++j) y(i, j) = std::ldexp(static_cast<float>(out[j] - o.zp), o.exp);
    if (c.approx)
      for (int j = 0; j < l.d; ++j) {
        const double ref = std::ldexp(static_cast<double>(yf(i, j)), -o.exp) + o.zp;  // float LN, unrounded
        const double e = std::fabs(std::clamp(ref, 0.0, static_cast<double>(o.qmax)) - out[j]);
        c.approx->ln_lsb_sum += e;
        c.approx->ln_lsb_max = std::max(c.approx->ln_lsb_max, e);
        c.approx->ln_n += 1;
      }
  }
}

void linear_q(const Ctx& c, int li, const Mat& x, Mat& y) { linear_forward(c.pq(), *c.qm.linears()[li].l, x, y); }

void mha_q_forward(const Ctx& c, const QModel::MhaQ& h, int nh, const Mat& q_in, const Mat& kv_in, bool causal,
                   Mat& out, QMhaCache& m) {
  m.q_in = q_in;
  m.kv_in = kv_in;
  linear_q(c, h.lq, q_in, m.q);
  fq(c, h.q, m.q, &m.mq, false);
  linear_q(c, h.lk, kv_in, m.k);
  fq(c, h.k, m.k, &m.mk, false);
  linear_q(c, h.lv, kv_in, m.v);
  fq(c, h.v, m.v, &m.mv, false);
  const int d = static_cast<int>(m.q.cols()), dh = d / nh;
  const int tq = static_cast<int>(q_in.rows()), tk = static_cast<int>(kv_in.rows());
  const ActQ &aq = c.s.act[h.q], &ak = c.s.act[h.k];
  const int shift = -(aq.exp + ak.exp + c.st.attn_exp + c.st.in_frac);
  const float to_int = exp2f_int(-(aq.exp + ak.exp));
  const int32_t smax = (1 << (policy::SM_SCORE_BITS - 1)) - 1;
  std::vector<int32_t> srow(tk);
  std::vector<uint8_t> keep(tk), prow(tk);
  m.p.resize(nh);
  m.o.resize(tq, d);
  Mat sc(tq, tk);
  for (int hh = 0; hh < nh; ++hh) {
    sc.noalias() = m.q.middleCols(hh * dh, dh) * m.k.middleCols(hh * dh, dh).transpose();
    Mat& pr = m.p[hh];
    pr.resize(tq, tk);
    for (int i = 0; i < tq; ++i) {
      for (int j = 0; j < tk; ++j) {
        const int64_t acc = std::llround(sc(i, j) * to_int);  // exact: (q - zq).(k - zk)
        srow[j] = static_cast<int32_t>(saturate(round_shift(acc, shift), -smax - 1, smax));
        keep[j] = (!causal || j <= i) ? 1 : 0;
      }
      softmax(srow.data(), keep.data(), tk, c.st.in_frac, prow.data());
      for (int j = 0; j < tk; ++j) pr(i, j) = std::ldexp(static_cast<float>(prow[j]), -policy::SM_PROB_BITS);
      if (c.approx) {  // float base-2 softmax of the same integer scores
        double mx = -1e300, sum = 0.0;
        for (int j = 0; j < tk; ++j)
          if (keep[j]) mx = std::max(mx, std::ldexp(static_cast<double>(srow[j]), -c.st.in_frac));
        std::vector<double> e(tk, 0.0);
        for (int j = 0; j < tk; ++j)
          if (keep[j]) sum += (e[j] = std::exp2(std::ldexp(static_cast<double>(srow[j]), -c.st.in_frac) - mx));
        for (int j = 0; j < tk; ++j) {
          const double err = std::fabs(e[j] / sum - pr(i, j));
          c.approx->sm_abs_sum += err;
          c.approx->sm_abs_max = std::max(c.approx->sm_abs_max, err);
          c.approx->sm_n += 1;
        }
      }
    }
    m.o.middleCols(hh * dh, dh).noalias() = pr * m.v.middleCols(hh * dh, dh);
  }
  fq(c, h.o, m.o, &m.mo, false);
  linear_q(c, h.lo, m.o, out);
  fq(c, h.out, out, &m.mout, false);
}

void mha_q_backward(const Ctx& c, const QModel::MhaQ& h, int nh, const QMhaCache& m, const Mat& dout_in,
                    Mat& dq_in, Mat& dkv_in, float* g) {
  const auto& L = c.qm.linears();
  Mat dout = dout_in.cwiseProduct(m.mout), d_o;
  linear_backward(c.pq(), *L[h.lo].l, m.o, dout, &d_o, g);
  d_o.array() *= m.mo.array();
  const int d = static_cast<int>(m.q.cols()), dh = d / nh;
  const Eigen::Index tq = m.q.rows(), tk = m.k.rows();
  // P ~ 2^(scale * q.k) / sum: dP/dscores = ln2 * scale * P (delta - P)
  const float scale = std::ldexp(static_cast<float>(M_LN2), c.st.attn_exp);
  Mat dq(tq, d), dk(tk, d), dv(tk, d), dp(tq, tk);
  for (int hh = 0; hh < nh; ++hh) {
    const Mat& pr = m.p[hh];
    auto doh = d_o.middleCols(hh * dh, dh);
    dp.noalias() = doh * m.v.middleCols(hh * dh, dh).transpose();
    dv.middleCols(hh * dh, dh).noalias() = pr.transpose() * doh;
    const Eigen::VectorXf dot = (dp.array() * pr.array()).rowwise().sum();
    dp = (pr.array() * (dp.array().colwise() - dot.array())) * scale;
    dq.middleCols(hh * dh, dh).noalias() = dp * m.k.middleCols(hh * dh, dh);
    dk.middleCols(hh * dh, dh).noalias() = dp.transpose() * m.q.middleCols(hh * dh, dh);
  }
  dq.array() *= m.mq.array();
  dk.array() *= m.mk.array();
  dv.array() *= m.mv.array();
  linear_backward(c.pq(), *L[h.lq].l, m.q_in, dq, &dq_in, g);
  linear_backward(c.pq(), *L[h.lk].l, m.kv_in, dk, &dkv_in, g);
  Mat tmp;
  linear_backward(c.pq(), *L[h.lv].l, m.kv_in, dv, &tmp, g);
  dkv_in += tmp;
}

void ffn_q_forward(const Ctx& c, int lff1, int lff2, int qh, int qf, const Mat& x, Mat& y, QFfnCache& f) {
  f.x = x;
  linear_q(c, lff1, x, f.h);
  fq(c, qh, f.h, &f.mh, true);
  linear_q(c, lff2, f.h, y);
  fq(c, qf, y, &f.mf, false);
}

void ffn_q_backward(const Ctx& c, int lff1, int lff2, const QFfnCache& f, const Mat& dy, Mat& dx, float* g) {
  const auto& L = c.qm.linears();
  Mat dyy = dy.cwiseProduct(f.mf), dh;
  linear_backward(c.pq(), *L[lff2].l, f.h, dyy, &dh, g);
  dh.array() *= f.mh.array();
  linear_backward(c.pq(), *L[lff1].l, f.x, dh, &dx, g);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Whole model

void QModel::forward(const QuantSnapshot& s, const QState& st, const int32_t* raw, float* out_norm,
                     int32_t* fixed_out, QCache& c, std::vector<MinMax>* obs, ApproxStats* approx) const {
  const Ctx x{*this, s, st, obs, approx};
  const ModelConfig& mc = m_.config();
  const int L = m_.seq_len(), H = m_.pred_len(), ll = mc.label_len, S = ll + H, nh = mc.n_heads;
  const int32_t last = raw[L - 1];
  const float unit = std::ldexp(1.0f, -kRawFracBits);
  c.enc_x.resize(L, 1);
  for (int t = 0; t < L; ++t) c.enc_x(t, 0) = static_cast<float>(raw[t] - last) * unit;
  c.dec_x.setZero(S, 1);
  for (int t = 0; t < ll; ++t) c.dec_x(t, 0) = static_cast<float>(raw[L - ll + t] - last) * unit;
  fq(x, qp_in, c.enc_x, nullptr, false);
  fq(x, qp_in, c.dec_x, nullptr, false);

  // Positional encoding on the embedding's accumulator grid (float when the embedding is kept in float).
  auto pe_rows = [&](int li, int first, int n) {
    Mat pe = m_.pe.middleRows(first, n);
    if (st.spec.bits_for(lin_[li].name) < 32) {
      const int eacc = s.act[lin_[li].in_qp].exp + s.w_exp[li];
      for (Eigen::Index i = 0; i < pe.size(); ++i) {  // Q.16 first (what is stored), then the grid
        const double q16 = std::floor(std::ldexp(static_cast<double>(pe.data()[i]), kPeFracBits) + 0.5);
        pe.data()[i] = static_cast<float>(std::ldexp(std::floor(std::ldexp(q16, -(eacc + kPeFracBits)) + 0.5), eacc));
      }
    }
    return pe;
  };
  Mat e;
  linear_q(x, l_enc_in, c.enc_x, e);
  e += pe_rows(l_enc_in, 0, L);
  fq(x, qp_enc_emb, e, &c.m_emb_enc, false);
  c.enc.resize(encq.size());
  c.enc_out.resize(encq.size());
  const Mat* in = &e;
  int in_qp = qp_enc_emb;
  for (size_t i = 0; i < encq.size(); ++i) {
    const EncQ& q = encq[i];
    QEncCache& k = c.enc[i];
    Mat t, r;
    mha_q_forward(x, q.attn, nh, *in, *in, false, t, k.attn);
    int er = residual_q(x, *in, in_qp, t, q.attn.out, r);
    layernorm_q(x, q.n1, q.ln1, r, er, k.a, k.ln1);
    ffn_q_forward(x, q.lff1, q.lff2, q.h, q.f, k.a, t, k.ff);
    er = residual_q(x, k.a, q.ln1, t, q.f, r);
    layernorm_q(x, q.n2, q.ln2, r, er, c.enc_out[i], k.ln2);
    in = &c.enc_out[i];
    in_qp = q.ln2;
  }
  const Mat& mem = c.enc_out.back();

  Mat dd;
  linear_q(x, l_dec_in, c.dec_x, dd);
  dd += pe_rows(l_dec_in, L - ll, S);
  fq(x, qp_dec_emb, dd, &c.m_emb_dec, false);
  c.dec.resize(decq.size());
  c.dec_out.resize(decq.size());
  in = &dd;
  in_qp = qp_dec_emb;
  for (size_t i = 0; i < decq.size(); ++i) {
    const DecQ& q = decq[i];
    QDecCache& k = c.dec[i];
    Mat t, r;
    mha_q_forward(x, q.self, nh, *in, *in, true, t, k.self);
    int er = residual_q(x, *in, in_qp, t, q.self.out, r);
    layernorm_q(x, q.n1, q.ln1, r, er, k.a, k.ln1);
    mha_q_forward(x, q.cross, nh, k.a, mem, false, t, k.cross);
    er = residual_q(x, k.a, q.ln1, t, q.cross.out, r);
    layernorm_q(x, q.n2, q.ln2, r, er, k.b, k.ln2);
    ffn_q_forward(x, q.lff1, q.lff2, q.h, q.f, k.b, t, k.ff);
    er = residual_q(x, k.b, q.ln2, t, q.f, r);
    layernorm_q(x, q.n3, q.ln3, r, er, c.dec_out[i], k.ln3);
    in = &c.dec_out[i];
    in_qp = q.ln3;
  }
  c.head_in = c.dec_out.back().bottomRows(H);
  Mat o;
  linear_q(x, l_out, c.head_in, o);  // forecast delta in degrees (weights folded with std)
  c.mout.resize(H);
  const float lim = 32767.0f;
  for (int h = 0; h < H; ++h) {
    const float u = round_half_up(std::ldexp(o(h, 0), kRawFracBits));
    const float v = std::clamp(u, -lim - 1.0f, lim);
    c.mout[h] = (u == v) ? 1.0f : 0.0f;
    const int32_t fixed = static_cast<int32_t>(v) + last;
    if (fixed_out) fixed_out[h] = fixed;
    out_norm[h] = static_cast<float>((static_cast<double>(fixed) * unit - z_.mean) / z_.std);
  }
}

void QModel::backward(const QuantSnapshot& s, const QState& st, const float* dout, QCache& c, float* g) const {
  const Ctx x{*this, s, st, nullptr};
  const ModelConfig& mc = m_.config();
  const int L = m_.seq_len(), H = m_.pred_len(), ll = mc.label_len, S = ll + H, nh = mc.n_heads, d = mc.d_model;
  Mat dpred(H, 1);
  for (int h = 0; h < H; ++h) dpred(h, 0) = dout[h] / static_cast<float>(z_.std) * c.mout[h];
  Mat dhead;
  linear_backward(s.pq.data(), *lin_[l_out].l, c.head_in, dpred, &dhead, g);
  Mat ddec = Mat::Zero(S, d), dmem = Mat::Zero(L, d), dx;
  ddec.bottomRows(H) = dhead;
  for (size_t i = decq.size(); i-- > 0;) {
    const DecQ& q = decq[i];
    const QDecCache& k = c.dec[i];
    Mat dr, db, da, dq, dkv;
    layernorm_backward(s.pq.data(), *lns_[q.n3], k.ln3, ddec, dr, g);
    ffn_q_backward(x, q.lff1, q.lff2, k.ff, dr, db, g);
    db += dr;
    layernorm_backward(s.pq.data(), *lns_[q.n2], k.ln2, db, dr, g);
    mha_q_backward(x, q.cross, nh, k.cross, dr, da, dkv, g);
    dmem += dkv;
    da += dr;
    layernorm_backward(s.pq.data(), *lns_[q.n1], k.ln1, da, dr, g);
    mha_q_backward(x, q.self, nh, k.self, dr, dq, dkv, g);
    dx = dr + dq + dkv;
    ddec.swap(dx);
  }
  ddec.array() *= c.m_emb_dec.array();
  linear_backward(s.pq.data(), *lin_[l_dec_in].l, c.dec_x, ddec, nullptr, g);
  Mat denc = dmem;
  for (size_t i = encq.size(); i-- > 0;) {
    const EncQ& q = encq[i];
    const QEncCache& k = c.enc[i];
    Mat dr, da, dq, dkv;
    layernorm_backward(s.pq.data(), *lns_[q.n2], k.ln2, denc, dr, g);
    ffn_q_backward(x, q.lff1, q.lff2, k.ff, dr, da, g);
    da += dr;
    layernorm_backward(s.pq.data(), *lns_[q.n1], k.ln1, da, dr, g);
    mha_q_backward(x, q.attn, nh, k.attn, dr, dq, dkv, g);
    dx = dr + dq + dkv;
    denc.swap(dx);
  }
  denc.array() *= c.m_emb_enc.array();
  linear_backward(s.pq.data(), *lin_[l_enc_in].l, c.enc_x, denc, nullptr, g);
}

// ---------------------------------------------------------------------------------------------------------
// Evaluation and calibration

std::vector<int32_t> raw_fixed(const Dataset& d, const WindowSet& w) {
  std::vector<int32_t> r(w.series.size());
  for (size_t i = 0; i < r.size(); ++i) r[i] = raw_to_fixed(d.series.values[w.first_row + i]);
  return r;
}

Metrics evaluate_qmodel(const QModel& qm, const QuantSnapshot& s, const QState& st, const Dataset& d,
                        const WindowSet& w) {
  const std::vector<int32_t> raw = raw_fixed(d, w);
  const int64_t n = w.count();
  const int chunks = 64;
  std::vector<MetricsAccumulator> acc(chunks);
#pragma omp parallel
  {
    auto cache = make_qcache();
    std::vector<float> out(w.pred_len);
#pragma omp for schedule(dynamic, 1)
    for (int k = 0; k < chunks; ++k)
      for (int64_t i = n * k / chunks; i < n * (k + 1) / chunks; ++i) {
        qm.forward(s, st, raw.data() + i, out.data(), nullptr, *cache, nullptr);
        acc[k].add(out.data(), w.target(i), w.pred_len);
      }
  }
  MetricsAccumulator total;
  for (const auto& a : acc) total.merge(a);
  return total.result();
}

void ApproxStats::merge(const ApproxStats& o) {
  sm_abs_sum += o.sm_abs_sum;
  sm_abs_max = std::max(sm_abs_max, o.sm_abs_max);
  sm_n += o.sm_n;
  ln_lsb_sum += o.ln_lsb_sum;
  ln_lsb_max = std::max(ln_lsb_max, o.ln_lsb_max);
  ln_n += o.ln_n;
}

ApproxStats measure_approximations(const QModel& qm, const QuantSnapshot& s, const QState& st, const Dataset& d,
                                   const WindowSet& w, int64_t windows) {
  const std::vector<int32_t> raw = raw_fixed(d, w);
  const int64_t n = std::min(windows, w.count());
  const int chunks = 16;
  std::vector<ApproxStats> part(chunks);
#pragma omp parallel
  {
    auto cache = make_qcache();
    std::vector<float> out(w.pred_len);
#pragma omp for schedule(dynamic, 1)
    for (int k = 0; k < chunks; ++k)
      for (int64_t j = n * k / chunks; j < n * (k + 1) / chunks; ++j)
        qm.forward(s, st, raw.data() + j * w.count() / n, out.data(), nullptr, *cache, nullptr, &part[k]);
  }
  ApproxStats all;
  for (const auto& p : part) all.merge(p);
  return all;
}

void calibrate(const QModel& qm, const float* params, QState& st, const Dataset& d, int64_t windows) {
  const std::vector<int32_t> raw = raw_fixed(d, d.train);
  const int64_t total = d.train.count();
  const int64_t n = std::min(windows, total);
  // Three passes of plain min-max over evenly spaced training windows: each pass quantizes with the ranges
  // of the previous one, so downstream ranges see upstream quantization.
  for (int pass = 0; pass < 3; ++pass) {
    const QuantSnapshot s = qm.snapshot(params, st);
    const int chunks = 16;
    std::vector<std::vector<MinMax>> mm(chunks, std::vector<MinMax>(qm.num_qp()));
#pragma omp parallel
    {
      auto cache = make_qcache();
      std::vector<float> out(d.train.pred_len);
#pragma omp for schedule(dynamic, 1)
      for (int k = 0; k < chunks; ++k)
        for (int64_t j = n * k / chunks; j < n * (k + 1) / chunks; ++j)
          qm.forward(s, st, raw.data() + j * total / n, out.data(), nullptr, *cache, &mm[k]);
    }
    for (int q = 0; q < qm.num_qp(); ++q) {
      MinMax all;
      for (const auto& c : mm) all.merge(c[q]);
      st.obs[q] = Observer{};
      st.obs[q].update(all.lo, all.hi, 1.0f);
    }
  }
}

}  // namespace sf
