// harness.h: the one Verilator harness of shiftformer's unit tests.
//   Harness<M>: owns a VerilatedContext (randomized reset values: randReset(2) + randSeed(seed)) and the
//   model; tick() = one i_clk period, reset(), cycle counter, FST trace on demand (SF_TRACE=1 or the
//   automatic re-run of a failing test), coverage written at destruction when built with --coverage.
//   Scoreboard<T>: expected values pushed at the input handshake, compared at the output handshake, with
//   the latency checked; a mismatch prints cycle, signal, expected, actual.
//   run_unit_test(): runs a test body once without a trace; if it fails, runs it again with the same seed
//   with the FST trace on, keeping build/sim/waves/<test>.fst.
// Port access: put()/get() read and write a bit field of any Verilator port type (CData..QData, VlWide).
#pragma once
#include <gtest/gtest.h>
#include <verilated.h>
#if VM_TRACE
#include <verilated_fst_c.h>
#endif

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <sys/stat.h>

namespace sfsim {

// ---- bit-field access to Verilator ports ---------------------------------------------------------------
template <class T>
inline void put(T& port, int lsb, int w, uint64_t v) {
  const uint64_t mask = w >= 64 ? ~uint64_t{0} : ((uint64_t{1} << w) - 1);
  uint64_t p = static_cast<uint64_t>(port);
  p = (p & ~(mask << lsb)) | ((v & mask) << lsb);
  port = static_cast<T>(p);
}
template <std::size_t N>
inline void put(VlWide<N>& port, int lsb, int w, uint64_t v) {
  for (int b = 0; b < w; ++b) {
    const int bit = lsb + b;
    EData& word = port[bit / 32];
    word = (word & ~(EData{1} << (bit % 32))) | (static_cast<EData>((v >> b) & 1u) << (bit % 32));
  }
}
template <class T>
inline uint64_t get(const T& port, int lsb, int w) {
  const uint64_t mask = w >= 64 ? ~uint64_t{0} : ((uint64_t{1} << w) - 1);
  return (static_cast<uint64_t>(port) >> lsb) & mask;
}
template <std::size_t N>
inline uint64_t get(const VlWide<N>& port, int lsb, int w) {
  uint64_t v = 0;
  for (int b = 0; b < w; ++b) {
    const int bit = lsb + b;
    v |= static_cast<uint64_t>((port[bit / 32] >> (bit % 32)) & 1u) << b;
  }
  return v;
}
inline int64_t sext(uint64_t v, int w) {
  return w >= 64 ? static_cast<int64_t>(v) : static_cast<int64_t>(v << (64 - w)) >> (64 - w);
}

inline std::string test_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string n = info ? std::string(info->test_suite_name()) + "." + info->name() : "unknown";
  for (auto& c : n)
    if (c == '/' || c == ' ') c = '_';
  return n;
}

inline std::string out_dir(const char* sub) {
  const std::string d = std::string(SF_SIM_OUT_DIR) + "/" + sub;
  ::mkdir(SF_SIM_OUT_DIR, 0755);
  ::mkdir(d.c_str(), 0755);
  return d;
}

// ---- the harness ----------------------------------------------------------------------------------------
template <class M>
class Harness {
 public:
  Harness(uint64_t seed, bool trace, const std::string& name) : name_(name) {
    ctx_ = std::make_unique<VerilatedContext>();
    ctx_->randReset(2);  // every register and memory starts random ...
    ctx_->randSeed(static_cast<int>(seed % 0x7fffffff) + 1);  // ... from this seed
    ctx_->debug(0);
#if VM_TRACE
    ctx_->traceEverOn(true);
#endif
    dut = std::make_unique<M>(ctx_.get());
#if VM_TRACE
    if (trace || std::getenv("SF_TRACE")) {
      tfp_ = std::make_unique<VerilatedFstC>();
      dut->trace(tfp_.get(), 99);
      wave_path = out_dir("waves") + "/" + name_ + ".fst";
      tfp_->open(wave_path.c_str());
    }
#else
    (void)trace;
#endif
    dut->i_clk = 0;
    dut->i_rst = 0;
    dut->eval();
  }
  ~Harness() {
    dut->final();
#if VM_TRACE
    if (tfp_) tfp_->close();
#endif
#if VM_COVERAGE
    ctx_->coveragep()->write((out_dir("coverage") + "/" + name_ + ".dat").c_str());
#endif
    dut.reset();  // the model must go before its context
  }
  // Settle combinational outputs after the testbench changed inputs (call before sampling handshakes).
  void eval() { dut->eval(); }
  // One clock period: rising edge at the end of the period's first half.
  void tick() {
    dut->i_clk = 1;
    dut->eval();
    dump();
    dut->i_clk = 0;
    dut->eval();
    dump();
    ++cycle;
  }
  void reset(int cycles = 3) {
    dut->i_rst = 1;
    for (int i = 0; i < cycles; ++i) tick();
    dut->i_rst = 0;
    dut->eval();
  }
  std::unique_ptr<M> dut;
  uint64_t cycle = 0;
  std::string wave_path;

