// Backward passes against central finite differences, for each building block and the whole model.
// Tolerance: float32 forward passes with step h = 1e-3 give about 1e-4 absolute noise in the difference
// quotient (rounding ~1e-7 * |loss| / h) plus O(h^2) truncation, so |analytic - numeric| must be below
// 2e-3 + 3e-2 * |numeric|. A wrong backward pass is off by O(|gradient|), far above that.
#include <gtest/gtest.h>

#include <random>

#include "transformer.h"

using namespace sf;

namespace {

Mat random_mat(int r, int c, std::mt19937_64& rng, float a = 1.0f) {
  std::uniform_real_distribution<float> u(-a, a);
  Mat m(r, c);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = u(rng);
  return m;
}

// Checks d(sum(out .* weights))/d(theta) for `count` random entries of a parameter or input vector.
// `kink()` (optional) returns a signature of the ReLU on/off pattern of the last loss() call; where a
// +-h step flips a ReLU the function is not differentiable there and the index is skipped (counted).
template <typename V, typename LossFn, typename KinkFn>
void check_grad(const char* what, V& theta, const std::vector<float>& analytic, LossFn loss,
                int count, std::mt19937_64& rng, KinkFn kink) {
  ASSERT_EQ(theta.size(), analytic.size());
  std::uniform_int_distribution<size_t> pick(0, theta.size() - 1);
  const float h = 1e-3f;
  int checked = 0, skipped = 0;
  for (int n = 0; n < count; ++n) {
    const size_t i = count >= static_cast<int>(theta.size()) ? static_cast<size_t>(n) : pick(rng);
    if (i >= theta.size()) break;
    const float keep = theta[i];
    theta[i] = keep + h;
    const double lp = loss();
    const auto kp = kink();
    theta[i] = keep - h;
    const double lm = loss();
    const auto km = kink();
    theta[i] = keep;
    if (kp != km) {
      ++skipped;
      continue;
    }
    const double num = (lp - lm) / (2.0 * h);
    EXPECT_NEAR(analytic[i], num, 2e-3 + 3e-2 * std::fabs(num)) << what << " index " << i;
    ++checked;
  }
  EXPECT_GT(checked, 0);
  // One pre-activation within h of zero flips for every upstream parameter, so skips come in groups.
  EXPECT_LE(skipped, count / 4) << what << ": too many indices at a ReLU kink";
}

template <typename V, typename LossFn>
void check_grad(const char* what, V& theta, const std::vector<float>& analytic, LossFn loss,
                int count, std::mt19937_64& rng) {
  check_grad(what, theta, analytic, loss, count, rng, [] { return 0; });
}

// ReLU on/off pattern of every FFN in the model's last forward pass.
std::vector<bool> relu_pattern(const ForwardCache& c) {
  std::vector<bool> s;
  auto add = [&](const Mat& h) {
    for (Eigen::Index i = 0; i < h.size(); ++i) s.push_back(h.data()[i] > 0.0f);
  };
  for (const auto& e : c.enc) add(e.ff.h);
  for (const auto& d : c.dec) add(d.ff.h);
  return s;
}

ModelConfig small_config() {
  ModelConfig mc;
  mc.d_model = 8;
  mc.n_heads = 2;
  mc.d_ff = 12;
  mc.enc_layers = 2;
  mc.dec_layers = 2;
  mc.label_len = 4;
  mc.dropout = 0.0f;
  return mc;
}

}  // namespace

TEST(Backward, LinearLayerNormFfn) {
  std::mt19937_64 rng(7);
  // Parameters for: linear (5 -> 6), layernorm (6), ffn (6 -> 9 -> 6), laid out in one vector.
  LinearP lin{5, 6, 0, 30};
  LayerNormP ln{6, 36, 42};
  FfnP ff{LinearP{6, 9, 48, 102}, LinearP{9, 6, 111, 165}};
  std::vector<float> p(171);
  std::uniform_real_distribution<float> u(-0.8f, 0.8f);
  for (float& v : p) v = u(rng);
  for (int i = 0; i < 6; ++i) p[36 + i] = 1.0f + 0.3f * u(rng);
  const Mat x = random_mat(7, 5, rng);
  const Mat wout = random_mat(7, 6, rng);
  auto run = [&](std::vector<float>& g, Mat* dx) {
    Mat a, b, c;
    LayerNormCache lc;
    FfnCache fc;
    linear_forward(p.data(), lin, x, a);
    layernorm_forward(p.data(), ln, a, b, lc);
    ffn_forward(p.data(), ff, b, c, fc);
    const double loss = (c.array() * wout.array()).sum();
    if (dx) {
      Mat db, da;
      ffn_backward(p.data(), ff, fc, wout, db, g.data());
      layernorm_backward(p.data(), ln, lc, db, da, g.data());
      linear_backward(p.data(), lin, x, da, dx, g.data());
    }
    return loss;
  };
  std::vector<float> g(p.size(), 0.0f);
  Mat dx;
  run(g, &dx);
  std::vector<float> dummy(p.size());
  check_grad("params", p, g, [&] { return run(dummy, nullptr); }, static_cast<int>(p.size()), rng);
}

class MhaBackward : public ::testing::TestWithParam<bool> {};

