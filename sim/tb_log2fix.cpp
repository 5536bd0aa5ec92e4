// Exhaustive test of rtl/sf_log2fix.v against sf::log2fix() (model/intref.h): every S in [2^E, 2^22).
#include <gtest/gtest.h>
#include <verilated.h>

#include "Vsf_log2fix.h"
#include "harness.h"
#include "intref.h"

namespace {
namespace P = sf::policy;
TEST(Log2fix, ExhaustiveBitExact) {
  VerilatedContext ctx;
  Vsf_log2fix m(&ctx);
  uint64_t n = 0;
  for (uint32_t s = 1u << P::SM_EXP_OUT_BITS; s < (1u << 22); ++s) {
    m.i_s = s;
    m.eval();
    ASSERT_EQ(m.o_l, sf::log2fix(s)) << "S=" << s;
    ++n;
  }
  m.final();
#if VM_COVERAGE
  ctx.coveragep()->write((sfsim::out_dir("coverage") + "/" + sfsim::test_name() + ".dat").c_str());
#endif
  std::printf("log2fix: %llu inputs bit-exact\n", static_cast<unsigned long long>(n));
}
}  // namespace
