// sc_core: SystemC testbench of the accelerator core (rtl/sf_core.v, Verilated with --sc). Four parts:
//   clock    sc_clock, 10 ns
//   dut      Vsf_core, the SystemC module Verilator writes (sim/systemc/CMakeLists.txt)
//   Host     SC_THREAD: reset, loads the compiled program and its images through the host write port
//            (i_hw_*: PROG, WMEM, BMEM, PMEM), then per window streams the raw readings into IBUF (i_ib_*),
//            pulses i_start, waits for o_done, reads the forecast through i_ob_addr / o_ob_data, and passes
//            (window, forecast, cycles) to the checker through an sc_fifo
//   Checker  SC_THREAD: runs the integer engine (sf::IntEngine::run) on the same window and compares the
//            forecast bit for bit, and the forecast's cycles (o_run rise to o_done) with the cycle model
// The model: a random exported model (default shape, PTQ preset all2, compile_core; as sim/core/tb_core.cpp)
// or --model M.sfint. Windows evenly spaced over the ETTh1 test split. Exit 0 only if every window matches.
//
//   sc_core [--model M.sfint] [--windows N] [--seed S]     (SF_SC_DUMP=1: print both forecasts on a difference)
#include <CLI/CLI.hpp>
#include <systemc.h>
#include <verilated.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "Vsf_core.h"
#include "compiler.h"
#include "export.h"
#include "qtrain.h"

using namespace sf;

