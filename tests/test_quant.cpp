// Quantizers and observers, presets, the straight-through gradient, the integer engine against the
// fake-quantized model (bit-exact), the integer model file, and the compression accounting.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "checkpoint.h"
#include "export.h"
#include "qtrain.h"

using namespace sf;

namespace {
const std::string kEtth1 = std::string(SF_SOURCE_DIR) + "/data/ETT/ETTh1.csv";

const Dataset& small_data() {  // ETTh1 with short windows for small models
  static const Dataset d = make_dataset(kEtth1, "OT", 12, 6);
  return d;
}

ModelConfig small_model() {
  ModelConfig mc;
  mc.d_model = 8;
  mc.n_heads = 2;
  mc.d_ff = 16;
  mc.enc_layers = 2;
  mc.dec_layers = 1;
  mc.label_len = 4;
  mc.dropout = 0.0f;
  return mc;
}

// A random model in general position: initial weights plus noise on every parameter.
FloatVec random_params(const Transformer& m, uint64_t seed) {
  FloatVec p;
  m.init(p, seed);
  std::mt19937_64 rng(seed + 100);
  std::normal_distribution<float> n(0.0f, 0.15f);
  for (float& v : p) v += n(rng);
  return p;
}

std::string tmp_path(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "sf_test_quant";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}
}  // namespace

TEST(Quant, ObserverMovingAverageAndZeroExactlyRepresentable) {
  Observer o;
  o.update(-1.0f, 3.0f, 0.1f);  // first batch initializes
  EXPECT_FLOAT_EQ(o.lo, -1.0f);
  EXPECT_FLOAT_EQ(o.hi, 3.0f);
  o.update(-3.0f, 1.0f, 0.1f);
  EXPECT_FLOAT_EQ(o.lo, 0.9f * -1.0f + 0.1f * -3.0f);
  EXPECT_FLOAT_EQ(o.hi, 0.9f * 3.0f + 0.1f * 1.0f);
  for (float lo : {-5.3f, -0.01f, 0.0f, 2.0f})
    for (float hi : {0.3f, 1.0f, 7.9f}) {
      if (lo > hi) continue;  // not a batch range
      Observer ob;
      ob.update(lo, hi, 1.0f);
      const ActQ q = ob.qparams(8);
      EXPECT_EQ(q.quantize(0.0f), q.zp);  // zero is a code
      // the range [min(lo,0), max(hi,0)] is covered to within half a step at both ends
      EXPECT_LE(q.lo(), std::min(lo, 0.0f) + 0.5f * q.scale());
      EXPECT_GE(q.hi(), std::max(hi, 0.0f) - 0.5f * q.scale());
      EXPECT_GE(q.zp, 0);
      EXPECT_LE(q.zp, 255);
    }
}

TEST(Quant, WeightsNarrowRangeAndBestPowerOfTwo) {
  std::mt19937_64 rng(3);
  std::normal_distribution<float> n(0.0f, 0.3f);
  std::vector<float> w(500);
  for (float& v : w) v = n(rng);
  for (int bits : {1, 2, 3, 4, 8}) {
    const int e = weight_exp(w.data(), w.size(), bits);
    const int m = weight_qmax(bits);
    std::set<int> codes;
    for (float v : w) {
      const int q = weight_quantize(v, bits, e);
      EXPECT_LE(std::abs(q), m);
      codes.insert(q);
    }
    if (bits == 1) {
      EXPECT_EQ(codes, (std::set<int>{-1, 1}));
    }
    if (bits == 2) {
      EXPECT_EQ(codes, (std::set<int>{-1, 0, 1}));  // ternary
    }
    if (bits <= 4 && bits > 1) {  // the chosen exponent is no worse than its neighbours
      auto err = [&](int ex) {
        double s = 0;
        for (float v : w) s += std::pow(v - std::ldexp(static_cast<float>(weight_quantize(v, bits, ex)), ex), 2);
        return s;
      };
      EXPECT_LE(err(e), err(e + 1));
      EXPECT_LE(err(e), err(e - 1));
    }
  }
}

TEST(Quant, PresetsAssignBitsPerLayerGroup) {
  const QuantSpec p = make_quant_spec("paper");
  EXPECT_EQ(p.bits_for("enc_in"), 32);
  EXPECT_EQ(p.bits_for("dec_in"), 32);
  EXPECT_EQ(p.bits_for("out"), 32);
  EXPECT_EQ(p.bits_for("dec0.cross.q"), 32);
  EXPECT_EQ(p.bits_for("dec3.cross.o"), 32);
  EXPECT_EQ(p.bits_for("dec0.self.q"), 2);
  EXPECT_EQ(p.bits_for("enc1.attn.v"), 2);
  EXPECT_EQ(p.bits_for("enc0.ff2"), 2);
  EXPECT_EQ(make_quant_spec("all4").bits_for("enc_in"), 4);
  EXPECT_EQ(make_quant_spec("all8").bits_for("dec0.ff1"), 8);
  EXPECT_THROW(make_quant_spec("all99"), Error);
  EXPECT_THROW(make_quant_spec("half"), Error);
}

