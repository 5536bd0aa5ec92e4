// Hardening (issue 8, docs/hardening.md): the integer model file's structural checks (what the fuzzer of
// tests/fuzz/fuzz_intmodel.cpp found), its crash reproducers, and extreme inputs (all minimum, all maximum,
// alternating raw readings) through the integer engine, the fake-quantized model and the core simulator:
// the three saturate identically (bit-exact), nothing wraps.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <random>

#include "checkpoint.h"
#include "compiler.h"
#include "export.h"
#include "qtrain.h"

using namespace sf;

namespace {
const std::string kEtth1 = std::string(SF_SOURCE_DIR) + "/data/ETT/ETTh1.csv";

struct Small {
  Dataset d = make_dataset(kEtth1, "OT", 12, 6);
  Transformer m;
  FloatVec p;
  QModel qm;
  QState q;
  IntModel im;
  explicit Small(const std::string& preset, uint64_t seed = 3)
      : m(model(), 12, 6), qm(m, d.normalizer) {
    m.init(p, seed);
    std::mt19937_64 rng(seed + 100);
    std::normal_distribution<float> n(0.0f, 0.15f);
    for (float& v : p) v += n(rng);
    q = post_training_quantize(qm, p, make_quant_spec(preset), d, 64);
    im = export_int_model(qm, p.data(), q);
  }
  static ModelConfig model() {
    ModelConfig mc;
    mc.d_model = 16;  // heads of 8: the core's activation array (docs/core.md section 6)
    mc.n_heads = 2;
    mc.d_ff = 32;  // ff1 and ff2 of different shapes (BrokenStructureIsRefusedAtLoad swaps them)
    mc.enc_layers = 1;
    mc.dec_layers = 1;
    mc.label_len = 4;
    mc.dropout = 0.0f;
    return mc;
  }
};

std::string tmp_path(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "sf_test_hardening";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

// Saves a modified model and expects load_int_model to refuse it with one line naming the file and `msg`.
void expect_refused(const IntModel& m, const std::string& name, const std::string& msg) {
  const std::string path = tmp_path(name + ".sfint");
  save_int_model(path, m);
  try {
    load_int_model(path);
    ADD_FAILURE() << name << ": accepted";
  } catch (const Error& e) {
    const std::string w = e.what();
    EXPECT_NE(w.find(msg), std::string::npos) << name << ": " << w;
    EXPECT_EQ(w.rfind(path, 0), 0u) << name << ": " << w;
    EXPECT_EQ(w.find('\n'), std::string::npos) << name << ": " << w;
  }
}
}  // namespace

TEST(HardeningIntModel, ValidModelLoadsAndRuns) {
  const Small s("all2");
  const std::string path = tmp_path("valid.sfint");
  save_int_model(path, s.im);
  const IntModel back = load_int_model(path);
  const IntEngine e(back);
  std::vector<int32_t> raw(12, 100), out(6);
  e.run(raw.data(), out.data());
}

// Each field the engine indexes or shifts by, broken one at a time: refused at load, not a crash at run.
TEST(HardeningIntModel, BrokenStructureIsRefusedAtLoad) {
  const Small s("all2");
  const IntModel& g = s.im;
  auto with = [&](auto edit) {
    IntModel m = g;
    edit(m);
    return m;
  };
  expect_refused(with([](IntModel& m) { m.act_in = 1000; }), "act_in", "act_in = 1000 is out of range");
  expect_refused(with([](IntModel& m) { m.lin[2].name = "enc0.attn.q\nx"; }), "name", "has a name outside");
  expect_refused(with([](IntModel& m) { m.lin[2].name = "../../x"; }), "name_path", "has a name outside");
  expect_refused(with([](IntModel& m) { m.act_enc_emb = -1; }), "act_enc_emb", "act_enc_emb");
  expect_refused(with([](IntModel& m) { m.enc[0].ln1 = 77; }), "enc_ln", "encoder ln1 = 77");
  expect_refused(with([](IntModel& m) { m.dec[0].cross.lk = 500; }), "dec_lin", "attention projection = 500");
  expect_refused(with([](IntModel& m) { m.enc[0].ff2 = m.enc[0].ff1; }), "ff_shape", "encoder ff2");
  expect_refused(with([](IntModel& m) { m.lin[m.enc[0].attn.lq].out_act = -1; }), "out_act", "out_act = -1");
  expect_refused(with([](IntModel& m) { m.lin[2].w[0] = 5; }), "weight", "outside the 2-bit range");
  expect_refused(with([](IntModel& m) { m.lin[3].w_exp = 1000; }), "w_exp", "w_exp = 1000");
  expect_refused(with([](IntModel& m) { m.acts[0].exp = 100; }), "act_exp", "activation exponent = 100");
  expect_refused(with([](IntModel& m) { m.ln[0].eps = 0; }), "eps", "LayerNorm eps = 0");
  expect_refused(with([](IntModel& m) { m.ln[0].gamma[0] = 1000; }), "gamma", "LayerNorm gamma = 1000");
  expect_refused(with([](IntModel& m) { m.n_heads = 3; }), "heads", "not a multiple of n_heads");
  expect_refused(with([](IntModel& m) { m.label_len = 13; }), "label_len", "label_len = 13");
  expect_refused(with([](IntModel& m) { m.in_frac = 40; }), "in_frac", "in_frac = 40");
  expect_refused(with([](IntModel& m) {
                   m.seq_len = 70;  // beyond the softmax unit's row
                   m.pe.resize(static_cast<size_t>(70 + m.pred_len) * m.d_model);
                 }),
                 "seq_len", "seq_len = 70");
  // a residual pair whose exponents no residual_add shift can align
  expect_refused(with([](IntModel& m) {
                   m.acts.push_back(IntAct{30, 0});  // used only by the first encoder residual
                   m.act_enc_emb = static_cast<int>(m.acts.size()) - 1;
                 }),
                 "residual", "encoder residual 1 exponent difference");
  // a rescale beyond the shifter (it used to reach shift_rescale's assert)
  expect_refused(with([](IntModel& m) { m.attn_exp = -32; }), "score", "attention score rescale shift");
}

// Every crash reproducer the fuzzer found (tests/fuzz/corpus/<target>/crash-*) now fails with one sf::Error
// line: a fuzz input is a mode byte + the file (tests/fuzz/fuzz_common.h: odd = append the CRC-32).
namespace {
int for_each_reproducer(const std::string& target, const std::function<void(const std::string&)>& load) {
  const std::filesystem::path dir = std::filesystem::path(SF_SOURCE_DIR) / "tests/fuzz/corpus" / target;
  int n = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().filename().string().rfind("crash-", 0) != 0) continue;
    std::ifstream in(f.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_FALSE(bytes.empty()) << f.path();
    if (bytes.empty()) continue;
    std::string body = bytes.substr(1);
    if (bytes[0] & 1) {
      const uint32_t crc = crc32_of(body);
      body.append(reinterpret_cast<const char*>(&crc), 4);
    }
    const std::string path = tmp_path("repro." + target);
    std::ofstream(path, std::ios::binary) << body;
    ++n;
    try {
      load(path);
      ADD_FAILURE() << f.path() << ": accepted";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << f.path() << ": " << e.what();
    }
  }
  return n;
}
}  // namespace

