// core_bench.h: drives the Verilated sf_core (rtl/sf_core.v): loads a compiled program and its images through
// the host write port, runs forecasts, and records every scratch-memory and forecast write with its cycle
// (cycle 0 = the first cycle o_run is high), in the cycle model's terms (model/compiler.h TraceWrite): a
// DUAL write is two writes, the forecast buffer is memory kObufMem.
#pragma once
#include <verilated.h>
#include <verilated_fst_c.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "Vsf_core.h"
#include "compiler.h"

namespace sf {

class CoreBench {
 public:
  explicit CoreBench(int seed = 1, const std::string& fst = "") {
    ctx_->randReset(2);
    ctx_->randSeed(seed);
    if (!fst.empty()) ctx_->traceEverOn(true);
    m_ = std::make_unique<Vsf_core>(ctx_.get());
    if (!fst.empty()) {
      trace_ = std::make_unique<VerilatedFstC>();
      m_->trace(trace_.get(), 99);
      trace_->open(fst.c_str());
    }
    m_->i_rst = 1;
    m_->i_hw_valid = 0;
    m_->i_ib_valid = 0;
    m_->i_start = 0;
    for (int i = 0; i < 4; ++i) tick();
    m_->i_rst = 0;
    tick();
  }
  ~CoreBench() {
    if (trace_) trace_->close();
    m_->final();
  }
  Vsf_core& top() { return *m_; }
  int64_t cycles() const { return cycle_; }

  void tick() {
    m_->i_clk = 0;
    m_->eval();
    if (trace_) trace_->dump(static_cast<uint64_t>(2 * cycle_));
    if (capture_) sample();
    m_->i_clk = 1;
    m_->eval();
    if (trace_) trace_->dump(static_cast<uint64_t>(2 * cycle_ + 1));
    ++cycle_;
  }
  void host_write(int mem, int addr, uint32_t data) {
    m_->i_hw_valid = 1;
    m_->i_hw_mem = static_cast<uint8_t>(mem);
    m_->i_hw_addr = static_cast<uint16_t>(addr);
    m_->i_hw_data = data;
    tick();
    m_->i_hw_valid = 0;
  }
  void load(const CoreImage& img) {
    for (size_t a = 0; a < img.prog.size(); ++a) host_write(isa::PROG_HOST_ID, static_cast<int>(a), img.prog[a]);
    for (size_t w = 0; w < img.wmem.size(); ++w)
      for (int k = 0; k < isa::WMEM_WIDTH / 32; ++k)
        host_write(isa::WMEM_HOST_ID, static_cast<int>(w) * (isa::WMEM_WIDTH / 32) + k, img.wmem[w][k]);
    for (size_t a = 0; a < img.bmem.size(); ++a)
      host_write(isa::BMEM_HOST_ID, static_cast<int>(a), static_cast<uint32_t>(img.bmem[a]));
    for (size_t a = 0; a < img.pmem.size(); ++a)
      host_write(isa::PMEM_HOST_ID, static_cast<int>(a), static_cast<uint32_t>(img.pmem[a]));
  }
  // One forecast: raw (L readings, Q10.6) in, forecast (H values) out; returns the cycle o_done rose
  // (cycles after cycle 0), -1 on a timeout or a refused header. writes: every write, in cycle order.
  int64_t run(const int32_t* raw, int L, int H, int32_t* forecast, std::vector<TraceWrite>* writes,
              int64_t limit = 1000000) {
    for (int t = 0; t < L; ++t) {
      m_->i_ib_valid = 1;
      m_->i_ib_addr = static_cast<uint8_t>(t);
      m_->i_ib_data = static_cast<uint16_t>(raw[t]);
      tick();
    }
    m_->i_ib_valid = 0;
    writes_ = writes;
    if (writes_) writes_->clear();
    t0_ = -1;
    capture_ = true;
    m_->i_start = 1;
    tick();
    m_->i_start = 0;
    int64_t done = -1;
    for (int64_t g = 0; g < limit && done < 0; ++g) {
      tick();
      if (m_->o_error) break;
      if (m_->o_done) done = cycle_ - 1 - t0_;
    }
    capture_ = false;
    for (int h = 0; h < H; ++h) {
      m_->i_ob_addr = static_cast<uint8_t>(h);
      tick();
      m_->i_clk = 0;
      m_->eval();
      forecast[h] = static_cast<int32_t>(m_->o_ob_data);
    }
    return done;
  }

 private:
  void sample() {
    if (t0_ < 0 && m_->o_run) t0_ = cycle_;
    if (!writes_ || t0_ < 0) return;
    const int64_t c = cycle_ - t0_;
    for (int u = 0; u < 4; ++u) {
      if (!((m_->o_dbg_wv >> u) & 1u)) continue;
      const int mem = static_cast<int>((m_->o_dbg_wmem >> (4 * u)) & 0xF);
      const int addr = static_cast<int>((m_->o_dbg_waddr >> (16 * u)) & 0xFFFF);
      const int64_t data = static_cast<int64_t>((m_->o_dbg_wdata >> (16 * u)) & 0xFFFF);
      const int nb = u == isa::UNIT_IO ? 1 : 2;
      writes_->push_back({c, mem, addr, nb, 0, nb == 1 ? (data & 0xFF) : data});
      if ((m_->o_dbg_wdual >> u) & 1u)
        writes_->push_back({c, u == isa::UNIT_W ? isa::SCR_NA_W : isa::SCR_NA_N, addr, nb, 0, data});
    }
    if (m_->o_dbg_obv)
      writes_->push_back({c, kObufMem, static_cast<int>(m_->o_dbg_oba), 4, 0, static_cast<int32_t>(m_->o_dbg_obd)});
  }
  std::unique_ptr<VerilatedContext> ctx_ = std::make_unique<VerilatedContext>();
  std::unique_ptr<Vsf_core> m_;
  std::unique_ptr<VerilatedFstC> trace_;
  int64_t cycle_ = 0, t0_ = -1;
  bool capture_ = false;
  std::vector<TraceWrite>* writes_ = nullptr;
};

// Sorts a trace by (cycle, memory, address) and compares; "" or the first difference with its context.
inline std::string compare_traces(std::vector<TraceWrite> want, std::vector<TraceWrite> got) {
  auto key = [](const TraceWrite& w) { return std::make_tuple(w.cycle, w.mem, w.addr); };
  auto lt = [&](const TraceWrite& a, const TraceWrite& b) { return key(a) < key(b); };
  std::stable_sort(want.begin(), want.end(), lt);
  std::stable_sort(got.begin(), got.end(), lt);
  auto show = [](const TraceWrite& w) {
    return "cycle " + std::to_string(w.cycle) + " " + (w.mem == kObufMem ? std::string("OBUF") : isa::SCR_NAMES[w.mem]) +
           "[" + std::to_string(w.addr) + "] = " + std::to_string(w.value) + " (" + std::to_string(w.nbytes) + " B)";
  };
  const size_t n = std::min(want.size(), got.size());
  for (size_t i = 0; i < n; ++i) {
    const TraceWrite &a = want[i], &b = got[i];
    if (key(a) != key(b) || a.value != b.value || a.nbytes != b.nbytes)
      return "write #" + std::to_string(i) + ": cycle model " + show(a) + " (instruction " + std::to_string(a.instr) +
             "), RTL " + show(b);
  }
  if (want.size() != got.size())
    return "cycle model " + std::to_string(want.size()) + " writes, RTL " + std::to_string(got.size()) +
           (want.size() > n ? "; next expected " + show(want[n]) : "; next RTL " + show(got[n]));
  return "";
}

}  // namespace sf
