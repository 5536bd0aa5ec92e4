// Exhaustive test of rtl/sf_log2fix.v against sf::log2fix() (model/intref.h): every S in [2^E, 2^S_W).
// TB_OPT_REG=1 (the configuration inside sf_softmax): the registered unit, streamed one S per enabled clock
// edge (each result checked after the next edge: latency 2), plus a stall (i_en low) that must hold both stages.
#include <gtest/gtest.h>
#include <verilated.h>

#include "Vsf_log2fix.h"
#include "harness.h"
#include "intref.h"

#ifndef TB_S_W
#define TB_S_W 22
#endif
#ifndef TB_OPT_REG
#define TB_OPT_REG 0
#endif

namespace {
namespace P = sf::policy;
TEST(Log2fix, ExhaustiveBitExact) {
  VerilatedContext ctx;
  Vsf_log2fix m(&ctx);
  uint64_t n = 0;
  const uint32_t lo = 1u << P::SM_EXP_OUT_BITS, hi = 1u << TB_S_W;
  if (!TB_OPT_REG) {
    for (uint32_t s = lo; s < hi; ++s) {
      m.i_s = s;
      m.eval();
      ASSERT_EQ(m.o_l, sf::log2fix(s)) << "S=" << s;
      ++n;
    }
  } else {
    // one clock edge with input s and enable en; returns o_l after the edge
    const auto edge = [&](uint32_t s, bool en) {
      m.i_s = s;
      m.i_en = en;
      m.i_clk = 0;
      m.eval();
      m.i_clk = 1;
      m.eval();
      return static_cast<uint32_t>(m.o_l);
    };
    // after the edge that takes input x_t, o_l = log2fix(x_(t-1)) (registers after step 1 and step 2)
    uint32_t last = 0;
    for (uint32_t s = lo; s < hi; ++s) {
      const uint32_t got = edge(s, true);
      if (s > lo) {
        ASSERT_EQ(got, sf::log2fix(last)) << "S=" << last;
        ++n;
      }
      last = s;
      // a stall with a different input: o_l holds, and the next enabled edge (next iteration) must still give
      // log2fix(last), i.e. step 1 held too
      if (s % 4099 == 0) {
        ASSERT_EQ(edge(hi - 1 - (s - lo), false), got) << "stall after S=" << s;
      }
    }
    ASSERT_EQ(edge(lo, true), sf::log2fix(last)) << "S=" << last;
    ++n;
  }
  m.final();
#if VM_COVERAGE
  ctx.coveragep()->write((sfsim::out_dir("coverage") + "/" + sfsim::test_name() + ".dat").c_str());
#endif
  std::printf("log2fix (S_W=%d, OPT_REG=%d): %llu inputs bit-exact\n", TB_S_W, TB_OPT_REG,
              static_cast<unsigned long long>(n));
}
}  // namespace