 private:
  void dump() {
#if VM_TRACE
    if (tfp_) tfp_->dump(time_);
#endif
    time_ += 5;
  }
  std::string name_;
  std::unique_ptr<VerilatedContext> ctx_;
#if VM_TRACE
  std::unique_ptr<VerilatedFstC> tfp_;
#endif
  uint64_t time_ = 0;
};

// ---- the scoreboard ---------------------------------------------------------------------------------------
// Latency rule: an item whose flight saw no output stall (o_valid && !i_ready) must come out exactly
// `latency` cycles after its input handshake; with stalls, no earlier than that. latency < 0: not checked.
template <class T>
class Scoreboard {
 public:
  explicit Scoreboard(std::string signal, int max_reports = 8) : signal_(std::move(signal)), max_reports_(max_reports) {}
  void push(const T& expect, uint64_t cycle, int latency) { q_.push_back({expect, cycle, stalls_, latency}); }
  void note_stall() { ++stalls_; }
  // returns false on a mismatch (reported through gtest)
  bool check(const T& actual, uint64_t cycle, const std::string& detail = "") {
    ++checked_;
    if (q_.empty()) return report(cycle, "output handshake with an empty scoreboard", detail);
    const Item it = q_.front();
    q_.pop_front();
    if (!(actual == it.expect)) {
      std::ostringstream s;
      s << "expected " << it.expect << " actual " << actual;
      return report(cycle, s.str(), detail);
    }
    if (it.latency >= 0) {
      const uint64_t lat = cycle - it.in_cycle;
      const bool stalled = it.stalls_at_push != stalls_;
      if ((!stalled && lat != static_cast<uint64_t>(it.latency)) || lat < static_cast<uint64_t>(it.latency)) {
        std::ostringstream s;
        s << "latency " << lat << " cycles, expected " << it.latency << (stalled ? " (or more: stalled)" : "");
        return report(cycle, s.str(), detail);
      }
    }
    return true;
  }
  std::size_t pending() const { return q_.size(); }
  uint64_t checked() const { return checked_; }
  int errors() const { return errors_; }

 private:
  struct Item {
    T expect;
    uint64_t in_cycle;
    uint64_t stalls_at_push;
    int latency;
  };
  bool report(uint64_t cycle, const std::string& what, const std::string& detail) {
    if (errors_++ < max_reports_)
      ADD_FAILURE() << "cycle " << cycle << ": " << signal_ << (detail.empty() ? "" : "[" + detail + "]") << ": " << what;
    return false;
  }
  std::string signal_;
  int max_reports_;
  std::deque<Item> q_;
  uint64_t stalls_ = 0, checked_ = 0;
  int errors_ = 0;
};

// Random stream timing: valid gaps and ready back-pressure, with a per-test mix of regimes.
struct Traffic {
  explicit Traffic(uint64_t seed) : rng(seed) {
    const int regime = static_cast<int>(seed % 4);
    p_valid = regime == 0 ? 1.0 : (regime == 1 ? 0.5 : 0.85);
    p_ready = regime == 0 ? 1.0 : (regime == 2 ? 0.4 : 0.8);
  }
  bool valid() { return u(rng) < p_valid; }
  bool ready() { return u(rng) < p_ready; }
  std::mt19937_64 rng;
  std::uniform_real_distribution<double> u{0.0, 1.0};
  double p_valid, p_ready;
};

// Run a test body; on failure, re-run it once with the same seed with the FST trace on.
// body(trace) must be deterministic in its seed and return the number of vectors checked.
inline void run_unit_test(const std::function<uint64_t(bool trace)>& body, uint64_t min_vectors) {
  const int before = ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count();
  const uint64_t n = body(false);
  const auto* res = ::testing::UnitTest::GetInstance()->current_test_info()->result();
  if (res->Failed() && res->total_part_count() > before) {
    std::printf("re-running with the FST trace on: %s/waves/%s.fst\n", SF_SIM_OUT_DIR, test_name().c_str());
    ::testing::ScopedTrace t(__FILE__, __LINE__, "trace re-run");
    body(true);
    return;
  }
  std::printf("%s: %llu vectors bit-exact\n", test_name().c_str(), static_cast<unsigned long long>(n));
  EXPECT_GE(n, min_vectors);
}

}  // namespace sfsim
