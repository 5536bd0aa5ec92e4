// tb_core_seq: the sequencer skeleton of rtl/sf_core.v against the C++ cycle model (model/compiler.h).
// The testbench loads a compiled program through the program-memory write port, starts a forecast and
// stands in for the four units: after an issue at cycle c of an instruction whose cycle-model times are
// (start, free, end), it reports the unit free at c + (free - start) and the instruction complete at
// c + (end - start). Every issue must happen at t0 + start (t0: the cycle o_run rises), carry the program's
// instruction words, and o_done must follow the last completion (t0 + total).
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>

#include "Vsf_core.h"
#include "compiler.h"
#include "export.h"
#include "qtrain.h"
#include "verilated.h"

using namespace sf;

namespace {
struct Tb {
  std::unique_ptr<VerilatedContext> ctx = std::make_unique<VerilatedContext>();
  std::unique_ptr<Vsf_core> m;
  int64_t cycle = 0;
  explicit Tb(int seed) {
    ctx->randReset(2);
    ctx->randSeed(seed);
    m = std::make_unique<Vsf_core>(ctx.get());
    m->i_rst = 1;
    m->i_pw_valid = 0;
    m->i_start = 0;
    m->i_free = 0;
    m->i_done = 0;
    for (int i = 0; i < 3; ++i) tick();
    m->i_rst = 0;
  }
  void settle() {
    m->i_clk = 0;
    m->eval();
  }
  void tick() {
    m->i_clk = 0;
    m->eval();
    m->i_clk = 1;
    m->eval();
    ++cycle;
  }
  void load(const std::vector<uint32_t>& prog) {
    for (size_t a = 0; a < prog.size(); ++a) {
      m->i_pw_valid = 1;
      m->i_pw_addr = static_cast<uint32_t>(a);
      m->i_pw_data = prog[a];
      tick();
    }
    m->i_pw_valid = 0;
  }
};

CoreImage default_program(uint64_t seed) {
  ModelConfig mc;
  mc.dropout = 0.0f;
  const Dataset d = make_dataset(std::string(SF_TEST_DATA_DIR) + "/ETT/ETTh1.csv", "OT", 48, 24);
  const Transformer t(mc, 48, 24);
  FloatVec p;
  t.init(p, seed);
  std::mt19937_64 rng(seed + 100);
  std::normal_distribution<float> n(0.0f, 0.15f);
  for (float& v : p) v += n(rng);
  const QModel qm(t, d.normalizer);
  const QState q = post_training_quantize(qm, p, make_quant_spec("all2"), d, 32);
  const IntModel im = export_int_model(qm, p.data(), q);
  const IntEngine e(im);
  return compile_core(e);
}
}  // namespace

class CoreSeq : public ::testing::TestWithParam<int> {};

TEST_P(CoreSeq, IssuesEveryInstructionOnTheCycleModelsCycle) {
  static const CoreImage img = default_program(3);
  const CycleReport r = cycle_model(img);
  std::vector<std::vector<const InstrTime*>> per(isa::N_UNITS);
  for (const InstrTime& it : r.instrs) per[it.unit].push_back(&it);

  Tb tb(GetParam());
  tb.load(img.prog);
  tb.m->i_start = 1;
  tb.tick();
  tb.m->i_start = 0;
  int64_t t0 = -1;
  std::vector<size_t> issued(isa::N_UNITS, 0);
  std::map<int64_t, uint32_t> free_at;                       // cycle -> unit mask
  std::map<int64_t, std::array<int, isa::N_UNITS>> done_at;  // cycle -> completions per unit
  int64_t done_cycle = -1;
  int mismatches = 0;
  const int64_t limit = 200 + 2 * r.total;
  for (int64_t guard = 0; guard < limit && done_cycle < 0; ++guard) {
    if (t0 < 0 && tb.m->o_run) t0 = tb.cycle;
    const int64_t c = t0 < 0 ? -1 : tb.cycle - t0;
    tb.m->i_free = free_at.count(c) ? free_at[c] : 0;
    uint32_t dn = 0;
    if (done_at.count(c))
      for (int u = 0; u < isa::N_UNITS; ++u) dn |= static_cast<uint32_t>(done_at[c][u]) << (2 * u);
    tb.m->i_done = dn;
    tb.settle();
    ASSERT_FALSE(tb.m->o_error) << "header refused";
    for (int u = 0; u < isa::N_UNITS; ++u) {
      if (!((tb.m->o_issue >> u) & 1u)) continue;
      ASSERT_GE(c, 0) << "issue before o_run";
      ASSERT_LT(issued[u], per[u].size()) << isa::UNIT_NAMES[u] << ": issued more instructions than the stream has";
      const InstrTime& it = *per[u][issued[u]];
      if (c != it.start && ++mismatches <= 5)
        ADD_FAILURE() << "cycle " << c << ": unit " << isa::UNIT_NAMES[u] << " issued #" << it.seq << " ("
                      << isa::op_name(it.in.op) << "), cycle model start " << it.start;
      uint32_t words[isa::INSTR_WORDS];
      encode_instr(it.in, words);
      for (int w = 0; w < isa::INSTR_WORDS; ++w)
        ASSERT_EQ(tb.m->o_instr[u * isa::INSTR_WORDS + w], words[w])
            << isa::UNIT_NAMES[u] << " #" << it.seq << " word " << w;
      free_at[c + (it.free - it.start)] |= 1u << u;
      done_at[c + (it.end - it.start)][u] += 1;
      ++issued[u];
    }
    tb.tick();
    if (tb.m->o_done) done_cycle = tb.cycle - t0;
  }
  for (int u = 0; u < isa::N_UNITS; ++u) EXPECT_EQ(issued[u], per[u].size()) << isa::UNIT_NAMES[u];
  EXPECT_EQ(mismatches, 0);
  // o_done rises on the cycle after the last completion
  EXPECT_EQ(done_cycle, r.total + 1) << "cycle model total " << r.total;
  std::printf("seed %d: %zu instructions issued on the cycle model's cycles; forecast done at cycle %lld\n", GetParam(),
              r.instrs.size(), static_cast<long long>(done_cycle - 1));
}

TEST_P(CoreSeq, RefusesAProgramOfAnotherIsaVersion) {
  std::vector<uint32_t> prog(isa::HEADER_WORDS, 0u);
  prog[0] = static_cast<uint32_t>(isa::MAGIC) << 16 | static_cast<uint32_t>(isa::VERSION + 1);
  Tb tb(GetParam());
  tb.load(prog);
  tb.m->i_start = 1;
  tb.tick();
  tb.m->i_start = 0;
  bool error = false, run = false;
  for (int i = 0; i < 20; ++i) {
    tb.tick();
    error = error || tb.m->o_error;
    run = run || tb.m->o_run;
  }
  EXPECT_TRUE(error);
  EXPECT_FALSE(run);
}

INSTANTIATE_TEST_SUITE_P(Seeds, CoreSeq, ::testing::Values(1, 2));
