// Test of rtl/sf_rsqrt_fix.v against sf::rsqrt_fix() (model/intref.h): every var below 2^22 and 2^22
// random values over the whole V_W-bit range (each power of two and its neighbours included, and the largest
// values); V_W = 40 and the width sf_layernorm instantiates (31: its variance bound).
#include <gtest/gtest.h>
#include <verilated.h>

#include <random>

#include "Vsf_rsqrt_fix.h"
#include "harness.h"
#include "intref.h"

namespace {
constexpr int V_W = TB_V_W;
static_assert(V_W <= 62, "the reference takes uint64");
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
  for (int k = 0; k <= V_W; ++k)
    for (int64_t dv = -3; dv <= 3; ++dv) {
      const int64_t v = (int64_t{1} << k) + dv;
      if (v >= 1 && v < (int64_t{1} << V_W)) {
        ASSERT_TRUE(check(static_cast<uint64_t>(v))) << "var=" << v;
      }
    }
  std::mt19937_64 rng(5);
  for (int i = 0; i < (1 << 22); ++i) {
    const uint64_t v = (rng() >> (64 - V_W + rng() % V_W)) | 1u;  // every magnitude up to V_W bits
    ASSERT_TRUE(check((v & ((uint64_t{1} << V_W) - 1)) | 1u)) << "var=" << v;
  }
  m.final();
#if VM_COVERAGE
  ctx.coveragep()->write((sfsim::out_dir("coverage") + "/" + sfsim::test_name() + ".dat").c_str());
#endif
  std::printf("rsqrt_fix: %llu inputs bit-exact\n", static_cast<unsigned long long>(n));
}
}  // namespace
