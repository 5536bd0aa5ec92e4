// The sf_core compiler (model/compiler.*): instruction encoding, the instruction-level simulator bit-exact
// against the integer engine on random models of several shapes and presets (and the default and paper
// shapes), the cycle model against hand-derived timings and its invariants, the program/image file and its
// rejection, the synthesis-time maxima.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <tuple>

#include "checkpoint.h"
#include "compiler.h"
#include "export.h"
#include "qtrain.h"

using namespace sf;

namespace {
const std::string kEtth1 = std::string(SF_SOURCE_DIR) + "/data/ETT/ETTh1.csv";

FloatVec random_params(const Transformer& m, uint64_t seed) {  // initial weights + noise (as test_quant)
  FloatVec p;
  m.init(p, seed);
  std::mt19937_64 rng(seed + 100);
  std::normal_distribution<float> n(0.0f, 0.15f);
  for (float& v : p) v += n(rng);
  return p;
}

struct Shape {
  const char* name;
  int d_model, heads, d_ff, enc, dec, label, L, H;
};
const Shape kSmall{"small", 16, 2, 16, 2, 1, 4, 12, 6};
const Shape kWide{"wide", 32, 4, 32, 1, 2, 8, 16, 8};
const Shape kDefault{"default", 32, 4, 64, 2, 1, 24, 48, 24};
const Shape kPaper{"paper", 32, 4, 64, 6, 1, 24, 48, 24};

const Dataset& data(int L, int H) {
  static std::map<std::pair<int, int>, Dataset> cache;
  auto it = cache.find({L, H});
  if (it == cache.end()) it = cache.emplace(std::make_pair(L, H), make_dataset(kEtth1, "OT", L, H)).first;
  return it->second;
}

// A random quantized model of the shape, exported to the integer model (kept alive with its engine).
struct Built {
  IntModel im;
  std::unique_ptr<IntEngine> e;
};
Built build(const Shape& s, const char* preset, uint64_t seed, int calib = 64) {
  ModelConfig mc;
  mc.d_model = s.d_model;
  mc.n_heads = s.heads;
  mc.d_ff = s.d_ff;
  mc.enc_layers = s.enc;
  mc.dec_layers = s.dec;
  mc.label_len = s.label;
  mc.dropout = 0.0f;
  const Dataset& d = data(s.L, s.H);
  const Transformer m(mc, s.L, s.H);
  const FloatVec p = random_params(m, seed);
  const QModel qm(m, d.normalizer);
  const QState q = post_training_quantize(qm, p, make_quant_spec(preset), d, calib);
  Built b;
  b.im = export_int_model(qm, p.data(), q);
  b.e = std::make_unique<IntEngine>(b.im);
  return b;
}

// Runs `windows` evenly spaced test windows through the engine and the simulator; returns the number of
// bit-exact forecasts and reports the first mismatch.
int bit_exact(const Built& b, const CoreImage& img, const Shape& s, int windows,
              const std::array<int, isa::N_UNITS>& order = {0, 1, 2, 3}, bool report = true) {
  const Dataset& d = data(s.L, s.H);
  const std::vector<int32_t> raw = raw_fixed(d, d.test);
  std::vector<int32_t> want(s.H), got(s.H);
  int exact = 0;
  for (int w = 0; w < windows; ++w) {
    const int64_t i = w * (d.test.count() / windows);
    b.e->run(raw.data() + i, want.data());
    simulate_core(img, raw.data() + i, got.data(), order);
    if (want == got) {
      ++exact;
    } else if (report && exact == w) {
      for (int h = 0; h < s.H; ++h)
        if (want[h] != got[h]) {
          ADD_FAILURE() << s.name << ": window " << i << " step " << h << ": engine " << want[h] << ", core " << got[h];
          break;
        }
    }
  }
  return exact;
}

std::string tmp_path(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "sf_test_compiler";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}
}  // namespace