TEST(HardeningFuzzReproducers, IntModel) {
  const int n = for_each_reproducer("intmodel", [](const std::string& path) {
    const IntModel m = load_int_model(path);
    const IntEngine e(m);
    std::vector<int32_t> raw(m.seq_len, -32768), out(m.pred_len);
    e.run(raw.data(), out.data());
  });
  EXPECT_GE(n, 3);
}

TEST(HardeningFuzzReproducers, Checkpoint) {
  EXPECT_GE(for_each_reproducer("checkpoint", [](const std::string& path) { load_checkpoint(path); }), 1);
}

// toml++ quotes the offending character in its description, a newline too, and TOML keys may hold any
// character: the error stays one line.
TEST(HardeningConfig, ParseErrorsAreOneLine) {
  for (const std::string text :
       {"[model]\nd_model = t\n", "[data]\ntarget = \"a\nb\"\n", "x = \x01\n", "[data]\n\"a\\nb\" = 1\n"}) {
    try {
      parse_config(text, "fuzz.toml");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const Error& e) {
      const std::string w = e.what();
      EXPECT_EQ(w.find('\n'), std::string::npos) << w;
      EXPECT_EQ(w.rfind("fuzz.toml:", 0), 0u) << w;
    }
  }
}

// A float where an integer belongs: refused before toml++ converts it (9e77 does not fit int64: the conversion
// was undefined behaviour, found by fuzzing `--set`).
TEST(HardeningConfig, HugeFloatForAnIntegerIsRefused) {
  for (const char* set : {"model.d_ff=9e77", "train.seed=-1e300", "data.seq_len=48.0"}) {
    Config c;
    try {
      apply_overrides(c, {set});
      ADD_FAILURE() << set << ": accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("expected an integer"), std::string::npos) << e.what();
    }
  }
  try {
    parse_config("[model]\nd_ff = 9e77\n", "x.toml");
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("x.toml: model.d_ff: expected an integer"), std::string::npos) << e.what();
  }
}

