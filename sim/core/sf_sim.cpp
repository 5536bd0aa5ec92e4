// sf_sim: the whole test split through the Verilated accelerator core (rtl/sf_core.v), checked window by
// window against the integer engine (forecast, bit for bit) and the cycle model (every scratch-memory and
// forecast write: memory, address, bytes, cycle). Used by `make sim` and `shiftformer sim`.
//
//   sf_sim --model M.sfint [--data CSV --target COL] [--windows N] [--threads T] [--json OUT] [--fst OUT]
//
// Prints a progress bar on stderr, then: windows bit-exact, traces exact, cycles per forecast, MSE of the
// RTL forecasts (with the engine's and the baselines' of the same run), simulated cycles per second and wall
// time. Exit code 1 if any window differs.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <thread>

#include "baselines.h"
#include "checkpoint.h"
#include "common.h"
#include "core_bench.h"
#include "metrics.h"
#include "qmodel.h"

using namespace sf;

int main(int argc, char** argv) {
  CLI::App app{"sf_sim: the ETTh1 test split through the Verilated sf_core, checked against the integer engine "
               "and the cycle model"};
  std::string model, data = std::string(SF_SOURCE_DIR) + "/data/ETT/ETTh1.csv", target = "OT", json, fst;
  int windows = 0, threads = 2;
  app.add_option("--model", model, "exported integer model (.sfint)")->required();
  app.add_option("--data", data, "ETT-format CSV");
  app.add_option("--target", target, "target column");
  app.add_option("--windows", windows, "first N windows of the test split, evenly spaced (0: all)");
  app.add_option("--threads", threads, "simulator threads (one Verilated core each)")->check(CLI::Range(1, 64));
  app.add_option("--json", json, "write the summary as JSON");
  app.add_option("--fst", fst, "write an FST waveform of the first window (single thread)");
  CLI11_PARSE(app, argc, argv);
  try {
    const auto t_start = std::chrono::steady_clock::now();
    const IntModel im = load_int_model(model);
    const IntEngine e(im);
    const CoreImage img = compile_core(e);
    const CycleReport rep = cycle_model(img);
    const Dataset d = make_dataset(data, target, im.seq_len, im.pred_len);
    const std::vector<int32_t> raw = raw_fixed(d, d.test);
    const int64_t n_all = d.test.count();
    const int64_t n = windows > 0 ? std::min<int64_t>(windows, n_all) : n_all;
    const int64_t step = windows > 0 ? n_all / n : 1;
    const int L = im.seq_len, H = im.pred_len;
    if (!fst.empty()) threads = 1;
    std::vector<int32_t> rtl(static_cast<size_t>(n) * H), eng(static_cast<size_t>(n) * H);
    std::vector<int64_t> cyc(static_cast<size_t>(n), -1);
    std::atomic<int64_t> next{0}, done_n{0}, exact{0}, traces{0};
    std::mutex mu;
    std::string first_bad;
    auto worker = [&](int tid) {
      CoreBench tb(1 + tid, tid == 0 ? fst : "");
      tb.load(img);
      CoreTracer tracer(img);
      std::vector<int32_t> model_fc(H);
      std::vector<TraceWrite> writes, want;
      for (int64_t k = next++; k < n; k = next++) {
        const int64_t i = k * step;
        const int32_t* w = raw.data() + i;
        e.run(w, &eng[static_cast<size_t>(k) * H]);
        tracer.run(w, model_fc.data(), want);
        cyc[k] = tb.run(w, L, H, &rtl[static_cast<size_t>(k) * H], &writes, 4 * rep.total + 1000);
        const std::string diff = compare_traces(want, writes);
        const bool ok_f = std::equal(model_fc.begin(), model_fc.end(), eng.begin() + k * H) &&
                          std::equal(rtl.begin() + k * H, rtl.begin() + (k + 1) * H, eng.begin() + k * H);
        const bool ok_t = diff.empty() && cyc[k] == rep.total;
        exact += ok_f;
        traces += ok_t;
        if ((!ok_f || !ok_t) && first_bad.empty()) {
          std::lock_guard<std::mutex> g(mu);
          if (first_bad.empty())
            first_bad = fmt::format("window {}: {}{}", i, ok_f ? "" : "forecast differs from the engine; ",
                                    diff.empty() ? fmt::format("o_done at {} (model {})", cyc[k], rep.total) : diff);
        }
        ++done_n;
        if (!fst.empty()) break;
      }
    };
    std::vector<std::thread> pool;
    const auto t_sim = std::chrono::steady_clock::now();
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
    // progress bar
    const bool tty = isatty(2);
    while (done_n < (fst.empty() ? n : 1)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(tty ? 200 : 5000));
      const int64_t dn = done_n;
      const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_sim).count();
      const int bar = static_cast<int>(40 * dn / std::max<int64_t>(n, 1));
      std::fprintf(stderr, "%s[%s%s] %lld/%lld windows, %lld bit-exact, %.0f s%s", tty ? "\r" : "",
                   std::string(bar, '#').c_str(), std::string(40 - bar, '.').c_str(), static_cast<long long>(dn),
                   static_cast<long long>(n), static_cast<long long>(exact.load()), el, tty ? "" : "\n");
      if (!fst.empty() && dn >= 1) break;
    }
    for (auto& t : pool) t.join();
    if (tty) std::fprintf(stderr, "\n");
    const double sim_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_sim).count();
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
    const int64_t ran = fst.empty() ? n : 1;
    // MSE on the normalized scale, as every figure in this project
    MetricsAccumulator a_rtl, a_eng, a_pers;
    std::vector<float> o(H), pz(H);
    for (int64_t k = 0; k < ran; ++k) {
      const int64_t i = k * step;
      for (int h = 0; h < H; ++h) {
        o[h] = static_cast<float>((std::ldexp(static_cast<double>(rtl[k * H + h]), -6) - d.normalizer.mean) /
                                  d.normalizer.std);
        pz[h] = static_cast<float>((std::ldexp(static_cast<double>(eng[k * H + h]), -6) - d.normalizer.mean) /
                                   d.normalizer.std);
      }
      a_rtl.add(o.data(), d.test.target(i), H);
      a_eng.add(pz.data(), d.test.target(i), H);
      std::vector<float> pers(H, d.test.input(i)[L - 1]);
      a_pers.add(pers.data(), d.test.target(i), H);
    }
    int64_t cmin = INT64_MAX, cmax = 0;
    for (int64_t k = 0; k < ran; ++k) {
      cmin = std::min(cmin, cyc[k]);
      cmax = std::max(cmax, cyc[k]);
    }
    const double cycles_total = static_cast<double>(rep.total) * static_cast<double>(ran);
    const std::string summary = fmt::format(
        "sf_core on {} ({} windows of the test split, {} thread{}):\n"
        "  bit-exact vs the integer engine: {} / {}\n"
        "  every write on the cycle model's cycle: {} / {}\n"
        "  cycles per forecast: {} (min {}, max {}); cycle model {}\n"
        "  MSE: RTL {:.4f}, integer engine {:.4f}, persistence {:.4f} (normalized, same windows)\n"
        "  simulated {:.0f} cycles in {:.1f} s: {:.0f} cycles/s ({:.0f} per thread); wall {:.1f} s\n",
        data, ran, threads, threads > 1 ? "s" : "", exact.load(), ran, traces.load(), ran, rep.total, cmin, cmax,
        rep.total, a_rtl.result().mse, a_eng.result().mse, a_pers.result().mse, cycles_total, sim_s,
        cycles_total / sim_s, cycles_total / sim_s / threads, wall_s);
    std::printf("%s", summary.c_str());
    if (!first_bad.empty()) std::printf("  first difference: %s\n", first_bad.c_str());
    if (!json.empty())
      write_file_atomic(
          json, fmt::format("{{\"windows\": {}, \"bit_exact\": {}, \"trace_exact\": {}, \"cycles\": {}, "
                            "\"mse_rtl\": {:.6f}, \"mse_engine\": {:.6f}, \"mse_persistence\": {:.6f}, "
                            "\"cycles_per_s\": {:.0f}, \"threads\": {}, \"sim_s\": {:.2f}, \"wall_s\": {:.2f}}}\n",
                            ran, exact.load(), traces.load(), rep.total, a_rtl.result().mse, a_eng.result().mse,
                            a_pers.result().mse, cycles_total / sim_s, threads, sim_s, wall_s));
    return exact == ran && traces == ran ? 0 : 1;
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "sf_sim: %s\n", ex.what());
    return 2;
  }
}