namespace {

// The model under test, the integer engine over it and its compiled image (IntEngine keeps a reference).
struct Model {
  IntModel im;
  std::unique_ptr<IntEngine> e;
  CoreImage img;
};

// As random_model() of sim/core/tb_core.cpp: initialised default-shape weights plus noise, PTQ on ETTh1.
std::unique_ptr<Model> random_model(const char* preset, uint64_t seed, const Dataset& d) {
  ModelConfig mc;
  mc.dropout = 0.0f;
  const Transformer t(mc, 48, 24);
  FloatVec p;
  t.init(p, seed);
  std::mt19937_64 rng(seed + 100);
  std::normal_distribution<float> n(0.0f, 0.15f);
  for (float& v : p) v += n(rng);
  const QModel qm(t, d.normalizer);
  const QState q = post_training_quantize(qm, p, make_quant_spec(preset), d, 32);
  auto m = std::make_unique<Model>();
  m->im = export_int_model(qm, p.data(), q);
  m->e = std::make_unique<IntEngine>(m->im);
  m->img = compile_core(*m->e);
  return m;
}

// One finished forecast, host -> checker.
struct Result {
  int64_t window = 0;             // index into the test split
  std::vector<int32_t> forecast;  // H values read from OBUF
  int64_t cycles = -1;            // o_run rise to o_done (CoreBench's count); -1: no o_done
  bool error = false;             // o_error seen
};
inline std::ostream& operator<<(std::ostream& os, const Result& r) { return os << "window " << r.window; }

SC_MODULE(Host) {
  sc_in<bool> clk;
  sc_out<bool> rst, hw_valid, ib_valid, start;
  sc_out<uint32_t> hw_mem, hw_addr, hw_data, ib_addr, ib_data, ob_addr;
  sc_in<bool> run, done, error;
  sc_in<uint32_t> ob_data;
  sc_fifo_out<Result> results;

  const CoreImage* img = nullptr;
  const std::vector<int32_t>* raw = nullptr;  // the test split's readings, Q10.6 (raw_fixed)
  std::vector<int64_t> windows;               // window start indices
  int L = 48, H = 24;
  int64_t limit = 1000000;                    // cycles to wait for o_done
  int64_t load_cycles = 0;

  void cycle() { wait(clk.posedge_event()); }
  void host_write(int mem, int addr, uint32_t data) {
    hw_valid.write(true);
    hw_mem.write(static_cast<uint32_t>(mem));
    hw_addr.write(static_cast<uint32_t>(addr));
    hw_data.write(data);
    cycle();
    hw_valid.write(false);
  }
  void main() {
    rst.write(true);
    hw_valid.write(false);
    ib_valid.write(false);
    start.write(false);
    ob_addr.write(0);
    for (int i = 0; i < 4; ++i) cycle();
    rst.write(false);
    cycle();
    // the program and its images, one 32-bit word a cycle (as the UART host interface writes them)
    const int64_t t_load = sc_time_stamp().value();
    for (size_t a = 0; a < img->prog.size(); ++a) host_write(isa::PROG_HOST_ID, static_cast<int>(a), img->prog[a]);
    for (size_t w = 0; w < img->wmem.size(); ++w)
      for (int k = 0; k < isa::WMEM_WIDTH / 32; ++k)
        host_write(isa::WMEM_HOST_ID, static_cast<int>(w) * (isa::WMEM_WIDTH / 32) + k, img->wmem[w][k]);
    for (size_t a = 0; a < img->bmem.size(); ++a)
      host_write(isa::BMEM_HOST_ID, static_cast<int>(a), static_cast<uint32_t>(img->bmem[a]));
    for (size_t a = 0; a < img->pmem.size(); ++a)
      host_write(isa::PMEM_HOST_ID, static_cast<int>(a), static_cast<uint32_t>(img->pmem[a]));
    load_cycles = static_cast<int64_t>((sc_time_stamp().value() - t_load) / sc_time(10, SC_NS).value());

    for (const int64_t i : windows) {
      Result r;
      r.window = i;
      const int32_t* w = raw->data() + i;
      for (int t = 0; t < L; ++t) {  // IBUF: one 16-bit reading a cycle
        ib_valid.write(true);
        ib_addr.write(static_cast<uint32_t>(t));
        ib_data.write(static_cast<uint32_t>(static_cast<uint16_t>(w[t])));
        cycle();
      }
      ib_valid.write(false);
      start.write(true);
      cycle();
      start.write(false);
      // After a posedge this thread sees the outputs of the previous one; count as CoreBench does:
      // cycle 0 is the first cycle o_run is high, the forecast completes on the cycle o_done rises.
      int64_t k = 0, k_run = -1;
      for (; k < limit; ++k) {
        cycle();
        if (error.read()) {
          r.error = true;
          break;
        }
        if (k_run < 0 && run.read()) k_run = k;
        if (done.read()) {
          r.cycles = k_run < 0 ? -1 : k - k_run - 1;
          break;
        }
      }
      // OBUF: registered read port, one address a cycle. An address written after posedge k is latched at
      // posedge k + 1, and this thread sees the data after posedge k + 2: one iteration later.
      r.forecast.assign(H, 0);
      for (int h = 0; h <= H; ++h) {
        if (h < H) ob_addr.write(static_cast<uint32_t>(h));
        cycle();
        if (h >= 1) r.forecast[h - 1] = static_cast<int32_t>(ob_data.read());
      }
      results.write(r);
      if (r.error || r.cycles < 0) break;  // the core is stuck: report, do not go on
    }
  }
  SC_CTOR(Host) { SC_THREAD(main); }
};

SC_MODULE(Checker) {
  sc_fifo_in<Result> results;
  const IntEngine* engine = nullptr;
  const std::vector<int32_t>* raw = nullptr;
  int64_t want_cycles = 0;  // the cycle model's cycles per forecast
  int expected = 0;         // windows the host sends
  int checked = 0, exact = 0, on_time = 0;

  void main() {
    std::vector<int32_t> want;
    for (int n = 0; n < expected; ++n) {
      const Result r = results.read();
      ++checked;
      if (r.error || r.cycles < 0) {
        std::printf("FAIL window %lld: %s\n", static_cast<long long>(r.window),
                    r.error ? "o_error (program header refused)" : "no o_done (timeout)");
        break;
      }
      want.assign(r.forecast.size(), 0);
      engine->run(raw->data() + r.window, want.data());
      int first = -1;
      for (size_t h = 0; h < want.size() && first < 0; ++h)
        if (want[h] != r.forecast[h]) first = static_cast<int>(h);
      if (first < 0) {
        ++exact;
      } else {
        std::printf("FAIL window %lld: forecast[%d] RTL %d, integer engine %d\n", static_cast<long long>(r.window),
                    first, r.forecast[first], want[first]);
        if (std::getenv("SF_SC_DUMP"))
          for (size_t h = 0; h < want.size(); ++h) std::printf("  %zu %d %d\n", h, r.forecast[h], want[h]);
      }
      if (r.cycles == want_cycles) {
        ++on_time;
      } else {
        std::printf("FAIL window %lld: o_done after %lld cycles, cycle model %lld\n",
                    static_cast<long long>(r.window), static_cast<long long>(r.cycles),
                    static_cast<long long>(want_cycles));
      }
      std::printf("window %5lld: %s, %lld cycles, forecast[0..3] %d %d %d %d\n", static_cast<long long>(r.window),
                  first < 0 ? "bit-exact" : "DIFFERS", static_cast<long long>(r.cycles), r.forecast[0],
                  r.forecast[1], r.forecast[2], r.forecast[3]);
    }
    sc_stop();
  }
  SC_CTOR(Checker) { SC_THREAD(main); }
};

}  // namespace