TEST_P(MhaBackward, ParamsAndBothInputs) {
  const bool causal = GetParam();
  std::mt19937_64 rng(causal ? 11 : 12);
  const int d = 8, nh = 2, tq = 5, tk = causal ? 5 : 7;
  MhaP m{LinearP{d, d, 0, 64}, LinearP{d, d, 72, 136}, LinearP{d, d, 144, 208}, LinearP{d, d, 216, 280}};
  std::vector<float> p(288);
  std::uniform_real_distribution<float> u(-0.6f, 0.6f);
  for (float& v : p) v = u(rng);
  Mat q_in = random_mat(tq, d, rng), kv_in = random_mat(tk, d, rng);
  const Mat wout = random_mat(tq, d, rng);
  auto loss_of = [&](const Mat& q, const Mat& kv) {
    Mat out;
    MhaCache c;
    mha_forward(p.data(), m, nh, q, kv, causal, out, c);
    return static_cast<double>((out.array() * wout.array()).sum());
  };
  Mat out;
  MhaCache c;
  mha_forward(p.data(), m, nh, q_in, kv_in, causal, out, c);
  std::vector<float> g(p.size(), 0.0f);
  Mat dq, dkv;
  mha_backward(p.data(), m, nh, c, wout, dq, dkv, g.data());
  check_grad("mha params", p, g, [&] { return loss_of(q_in, kv_in); }, static_cast<int>(p.size()), rng);
  std::vector<float> qv(q_in.data(), q_in.data() + q_in.size()), gq(dq.data(), dq.data() + dq.size());
  check_grad("mha q_in", qv, gq, [&] { return loss_of(Eigen::Map<Mat>(qv.data(), tq, d), kv_in); },
             static_cast<int>(qv.size()), rng);
  std::vector<float> kv(kv_in.data(), kv_in.data() + kv_in.size()), gkv(dkv.data(), dkv.data() + dkv.size());
  check_grad("mha kv_in", kv, gkv, [&] { return loss_of(q_in, Eigen::Map<Mat>(kv.data(), tk, d)); },
             static_cast<int>(kv.size()), rng);
}

INSTANTIATE_TEST_SUITE_P(Attention, MhaBackward, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& i) { return i.param ? "causal" : "cross"; });

TEST(Backward, WholeModel) {
  const ModelConfig mc = small_config();
  const int L = 12, H = 6;
  Transformer m(mc, L, H);
  FloatVec p;
  m.init(p, 3);
  std::mt19937_64 rng(5);
  // Perturb LayerNorm gains and biases away from 1/0 so their gradients are exercised in general position.
  std::uniform_real_distribution<float> u(-0.3f, 0.3f);
  for (float& v : p) v += u(rng);
  std::vector<float> x(L);
  for (float& v : x) v = u(rng) * 3.0f;
  std::vector<float> w(H);
  for (float& v : w) v = u(rng) * 3.0f;
  ForwardCache c;
  auto loss = [&] {
    std::vector<float> y(H);
    m.forward(p.data(), x.data(), y.data(), c, false, nullptr);
    double l = 0;
    for (int h = 0; h < H; ++h) l += static_cast<double>(y[h]) * w[h];
    return l;
  };
  loss();
  std::vector<float> g(p.size(), 0.0f);
  m.backward(p.data(), w.data(), c, g.data());
  check_grad("model params", p, g, loss, 600, rng, [&] { return relu_pattern(c); });
  // Every parameter group must receive some gradient (nothing disconnected).
  for (const ParamGroup& pg : m.groups()) {
    double s = 0;
    for (size_t i = 0; i < pg.size; ++i) s += std::fabs(g[pg.offset + i]);
    EXPECT_GT(s, 0.0) << pg.name << " gets no gradient";
  }
}

TEST(Transformer, ParameterCountOfTheDefaultShape) {
  ModelConfig mc;  // d_model 32, 4 heads, d_ff 64, 2 enc + 1 dec
  Transformer m(mc, 48, 24);
  // enc layer: 4 attention projections 4*(32*32+32) + FFN (32*64+64 + 64*32+32) + 2 LayerNorms 2*64
  const size_t enc = 4 * (32 * 32 + 32) + (32 * 64 + 64 + 64 * 32 + 32) + 2 * 64;
  const size_t dec = 8 * (32 * 32 + 32) + (32 * 64 + 64 + 64 * 32 + 32) + 3 * 64;
  EXPECT_EQ(m.num_params(), 2 * enc + dec + 2 * (32 + 32) + 33);
  size_t sum = 0;
  for (const ParamGroup& g : m.groups()) sum += g.size;
  EXPECT_EQ(sum, m.num_params());
}

TEST(Transformer, LastValueSubtractionMakesTheModelShiftEquivariant) {
  // Adding a constant to every input adds the same constant to every output (dropout off).
  const ModelConfig mc = small_config();
  Transformer m(mc, 12, 6);
  FloatVec p;
  m.init(p, 9);
  std::vector<float> x(12), x2(12), y(6), y2(6);
  for (int i = 0; i < 12; ++i) { x[i] = 0.1f * i - 0.4f; x2[i] = x[i] + 2.5f; }
  ForwardCache c;
  m.forward(p.data(), x.data(), y.data(), c, false, nullptr);
  m.forward(p.data(), x2.data(), y2.data(), c, false, nullptr);
  // float32: the outputs differ by 2.5 up to rounding of values of magnitude ~3 (a few ulp)
  for (int h = 0; h < 6; ++h) EXPECT_NEAR(y2[h] - y[h], 2.5f, 1e-5f);
}
