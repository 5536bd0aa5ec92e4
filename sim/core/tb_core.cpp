// tb_core: the whole accelerator core (rtl/sf_core.v) against the C++ contract, cycle by cycle: for every
// window, each scratch-memory write (memory, address, bytes, cycle) and each forecast write must be the cycle
// model's (model/compiler.h core_trace), the forecast must equal the integer engine's bit for bit, and the
// forecast must complete on the cycle model's cycle. Random exported models of the default shape (presets
// all2 and paper) and the paper shape (6 encoder layers), a few windows each; the whole test split is
// `make sim` (sim/core/sf_sim.cpp).
// Built once per core build (spec/isa.toml [[build]]): tb_core (full) and tb_core_lite (the Verilated core
// with -DSF_BUILD_LITE, SF_TB_BUILD = "lite"): the models are compiled for the bench's build, the shapes are
// those that fit it, and the shipped default model runs write-exact on both.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <cstdlib>
#include <random>
#include <tuple>

#include "core_bench.h"
#include "export.h"
#include "qtrain.h"

using namespace sf;

#ifndef SF_TB_BUILD
#define SF_TB_BUILD "full"
#endif

namespace {
constexpr const char* kBuild = SF_TB_BUILD;  // the build the Verilated core was made with
CompileOptions build_opts() {
  CompileOptions o;
  o.build = kBuild;
  return o;
}
struct Model {
  IntModel im;
  std::unique_ptr<IntEngine> e;
  CoreImage img;
};
struct Shape {
  int d_model, heads, d_ff, enc, dec, label, L, H;
};
std::unique_ptr<Model> random_model(const Shape& sh, const char* preset, uint64_t seed, const Dataset& d) {
  ModelConfig mc;
  mc.dropout = 0.0f;
  mc.d_model = sh.d_model;
  mc.n_heads = sh.heads;
  mc.d_ff = sh.d_ff;
  mc.enc_layers = sh.enc;
  mc.dec_layers = sh.dec;
  mc.label_len = sh.label;
  const Transformer t(mc, sh.L, sh.H);
  FloatVec p;
  t.init(p, seed);
  std::mt19937_64 rng(seed + 100);
  std::normal_distribution<float> n(0.0f, 0.15f);
  for (float& v : p) v += n(rng);
  const QModel qm(t, d.normalizer);
  const QState q = post_training_quantize(qm, p, make_quant_spec(preset), d, 32);
  auto m = std::make_unique<Model>();
  m->im = export_int_model(qm, p.data(), q);
  m->e = std::make_unique<IntEngine>(m->im);
  m->img = compile_core(*m->e, build_opts());
  return m;
}
const Dataset& etth1(int L, int H) {
  static std::map<std::pair<int, int>, Dataset> cache;
  auto it = cache.find({L, H});
  if (it == cache.end())
    it = cache.emplace(std::make_pair(L, H), make_dataset(std::string(SF_TEST_DATA_DIR) + "/ETT/ETTh1.csv", "OT", L, H))
             .first;
  return it->second;
}
}  // namespace

struct Case {
  const char* name;
  Shape shape;
  const char* preset;
  int windows;
};
class Core : public ::testing::TestWithParam<Case> {};

TEST_P(Core, EveryWriteOnTheCycleModelsCycleAndForecastsBitExact) {
  const Case c = GetParam();
  const Dataset& d = etth1(c.shape.L, c.shape.H);
  const auto m = random_model(c.shape, c.preset, 3, d);
  const int L = c.shape.L, H = c.shape.H;
  const CycleReport rep = cycle_model(m->img);
  const std::vector<int32_t> raw = raw_fixed(d, d.test);
  CoreBench tb(7, std::getenv("SF_TB_FST") ? std::getenv("SF_TB_FST") : "");
  tb.load(m->img);
  int exact = 0;
  for (int w = 0; w < c.windows; ++w) {
    const int64_t i = w * (d.test.count() / c.windows);
    std::vector<int32_t> want(H), model(H), got(H);
    m->e->run(raw.data() + i, want.data());
    const CycleReport tr = core_trace(m->img, raw.data() + i, model.data());
    ASSERT_EQ(model, want) << "the instruction-level simulator disagrees with the engine";
    std::vector<TraceWrite> writes;
    const int64_t done = tb.run(raw.data() + i, L, H, got.data(), &writes, 4 * rep.total + 1000);
    const std::string diff = compare_traces(tr.writes, writes);
    if (!diff.empty() && std::getenv("SF_TB_DUMP")) {
      auto dump = [](const char* who, std::vector<TraceWrite> v) {
        std::stable_sort(v.begin(), v.end(), [](const TraceWrite& a, const TraceWrite& b) {
          return std::make_tuple(a.cycle, a.mem, a.addr) < std::make_tuple(b.cycle, b.mem, b.addr);
        });
        const int only = std::atoi(std::getenv("SF_TB_DUMP"));
        int shown = 0;
        for (size_t k = 0; k < v.size() && shown < 24; ++k)
          if (v[k].mem == only && v[k].cycle >= std::atoll(std::getenv("SF_TB_FROM") ? std::getenv("SF_TB_FROM") : "0") &&
              ++shown)
            std::printf("%s %lld m%d a%d v%04llx\n", who, (long long)v[k].cycle, v[k].mem, v[k].addr, (long long)v[k].value);
      };
      dump("model", tr.writes);
      dump("rtl  ", writes);
    }
    ASSERT_EQ(diff, "") << "window " << i << "; notes: " << [&] {
      std::string n;
      for (size_t k = 0; k < rep.instrs.size(); ++k)
        if (diff.find("instruction " + std::to_string(k) + ")") != std::string::npos)
          n = m->img.notes[k] + " (" + isa::op_name(rep.instrs[k].in.op) + ", wmode " +
              std::to_string(rep.instrs[k].in.wmode) + ")";
      return n;
    }();
    ASSERT_GE(done, 0) << "window " << i << ": no o_done (timeout or header refused)";
    EXPECT_EQ(done, rep.total) << "window " << i << ": o_done cycle";
    if (got == want) ++exact;
    EXPECT_EQ(got, want) << "window " << i;
  }
  EXPECT_EQ(exact, c.windows);
  std::printf("%s, %s: %d/%d windows bit-exact, every write on its cycle; %lld cycles per forecast\n", c.name,
              c.preset, exact, c.windows, static_cast<long long>(rep.total));
}

