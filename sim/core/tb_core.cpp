// tb_core: the whole accelerator core (rtl/sf_core.v) against the C++ contract, cycle by cycle: for every
// window, each scratch-memory write (memory, address, bytes, cycle) and each forecast write must be the cycle
// model's (model/compiler.h core_trace), the forecast must equal the integer engine's bit for bit, and the
// forecast must complete on the cycle model's cycle. Random exported models of the default shape (presets
// all2 and paper) and the paper shape (6 encoder layers), a few windows each; the whole test split is
// `make sim` (sim/core/sf_sim.cpp).
#include <gtest/gtest.h>

#include <memory>
#include <cstdlib>
#include <random>
#include <tuple>

#include "core_bench.h"
#include "export.h"
#include "qtrain.h"

using namespace sf;

namespace {
struct Model {
  IntModel im;
  std::unique_ptr<IntEngine> e;
  CoreImage img;
};
std::unique_ptr<Model> random_model(int enc, const char* preset, uint64_t seed, const Dataset& d) {
  ModelConfig mc;
  mc.dropout = 0.0f;
  mc.enc_layers = enc;
  const Transformer t(mc, 48, 24);
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
  m->img = compile_core(*m->e);
  return m;
}
const Dataset& etth1() {
  static const Dataset d = make_dataset(std::string(SF_TEST_DATA_DIR) + "/ETT/ETTh1.csv", "OT", 48, 24);
  return d;
}
}  // namespace

struct Case {
  int enc;
  const char* preset;
  int windows;
};
class Core : public ::testing::TestWithParam<Case> {};

TEST_P(Core, EveryWriteOnTheCycleModelsCycleAndForecastsBitExact) {
  const Case c = GetParam();
  const Dataset& d = etth1();
  const auto m = random_model(c.enc, c.preset, 3, d);
  const CycleReport rep = cycle_model(m->img);
  const std::vector<int32_t> raw = raw_fixed(d, d.test);
  CoreBench tb(7, std::getenv("SF_TB_FST") ? std::getenv("SF_TB_FST") : "");
  tb.load(m->img);
  int exact = 0;
  for (int w = 0; w < c.windows; ++w) {
    const int64_t i = w * (d.test.count() / c.windows);
    std::vector<int32_t> want(24), model(24), got(24);
    m->e->run(raw.data() + i, want.data());
    const CycleReport tr = core_trace(m->img, raw.data() + i, model.data());
    ASSERT_EQ(model, want) << "the instruction-level simulator disagrees with the engine";
    std::vector<TraceWrite> writes;
    const int64_t done = tb.run(raw.data() + i, 48, 24, got.data(), &writes, 4 * rep.total + 1000);
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
  std::printf("%d encoder layers, %s: %d/%d windows bit-exact, every write on its cycle; %lld cycles per forecast\n",
              c.enc, c.preset, exact, c.windows, static_cast<long long>(rep.total));
}

INSTANTIATE_TEST_SUITE_P(Shapes, Core,
                         ::testing::Values(Case{2, "all2", 4}, Case{2, "paper", 2}, Case{6, "paper", 2}),
                         [](const ::testing::TestParamInfo<Case>& i) {
                           return std::to_string(i.param.enc) + "enc_" + i.param.preset;
                         });

TEST(CoreHeader, RefusesAProgramOfAnotherIsaVersion) {
  CoreBench tb(1);
  std::vector<uint32_t> prog(isa::HEADER_WORDS, 0u);
  prog[0] = static_cast<uint32_t>(isa::MAGIC) << 16 | static_cast<uint32_t>(isa::VERSION + 1);
  for (size_t a = 0; a < prog.size(); ++a) tb.host_write(isa::PROG_HOST_ID, static_cast<int>(a), prog[a]);
  tb.top().i_start = 1;
  tb.tick();
  tb.top().i_start = 0;
  bool error = false, run = false;
  for (int i = 0; i < 20; ++i) {
    tb.tick();
    error = error || tb.top().o_error;
    run = run || tb.top().o_run;
  }
  EXPECT_TRUE(error);
  EXPECT_FALSE(run);
}