// Per-group overrides over a preset ("all2,enc_in=32"), a list alone on fp32, and the errors.
TEST(Quant, GroupOverridesOverPresets) {
  const QuantSpec a = make_quant_spec("all2,enc_in=32,*.ff=8");
  EXPECT_EQ(a.bits_for("enc_in"), 32);
  EXPECT_EQ(a.bits_for("enc0.ff1"), 8);
  EXPECT_EQ(a.bits_for("dec0.ff2"), 8);
  EXPECT_EQ(a.bits_for("enc1.attn.q"), 2);
  EXPECT_EQ(a.bits_for("out"), 2);
  EXPECT_EQ(a.preset, "all2,enc_in=32,*.ff=8");
  const QuantSpec b = make_quant_spec("*.attn=2,*.self=2");  // on fp32: only self-attention quantized
  EXPECT_EQ(b.bits_for("enc0.attn.k"), 2);
  EXPECT_EQ(b.bits_for("dec0.self.o"), 2);
  EXPECT_EQ(b.bits_for("dec0.cross.q"), 32);
  EXPECT_EQ(b.bits_for("enc_in"), 32);
  // an override replaces the preset's entry for the same group; an exact layer beats the wildcard
  const QuantSpec c = make_quant_spec("paper,*.cross=2,dec1.cross=4,default=3");
  EXPECT_EQ(c.bits_for("dec0.cross.v"), 2);
  EXPECT_EQ(c.bits_for("dec1.cross.v"), 4);
  EXPECT_EQ(c.bits_for("enc0.ff1"), 3);
  EXPECT_EQ(c.bits_for("out"), 32);
  for (const char* bad : {"paper,", "all2,enc9=2", "all2,enc_in=0", "all2,enc_in=17", "all2,enc_in=2x", "all2,enc_in",
                          "all2,*.cross=", "all2,enc0.cross=2", "half,enc_in=2", "all2,,enc_in=2"})
    EXPECT_THROW(make_quant_spec(bad), Error) << bad;
}

class EngineBitExact : public ::testing::TestWithParam<const char*> {};

// The integer engine, which uses nothing but the reference functions, produces exactly the forecasts of
// the fake-quantized model for every window.
TEST_P(EngineBitExact, AgainstFakeQuantOnRandomModels) {
  const Dataset& d = small_data();
  const Transformer m(small_model(), 12, 6);
  for (uint64_t seed : {1u, 2u}) {
    const FloatVec p = random_params(m, seed);
    const QModel qm(m, d.normalizer);
    const QState q = post_training_quantize(qm, p, make_quant_spec(GetParam()), d, 128);
    const QuantSnapshot s = qm.snapshot(p.data(), q);
    const IntModel im = export_int_model(qm, p.data(), q);
    const IntEngine e(im);
    const std::vector<int32_t> raw = raw_fixed(d, d.test);
    auto cache = make_qcache();
    std::vector<float> norm(6);
    std::vector<int32_t> a(6), b(6);
    int exact = 0;
    const int windows = 300;
    for (int w = 0; w < windows; ++w) {
      const int64_t i = w * (d.test.count() / windows);
      qm.forward(s, q, raw.data() + i, norm.data(), a.data(), *cache, nullptr);
      e.run(raw.data() + i, b.data());
      if (a == b) ++exact;
      else if (exact == w) ADD_FAILURE() << "first mismatch at window " << i << " step 0: " << a[0] << " vs " << b[0];
    }
    EXPECT_EQ(exact, windows) << GetParam() << " seed " << seed;
  }
}

INSTANTIATE_TEST_SUITE_P(Presets, EngineBitExact, ::testing::Values("all1", "all2", "all3", "all4", "all8"));

