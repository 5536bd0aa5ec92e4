#include "transformer.h"

#include <cmath>
#include <limits>

namespace sf {

namespace {
constexpr float kLnEps = 1e-5f;

void dropout_forward(Mat& x, DropCache& d, float p, bool train, std::mt19937_64* rng) {
  if (!train || p <= 0.0f || rng == nullptr) {
    d.mask.resize(0, 0);
    return;
  }
  d.mask.resize(x.rows(), x.cols());
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  const float keep = 1.0f - p, scale = 1.0f / keep;
  for (Eigen::Index i = 0; i < d.mask.size(); ++i) d.mask.data()[i] = u(*rng) < keep ? scale : 0.0f;
  x.array() *= d.mask.array();
}

void dropout_backward(Mat& dx, const DropCache& d) {
  if (d.mask.size() != 0) dx.array() *= d.mask.array();
}
}  // namespace

// ---------------------------------------------------------------------------------------------
// Building blocks

void linear_forward(const float* p, const LinearP& l, const Mat& x, Mat& y) {
  CMatMap w(p + l.w, l.in, l.out);
  CVecMap b(p + l.b, l.out);
  y.resize(x.rows(), l.out);
  y.noalias() = x * w;
  y.rowwise() += b;
}

void linear_backward(const float* p, const LinearP& l, const Mat& x, const Mat& dy, Mat* dx, float* g) {
  CMatMap w(p + l.w, l.in, l.out);
  MatMap dw(g + l.w, l.in, l.out);
  VecMap db(g + l.b, l.out);
  dw.noalias() += x.transpose() * dy;
  db += dy.colwise().sum();
  if (dx) {
    dx->resize(dy.rows(), l.in);
    dx->noalias() = dy * w.transpose();
  }
}

void layernorm_forward(const float* p, const LayerNormP& l, const Mat& x, Mat& y, LayerNormCache& c) {
  CVecMap gamma(p + l.g, l.d), beta(p + l.b, l.d);
  const Eigen::Index t = x.rows();
  c.xhat.resize(t, l.d);
  c.rstd.resize(t);
  y.resize(t, l.d);
  for (Eigen::Index i = 0; i < t; ++i) {
    const float mu = x.row(i).mean();
    const float var = (x.row(i).array() - mu).square().mean();
    const float r = 1.0f / std::sqrt(var + kLnEps);
    c.rstd(i) = r;
    c.xhat.row(i) = (x.row(i).array() - mu) * r;
    y.row(i) = c.xhat.row(i).cwiseProduct(gamma) + beta;
  }
}

void layernorm_backward(const float* p, const LayerNormP& l, const LayerNormCache& c, const Mat& dy, Mat& dx,
                        float* g) {
  CVecMap gamma(p + l.g, l.d);
  VecMap dgamma(g + l.g, l.d), dbeta(g + l.b, l.d);
  dgamma += (dy.array() * c.xhat.array()).matrix().colwise().sum();
  dbeta += dy.colwise().sum();
  dx.resize(dy.rows(), l.d);
  for (Eigen::Index i = 0; i < dy.rows(); ++i) {
    const Vec dxhat = dy.row(i).cwiseProduct(gamma);
    const float m1 = dxhat.mean();
    const float m2 = dxhat.cwiseProduct(c.xhat.row(i)).mean();
    dx.row(i) = c.rstd(i) * (dxhat.array() - m1 - c.xhat.row(i).array() * m2);
  }
}

void mha_forward(const float* p, const MhaP& m, int n_heads, const Mat& q_in, const Mat& kv_in, bool causal,
                 Mat& out, MhaCache& c) {
  c.q_in = q_in;
  c.kv_in = kv_in;
  linear_forward(p, m.q, q_in, c.q);
  linear_forward(p, m.k, kv_in, c.k);
  linear_forward(p, m.v, kv_in, c.v);
  const int d = m.q.out, dh = d / n_heads;
  const Eigen::Index tq = q_in.rows(), tk = kv_in.rows();
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  c.p.resize(n_heads);
  c.o.resize(tq, d);
  for (int h = 0; h < n_heads; ++h) {
    Mat& s = c.p[h];
    s.resize(tq, tk);
    s.noalias() = c.q.middleCols(h * dh, dh) * c.k.middleCols(h * dh, dh).transpose();
    s *= scale;
    for (Eigen::Index i = 0; i < tq; ++i) {
      const Eigen::Index valid = causal ? std::min<Eigen::Index>(i + 1, tk) : tk;
      auto row = s.row(i);
      const float mx = row.head(valid).maxCoeff();
      row.head(valid) = (row.head(valid).array() - mx).exp();
      row.head(valid) /= row.head(valid).sum();
      if (valid < tk) row.tail(tk - valid).setZero();
    }
    c.o.middleCols(h * dh, dh).noalias() = s * c.v.middleCols(h * dh, dh);
  }
  linear_forward(p, m.o, c.o, out);
}

void mha_backward(const float* p, const MhaP& m, int n_heads, const MhaCache& c, const Mat& dout, Mat& dq_in,
                  Mat& dkv_in, float* g) {
  Mat d_o;
  linear_backward(p, m.o, c.o, dout, &d_o, g);
  const int d = m.q.out, dh = d / n_heads;
  const Eigen::Index tq = c.q.rows(), tk = c.k.rows();
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  Mat dq(tq, d), dk(tk, d), dv(tk, d), dp(tq, tk);
  for (int h = 0; h < n_heads; ++h) {
    const Mat& pr = c.p[h];
    auto doh = d_o.middleCols(h * dh, dh);
    dp.noalias() = doh * c.v.middleCols(h * dh, dh).transpose();
    dv.middleCols(h * dh, dh).noalias() = pr.transpose() * doh;
    // softmax backward: ds = p * (dp - sum(dp * p)) per row (masked entries have p = 0)
    const Eigen::VectorXf dot = (dp.array() * pr.array()).rowwise().sum();
    dp = (pr.array() * (dp.array().colwise() - dot.array())) * scale;
    dq.middleCols(h * dh, dh).noalias() = dp * c.k.middleCols(h * dh, dh);
    dk.middleCols(h * dh, dh).noalias() = dp.transpose() * c.q.middleCols(h * dh, dh);
  }
  linear_backward(p, m.q, c.q_in, dq, &dq_in, g);
  linear_backward(p, m.k, c.kv_in, dk, &dkv_in, g);
  Mat tmp;
  linear_backward(p, m.v, c.kv_in, dv, &tmp, g);
  dkv_in += tmp;
}

void ffn_forward(const float* p, const FfnP& f, const Mat& x, Mat& y, FfnCache& c) {
  c.x = x;
  linear_forward(p, f.l1, x, c.h);
  c.h = c.h.cwiseMax(0.0f);
  linear_forward(p, f.l2, c.h, y);
}

void ffn_backward(const float* p, const FfnP& f, const FfnCache& c, const Mat& dy, Mat& dx, float* g) {
  Mat dh;
  linear_backward(p, f.l2, c.h, dy, &dh, g);
  dh.array() *= (c.h.array() > 0.0f).cast<float>();
  linear_backward(p, f.l1, c.x, dh, &dx, g);
}

// ---------------------------------------------------------------------------------------------
// Layers

namespace {

void encoder_layer_forward(const float* p, const EncLayerP& l, int nh, float drop, const Mat& x, Mat& y,
                           EncLayerCache& c, bool train, std::mt19937_64* rng) {
  Mat t;
  mha_forward(p, l.attn, nh, x, x, false, t, c.attn);
  dropout_forward(t, c.d1, drop, train, rng);
  t += x;
  layernorm_forward(p, l.ln1, t, c.a, c.ln1);
  ffn_forward(p, l.ff, c.a, t, c.ff);
  dropout_forward(t, c.d2, drop, train, rng);
  t += c.a;
  layernorm_forward(p, l.ln2, t, y, c.ln2);
}

void encoder_layer_backward(const float* p, const EncLayerP& l, int nh, const EncLayerCache& c, const Mat& dy,
                            Mat& dx, float* g) {
  Mat dr, t, dq, dkv;
  layernorm_backward(p, l.ln2, c.ln2, dy, dr, g);
  t = dr;
  dropout_backward(t, c.d2);
  Mat da;
  ffn_backward(p, l.ff, c.ff, t, da, g);
  da += dr;
  layernorm_backward(p, l.ln1, c.ln1, da, dr, g);
  t = dr;
  dropout_backward(t, c.d1);
  mha_backward(p, l.attn, nh, c.attn, t, dq, dkv, g);
  dx = dr + dq + dkv;
}

void decoder_layer_forward(const float* p, const DecLayerP& l, int nh, float drop, const Mat& x, const Mat& mem,
                           Mat& y, DecLayerCache& c, bool train, std::mt19937_64* rng) {
  Mat t;
  mha_forward(p, l.self, nh, x, x, true, t, c.self);
  dropout_forward(t, c.d1, drop, train, rng);
  t += x;
  layernorm_forward(p, l.ln1, t, c.a, c.ln1);
  mha_forward(p, l.cross, nh, c.a, mem, false, t, c.cross);
  dropout_forward(t, c.d2, drop, train, rng);
  t += c.a;
  layernorm_forward(p, l.ln2, t, c.b, c.ln2);
  ffn_forward(p, l.ff, c.b, t, c.ff);
  dropout_forward(t, c.d3, drop, train, rng);
  t += c.b;
  layernorm_forward(p, l.ln3, t, y, c.ln3);
}

// dmem is accumulated (the encoder output feeds every decoder layer).
void decoder_layer_backward(const float* p, const DecLayerP& l, int nh, const DecLayerCache& c, const Mat& dy,
                            Mat& dx, Mat& dmem, float* g) {
  Mat dr, t, db, da, dq, dkv;
  layernorm_backward(p, l.ln3, c.ln3, dy, dr, g);
  t = dr;
  dropout_backward(t, c.d3);
  ffn_backward(p, l.ff, c.ff, t, db, g);
  db += dr;
  layernorm_backward(p, l.ln2, c.ln2, db, dr, g);
  t = dr;
  dropout_backward(t, c.d2);
  mha_backward(p, l.cross, nh, c.cross, t, da, dkv, g);
  dmem += dkv;
  da += dr;
  layernorm_backward(p, l.ln1, c.ln1, da, dr, g);
  t = dr;
  dropout_backward(t, c.d1);
  mha_backward(p, l.self, nh, c.self, t, dq, dkv, g);
  dx = dr + dq + dkv;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Model

LinearP Transformer::add_linear(const std::string& name, int in, int out) {
  LinearP l;
  l.in = in;
  l.out = out;
  l.w = n_params_;
  groups_.push_back({name + ".w", n_params_, static_cast<size_t>(in) * out, in, out});
  n_params_ += static_cast<size_t>(in) * out;
  l.b = n_params_;
  groups_.push_back({name + ".b", n_params_, static_cast<size_t>(out), 1, out});
  n_params_ += out;
  return l;
}

LayerNormP Transformer::add_layernorm(const std::string& name, int d) {
  LayerNormP l;
  l.d = d;
  l.g = n_params_;
  groups_.push_back({name + ".g", n_params_, static_cast<size_t>(d), 1, d});
  n_params_ += d;
  l.b = n_params_;
  groups_.push_back({name + ".b", n_params_, static_cast<size_t>(d), 1, d});
  n_params_ += d;
  return l;
}

MhaP Transformer::add_mha(const std::string& name) {
  const int d = mc_.d_model;
  return MhaP{add_linear(name + ".q", d, d), add_linear(name + ".k", d, d), add_linear(name + ".v", d, d),
              add_linear(name + ".o", d, d)};
}

Transformer::Transformer(const ModelConfig& mc, int seq_len, int pred_len) : mc_(mc), L_(seq_len), H_(pred_len) {
  const int d = mc.d_model;
  enc_in = add_linear("enc_in", 1, d);
  dec_in = add_linear("dec_in", 1, d);
  for (int i = 0; i < mc.enc_layers; ++i) {
    const std::string n = "enc" + std::to_string(i);
    EncLayerP e;
    e.attn = add_mha(n + ".attn");
    e.ln1 = add_layernorm(n + ".ln1", d);
    e.ff = FfnP{add_linear(n + ".ff1", d, mc.d_ff), add_linear(n + ".ff2", mc.d_ff, d)};
    e.ln2 = add_layernorm(n + ".ln2", d);
    enc.push_back(e);
  }
  for (int i = 0; i < mc.dec_layers; ++i) {
    const std::string n = "dec" + std::to_string(i);
    DecLayerP e;
    e.self = add_mha(n + ".self");
    e.ln1 = add_layernorm(n + ".ln1", d);
    e.cross = add_mha(n + ".cross");
    e.ln2 = add_layernorm(n + ".ln2", d);
    e.ff = FfnP{add_linear(n + ".ff1", d, mc.d_ff), add_linear(n + ".ff2", mc.d_ff, d)};
    e.ln3 = add_layernorm(n + ".ln3", d);
    dec.push_back(e);
  }
  out = add_linear("out", d, 1);
  pe.resize(L_ + H_, d);
  for (int t = 0; t < L_ + H_; ++t)
    for (int i = 0; i < d; i += 2) {
      const double freq = std::pow(10000.0, -static_cast<double>(i) / d);
      pe(t, i) = static_cast<float>(std::sin(t * freq));
      if (i + 1 < d) pe(t, i + 1) = static_cast<float>(std::cos(t * freq));
    }
}

void Transformer::init(FloatVec& params, uint64_t seed) const {
  params.assign(n_params_, 0.0f);
  std::mt19937_64 rng(seed);
  auto uniform = [&](size_t off, size_t n, double a) {
    std::uniform_real_distribution<double> u(-a, a);
    for (size_t i = 0; i < n; ++i) params[off + i] = static_cast<float>(u(rng));
  };
  auto xavier = [&](const LinearP& l) {  // attention projections: Xavier uniform, zero bias
    uniform(l.w, static_cast<size_t>(l.in) * l.out, std::sqrt(6.0 / (l.in + l.out)));
  };
  auto kaiming = [&](const LinearP& l) {  // PyTorch nn.Linear default: U(+-1/sqrt(in)) for W and b
    const double a = 1.0 / std::sqrt(static_cast<double>(l.in));
    uniform(l.w, static_cast<size_t>(l.in) * l.out, a);
    uniform(l.b, l.out, a);
  };
  auto ln = [&](const LayerNormP& l) {
    for (int i = 0; i < l.d; ++i) params[l.g + i] = 1.0f;
  };
  auto mha = [&](const MhaP& m) { xavier(m.q); xavier(m.k); xavier(m.v); xavier(m.o); };
  kaiming(enc_in);
  kaiming(dec_in);
  for (const auto& e : enc) { mha(e.attn); ln(e.ln1); kaiming(e.ff.l1); kaiming(e.ff.l2); ln(e.ln2); }
  for (const auto& e : dec) {
    mha(e.self); ln(e.ln1); mha(e.cross); ln(e.ln2); kaiming(e.ff.l1); kaiming(e.ff.l2); ln(e.ln3);
  }
  kaiming(out);
}

void Transformer::forward(const float* p, const float* x, float* y, ForwardCache& c, bool train,
                          std::mt19937_64* rng) const {
  const int nh = mc_.n_heads, ll = mc_.label_len, s = ll + H_;
  const float drop = mc_.dropout;
  c.last = x[L_ - 1];
  c.enc_x.resize(L_, 1);
  for (int t = 0; t < L_; ++t) c.enc_x(t, 0) = x[t] - c.last;
  c.dec_x.setZero(s, 1);
  for (int t = 0; t < ll; ++t) c.dec_x(t, 0) = x[L_ - ll + t] - c.last;

  Mat e;
  linear_forward(p, enc_in, c.enc_x, e);
  e += pe.topRows(L_);
  dropout_forward(e, c.enc_drop, drop, train, rng);
  c.enc.resize(enc.size());
  c.enc_out.resize(enc.size());
  const Mat* in = &e;
  for (size_t i = 0; i < enc.size(); ++i) {
    encoder_layer_forward(p, enc[i], nh, drop, *in, c.enc_out[i], c.enc[i], train, rng);
    in = &c.enc_out[i];
  }
  const Mat& mem = c.enc_out.back();

  Mat dd;
  linear_forward(p, dec_in, c.dec_x, dd);
  dd += pe.middleRows(L_ - ll, s);
  dropout_forward(dd, c.dec_drop, drop, train, rng);
  c.dec.resize(dec.size());
  c.dec_out.resize(dec.size());
  in = &dd;
  for (size_t i = 0; i < dec.size(); ++i) {
    decoder_layer_forward(p, dec[i], nh, drop, *in, mem, c.dec_out[i], c.dec[i], train, rng);
    in = &c.dec_out[i];
  }
  c.head_in = c.dec_out.back().bottomRows(H_);
  Mat o;
  linear_forward(p, out, c.head_in, o);
  for (int h = 0; h < H_; ++h) y[h] = o(h, 0) + c.last;
}

void Transformer::backward(const float* p, const float* dout, ForwardCache& c, float* g) const {
  const int d = mc_.d_model, nh = mc_.n_heads, s = mc_.label_len + H_;
  Mat dpred(H_, 1);
  for (int h = 0; h < H_; ++h) dpred(h, 0) = dout[h];
  Mat dhead;
  linear_backward(p, out, c.head_in, dpred, &dhead, g);
  Mat ddec = Mat::Zero(s, d);
  ddec.bottomRows(H_) = dhead;
  Mat dmem = Mat::Zero(L_, d);
  Mat dx;
  for (size_t i = dec.size(); i-- > 0;) {
    // the input of decoder layer i is dec_out[i-1] (or the embedding, which backward does not need)
    decoder_layer_backward(p, dec[i], nh, c.dec[i], ddec, dx, dmem, g);
    ddec.swap(dx);
  }
  dropout_backward(ddec, c.dec_drop);
  linear_backward(p, dec_in, c.dec_x, ddec, nullptr, g);
  Mat denc = dmem;
  for (size_t i = enc.size(); i-- > 0;) {
    encoder_layer_backward(p, enc[i], nh, c.enc[i], denc, dx, g);
    denc.swap(dx);
  }
  dropout_backward(denc, c.enc_drop);
  linear_backward(p, enc_in, c.enc_x, denc, nullptr, g);
}

}  // namespace sf