// Extreme raw readings (Q10.6, int16): all minimum, all maximum, alternating, a step from minimum to maximum
// at the last reading. The integer engine, the fake-quantized model (qmodel.h) and the compiled program on
// the core simulator (compiler.h) agree bit for bit; the forecast deltas stay inside the output head's
// saturation bounds (signed 16-bit), so they saturated and did not wrap.
class HardeningExtremes : public ::testing::TestWithParam<const char*> {};
TEST_P(HardeningExtremes, EngineModelAndCoreSaturateAlike) {
  const Small s(GetParam());
  const IntEngine e(s.im);
  const CoreImage img = compile_core(e);
  const QuantSnapshot snap = s.qm.snapshot(s.p.data(), s.q);
  auto cache = make_qcache();
  const int L = 12, H = 6;
  std::vector<std::pair<std::string, std::vector<int32_t>>> inputs;
  inputs.push_back({"all minimum", std::vector<int32_t>(L, -32768)});
  inputs.push_back({"all maximum", std::vector<int32_t>(L, 32767)});
  std::vector<int32_t> alt(L), alt2(L), step(L, -32768), step2(L, 32767);
  for (int t = 0; t < L; ++t) {
    alt[t] = t % 2 ? 32767 : -32768;
    alt2[t] = t % 2 ? -32768 : 32767;
  }
  step[L - 1] = 32767;
  step2[L - 1] = -32768;
  inputs.push_back({"alternating, ending high", alt});
  inputs.push_back({"alternating, ending low", alt2});
  inputs.push_back({"minimum then a maximum", step});
  inputs.push_back({"maximum then a minimum", step2});
  for (const auto& [name, raw] : inputs) {
    std::vector<int32_t> fe(H), fq(H), fc(H);
    std::vector<float> norm(H);
    e.run(raw.data(), fe.data());
    s.qm.forward(snap, s.q, raw.data(), norm.data(), fq.data(), *cache, nullptr);
    simulate_core(img, raw.data(), fc.data());
    EXPECT_EQ(fe, fq) << name << ": engine vs fake-quantized model";
    EXPECT_EQ(fe, fc) << name << ": engine vs core simulator";
    for (int h = 0; h < H; ++h) {
      const int64_t delta = int64_t{fe[h]} - raw[L - 1];
      EXPECT_GE(delta, -32768) << name;
      EXPECT_LE(delta, 32767) << name;
    }
  }
}
INSTANTIATE_TEST_SUITE_P(Presets, HardeningExtremes, ::testing::Values("all2", "all4", "all8"));