TEST(Quant, StraightThroughGradientFollowsTheFloatGradient) {
  // At 8 bits the fake-quant gradient must point where the FP32 gradient points (activations and the
  // base-2 softmax perturb it): cosine similarity >= 0.9 over the whole parameter vector.
  const Dataset& d = small_data();
  const Transformer m(small_model(), 12, 6);
  const FloatVec p = random_params(m, 5);
  const QModel qm(m, d.normalizer);
  const QState q = post_training_quantize(qm, p, make_quant_spec("all8"), d, 128);
  const QuantSnapshot s = qm.snapshot(p.data(), q);
  const std::vector<int32_t> raw = raw_fixed(d, d.train);
  std::vector<float> gq(p.size(), 0.0f), gf(p.size(), 0.0f), out(6), dout(6);
  auto qc = make_qcache();
  ForwardCache fc;
  for (int64_t w = 0; w < 64; ++w) {
    const int64_t i = w * 97;
    qm.forward(s, q, raw.data() + i, out.data(), nullptr, *qc, nullptr);
    mse_grad(out.data(), d.train.target(i), 6, 1.0f, dout.data());
    qm.backward(s, q, dout.data(), *qc, gq.data());
    m.forward(p.data(), d.train.input(i), out.data(), fc, false, nullptr);
    mse_grad(out.data(), d.train.target(i), 6, 1.0f, dout.data());
    m.backward(p.data(), dout.data(), fc, gf.data());
  }
  // the folded input/output linears: dL/dp = fold * dL/dpq
  for (const QLinear& l : qm.linears()) {
    for (int i = 0; i < l.l->in * l.l->out; ++i) gq[l.l->w + i] *= l.fold_w;
    for (int i = 0; i < l.l->out; ++i) gq[l.l->b + i] *= l.fold_b;
  }
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    dot += static_cast<double>(gq[i]) * gf[i];
    na += static_cast<double>(gq[i]) * gq[i];
    nb += static_cast<double>(gf[i]) * gf[i];
  }
  EXPECT_GE(dot / std::sqrt(na * nb), 0.9);
}

TEST(Quant, QatFineTuningLowersTheValidationError) {
  const Dataset& d = small_data();
  Config c;
  c.model = small_model();
  c.train.batch_size = 16;
  c.train.max_train_windows = 512;
  c.train.seed = 3;
  const Transformer m(c.model, 12, 6);
  TrainState st;
  init_train_state(c, m, st);
  st.params = random_params(m, 8);
  const QModel qm(m, d.normalizer);
  QState q = post_training_quantize(qm, st.params, make_quant_spec("all2"), d, 128);
  const double before = evaluate_qmodel(qm, qm.snapshot(st.params.data(), q), q, d, d.val).mse;
  QState best;
  QatOptions o;
  o.epochs = 2;
  o.lr = 2e-3;
  quantization_aware_train(c, o, d, qm, st, q, best, {});
  const double after = evaluate_qmodel(qm, qm.snapshot(st.best_params.data(), best), best, d, d.val).mse;
  EXPECT_LT(after, before);
  EXPECT_DOUBLE_EQ(after, st.best_val);
}

TEST(IntModelFile, RoundTripAndRejection) {
  const Dataset& d = small_data();
  const Transformer m(small_model(), 12, 6);
  const FloatVec p = random_params(m, 4);
  const QModel qm(m, d.normalizer);
  const QState q = post_training_quantize(qm, p, make_quant_spec("all2"), d, 64);
  const IntModel im = export_int_model(qm, p.data(), q);
  const std::string path = tmp_path("m.sfint");
  save_int_model(path, im);
  const IntModel back = load_int_model(path);
  const std::string again = tmp_path("again.sfint");
  save_int_model(again, back);
  EXPECT_EQ(read_file(path), read_file(again));
  const IntEngine e1(im), e2(back);
  const std::vector<int32_t> raw = raw_fixed(d, d.test);
  std::vector<int32_t> a(6), b(6);
  for (int64_t i = 0; i < 50; ++i) {
    e1.run(raw.data() + 7 * i, a.data());
    e2.run(raw.data() + 7 * i, b.data());
    EXPECT_EQ(a, b);
  }
  const std::string bytes = read_file(path);
  auto expect_error = [&](const std::string& name, const std::string& content, const std::string& msg) {
    const std::string p2 = tmp_path(name);
    std::ofstream(p2, std::ios::binary) << content;
    try {
      load_int_model(p2);
      ADD_FAILURE() << name << ": no error";
    } catch (const Error& err) {
      EXPECT_NE(std::string(err.what()).find(msg), std::string::npos) << name << ": " << err.what();
      EXPECT_EQ(std::string(err.what()).rfind(p2, 0), 0u) << err.what();
    }
  };
  std::string flipped = bytes;
  flipped[bytes.size() / 3] ^= 0x40;
  expect_error("flip.sfint", flipped, "corrupt or truncated");
  expect_error("trunc.sfint", bytes.substr(0, bytes.size() / 2), "corrupt or truncated");
  std::string version = bytes;
  version[8] = 7;
  expect_error("version.sfint", version, "format version 7");
  expect_error("magic.sfint", "SFCKPT\r\n0123456789", "bad magic");
  expect_error("ckpt.sfint", std::string(kCheckpointMagic, 8) + "xxxxxxxxxxxx", "bad magic");
}