TEST(Isa, InstructionFieldsRoundTripAndOverflowIsRefused) {
  std::mt19937 rng(7);
  for (int k = 0; k < 1000; ++k) {
    auto r = [&](const isa::Field& f) { return static_cast<int>(rng() % (f.width == 31 ? 1u << 31 : 1u << f.width)); };
    Instr in;
    in.op = r(isa::F_OP);
    in.flags = r(isa::F_FLAGS);
    in.heads = r(isa::F_HEADS);
    in.wmode = r(isa::F_WMODE);
    in.rows = r(isa::F_ROWS);
    in.r0 = r(isa::F_R0);
    in.a = r(isa::F_A);
    in.b = r(isa::F_B);
    in.c = r(isa::F_C);
    in.d = r(isa::F_D);
    in.a_stride = r(isa::F_A_STRIDE);
    in.b_stride = r(isa::F_B_STRIDE);
    in.c_stride = r(isa::F_C_STRIDE);
    in.d_stride = r(isa::F_D_STRIDE);
    in.n_in = r(isa::F_N_IN);
    in.n_out = r(isa::F_N_OUT);
    in.brow0 = r(isa::F_BROW0);
    in.dh = r(isa::F_DH);
    in.wbase = r(isa::F_WBASE);
    in.bbase = r(isa::F_BBASE);
    in.pbase = r(isa::F_PBASE);
    for (int u = 0; u < isa::N_UNITS; ++u) in.wait[u] = r(isa::F_WAIT[u]);
    uint32_t w[isa::INSTR_WORDS];
    encode_instr(in, w);
    const Instr o = decode_instr(w);
    EXPECT_EQ(o.op, in.op);
    EXPECT_EQ(o.flags, in.flags);
    EXPECT_EQ(o.heads, in.heads);
    EXPECT_EQ(o.wmode, in.wmode);
    EXPECT_EQ(o.rows, in.rows);
    EXPECT_EQ(o.r0, in.r0);
    EXPECT_EQ(o.a, in.a);
    EXPECT_EQ(o.b, in.b);
    EXPECT_EQ(o.c, in.c);
    EXPECT_EQ(o.d, in.d);
    EXPECT_EQ(o.a_stride, in.a_stride);
    EXPECT_EQ(o.b_stride, in.b_stride);
    EXPECT_EQ(o.c_stride, in.c_stride);
    EXPECT_EQ(o.d_stride, in.d_stride);
    EXPECT_EQ(o.n_in, in.n_in);
    EXPECT_EQ(o.n_out, in.n_out);
    EXPECT_EQ(o.brow0, in.brow0);
    EXPECT_EQ(o.dh, in.dh);
    EXPECT_EQ(o.wbase, in.wbase);
    EXPECT_EQ(o.bbase, in.bbase);
    EXPECT_EQ(o.pbase, in.pbase);
    EXPECT_EQ(o.wait, in.wait);
  }
  Instr bad;
  bad.rows = 1 << isa::F_ROWS.width;
  uint32_t w[isa::INSTR_WORDS];
  EXPECT_THROW(encode_instr(bad, w), Error);
}

// The simulator (reference functions over the memory images only) against IntEngine::run.
struct Case {
  const Shape* shape;
  const char* preset;
  int chunk;
};
class CoreBitExact : public ::testing::TestWithParam<Case> {};

