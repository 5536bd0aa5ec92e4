// Exhaustive test of the softmax helper rtl/sf_exp2neg.v against sf::exp2neg() (model/intref.h): every D
// below 2^min(D_W, 20) with extra 0 and E - P, every D below 2^min(D_W, 16) with every other extra (0..15),
// and the top of the D range (the saturated shift) with every extra. TB_OPT_REG=1 (the configuration inside
// sf_softmax): the registered unit, one clock edge per input, plus a held input (i_en low) per extra.
#include <gtest/gtest.h>
#include <verilated.h>

#include "Vsf_exp2neg.h"
#include "harness.h"
#include "intref.h"

#ifndef TB_D_W
#define TB_D_W 26
#endif
#ifndef TB_OPT_REG
#define TB_OPT_REG 0
#endif

namespace {
namespace P = sf::policy;
// applies (d, extra) and returns o_e: combinational, or after one enabled clock edge (OPT_REG = 1)
uint32_t apply(Vsf_exp2neg& m, uint32_t d, int extra, bool en = true) {
  m.i_d = d;
  m.i_extra = extra;
  m.i_en = en;
  if (TB_OPT_REG) {
    m.i_clk = 0;
    m.eval();
    m.i_clk = 1;
  }
  m.eval();
  return m.o_e;
}

TEST(Exp2neg, ExhaustiveBitExact) {
  VerilatedContext ctx;
  Vsf_exp2neg m(&ctx);
  constexpr int DW = TB_D_W;
  const uint32_t dmax = 1u << (DW < 20 ? DW : 20), dmax_x = 1u << (DW < 16 ? DW : 16);
  uint64_t n = 0;
  for (int extra = 0; extra < 16; ++extra) {
    const bool main_extra = extra == 0 || extra == P::SM_EXP_OUT_BITS - P::SM_PROB_BITS;
    for (uint32_t d = 0; d < (main_extra ? dmax : dmax_x); ++d) {
      ASSERT_EQ(apply(m, d, extra), sf::exp2neg(d, extra)) << "D=" << d << " extra=" << extra;
      ++n;
    }
    // top of the D range (saturated shift), the shifts around the last non-zero result (q = 15, 16, 17)
    for (uint32_t d : {(1u << DW) - 1, (1u << (DW - 1)) + 77, 31u << 8, 32u << 8, 17u << 8, (16u << 8) + 1,
                       (16u << 8) - 2, (15u << 8) + 255, 15u << 8}) {
      d &= (1u << DW) - 1;
      ASSERT_EQ(apply(m, d, extra), sf::exp2neg(d, extra)) << "D=" << d << " extra=" << extra;
      ++n;
    }
    if (TB_OPT_REG) {  // i_en low: the registered index/shift/table hold
      const uint32_t want = sf::exp2neg(5, extra);
      ASSERT_EQ(apply(m, 5, extra), want);
      ASSERT_EQ(apply(m, 3000 & ((1u << DW) - 1), extra, false), want) << "held, extra=" << extra;
    }
  }
  m.final();
#if VM_COVERAGE
  ctx.coveragep()->write((sfsim::out_dir("coverage") + "/" + sfsim::test_name() + ".dat").c_str());
#endif
  std::printf("exp2neg (D_W=%d, OPT_REG=%d): %llu inputs bit-exact\n", DW, TB_OPT_REG,
              static_cast<unsigned long long>(n));
}
}  // namespace