#ifdef SF_TB_LITE
// the lite build: 2-bit weights only (the other presets are refused: CoreBuild.LiteRefusesWiderWeights)
INSTANTIATE_TEST_SUITE_P(Shapes, Core,
                         ::testing::Values(Case{"default", {32, 4, 64, 2, 1, 24, 48, 24}, "all2", 4},
                                           Case{"small", {16, 2, 16, 1, 2, 4, 12, 6}, "all2", 6},
                                           Case{"small", {16, 2, 32, 2, 1, 8, 16, 8}, "all2", 4}),
                         [](const ::testing::TestParamInfo<Case>& i) {
                           return std::string(i.param.name) + "_" + std::to_string(i.param.shape.enc) + "enc_" +
                                  std::to_string(i.param.shape.dec) + "dec_" + i.param.preset;
                         });
#else
INSTANTIATE_TEST_SUITE_P(Shapes, Core,
                         ::testing::Values(Case{"default", {32, 4, 64, 2, 1, 24, 48, 24}, "all2", 4},
                                           Case{"default", {32, 4, 64, 2, 1, 24, 48, 24}, "paper", 2},
                                           Case{"paper", {32, 4, 64, 6, 1, 24, 48, 24}, "paper", 10},
                                           // small random models on the same build: other L, H, widths, depths
                                           Case{"small", {16, 2, 16, 1, 2, 4, 12, 6}, "all2", 6},
                                           Case{"small", {16, 2, 32, 2, 1, 8, 16, 8}, "all4", 4},
                                           Case{"wide", {64, 8, 64, 1, 1, 8, 24, 12}, "all2", 2}),
                         [](const ::testing::TestParamInfo<Case>& i) {
                           return std::string(i.param.name) + "_" + std::to_string(i.param.shape.enc) + "enc_" +
                                  std::to_string(i.param.shape.dec) + "dec_" + i.param.preset;
                         });
#endif

// The shipped default model (data/model/default-all2.sfint), compiled for this bench's build: every write on
// the cycle model's cycle and the forecast bit-exact, for evenly spaced test windows.
TEST(CoreShipped, DefaultModelWriteExact) {
  const IntModel im = load_int_model(std::string(SF_TEST_DATA_DIR) + "/model/default-all2.sfint");
  const IntEngine e(im);
  const CoreImage img = compile_core(e, build_opts());
  ASSERT_EQ(img.build, core_build(kBuild).id);
  const Dataset& d = etth1(im.seq_len, im.pred_len);
  const std::vector<int32_t> raw = raw_fixed(d, d.test);
  CoreTracer tracer(img);
  const int64_t total = tracer.timing().total;
  CoreBench tb(3);
  tb.load(img);
  const int windows = 6;
  std::vector<int32_t> want(im.pred_len), model(im.pred_len), got(im.pred_len);
  std::vector<TraceWrite> expect, writes;
  for (int w = 0; w < windows; ++w) {
    const int64_t i = w * (d.test.count() / windows);
    e.run(raw.data() + i, want.data());
    tracer.run(raw.data() + i, model.data(), expect);
    const int64_t done = tb.run(raw.data() + i, im.seq_len, im.pred_len, got.data(), &writes, 4 * total + 1000);
    EXPECT_EQ(done, total) << "window " << i;
    EXPECT_EQ(compare_traces(expect, writes), "") << "window " << i;
    EXPECT_EQ(got, want) << "window " << i;
  }
  std::printf("shipped model, %s build: %d windows write-exact and bit-exact, %lld cycles\n", kBuild, windows,
              static_cast<long long>(total));
}

