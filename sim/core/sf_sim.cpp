// sf_sim: the whole test split through the Verilated accelerator core (rtl/sf_core.v), checked window by
// window against the integer engine (forecast, bit for bit) and the cycle model (every scratch-memory and
// forecast write: memory, address, bytes, cycle). Used by `make sim` and `shiftformer sim`.
//
//   sf_sim --model M.sfint [--preset NAME] [--data CSV --target COL] [--windows N] [--window-list I,J,...]
//          [--threads T] [--json OUT] [--forecasts CSV] [--fst OUT] [--stim-dir DIR]
//
// Prints a progress bar on stderr, then: windows bit-exact, traces exact, cycles per forecast, MSE of the
// RTL forecasts (with the engine's and the baselines' of the same run), simulated cycles per second and wall
// time. Exit code 1 if any window differs.
//   --forecasts  the RTL forecasts of the simulated windows as CSV (window,row,step,truth,forecast,raw: degrees
//                and the raw Q10.6 integer), written to a temporary name and renamed
//   --stim-dir   also writes the simulated windows and the compiled images as $readmemh files for the Icarus
//                testbench sim/core/tb_core_iv.v, and runs the same stimulus once more on one Verilated core
//                without checks, timed (DIR/verilator.json: clock cycles, seconds, per-window o_done cycle and
//                forecasts), for the Verilator/Icarus speed comparison (scripts/sim_speed.py)
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "baselines.h"
#include "checkpoint.h"
#include "common.h"
#include "core_bench.h"
#include "metrics.h"
#include "qmodel.h"

using namespace sf;

namespace {

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

std::string json_str(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    o += c;
  }
  return o + "\"";
}