TEST(IntModelFile, WiderThanTheMacArrayIsRefused) {
  const Dataset& d = small_data();
  const Transformer m(small_model(), 12, 6);
  const FloatVec p = random_params(m, 2);
  const QModel qm(m, d.normalizer);
  const QState q = post_training_quantize(qm, p, make_quant_spec("all12"), d, 32);
  try {
    export_int_model(qm, p.data(), q);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("12-bit weights cannot be exported"), std::string::npos) << e.what();
  }
}

TEST(Quant, CompressionAccounting) {
  const Dataset& d = small_data();
  const Transformer m(small_model(), 12, 6);
  const FloatVec p = random_params(m, 6);
  const QModel qm(m, d.normalizer);
  std::map<std::string, CompressionReport> r;
  for (const char* preset : {"all8", "all4", "all2", "paper"}) {
    const QState q = post_training_quantize(qm, p, make_quant_spec(preset), d, 32);
    r[preset] = compression(export_int_model(qm, p.data(), q), kept_float_linears(qm, q));
    EXPECT_EQ(r[preset].params, static_cast<int64_t>(m.num_params()));
    EXPECT_EQ(r[preset].fp32_bits, 32 * static_cast<int64_t>(m.num_params()));
  }
  // Linear weights and biases at their width, LayerNorm gamma at 8 and beta at 16 bits, plus overhead.
  int64_t lin_params = 0, ln_params = 0;
  for (const QLinear& l : qm.linears()) lin_params += static_cast<int64_t>(l.l->in + 1) * l.l->out;
  for (const LayerNormP* l : qm.layernorms()) ln_params += 2 * l->d;
  EXPECT_EQ(lin_params + ln_params, static_cast<int64_t>(m.num_params()));
  for (auto [preset, bits] : {std::pair{"all8", 8}, {"all4", 4}, {"all2", 2}}) {
    const CompressionReport& c = r[preset];
    EXPECT_EQ(c.stored_bits, lin_params * bits + ln_params / 2 * (8 + 16) + c.overhead_bits) << preset;
    EXPECT_EQ(c.paper_bits, c.stored_bits) << preset;  // nothing kept in float
  }
  EXPECT_GT(r["all2"].deployed_ratio(), r["all4"].deployed_ratio());
  EXPECT_GT(r["all4"].deployed_ratio(), r["all8"].deployed_ratio());
  // paper: the kept layers are stored at 8 bits but counted at 32 by the paper's accounting
  EXPECT_GT(r["paper"].paper_bits, r["paper"].stored_bits);
}

TEST(IntModelFile, RtlImagesDecodeToTheModel) {
  const Dataset& d = small_data();
  const Transformer m(small_model(), 12, 6);
  const FloatVec p = random_params(m, 9);
  const QModel qm(m, d.normalizer);
  for (const char* preset : {"all2", "all4", "all8"}) {
    const QState q = post_training_quantize(qm, p, make_quant_spec(preset), d, 32);
    const IntModel im = export_int_model(qm, p.data(), q);
    const IntEngine e(im);
    const std::string dir = tmp_path(std::string("rtl_") + preset);
    write_rtl_images(e, dir);
    ASSERT_TRUE(std::filesystem::exists(dir + "/sf_model.vh"));
    for (size_t li = 0; li < im.lin.size(); ++li) {
      const IntLinear& l = im.lin[li];
      std::string stem = "lin" + std::string(li < 10 ? "0" : "") + std::to_string(li) + "_" + l.name;
      std::replace(stem.begin(), stem.end(), '.', '_');
      std::ifstream w(dir + "/" + stem + ".w.hex"), b(dir + "/" + stem + ".b.hex");
      ASSERT_TRUE(w && b) << stem;
      const int wb = std::string(preset) == "all2" ? 2 : (std::string(preset) == "all4" ? 4 : 8);
      std::string line;
      for (int o = 0; o < l.n_out; ++o) {
        ASSERT_TRUE(std::getline(w, line)) << stem << " row " << o;
        // hex digits, most significant first: input i occupies bits [i*wb, (i+1)*wb)
        for (int i = 0; i < l.n_in; ++i) {
          int code = 0;
          for (int bit = 0; bit < wb; ++bit) {
            const int pos = i * wb + bit;
            const char c = line[line.size() - 1 - pos / 4];
            const int nib = std::isdigit(c) ? c - '0' : c - 'a' + 10;
            code |= ((nib >> (pos % 4)) & 1) << bit;
          }
          if (code >= (1 << (wb - 1))) code -= 1 << wb;  // sign-extend
          EXPECT_EQ(code, l.w[static_cast<size_t>(o) * l.n_in + i]) << stem << " " << o << "," << i;
        }
      }
      for (int32_t v : e.folded_bias(static_cast<int>(li))) {
        ASSERT_TRUE(std::getline(b, line));
        EXPECT_EQ(static_cast<int32_t>(std::stoul(line, nullptr, 16)), v) << stem;
      }
    }
  }
}