TEST_P(CoreBitExact, SimulatorMatchesTheIntegerEngine) {
  const Case c = GetParam();
  for (uint64_t seed : {1u, 2u}) {
    const Built b = build(*c.shape, c.preset, seed);
    CompileOptions o;
    o.chunk_rows = c.chunk;
    const CoreImage img = compile_core(*b.e, o);
    const int windows = 40;
    EXPECT_EQ(bit_exact(b, img, *c.shape, windows), windows) << c.shape->name << " " << c.preset << " seed " << seed;
    // another legal interleaving of the unit streams (the A and N units run ahead first)
    EXPECT_EQ(bit_exact(b, img, *c.shape, 10, {3, 2, 1, 0}), 10) << "reversed unit order";
    EXPECT_EQ(check_schedule(img, cycle_model(img)), "");
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, CoreBitExact,
                         ::testing::Values(Case{&kSmall, "all2", 8}, Case{&kSmall, "all1", 3}, Case{&kSmall, "all4", 1},
                                           Case{&kSmall, "all8", 5}, Case{&kSmall, "paper", 4}, Case{&kWide, "all2", 4},
                                           Case{&kWide, "paper", 16}, Case{&kWide, "all3", 7}),
                         [](const ::testing::TestParamInfo<Case>& i) {
                           return std::string(i.param.shape->name) + "_" + i.param.preset + "_chunk" +
                                  std::to_string(i.param.chunk);
                         });

// The default and paper shapes on the same core: bit-exact, within the memories, and the cycle figures.
class CoreShape : public ::testing::TestWithParam<std::pair<const Shape*, const char*>> {};

TEST_P(CoreShape, BitExactAndCycleFigures) {
  const Shape& s = *GetParam().first;
  const char* preset = GetParam().second;
  const Built b = build(s, preset, 3, 32);
  const CoreImage img = compile_core(*b.e);
  EXPECT_EQ(bit_exact(b, img, s, 12), 12);
  const CoreTiming t;
  const CycleReport r = cycle_model(img, t);
  EXPECT_EQ(check_schedule(img, r), "");
  // Dense MAC counts from the shape alone (docs/architecture.md): per encoder layer L (4 d^2 + 2 d dff);
  // per decoder layer S (4 d^2 + d^2 + d^2 + 2 d dff) + L 2 d^2 (cross K/V); embeddings L d + S d; head H d.
  // The program prunes the last decoder layer to the H rows the head reads, except its self K/V (all S).
  const int64_t d = s.d_model, f = s.d_ff, L = s.L, S = s.label + s.H, H = s.H;
  const int64_t model_w = s.enc * L * (4 * d * d + 2 * d * f) + s.dec * (S * (6 * d * d + 2 * d * f) + L * 2 * d * d) +
                          L * d + S * d + H * d;
  const int64_t model_a = s.enc * 2 * L * L * d + s.dec * 2 * (S * S * d + S * L * d);
  const int64_t w_macs = model_w - (S - H) * (4 * d * d + 2 * d * f);  // self q, o, cross q, o, ff1, ff2
  const int64_t a_macs = model_a - 2 * (S - H) * (S * d + L * d);
  EXPECT_EQ(r.weight_macs, w_macs);
  EXPECT_EQ(r.act_macs, a_macs);
  std::printf(
      "model dense MACs (as the engine computes them): weight %lld, activation %lld; weight-MAC "
      "utilization over the model's count %.1f %%\n",
      static_cast<long long>(model_w), static_cast<long long>(model_a),
      100.0 * model_w / (static_cast<double>(t.w_lanes) * t.w_kpar * r.total));
  // Lower bounds: the weight array cannot beat its lanes, the activation array its lanes.
  EXPECT_GE(r.total, w_macs / (t.w_lanes * t.w_kpar));
  EXPECT_GE(r.total, a_macs / (2 * t.a_lanes));  // Q.K lanes and P.V lanes
  std::printf("%s shape, preset %s:\n%s", s.name, preset, cycle_table(img, r, t, false).c_str());
  if (std::string(s.name) == "default" && std::string(preset) == "all2") {
    EXPECT_LE(r.total, 50000) << "issue 5 latency budget";
    if (std::getenv("SF_CYCLE_TABLE")) std::printf("%s", cycle_table(img, r, t, true).c_str());
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, CoreShape,
                         ::testing::Values(std::make_pair(&kDefault, "all2"), std::make_pair(&kDefault, "paper"),
                                           std::make_pair(&kPaper, "paper"), std::make_pair(&kPaper, "all2")),
                         [](const auto& i) { return std::string(i.param.first->name) + "_" + i.param.second; });

// The cycle model against timings derived by hand from docs/isa.md for single instructions.
TEST(CycleModel, SingleInstructionTimingsByHand) {
  CoreImage img;
  img.prog.assign(isa::HEADER_WORDS, 0u);
  auto put_stream = [&](int u, const std::vector<Instr>& v) {
    img.prog[1 + 2 * u] = static_cast<uint32_t>(img.prog.size());
    img.prog[2 + 2 * u] = static_cast<uint32_t>(v.size());
    for (const Instr& in : v) {
      uint32_t w[isa::INSTR_WORDS];
      encode_instr(in, w);
      img.prog.insert(img.prog.end(), w, w + isa::INSTR_WORDS);
    }
    uint32_t w[isa::INSTR_WORDS];
    encode_instr(Instr{}, w);
    img.prog.insert(img.prog.end(), w, w + isa::INSTR_WORDS);
  };
  CoreTiming t;  // docs/core.md: W 32 x 2, two drain lanes; A two heads of 8 per item; N two LayerNorms
  Instr lin;     // 8 rows of 32 -> 96: 24 pairs (row, tile); 2-bit: pair every max(16 beats, 16 drain) = 16
  lin.op = isa::OP_LINEAR;
  lin.rows = 8;
  lin.n_in = 32;
  lin.n_out = 96;
  Instr lin2 = lin;  // 4-bit (2 digits), waits for the first: pair every max(16 x 2, 16) = 32
  lin2.wmode = 1;
  lin2.wait[isa::UNIT_W] = 1;
  Instr att;  // 2 rows, 4 heads of 8 (2 items per row), 48 keys (6 softmax beats)
  att.op = isa::OP_ATTN;
  att.rows = 2;
  att.heads = 4;
  att.dh = 8;
  att.n_in = 48;
  att.wait[isa::UNIT_W] = 2;
  Instr an;  // 3 rows of 32 on 2 LayerNorms
  an.op = isa::OP_ADDNORM;
  an.rows = 3;
  an.n_out = 32;
  put_stream(isa::UNIT_IO, {});
  put_stream(isa::UNIT_W, {lin, lin2});
  put_stream(isa::UNIT_A, {att});
  put_stream(isa::UNIT_N, {an});
  const CycleReport r = cycle_model(img, t);
  ASSERT_EQ(r.instrs.size(), 4u);
  const InstrTime &l1 = r.instrs[0], &l2 = r.instrs[1], &a = r.instrs[2], &n = r.instrs[3];
  // lin: pairs decided from 1, every 16 cycles; a pair's tile completes (o_valid) 16 beats + 1 digit + 3 after
  // its decision; drain step i writes at o_valid + i + 6. Last pair 1 + 23 x 16 = 369, o_valid 389, last
  // write 389 + 15 + 6 = 410, complete at 411.
  EXPECT_EQ(l1.start, 0);
  EXPECT_EQ(l1.free, 10);  // the minimum issue gap
  EXPECT_EQ(l1.end, 411);
  // lin2 issues when lin completes; pairs from 412 every 32; last 412 + 23 x 32 = 1148, o_valid 1148 + 32 + 2 + 3
  // = 1185, last write 1185 + 15 + 6 = 1206.
  EXPECT_EQ(l2.start, 411);
  EXPECT_EQ(l2.end, 1207);
  // att issues at 1207, parameters (14 words, 2 per cycle) valid at 1217: item 0 QK 1217, softmax at
  // 1217 + 48 + 13 (a_score_lat) = 1278, P.V at 1278 + 3 x 6 + 13 = 1309, writes 1309 + 48 + 10 + m. Items then
  // follow every 49 cycles (the QK reads: 1 query + 48 keys): item 3 P.V at 1456, last write 1456 + 58 + 7 = 1521.
  EXPECT_EQ(a.start, 1207);
  EXPECT_EQ(a.end, 1522);
  // an: parameters from 1, rows at 8 and 40 (one residual lane, n = 32 cycles); a row's elements enter the
  // LayerNorm from R + 6, outputs from its last + n + 15, pairs written every 2 cycles. Row 2 on LayerNorm 0
  // again, which takes a row's first element 2n + 8 after the previous row's last (8 + 6 + 31 = 45): 117, so
  // the row starts at 111; its last element in at 148, outputs from 195, the last pair at 195 + 31 = 226.
  EXPECT_EQ(n.start, 0);
  EXPECT_EQ(n.end, 227);
  EXPECT_EQ(r.total, a.end);
}

TEST(CoreImageFile, RoundTripAndRejection) {
  const Built b = build(kSmall, "all2", 4, 32);
  const CoreImage img = compile_core(*b.e);
  const std::string path = tmp_path("small.sfcore");
  save_core_image(path, img);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  const CoreImage back = load_core_image(path);
  EXPECT_EQ(back.prog, img.prog);
  EXPECT_EQ(back.wmem, img.wmem);
  EXPECT_EQ(back.bmem, img.bmem);
  EXPECT_EQ(back.pmem, img.pmem);
  EXPECT_EQ(back.amem_bytes, img.amem_bytes);
  EXPECT_EQ(bit_exact(b, back, kSmall, 5), 5);

  const std::string good = read_file(path);
  auto expect_error = [&](const std::string& bytes, const std::string& what) {
    const std::string p = tmp_path("bad.sfcore");
    write_file_atomic(p, bytes);
    try {
      load_core_image(p);
      ADD_FAILURE() << "accepted a file with " << what;
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(p), std::string::npos) << msg;
      EXPECT_NE(msg.find(what), std::string::npos) << msg;
    }
  };
  std::string s = good;
  s[8] = static_cast<char>(isa::VERSION + 1);  // version field (and so the CRC): the version is named first
  expect_error(s, "ISA version");
  s = good;
  s[s.size() / 2] ^= 0x40;
  expect_error(s, "CRC-32");
  expect_error(good.substr(0, good.size() - 9), "CRC-32");
  s = good;
  s[0] = 'X';
  expect_error(s, "bad magic");
  expect_error("", "bad magic");
  EXPECT_THROW(load_core_image(tmp_path("missing.sfcore")), Error);
}

TEST(CoreImageFile, HexImagesHoldTheMemories) {
  const Built b = build(kSmall, "all4", 5, 32);
  const CoreImage img = compile_core(*b.e);
  const std::string dir = tmp_path("hex");
  write_core_hex(img, dir);
  std::ifstream w(dir + "/sf_wmem.hex"), p(dir + "/sf_prog.hex");
  std::string line;
  int n = 0;
  while (std::getline(w, line)) {
    ASSERT_EQ(line.size(), static_cast<size_t>(isa::WMEM_WIDTH / 4));
    if (n < static_cast<int>(img.wmem.size())) {
      for (int k = 0; k < isa::WMEM_WIDTH / 32; ++k) {  // most significant 32-bit word first
        EXPECT_EQ(static_cast<uint32_t>(std::stoul(line.substr(8 * (isa::WMEM_WIDTH / 32 - 1 - k), 8), nullptr, 16)),
                  img.wmem[n][k]);
      }
    }
    ++n;
  }
  EXPECT_EQ(n, isa::WMEM_DEPTH);
  ASSERT_TRUE(std::getline(p, line));
  EXPECT_EQ(std::stoul(line, nullptr, 16), static_cast<unsigned long>(isa::MAGIC) << 16 | isa::VERSION);
}

TEST(Compiler, RefusesModelsBeyondTheMaxima) {
  const Built b = build(kSmall, "all2", 6, 32);
  IntModel m = b.im;
  m.n_heads = isa::MAX_HEADS * 2;
  const IntEngine e(m);
  try {
    compile_core(e);
    ADD_FAILURE() << "compiled " << m.n_heads << " heads";
  } catch (const Error& err) {
    EXPECT_NE(std::string(err.what()).find("heads"), std::string::npos) << err.what();
  }
  CompileOptions o;
  o.chunk_rows = -1;
  EXPECT_THROW(compile_core(*b.e, o), Error);
  o.chunk_rows = 8;
  o.policy = 2;
  EXPECT_THROW(compile_core(*b.e, o), Error);
}

// Builds of the core (spec/isa.toml [[build]]): the lite build compiles a 2-bit model to the full build's
// instructions, weights and parameters (header word 0 names the build; the scheduler and the scratch
// allocation use the build's timing, so addresses and stream order may differ), keeps the build through the
// file, and refuses wider weights, a model beyond its memories, and an unknown build, each with one error
// naming the limit.
TEST(Compiler, LiteBuildFitsTwoBitModelsAndRefusesWhatItCannotRun) {
  const isa::Build& lite_b = core_build("lite");
  EXPECT_EQ(lite_b.w_max, 2);
  const Built b2 = build(kSmall, "all2", 6, 32);
  CompileOptions o;
  o.build = "lite";
  const CoreImage lite = compile_core(*b2.e, o);
  const CoreImage full = compile_core(*b2.e);
  EXPECT_EQ(full.build, 0);
  EXPECT_EQ(lite.build, lite_b.id);
  EXPECT_EQ(lite.prog[0], static_cast<uint32_t>(isa::MAGIC) << 16 | static_cast<uint32_t>(lite_b.id) << 12 |
                              static_cast<uint32_t>(isa::VERSION));
  EXPECT_EQ(lite_b.ln_units, 1);
  EXPECT_EQ(core_timing(lite_b).ln_units, 1);
  EXPECT_EQ(lite.wmem, full.wmem);
  EXPECT_EQ(lite.pmem, full.pmem);
  EXPECT_EQ(bit_exact(b2, lite, kSmall, 3), 3);
  // the lite build's activation array is 8 lanes (one head per ATTN item): the same instructions (by
  // content, without addresses and waits), the same writes per instruction (two bytes each), two items a
  // row-group of two heads instead of one, so A's busy cycles double
  EXPECT_EQ(lite_b.a_lanes, 8);
  const CycleReport rl = cycle_model(lite), rf = cycle_model(full);
  EXPECT_EQ(check_schedule(lite, rl), "");
  auto instrs = [](const CycleReport& r) {
    std::vector<std::tuple<int, int, int, int, int, int, int, int>> v;
    std::vector<int> nw(r.instrs.size(), 0);
    for (const TraceWrite& x : r.writes) nw[x.instr] += x.nbytes;
    for (size_t k = 0; k < r.instrs.size(); ++k) {
      const Instr& in = r.instrs[k].in;
      v.emplace_back(r.instrs[k].unit, in.op, in.r0, in.rows, in.n_in, in.n_out, in.heads, nw[k]);
    }
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(instrs(rl), instrs(rf));
  EXPECT_EQ(rl.writes.size(), rf.writes.size());
  EXPECT_GT(rf.busy[isa::UNIT_A], 0);
  EXPECT_EQ(rl.busy[isa::UNIT_A], 2 * rf.busy[isa::UNIT_A]);
  EXPECT_EQ(rl.act_macs, rf.act_macs);
  EXPECT_GT(rl.total, rf.total);
  const std::string path = tmp_path("lite.sfcore");
  save_core_image(path, lite);
  const CoreImage back = load_core_image(path);
  EXPECT_EQ(back.build, lite_b.id);
  EXPECT_EQ(back.prog, lite.prog);
  EXPECT_STREQ(core_build(back).name, "lite");

  // the shipped default model fits the lite build
  const IntModel shipped = load_int_model(std::string(SF_SOURCE_DIR) + "/data/model/default-all2.sfint");
  const IntEngine se(shipped);
  const CoreImage si = compile_core(se, o);
  EXPECT_LE(static_cast<int>(si.wmem.size()), lite_b.wmem_depth);
  EXPECT_LE(static_cast<int>(si.bmem.size()), lite_b.bmem_depth);
  EXPECT_LE(static_cast<int>(si.prog.size()), lite_b.prog_depth);

  auto refused = [&](const IntEngine& e, const CompileOptions& co, std::vector<std::string> words) {
    try {
      compile_core(e, co);
      ADD_FAILURE() << "compiled for build " << co.build;
    } catch (const Error& err) {
      for (const std::string& w : words) EXPECT_NE(std::string(err.what()).find(w), std::string::npos) << err.what();
    }
  };
  const Built b4 = build(kSmall, "all4", 5, 32);
  refused(*b4.e, o, {"lite build", "4-bit weights", "w_max"});
  // a model beyond the lite build's WMEM (512 words) but within the full build's
  const Shape big{"big", 64, 8, 64, 1, 1, 8, 24, 12};
  const Built bb = build(big, "all2", 8, 16);
  EXPECT_NO_THROW(compile_core(*bb.e));
  refused(*bb.e, o, {"lite build", "WMEM"});
  CompileOptions unknown;
  unknown.build = "huge";
  refused(*b2.e, unknown, {"unknown core build 'huge'", "full", "lite"});
}

// The whole ETTh1 test split (2857 windows) on the default shape: about a minute, so on demand only:
// SF_CORE_FULL_SPLIT=1 build-isa/bin/sf_tests --gtest_filter='CoreFull.*'
TEST(CoreFull, DefaultShapeWholeTestSplitBitExact) {
  if (!std::getenv("SF_CORE_FULL_SPLIT")) GTEST_SKIP() << "set SF_CORE_FULL_SPLIT=1 to run all test windows";
  const Built b = build(kDefault, "all2", 3, 256);
  const CoreImage img = compile_core(*b.e);
  const Dataset& d = data(kDefault.L, kDefault.H);
  const int windows = static_cast<int>(d.test.count());
  EXPECT_EQ(bit_exact(b, img, kDefault, windows), windows);
  std::printf("%d windows\n", windows);
}

// The checks see a missing wait: the first instruction of the A and N streams with its waits removed is
// reported by check_schedule, and the simulator, running that unit first, no longer matches the engine.
TEST(Compiler, AMissingWaitIsCaught) {
  const Built b = build(kSmall, "all2", 7, 32);
  const CoreImage good = compile_core(*b.e);
  ASSERT_EQ(check_schedule(good, cycle_model(good)), "");
  for (int u : {static_cast<int>(isa::UNIT_A), static_cast<int>(isa::UNIT_N)}) {
    CoreImage bad = good;
    const uint32_t at = bad.prog[1 + 2 * u];  // first instruction of the stream
    Instr in = decode_instr(&bad.prog[at]);
    in.wait.fill(0);
    encode_instr(in, &bad.prog[at]);
    EXPECT_NE(check_schedule(bad, cycle_model(bad)), "") << isa::UNIT_NAMES[u];
    std::array<int, isa::N_UNITS> order{u, 0, 1, 2};
    for (int v = 0, k = 1; v < isa::N_UNITS; ++v)
      if (v != u) order[k++] = v;
    EXPECT_LT(bit_exact(b, bad, kSmall, 5, order, false), 5) << isa::UNIT_NAMES[u] << " ran ahead without its waits";
  }
}
