// tb_eng_n_diff: the N engine's synth_ecp5 netlist against its RTL, cycle by cycle (CTest
// host.postsynth_unit.eng_n_diff). sf_eng_n_diff.v puts both on the same inputs; this bench drives random
// ADDNORM instructions through them -- random operand data every cycle, parameter words from a random
// parameter memory read with the core's one-cycle latency -- and requires every output bit equal in every
// cycle (the write port's address and data whenever it writes). The netlist is simulated with the same
// ECP5 cell models as the whole-core post-synthesis run (make postsynth-core), so this catches, in seconds,
// synthesis/simulation disagreements and cell-model faults in the N engine, the LayerNorm and the residual
// add (it found the DP16KD model's read race, docs/ecp5_flow.md "Post-synthesis simulation").
//   tb_eng_n_diff [cycles] [seed]
#include "Vsf_eng_n_diff.h"
#include "sf_isa.h"
#include "sf_policy.h"
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

namespace {
using sf::isa::Field;
void set_field(VlWide<8>& w, const Field& f, uint32_t v) {
  for (int i = 0; i < f.width; ++i) {
    const int b = f.word * 32 + f.lsb + i;
    const uint32_t m = 1u << (b % 32);
    if ((v >> i) & 1) w[b / 32] |= m;
    else w[b / 32] &= ~m;
  }
}
uint32_t bits(const VlWide<3>& w, int lsb, int width) {
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) v |= uint64_t((w[(lsb + i) / 32] >> ((lsb + i) % 32)) & 1) << i;
  return static_cast<uint32_t>(v);
}
struct Out {  // the packing of sf_eng_n_diff.v
  uint32_t free, done, pa0, pa1, a_addr, b_addr, wr_valid, wr_mem, wr_dual, wr_addr, wr_data;
  explicit Out(const VlWide<3>& w)
      : free(bits(w, 0, 1)), done(bits(w, 1, 1)), pa0(bits(w, 2, 12)), pa1(bits(w, 14, 12)),
        a_addr(bits(w, 26, 16)), b_addr(bits(w, 42, 16)), wr_valid(bits(w, 58, 1)), wr_mem(bits(w, 59, 4)),
        wr_dual(bits(w, 63, 1)), wr_addr(bits(w, 64, 16)), wr_data(bits(w, 80, 16)) {}
  bool operator==(const Out& o) const {
    if (free != o.free || done != o.done || pa0 != o.pa0 || pa1 != o.pa1 || a_addr != o.a_addr ||
        b_addr != o.b_addr || wr_valid != o.wr_valid)
      return false;
    return !wr_valid || (wr_mem == o.wr_mem && wr_dual == o.wr_dual && wr_addr == o.wr_addr && wr_data == o.wr_data);
  }
  void print(const char* who) const {
    std::printf("  %s: free %u done %u pa0 %u pa1 %u a_addr %u b_addr %u wr %u mem %u dual %u addr %u data 0x%04x\n",
                who, free, done, pa0, pa1, a_addr, b_addr, wr_valid, wr_mem, wr_dual, wr_addr, wr_data);
  }
};
}  // namespace

int main(int argc, char** argv) {
  const long cycles = argc > 1 ? std::atol(argv[1]) : 300000;
  const unsigned seed = argc > 2 ? static_cast<unsigned>(std::atol(argv[2])) : 1;
  if (cycles <= 0) {
    std::fprintf(stderr, "tb_eng_n_diff: cycles must be positive (got '%s')\n", argv[1]);
    return 2;
  }
  std::mt19937 g(seed);
  Vsf_eng_n_diff m;
  // the parameter memory: random words; each instruction takes one of 16 disjoint 256-word regions (its 11
  // setting words and 2 x n gamma / beta words), so an in-flight instruction's words are never rewritten
  std::vector<uint32_t> pm(4096);
  for (auto& x : pm) x = g();
  uint32_t pd0 = 0, pd1 = 0;
  long issues = 0, dones = 0, writes = 0, bad = 0;
  bool offered = false;  // an instruction is on i_instr, not yet issued
  auto tick = [&] { m.i_clk = 0; m.eval(); m.i_clk = 1; m.eval(); };
  m.i_issue = 0;
  m.i_rst = 1;
  for (int i = 0; i < 4; ++i) tick();
  m.i_rst = 0;
  for (long c = 0; c < cycles; ++c) {
    m.i_clk = 0;
    m.eval();
    const bool free = m.o_rtl[0] & 1;
    // as the sequencer does (sf_seq buf_old), an instruction is offered on i_instr from the cycle after it is
    // made and issued at the earliest in the next: the engine registers values derived from i_instr every
    // cycle and takes them at the issue (sf_eng_n's row reload values; their simulation stop checks it)
    m.i_issue = offered && free && g() % 4 == 0;
    if (m.i_issue) {
      offered = false;
      ++issues;
    } else if (!offered) {
      offered = true;
      for (int i = 0; i < 8; ++i) m.i_instr[i] = g();
      const uint32_t pb = (issues % 16) * 256 + g() % 100;
      // a row of 2 .. LN_MAX_ROW elements, an even count (the engine writes its outputs two at a time)
      const uint32_t n = 2 * (1 + g() % (sf::policy::LN_MAX_ROW / 2));
      uint32_t log2n = 0;
      while ((1u << log2n) < n) ++log2n;
      pm[pb + 4] = (pm[pb + 4] & ~7u) | log2n;  // parameter word 4: log2n (model/compiler.cpp, addnorm)
      set_field(m.i_instr, sf::isa::F_PBASE, pb);
      set_field(m.i_instr, sf::isa::F_N_OUT, n);
      set_field(m.i_instr, sf::isa::F_ROWS, 1 + g() % 3);
      set_field(m.i_instr, sf::isa::F_A_MEM, g() % 2 ? sf::isa::SCR_NA_N : sf::isa::SCR_NA_W);
    }
    m.i_pd0 = pd0;
    m.i_pd1 = pd1;
    m.i_a_data = g();
    m.i_b_data = g() & 0xffff;
    m.eval();
    const Out r(m.o_rtl), s(m.o_syn);
    if (!(r == s)) {
      if (bad < 5) {
        std::printf("cycle %ld: the netlist differs from the RTL\n", c);
        r.print("rtl");
        s.print("syn");
      }
      ++bad;
    }
    writes += r.wr_valid;
    dones += r.done;
    pd0 = pm[r.pa0];  // the parameter memory's registered read: data a cycle after the address
    pd1 = pm[r.pa1];
    m.i_clk = 1;
    m.eval();
  }
  m.final();
  std::printf("tb_eng_n_diff: %ld cycles (seed %u), %ld ADDNORM instructions issued, %ld complete, %ld writes, "
              "%ld cycles with a difference\n", cycles, seed, issues, dones, writes, bad);
  if (bad != 0) return 1;
  // the stimulus must have exercised the engine: no hang, and a real number of instructions and writes
  if (dones < issues - sf::isa::CTX || dones < cycles / 1000 || writes < cycles / 100) {
    std::printf("tb_eng_n_diff: FAIL: too little activity to mean anything (or the engine hung)\n");
    return 1;
  }
  return 0;
}