// Writes a bare header whose word 0 carries `build_id` and `version`, starts the core and watches 20 cycles:
// whether the sequencer flagged o_error and whether any stream ran.
struct HeaderOutcome { bool error = false, run = false; };
static HeaderOutcome start_with_header(int build_id, int version) {
  CoreBench tb(1);
  std::vector<uint32_t> prog(isa::HEADER_WORDS, 0u);
  prog[0] = static_cast<uint32_t>(isa::MAGIC) << 16 | static_cast<uint32_t>(build_id) << 12 |
            static_cast<uint32_t>(version);
  for (size_t a = 0; a < prog.size(); ++a) tb.host_write(isa::PROG_HOST_ID, static_cast<int>(a), prog[a]);
  tb.top().i_start = 1;
  tb.tick();
  tb.top().i_start = 0;
  HeaderOutcome out;
  for (int i = 0; i < 20; ++i) {
    tb.tick();
    out.error = out.error || tb.top().o_error;
    out.run = out.run || tb.top().o_run;
  }
  return out;
}

// A program compiled for another build is refused by the sequencer (o_error, no stream starts), even with
// the right ISA version: the build id in header word 0 differs.
TEST(CoreHeader, RefusesAProgramOfAnotherBuild) {
  for (const isa::Build& other : isa::BUILDS) {
    if (other.id == core_build(kBuild).id) continue;
    const HeaderOutcome r = start_with_header(other.id, isa::VERSION);
    EXPECT_TRUE(r.error) << "a program of the " << other.name << " build on the " << kBuild << " core";
    EXPECT_FALSE(r.run);
  }
}

TEST(CoreHeader, RefusesAProgramOfAnotherIsaVersion) {
  const HeaderOutcome r = start_with_header(core_build(kBuild).id, isa::VERSION + 1);
  EXPECT_TRUE(r.error);
  EXPECT_FALSE(r.run);
}

// Issue 8 (RTL faults): a reset asserted at random cycles mid-forecast returns the core to idle, and the next
// forecast (program and images still loaded) is bit-exact and on the cycle model's cycles, write by write.
// Extreme windows (every reading at the int16 minimum or maximum, alternating, a step) saturate exactly as the
// integer engine does.
TEST(CoreFaults, ResetMidForecastThenBitExactAndExtremeInputs) {
  const Shape sh{32, 4, 64, 2, 1, 24, 48, 24};
  const Dataset& d = etth1(sh.L, sh.H);
  const auto m = random_model(sh, "all2", 5, d);
  const CycleReport rep = cycle_model(m->img);
  const std::vector<int32_t> raw = raw_fixed(d, d.test);
  CoreBench tb(11);
  tb.load(m->img);
  CoreTracer tracer(m->img);
  std::mt19937 rng(2026);
  std::vector<int32_t> want(sh.H), model(sh.H), got(sh.H);
  std::vector<TraceWrite> expect, writes;
  auto check = [&](const int32_t* w, const std::string& what) {
    m->e->run(w, want.data());
    tracer.run(w, model.data(), expect);
    const int64_t done = tb.run(w, sh.L, sh.H, got.data(), &writes, 4 * rep.total + 1000);
    EXPECT_EQ(done, rep.total) << what;
    EXPECT_EQ(compare_traces(expect, writes), "") << what;
    EXPECT_EQ(got, want) << what;
  };
  for (int k = 0; k < 6; ++k) {
    // start a forecast, reset it at a random cycle, wait, release
    const int64_t i = static_cast<int64_t>(rng() % static_cast<uint32_t>(d.test.count()));
    for (int t = 0; t < sh.L; ++t) {
      tb.top().i_ib_valid = 1;
      tb.top().i_ib_addr = static_cast<uint8_t>(t);
      tb.top().i_ib_data = static_cast<uint16_t>(raw[i + t]);
      tb.tick();
    }
    tb.top().i_ib_valid = 0;
    tb.top().i_start = 1;
    tb.tick();
    tb.top().i_start = 0;
    const int64_t at = 1 + static_cast<int64_t>(rng() % static_cast<uint32_t>(rep.total));
    for (int64_t c = 0; c < at; ++c) tb.tick();
    ASSERT_TRUE(tb.top().o_run) << "the forecast should still be running at cycle " << at;
    tb.top().i_rst = 1;
    const int hold = 1 + static_cast<int>(rng() % 4);
    for (int c = 0; c < hold; ++c) tb.tick();
    tb.top().i_rst = 0;
    tb.tick();
    EXPECT_FALSE(tb.top().o_run) << "not idle after a reset at cycle " << at;
    EXPECT_FALSE(tb.top().o_done);
    check(raw.data() + (i + 17) % d.test.count(), "the forecast after a reset at cycle " + std::to_string(at));
  }
  // extreme windows
  std::vector<std::pair<std::string, std::vector<int32_t>>> ext = {
      {"all minimum", std::vector<int32_t>(sh.L, -32768)},
      {"all maximum", std::vector<int32_t>(sh.L, 32767)},
      {"alternating", {}},
      {"step", {}}};
  for (int t = 0; t < sh.L; ++t) {
    ext[2].second.push_back(t % 2 ? 32767 : -32768);
    ext[3].second.push_back(t < sh.L / 2 ? -32768 : 32767);
  }
  for (const auto& [name, w] : ext) check(w.data(), name);
}
