// Test of rtl/sf_rsqrt_fix.v against sf::rsqrt_fix() (model/intref.h): every var below 2^22 and 2^22
// random values over the whole 40-bit range (each power of two and its neighbours included).
#include <gtest/gtest.h>
#include <verilated.h>

#include <random>

#include "Vsf_rsqrt_fix.h"
#include "harness.h"
#include "intref.h"

namespace {
TEST(RsqrtFix, BitExact) {
  VerilatedContext ctx;
  Vsf_rsqrt_fix m(&ctx);
  uint64_t n = 0;
  auto check = [&](uint64_t v) {
    m.i_var = v;
    m.eval();
    uint32_t r;
    int e;
    sf::rsqrt_fix(v, &r, &e);
    ++n;
    return m.o_r == r && m.o_e == static_cast<uint32_t>(e);
  };
  for (uint64_t v = 1; v < (uint64_t{1} << 22); ++v) ASSERT_TRUE(check(v)) << "var=" << v;
  for (int k = 0; k < 40; ++k)
    for (int64_t dv = -3; dv <= 3; ++dv) {
      const int64_t v = (int64_t{1} << k) + dv;
      if (v >= 1 && v < (int64_t{1} << 40)) ASSERT_TRUE(check(static_cast<uint64_t>(v))) << "var=" << v;
    }
  std::mt19937_64 rng(5);
  for (int i = 0; i < (1 << 22); ++i) {
    const uint64_t v = (rng() >> (24 + rng() % 40)) | 1u;
    ASSERT_TRUE(check(v & ((uint64_t{1} << 40) - 1))) << "var=" << v;
  }
  m.final();
#if VM_COVERAGE
  ctx.coveragep()->write((sfsim::out_dir("coverage") + "/" + sfsim::test_name() + ".dat").c_str());
#endif
  std::printf("rsqrt_fix: %llu inputs bit-exact\n", static_cast<unsigned long long>(n));
}
}  // namespace