// The stimulus of the Icarus testbench (sim/core/tb_core_iv.v): the same host writes, windows and reads as
// CoreBench, as $readmemh files: sizes.hex (word counts, windows, L, H, cycle limit), prog.hex / wmem.hex /
// bmem.hex / pmem.hex (32-bit host words in write order), windows.hex (16-bit readings).
void write_stimulus(const std::string& dir, const CoreImage& img, const std::vector<int32_t>& raw,
                    const std::vector<int64_t>& idx, int L, int H, int64_t limit) {
  std::filesystem::create_directories(dir);
  auto hex32 = [](const std::vector<uint32_t>& v) {
    std::string s;
    for (uint32_t x : v) s += fmt::format("{:08x}\n", x);
    return s;
  };
  std::vector<uint32_t> prog(img.prog.begin(), img.prog.end()), wmem, bmem, pmem;
  for (const auto& w : img.wmem)
    for (int k = 0; k < isa::WMEM_WIDTH / 32; ++k) wmem.push_back(w[k]);
  for (auto b : img.bmem) bmem.push_back(static_cast<uint32_t>(b));
  for (auto p : img.pmem) pmem.push_back(static_cast<uint32_t>(p));
  write_file_atomic(dir + "/prog.hex", hex32(prog));
  write_file_atomic(dir + "/wmem.hex", hex32(wmem));
  write_file_atomic(dir + "/bmem.hex", hex32(bmem));
  write_file_atomic(dir + "/pmem.hex", hex32(pmem));
  std::string w;
  for (int64_t i : idx)
    for (int t = 0; t < L; ++t) w += fmt::format("{:04x}\n", static_cast<uint16_t>(raw[static_cast<size_t>(i) + t]));
  write_file_atomic(dir + "/windows.hex", w);
  write_file_atomic(dir + "/sizes.hex",
                    hex32({static_cast<uint32_t>(prog.size()), static_cast<uint32_t>(wmem.size()),
                           static_cast<uint32_t>(bmem.size()), static_cast<uint32_t>(pmem.size()),
                           static_cast<uint32_t>(idx.size()), static_cast<uint32_t>(L), static_cast<uint32_t>(H),
                           static_cast<uint32_t>(limit)}));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sf_sim: the ETTh1 test split through the Verilated sf_core, checked against the integer engine "
               "and the cycle model"};
  std::string model, data = std::string(SF_SOURCE_DIR) + "/data/ETT/ETTh1.csv", target = "OT", json, fst;
  std::string preset, forecasts, window_list, stim_dir;
  int windows = 0, threads = 2;
  app.add_option("--model", model, "exported integer model (.sfint)")->required();
  app.add_option("--preset", preset, "name of the model's precision preset/spec for the JSON (default: file stem)");
  app.add_option("--data", data, "ETT-format CSV");
  app.add_option("--target", target, "target column");
  app.add_option("--windows", windows, "N windows of the test split, evenly spaced (0: all, or none with a list)");
  app.add_option("--window-list", window_list, "these test windows too (comma-separated indices)");
  app.add_option("--forecasts", forecasts, "write the RTL forecasts of the simulated windows as CSV (degrees)");
  app.add_option("--stim-dir", stim_dir, "write the Icarus testbench's stimulus there and time a plain Verilator run");
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
    if (preset.empty()) preset = std::filesystem::path(model).stem().string();
    // the test windows to simulate: N evenly spaced (all when N is 0 and no list is given) and the listed ones
    std::set<int64_t> pick;
    if (windows > 0 || window_list.empty()) {
      const int64_t m = windows > 0 ? std::min<int64_t>(windows, n_all) : n_all;
      const int64_t step = windows > 0 ? n_all / m : 1;
      for (int64_t k = 0; k < m; ++k) pick.insert(k * step);
    }
    if (!window_list.empty()) {
      std::stringstream ss(window_list);
      std::string tok;
      while (std::getline(ss, tok, ',')) {
        size_t used = 0;
        int64_t v = -1;
        try {
          v = std::stoll(tok, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used != tok.size() || v < 0 || v >= n_all)
          throw Error(fmt::format("--window-list: '{}' is not a test window index (0..{})", tok, n_all - 1));
        pick.insert(v);
      }
    }
    const std::vector<int64_t> idx(pick.begin(), pick.end());
    const int64_t n = static_cast<int64_t>(idx.size());
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
        const int64_t i = idx[static_cast<size_t>(k)];
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
      const int64_t i = idx[static_cast<size_t>(k)];
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
    if (!forecasts.empty()) {
      std::string s = "window,row,step,truth,forecast,raw\n";
      for (int64_t k = 0; k < ran; ++k) {
        const int64_t i = idx[static_cast<size_t>(k)];
        for (int h = 0; h < H; ++h) {
          const int64_t row = d.test.first_row + i + L + h;
          const int32_t v = rtl[static_cast<size_t>(k) * H + h];
          s += fmt::format("{},{},{},{:.4f},{:.4f},{}\n", i, row, h, d.series.values[row],
                           std::ldexp(static_cast<double>(v), -kRawFracBits), v);
        }
      }
      write_file_atomic(forecasts, s);
    }
    if (!json.empty()) {
      std::string wl;
      for (int64_t k = 0; k < ran; ++k) wl += (k ? "," : "") + std::to_string(idx[static_cast<size_t>(k)]);
      write_file_atomic(
          json, fmt::format("{{\"model\": {}, \"preset\": {}, \"data\": {}, \"target\": {}, \"windows\": {}, "
                            "\"window_list\": [{}], \"bit_exact\": {}, \"trace_exact\": {}, \"cycles\": {}, "
                            "\"mse_rtl\": {:.6f}, \"mse_engine\": {:.6f}, \"mse_persistence\": {:.6f}, "
                            "\"cycles_per_s\": {:.0f}, \"threads\": {}, \"sim_s\": {:.2f}, \"wall_s\": {:.2f}}}\n",
                            json_str(model), json_str(preset), json_str(data), json_str(target), ran, wl,
                            exact.load(), traces.load(), rep.total, a_rtl.result().mse, a_eng.result().mse,
                            a_pers.result().mse, cycles_total / sim_s, threads, sim_s, wall_s));
    }
    if (!stim_dir.empty()) {
      // the same stimulus as the Icarus testbench: reset, load, then each window (readings, start, run, reads)
      // on one Verilated core, no checks; every clock cycle counted
      const int64_t limit = 4 * rep.total + 1000;
      write_stimulus(stim_dir, img, raw, idx, L, H, limit);
      std::vector<int32_t> fc(static_cast<size_t>(n) * H);
      std::vector<int64_t> done(static_cast<size_t>(n));
      const auto t0 = std::chrono::steady_clock::now();
      const double c0 = cpu_seconds();
      int64_t ticks = 0;
      {
        CoreBench tb(1);
        tb.load(img);
        for (int64_t k = 0; k < n; ++k)
          done[k] = tb.run(raw.data() + idx[static_cast<size_t>(k)], L, H, &fc[static_cast<size_t>(k) * H], nullptr,
                           limit);
        ticks = tb.cycles();
      }
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const double cpu = cpu_seconds() - c0;
      std::string dl, fl;
      for (int64_t k = 0; k < n; ++k) dl += (k ? "," : "") + std::to_string(done[k]);
      for (size_t j = 0; j < fc.size(); ++j) fl += (j ? "," : "") + std::to_string(fc[j]);
      write_file_atomic(stim_dir + "/verilator.json",
                        fmt::format("{{\"simulator\": \"Verilator\", \"version\": {}, \"threads\": 1, "
                                    "\"cycles\": {}, \"seconds\": {:.4f}, \"cpu_seconds\": {:.4f}, "
                                    "\"done\": [{}], \"forecasts\": [{}]}}\n",
                                    json_str(std::string(Verilated::productVersion())), ticks, secs, cpu, dl, fl));
      std::printf("  stimulus for tb_core_iv in %s; plain Verilator run: %lld clock cycles in %.2f s (%.0f cycles/s)\n",
                  stim_dir.c_str(), static_cast<long long>(ticks), secs, ticks / secs);
      bool same = true;
      for (int64_t k = 0; k < n; ++k) same = same && done[k] == rep.total;
      same = same && std::equal(fc.begin(), fc.end(), rtl.begin());
      if (!same) {
        std::printf("  the plain run differs from the checked run\n");
        return 1;
      }
    }
    return exact == ran && traces == ran ? 0 : 1;
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "sf_sim: %s\n", ex.what());
    return 2;
  }
}