int sc_main(int argc, char** argv) {
  CLI::App app{"sc_core: SystemC testbench of sf_core; every forecast checked bit for bit against the integer engine"};
  std::string model_path, data = std::string(SF_TEST_DATA_DIR) + "/ETT/ETTh1.csv";
  int windows = 8, seed = 7;
  app.add_option("--model", model_path, "exported integer model (.sfint); default: a random all2 model");
  app.add_option("--data", data, "ETT-format CSV (target OT)");
  app.add_option("--windows", windows, "windows, evenly spaced over the test split")->check(CLI::Range(1, 100000));
  app.add_option("--seed", seed, "Verilator random reset seed");
  CLI11_PARSE(app, argc, argv);

  const auto t0 = std::chrono::steady_clock::now();
  Verilated::randReset(2);  // --x-initial unique: random initial values
  Verilated::randSeed(seed);

  std::unique_ptr<Model> m;
  Dataset d;
  try {
    if (model_path.empty()) {
      d = make_dataset(data, "OT", 48, 24);
      m = random_model("all2", 3, d);
    } else {
      m = std::make_unique<Model>();
      m->im = load_int_model(model_path);
      m->e = std::make_unique<IntEngine>(m->im);
      m->img = compile_core(*m->e);
      d = make_dataset(data, "OT", m->im.seq_len, m->im.pred_len);
    }
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "sc_core: %s\n", ex.what());
    return 2;
  }
  const CycleReport rep = cycle_model(m->img);
  const std::vector<int32_t> raw = raw_fixed(d, d.test);
  const int64_t n_all = d.test.count();
  windows = static_cast<int>(std::min<int64_t>(windows, n_all));

  sc_clock clk("clk", 10, SC_NS);
  sc_signal<bool> rst("rst"), hw_valid("hw_valid"), ib_valid("ib_valid"), start("start");
  sc_signal<bool> run("run"), done("done"), error("error"), dbg_obv("dbg_obv");
  sc_signal<uint32_t> hw_mem("hw_mem"), hw_addr("hw_addr"), hw_data("hw_data"), ib_addr("ib_addr"),
      ib_data("ib_data"), ob_addr("ob_addr"), ob_data("ob_data");
  sc_signal<uint32_t> dbg_wv("dbg_wv"), dbg_wmem("dbg_wmem"), dbg_wdual("dbg_wdual"), dbg_oba("dbg_oba"),
      dbg_obd("dbg_obd");
  sc_signal<uint64_t> dbg_waddr("dbg_waddr"), dbg_wdata("dbg_wdata");
  sc_fifo<Result> results("results", 4);

  Vsf_core dut("dut");
  dut.i_clk(clk);
  dut.i_rst(rst);
  dut.i_hw_valid(hw_valid);
  dut.i_hw_mem(hw_mem);
  dut.i_hw_addr(hw_addr);
  dut.i_hw_data(hw_data);
  dut.i_ib_valid(ib_valid);
  dut.i_ib_addr(ib_addr);
  dut.i_ib_data(ib_data);
  dut.i_ob_addr(ob_addr);
  dut.o_ob_data(ob_data);
  dut.i_start(start);
  dut.o_run(run);
  dut.o_done(done);
  dut.o_error(error);
  dut.o_dbg_wv(dbg_wv);  // the debug write ports: unused here (sim/core/tb_core.cpp checks them)
  dut.o_dbg_wmem(dbg_wmem);
  dut.o_dbg_wdual(dbg_wdual);
  dut.o_dbg_waddr(dbg_waddr);
  dut.o_dbg_wdata(dbg_wdata);
  dut.o_dbg_obv(dbg_obv);
  dut.o_dbg_oba(dbg_oba);
  dut.o_dbg_obd(dbg_obd);

  Host host("host");
  host.clk(clk);
  host.rst(rst);
  host.hw_valid(hw_valid);
  host.hw_mem(hw_mem);
  host.hw_addr(hw_addr);
  host.hw_data(hw_data);
  host.ib_valid(ib_valid);
  host.ib_addr(ib_addr);
  host.ib_data(ib_data);
  host.start(start);
  host.ob_addr(ob_addr);
  host.run(run);
  host.done(done);
  host.error(error);
  host.ob_data(ob_data);
  host.results(results);
  host.img = &m->img;
  host.raw = &raw;
  host.L = m->im.seq_len;
  host.H = m->im.pred_len;
  host.limit = 4 * rep.total + 1000;
  for (int k = 0; k < windows; ++k) host.windows.push_back(k * (n_all / windows));

  Checker checker("checker");
  checker.results(results);
  checker.engine = m->e.get();
  checker.raw = &raw;
  checker.want_cycles = rep.total;
  checker.expected = windows;

  sc_report_handler::set_actions("/OSCI/SystemC", SC_INFO, SC_DO_NOTHING);  // "Simulation stopped by user"
  const auto t_sim = std::chrono::steady_clock::now();
  sc_start();
  dut.final();
  const auto t_end = std::chrono::steady_clock::now();
  const double sim_s = std::chrono::duration<double>(t_end - t_sim).count();
  const double wall_s = std::chrono::duration<double>(t_end - t0).count();
  const double cycles = sc_time_stamp() / sc_time(10, SC_NS);
  std::printf(
      "sc_core (%s): %d/%d windows bit-exact vs the integer engine, %d/%d on the cycle model's %lld cycles; "
      "load %lld cycles; simulated %.0f cycles in %.1f s (%.0f cycles/s); wall %.1f s\n",
      model_path.empty() ? "random all2 model" : model_path.c_str(), checker.exact, windows, checker.on_time, windows,
      static_cast<long long>(rep.total), static_cast<long long>(host.load_cycles), cycles, sim_s, cycles / sim_s,
      wall_s);
  const bool ok = checker.checked == windows && checker.exact == windows && checker.on_time == windows;
  return ok ? 0 : 1;
}
