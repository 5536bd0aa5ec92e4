// shiftformer: command-line entry. Subcommands: baselines, train, eval.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <omp.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "baselines.h"
#include "checkpoint.h"
#include "config.h"
#include "data.h"
#include "compiler.h"
#include "export.h"
#include "qtrain.h"
#include "train.h"
#include "transformer.h"

using json = nlohmann::json;
using namespace sf;

namespace {

std::atomic<bool> g_interrupted{false};
void on_signal(int) { g_interrupted = true; }

void write_json(const std::string& path, const json& j) {
  if (!path.empty()) write_file_atomic(path, j.dump(2) + "\n");
}

json metrics_json(const Metrics& m) { return {{"mse", m.mse}, {"mae", m.mae}, {"windows", m.windows}}; }

json history_json(const std::vector<EpochLog>& h) {
  json a = json::array();
  for (const EpochLog& e : h)
    a.push_back({{"epoch", e.epoch}, {"train_loss", e.train_loss}, {"val_mse", e.val_mse}, {"lr", e.lr},
                 {"seconds", e.seconds}});
  return a;
}


std::string fmt_duration(double s) {
  if (s < 60) return fmt::format("{:.0f}s", s);
  return fmt::format("{}m{:02d}s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
}

struct DataOpts {
  std::string config = "configs/default.toml";
  std::string data, target;
  std::vector<std::string> sets;
};

void add_data_opts(CLI::App* app, DataOpts& o, bool with_config = true) {
  if (with_config) app->add_option("--config", o.config, "TOML config")->capture_default_str();
  app->add_option("--data", o.data, "ETT-format CSV (overrides data.path)");
  app->add_option("--target", o.target, "target column (overrides data.target)");
  app->add_option("--set", o.sets, "override, section.key=value (repeatable)");
}

void apply_data_opts(Config& c, const DataOpts& o) {
  apply_overrides(c, o.sets);
  if (!o.data.empty()) c.data.path = o.data;
  if (!o.target.empty()) c.data.target = o.target;
}

Dataset load_dataset(const Config& c) {
  Dataset d = make_dataset(c.data.path, c.data.target, c.data.seq_len, c.data.pred_len);
  fmt::print("data: {} column {}: {} rows, period {} min; windows train {} / val {} / test {}; "
             "train mean {:.4f} std {:.4f}\n",
             c.data.path, c.data.target, d.series.values.size(), d.series.period_minutes, d.train.count(),
             d.val.count(), d.test.count(), d.normalizer.mean, d.normalizer.std);
  return d;
}

void print_metrics_table(const std::vector<std::pair<std::string, Metrics>>& rows) {
  fmt::print("\n{:<28} {:>9} {:>9} {:>8}\n", "test split (normalized)", "MSE", "MAE", "windows");
  for (const auto& [name, m] : rows) fmt::print("{:<28} {:>9.4f} {:>9.4f} {:>8}\n", name, m.mse, m.mae, m.windows);
}

json baselines_json(const BaselineResult& b) {
  return {{"persistence", metrics_json(b.persistence)},
          {"seasonal_naive", metrics_json(b.seasonal_naive)},
          {"ridge", metrics_json(b.ridge)},
          {"ridge_lambda", b.ridge_lambda}};
}

std::vector<std::pair<std::string, Metrics>> baseline_rows(const BaselineResult& b) {
  return {{"persistence", b.persistence},
          {"seasonal naive (24 h)", b.seasonal_naive},
          {fmt::format("ridge (lambda {:.3g})", b.ridge_lambda), b.ridge}};
}

// Per-layer parameter breakdown: groups "enc0.attn.q.w" are summed by their layer prefix "enc0.attn".
json param_breakdown(const Transformer& m, bool print) {
  std::vector<std::string> order;
  std::map<std::string, std::array<size_t, 2>> rows;  // weights, biases/norm params
  for (const ParamGroup& g : m.groups()) {
    std::string layer = g.name.substr(0, g.name.rfind('.'));
    const bool is_ln = layer.find(".ln") != std::string::npos;
    if (!is_ln && layer.find(".attn.") != std::string::npos) layer = layer.substr(0, layer.rfind('.'));
    if (layer.find(".self.") != std::string::npos || layer.find(".cross.") != std::string::npos)
      layer = layer.substr(0, layer.rfind('.'));
    if (!rows.count(layer)) order.push_back(layer);
    const bool weight = g.name.size() > 2 && g.name.substr(g.name.size() - 2) == ".w";
    rows[layer][weight ? 0 : 1] += g.size;
  }
  json j = json::array();
  if (print) fmt::print("\n{:<14} {:>8} {:>8} {:>8} {:>7}\n", "layer", "weights", "bias/LN", "total", "share");
  for (const std::string& l : order) {
    const size_t tot = rows[l][0] + rows[l][1];
    if (print)
      fmt::print("{:<14} {:>8} {:>8} {:>8} {:>6.2f}%\n", l, rows[l][0], rows[l][1], tot,
                 100.0 * tot / m.num_params());
    j.push_back({{"layer", l}, {"weights", rows[l][0]}, {"other", rows[l][1]}, {"total", tot}});
  }
  if (print) fmt::print("{:<14} {:>8} {:>8} {:>8}\n", "total", "", "", m.num_params());
  return j;
}

int cmd_baselines(const DataOpts& o, const std::string& json_out) {
  Config c = load_config(o.config);
  apply_data_opts(c, o);
  const Dataset d = load_dataset(c);
  const BaselineResult b = run_baselines(d);
  print_metrics_table(baseline_rows(b));
  write_json(json_out, {{"data", c.data.path}, {"target", c.data.target}, {"baselines", baselines_json(b)}});
  return 0;
}

int cmd_train(const DataOpts& o, const std::string& out, const std::string& resume, const std::string& json_out,
              int64_t seed, int epochs, bool quiet) {
  Checkpoint ck;
  if (!resume.empty()) {
    ck = load_checkpoint(resume);
    fmt::print("resuming {} at epoch {} batch {}\n", resume, ck.state.epoch, ck.state.batch);
  } else {
    ck.config = load_config(o.config);
    apply_data_opts(ck.config, o);
    if (seed >= 0) ck.config.train.seed = seed;
    if (epochs >= 0) ck.config.train.epochs = epochs;
  }
  Config& c = ck.config;
  const Dataset d = load_dataset(c);
  ck.normalizer = d.normalizer;
  const Transformer m(c.model, c.data.seq_len, c.data.pred_len);
  if (resume.empty()) init_train_state(c, m, ck.state);
  fmt::print("model: d_model {} heads {} d_ff {} enc {} dec {} label_len {}: {} parameters; threads {}\n",
             c.model.d_model, c.model.n_heads, c.model.d_ff, c.model.enc_layers, c.model.dec_layers,
             c.model.label_len, m.num_params(), resolve_threads(c.train.threads));
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  const bool tty = isatty(fileno(stderr)) && !quiet;
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  const int start_epoch = ck.state.epoch;
  TrainHooks hooks;
  hooks.should_stop = [] { return g_interrupted.load(); };
  if (tty)
    hooks.on_batch = [&](int epoch, int64_t b, int64_t nb, double loss) {
      if (b % 8 != 0 && b != nb) return;
      const double done = (epoch - 1 - start_epoch) + static_cast<double>(b) / nb;
      const double eta = done > 0 ? elapsed() / done * (c.train.epochs - start_epoch - done) : 0.0;
      const int w = 24, fill = static_cast<int>(w * b / nb);
      fmt::print(stderr, "\r  epoch {:>3}/{} [{}{}] loss {:.4f}  ETA <= {}   ", epoch, c.train.epochs,
                 std::string(fill, '#'), std::string(w - fill, '.'), loss, fmt_duration(eta));
    };
  hooks.on_epoch = [&](const EpochLog& e, const TrainState& st) {
    if (tty) fmt::print(stderr, "\r{:80}\r", "");
    fmt::print("epoch {:>3}/{}  train loss {:.4f}  val MSE {:.4f}{}  lr {:.2e}  {:.1f}s\n", e.epoch,
               c.train.epochs, e.train_loss, e.val_mse, st.best_epoch == e.epoch ? " *" : "  ", e.lr, e.seconds);
    std::fflush(stdout);
    if (!out.empty()) save_checkpoint(out, ck);
  };
  train(c, d, m, ck.state, hooks);
  if (g_interrupted) {
    if (!out.empty()) save_checkpoint(out, ck);
    fmt::print("\ninterrupted at epoch {} batch {}: checkpoint written to {}; continue with --resume {}\n",
               ck.state.epoch + 1, ck.state.batch, out, out);
    return 130;
  }
  const double secs = elapsed();
  if (!out.empty()) save_checkpoint(out, ck);
  const Metrics test = evaluate_model(m, ck.state.best_params.data(), d.test);
  const Metrics val = evaluate_model(m, ck.state.best_params.data(), d.val);
  const BaselineResult b = run_baselines(d);
  const int ran = ck.state.epoch - start_epoch;
  fmt::print("\ntrained {} epochs in {} ({:.1f} s/epoch); best epoch {} (val MSE {:.4f})\n", ran,
             fmt_duration(secs), ran ? secs / ran : 0.0, ck.state.best_epoch, val.mse);
  auto rows = baseline_rows(b);
  rows.insert(rows.begin(), {fmt::format("transformer FP32 (seed {})", c.train.seed), test});
  print_metrics_table(rows);
  const json hist = history_json(ck.state.history);
  write_json(json_out, {{"config", c.name},
                        {"seed", c.train.seed},
                        {"params", m.num_params()},
                        {"epochs_run", ran},
                        {"best_epoch", ck.state.best_epoch},
                        {"seconds", secs},
                        {"seconds_per_epoch", ran ? secs / ran : 0.0},
                        {"threads", resolve_threads(c.train.threads)},
                        {"val", metrics_json(val)},
                        {"test", metrics_json(test)},
                        {"baselines", baselines_json(b)},
                        {"history", hist},
                        {"checkpoint", out}});
  return 0;
}

// Forecasts of a split as CSV, in the units of the data: window, data row of the forecast step, step,
// truth, forecast. Written to a temporary name and renamed.
void write_forecasts_csv(const std::string& path, const Dataset& d, const WindowSet& w,
                         const std::vector<double>& forecast_degrees) {
  if (path.empty()) return;
  std::string s = "window,row,step,truth,forecast\n";
  const int H = w.pred_len;
  for (int64_t i = 0; i < w.count(); ++i)
    for (int h = 0; h < H; ++h) {
      const int64_t row = w.first_row + i + w.seq_len + h;
      s += fmt::format("{},{},{},{:.4f},{:.4f}\n", i, row, h, d.series.values[row],
                       forecast_degrees[static_cast<size_t>(i) * H + h]);
    }
  write_file_atomic(path, s);
}

int cmd_eval(const std::string& ckpt, const DataOpts& o, const std::string& json_out,
             const std::string& forecasts_out) {
  Checkpoint ck = load_checkpoint(ckpt);
  Config& c = ck.config;
  apply_data_opts(c, o);
  const Dataset d = load_dataset(c);
  const Transformer m(c.model, c.data.seq_len, c.data.pred_len);
  const json breakdown = param_breakdown(m, true);
  const Metrics test = evaluate_model(m, ck.state.best_params.data(), d.test);
  const Metrics val = evaluate_model(m, ck.state.best_params.data(), d.val);
  const BaselineResult b = run_baselines(d);
  auto rows = baseline_rows(b);
  rows.insert(rows.begin(), {fmt::format("transformer FP32 ({})", c.name), test});
  print_metrics_table(rows);
  fmt::print("validation MSE {:.4f}\n", val.mse);
  if (!forecasts_out.empty()) {
    std::vector<double> f(static_cast<size_t>(d.test.count()) * d.test.pred_len);
    ForwardCache cache;
    std::vector<float> out(d.test.pred_len);
    for (int64_t i = 0; i < d.test.count(); ++i) {
      m.forward(ck.state.best_params.data(), d.test.input(i), out.data(), cache, false, nullptr);
      for (int h = 0; h < d.test.pred_len; ++h)
        f[static_cast<size_t>(i) * d.test.pred_len + h] = d.normalizer.denorm(out[h]);
    }
    write_forecasts_csv(forecasts_out, d, d.test, f);
  }
  write_json(json_out, {{"checkpoint", ckpt},
                        {"config", c.name},
                        {"params", m.num_params()},
                        {"param_breakdown", breakdown},
                        {"val", metrics_json(val)},
                        {"test", metrics_json(test)},
                        {"baselines", baselines_json(b)}});
  return 0;
}

json compression_json(const CompressionReport& c) {
  return {{"params", c.params},           {"fp32_bits", c.fp32_bits},        {"stored_bits", c.stored_bits},
          {"paper_bits", c.paper_bits},   {"overhead_bits", c.overhead_bits}, {"deployed_ratio", c.deployed_ratio()},
          {"paper_ratio", c.paper_ratio()}};
}

int cmd_quantize(const std::string& ckpt, const std::string& preset, const QatOptions& qo, bool ptq_only,
                 int bias_bits, float momentum, const std::string& out, const std::string& model_out,
                 const std::string& json_out, const std::string& forecasts_out, bool quiet) {
  QuantSpec spec = make_quant_spec(preset);  // a bad preset or --bits list fails before any work
  Checkpoint ck = load_checkpoint(ckpt);
  if (ck.quantized) throw Error(fmt::format("{}: already quantized; give the FP32 checkpoint", ckpt));
  Config& c = ck.config;
  const Dataset d = load_dataset(c);
  const Transformer m(c.model, c.data.seq_len, c.data.pred_len);
  const QModel qm(m, d.normalizer);
  if (bias_bits >= 0) spec.bias_bits = bias_bits;
  if (momentum >= 0.0f) {
    if (momentum > 1.0f) throw Error(fmt::format("--momentum {}: must be in [0, 1]", momentum));
    spec.momentum = momentum;
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  omp_set_num_threads(resolve_threads(c.train.threads));
  const Metrics fp_test = evaluate_model(m, ck.state.best_params.data(), d.test);
  QState q = post_training_quantize(qm, ck.state.best_params, spec, d, qo.calib_windows);
  const Metrics ptq_test = evaluate_qmodel(qm, qm.snapshot(ck.state.best_params.data(), q), q, d, d.test);
  fmt::print("PTQ {}: test MSE {:.4f} (FP32 {:.4f}), calibrated on {} windows in {:.1f}s\n", preset, ptq_test.mse,
             fp_test.mse, qo.calib_windows, elapsed());
  Checkpoint qc = ck;
  qc.quantized = true;
  qc.state.params = ck.state.best_params;
  qc.state.best_params = ck.state.best_params;
  qc.state.history.clear();
  qc.state.epoch = 0;
  qc.state.batch = 0;
  qc.state.step = 0;
  qc.state.finished = false;
  std::fill(qc.state.adam_m.begin(), qc.state.adam_m.end(), 0.0f);
  std::fill(qc.state.adam_v.begin(), qc.state.adam_v.end(), 0.0f);
  QState best = q;
  Metrics qat_test = ptq_test;
  double qat_seconds = 0.0;
  if (!ptq_only) {
    const double t_start = elapsed();
    TrainHooks hooks;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    hooks.should_stop = [] { return g_interrupted.load(); };
    const bool tty = isatty(fileno(stderr)) && !quiet;
    if (tty)
      hooks.on_batch = [&](int epoch, int64_t b, int64_t nb, double loss) {
        if (b % 4 != 0 && b != nb) return;
        const int w = 24, fill = static_cast<int>(w * b / nb);
        fmt::print(stderr, "\r  QAT epoch {:>2}/{} [{}{}] loss {:.4f}   ", epoch, qo.epochs, std::string(fill, '#'),
                   std::string(w - fill, '.'), loss);
      };
    hooks.on_epoch = [&](const EpochLog& e, const TrainState& st) {
      if (tty) fmt::print(stderr, "\r{:80}\r", "");
      fmt::print("QAT epoch {:>2}/{}  train loss {:.4f}  val MSE {:.4f}{}  {:.1f}s\n", e.epoch, qo.epochs,
                 e.train_loss, e.val_mse, st.best_epoch == e.epoch ? " *" : "  ", e.seconds);
      std::fflush(stdout);
    };
    quantization_aware_train(c, qo, d, qm, qc.state, q, best, hooks);
    if (g_interrupted) throw Error("interrupted");
    qat_seconds = elapsed() - t_start;
    qat_test = evaluate_qmodel(qm, qm.snapshot(qc.state.best_params.data(), best), best, d, d.test);
  }
  qc.quant = best;
  if (!out.empty()) save_checkpoint(out, qc);
  // The integer-only engine on the exported model, and the compression it stores.
  const IntModel im = export_int_model(qm, qc.state.best_params.data(), best);
  if (!model_out.empty()) save_int_model(model_out, im);
  const IntEngine engine(im);
  std::vector<int32_t> int_forecasts;
  if (!model_out.empty()) {
    const std::string dir = model_out.substr(0, model_out.rfind('.')) + ".rtl";
    write_rtl_images(engine, dir);
    fmt::print("RTL memory images and parameter header written to {}/\n", dir);
  }
  const Metrics int_test = evaluate_int_engine(engine, d, d.test, &int_forecasts);
  {
    std::vector<double> f(int_forecasts.size());
    for (size_t i = 0; i < f.size(); ++i) f[i] = std::ldexp(static_cast<double>(int_forecasts[i]), -kRawFracBits);
    write_forecasts_csv(forecasts_out, d, d.test, f);
  }
  const CompressionReport cr = compression(im, kept_float_linears(qm, best));
  const ApproxStats ax = measure_approximations(qm, qm.snapshot(qc.state.best_params.data(), best), best, d, d.test, 256);
  const BaselineResult b = run_baselines(d);
  auto rows = baseline_rows(b);
  rows.insert(rows.begin(), {fmt::format("integer engine {}", preset), int_test});
  rows.insert(rows.begin(), {"FP32 (checkpoint)", fp_test});
  rows.insert(rows.begin() + 1, {fmt::format("PTQ {}", preset), ptq_test});
  if (!ptq_only) rows.insert(rows.begin() + 2, {fmt::format("QAT {} (fake-quant)", preset), qat_test});
  print_metrics_table(rows);
  if (!ptq_only)
    fmt::print("QAT: {} epochs in {:.1f}s, best epoch {}\n", qc.state.epoch, qat_seconds, qc.state.best_epoch);
  fmt::print("integer engine vs {}: MSE ratio {:.4f}\n", ptq_only ? "PTQ" : "QAT fake-quant",
             int_test.mse / (ptq_only ? ptq_test.mse : qat_test.mse));
  fmt::print("compression: {} parameters, {} bits stored ({} overhead): deployed {:.2f}x, paper accounting {:.2f}x\n",
             cr.params, cr.stored_bits, cr.overhead_bits, cr.deployed_ratio(), cr.paper_ratio());
  fmt::print("integer softmax vs float (same scores, {} probabilities of 256 test windows): mean abs {:.5f}, max {:.5f}\n",
             ax.sm_n, ax.sm_abs_sum / std::max<int64_t>(1, ax.sm_n), ax.sm_abs_max);
  fmt::print("integer LayerNorm vs float (same input, {} outputs): mean {:.3f} LSB, max {:.3f} LSB of the 8-bit output\n",
             ax.ln_n, ax.ln_lsb_sum / std::max<int64_t>(1, ax.ln_n), ax.ln_lsb_max);
  if (!model_out.empty()) fmt::print("integer model written to {}\n", model_out);
  write_json(json_out, {{"checkpoint", ckpt},
                        {"preset", preset},
                        {"fp32", metrics_json(fp_test)},
                        {"ptq", metrics_json(ptq_test)},
                        {"qat", ptq_only ? json() : metrics_json(qat_test)},
                        {"qat_seconds", qat_seconds},
                        {"qat_epochs", qc.state.epoch},
                        {"qat_history", history_json(qc.state.history)},
                        {"int_engine", metrics_json(int_test)},
                        {"compression", compression_json(cr)},
                        {"approx", {{"softmax_mean_abs", ax.sm_abs_sum / std::max<int64_t>(1, ax.sm_n)},
                                    {"softmax_max_abs", ax.sm_abs_max},
                                    {"layernorm_mean_lsb", ax.ln_lsb_sum / std::max<int64_t>(1, ax.ln_n)},
                                    {"layernorm_max_lsb", ax.ln_lsb_max},
                                    {"windows", 256}}},
                        {"model", model_out},
                        {"baselines", baselines_json(b)},
                        {"seconds", elapsed()},
                        {"out", out}});
  return 0;
}

// The integer engine alone, on an exported model file: the bit-exact reference the RTL is checked against.
int cmd_engine(const std::string& model_path, const DataOpts& o, const std::string& json_out,
               const std::string& forecasts_out) {
  const IntModel im = load_int_model(model_path);
  Config c = load_config(o.config);
  apply_data_opts(c, o);
  c.data.seq_len = im.seq_len;
  c.data.pred_len = im.pred_len;
  const Dataset d = load_dataset(c);
  const IntEngine engine(im);
  std::vector<int32_t> fc;
  const auto t0 = std::chrono::steady_clock::now();
  const Metrics test = evaluate_int_engine(engine, d, d.test, &fc);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<double> f(fc.size());
  for (size_t i = 0; i < f.size(); ++i) f[i] = std::ldexp(static_cast<double>(fc[i]), -kRawFracBits);
  write_forecasts_csv(forecasts_out, d, d.test, f);
  const BaselineResult b = run_baselines(d);
  auto rows = baseline_rows(b);
  rows.insert(rows.begin(), {"integer engine", test});
  print_metrics_table(rows);
  fmt::print("{} windows in {:.1f}s ({:.2f} ms per forecast, {} threads)\n", test.windows, secs,
             1000.0 * secs / std::max<int64_t>(1, test.windows), omp_get_max_threads());
  write_json(json_out, {{"model", model_path}, {"test", metrics_json(test)}, {"baselines", baselines_json(b)},
                        {"seconds", secs}});
  return 0;
}

// Compile an exported integer model for sf_core: program + memory images, the cycle model's figures, and a
// check that the instruction-level simulator reproduces the integer engine on the first test windows.
int cmd_compile(const std::string& model_path, const std::string& out, const std::string& hex_dir,
                bool per_instr, const DataOpts& o, const std::string& build, const std::string& json_out) {
  const IntModel im = load_int_model(model_path);
  const IntEngine engine(im);
  CompileOptions copt;
  copt.build = core_build(build).name;  // an unknown name: one error listing the builds
  CoreImage img;
  try {
    img = compile_core(engine, copt);
  } catch (const Error& err) {
    throw Error(fmt::format("{}: {}", model_path, err.what()));
  }
  fmt::print("build {} (program header word 0 {:#010x})\n", copt.build, img.prog[0]);
  const CycleReport r = cycle_model(img);
  const std::string race = check_schedule(img, r);
  if (!race.empty()) throw Error(fmt::format("{}: compiled schedule has a hazard: {}", model_path, race));
  fmt::print("{}", cycle_table(img, r, core_timing(core_build(img)), per_instr));
  if (!out.empty()) {
    save_core_image(out, img);
    fmt::print("program and memory images written to {}\n", out);
  }
  if (!hex_dir.empty()) {
    write_core_hex(img, hex_dir);
    fmt::print("$readmemh images written to {}/\n", hex_dir);
  }
  // Cross-check on real windows: simulator == engine, bit for bit.
  Config c = load_config(o.config);
  apply_data_opts(c, o);
  c.data.seq_len = im.seq_len;
  c.data.pred_len = im.pred_len;
  const Dataset d = load_dataset(c);
  const std::vector<int32_t> raw = raw_fixed(d, d.test);
  const int64_t n = std::min<int64_t>(100, d.test.count());
  std::vector<int32_t> a(im.pred_len), b(im.pred_len);
  int64_t exact = 0;
  for (int64_t i = 0; i < n; ++i) {
    engine.run(raw.data() + i, a.data());
    simulate_core(img, raw.data() + i, b.data());
    exact += a == b;
  }
  fmt::print("instruction-level simulator vs integer engine: {} / {} test windows bit-exact\n", exact, n);
  json wb = json::array();
  for (const IntLinear& l : im.lin) wb.push_back(l.bits);
  const CoreTiming t = core_timing(core_build(img));
  write_json(json_out, {{"model", model_path},
                        {"build", copt.build},
                        {"cycles_per_forecast", r.total},
                        {"weight_macs", r.weight_macs},
                        {"weight_util", r.weight_util(t)},
                        {"act_util", r.act_util(t)},
                        {"weight_bits", wb},
                        {"program_words", img.prog.size()},
                        {"wmem_words", img.wmem.size()},
                        {"bmem_words", img.bmem.size()},
                        {"pmem_words", img.pmem.size()},
                        {"simulator_bit_exact", exact},
                        {"simulator_windows", n}});
  return exact == n ? 0 : 1;
}

}  // namespace

namespace sf::cli { void add_board_command(CLI::App& app); }  // model/cli/board.cpp (issue 6)

int main(int argc, char** argv) {
  CLI::App app{"shiftformer: quantized Transformer forecasting, from training to an ECP5 bitstream"};
  app.require_subcommand(1);
  DataOpts bo, to, eo;
  std::string json_b, json_t, json_e, out = "build/models/default.ckpt", resume, ckpt;
  int64_t seed = -1;
  int epochs = -1;
  bool quiet = false;

  auto* b = app.add_subcommand("baselines", "persistence, seasonal naive and ridge on the test split");
  add_data_opts(b, bo);
  b->add_option("--json", json_b, "write metrics as JSON");

  auto* t = app.add_subcommand("train", "train the FP32 Transformer");
  add_data_opts(t, to);
  t->add_option("--out", out, "checkpoint to write")->capture_default_str();
  t->add_option("--resume", resume, "continue from this checkpoint");
  t->add_option("--seed", seed, "random seed (overrides train.seed)");
  t->add_option("--epochs", epochs, "epochs (overrides train.epochs)");
  t->add_option("--json", json_t, "write metrics and history as JSON");
  t->add_flag("--quiet", quiet, "no progress bar");

  auto* e = app.add_subcommand("eval", "evaluate a checkpoint on the test split, with the baselines");
  e->add_option("--ckpt", ckpt, "checkpoint")->required();
  add_data_opts(e, eo, false);
  e->add_option("--json", json_e, "write metrics as JSON");
  std::string fc_e, fc_q;
  e->add_option("--forecasts", fc_e, "write every test window's forecast as CSV (degrees)");

  auto* q = app.add_subcommand("quantize", "PTQ and QAT of an FP32 checkpoint");
  std::string qckpt, qpreset = "all2", qout, qjson, qmodel_out;
  QatOptions qo;
  bool ptq_only = false;
  int bias_bits = -1;
  float momentum = -1.0f;
  q->add_option("--ckpt", qckpt, "FP32 checkpoint")->required();
  q->add_option("--preset", qpreset, "precision preset: fp32, paper, all1, all2, all3, all4, all8")
      ->capture_default_str();
  std::string qbits;
  q->add_option("--bits", qbits,
                "per-group weight bits over the preset, group=N,... (groups enc_in, dec_in, out, default, "
                "*.attn, *.self, *.cross, *.ff, encN.attn, decN.cross, ...; N 1..16 or 32 = float)");
  q->add_option("--epochs", qo.epochs, "QAT epochs")->capture_default_str();
  q->add_option("--lr", qo.lr, "QAT learning rate")->capture_default_str();
  q->add_option("--patience", qo.patience, "QAT early-stopping patience")->capture_default_str();
  q->add_option("--calib", qo.calib_windows, "PTQ calibration windows")->capture_default_str();
  q->add_option("--bias-bits", bias_bits, "bias width (default: the layer's weight width)");
  q->add_option("--momentum", momentum, "observer moving-average momentum in QAT (default 0.01; 1 = last batch)");
  q->add_flag("--ptq", ptq_only, "post-training quantization only");
  q->add_option("--out", qout, "quantized checkpoint to write");
  q->add_option("--export", qmodel_out, "integer model file to write (for the engine and the hardware)");
  q->add_option("--json", qjson, "write metrics as JSON");
  q->add_option("--forecasts", fc_q, "write the integer engine's test forecasts as CSV (degrees)");
  q->add_flag("--quiet", quiet, "no progress bar");

  auto* en = app.add_subcommand("engine", "run the integer-only engine of an exported model on the test split");
  std::string en_model, en_json, en_fc;
  DataOpts eno;
  en->add_option("--model", en_model, "integer model file (.sfint, from quantize --export)")->required();
  add_data_opts(en, eno);
  en->add_option("--json", en_json, "write metrics as JSON");
  en->add_option("--forecasts", en_fc, "write the test forecasts as CSV (degrees)");

  auto* co = app.add_subcommand("compile", "compile an exported integer model for sf_core; print the cycle model");
  std::string co_model, co_out, co_hex, co_build = sf::isa::BUILDS[0].name, co_json;
  bool co_per_instr = false;
  DataOpts coo;
  co->add_option("--model", co_model, "integer model file (.sfint)")->required();
  co->add_option("--out", co_out, "program/image file to write (.sfcore)");
  co->add_option("--hex-dir", co_hex, "directory for the $readmemh images");
  co->add_flag("--per-instruction", co_per_instr, "one line per instruction in the cycle table");
  co->add_option("--build", co_build, "the core build to compile for (spec/isa.toml [[build]]: full, lite); "
                                      "a model that does not fit it is refused")->capture_default_str();
  co->add_option("--json", co_json, "write the cycle model's figures (cycles per forecast, utilization) as JSON");
  add_data_opts(co, coo);

  auto* si = app.add_subcommand("sim", "the test split through the Verilated sf_core (runs sf_sim from this build; "
                                       "options: --model M.sfint [--windows N] [--threads T] [--json F] [--fst F])");
  si->allow_extras();
  si->prefix_command();
  sf::cli::add_board_command(app);  // `board`: runs and exits from its callback (model/cli/board.cpp)

  CLI11_PARSE(app, argc, argv);
  if (si->parsed()) {  // the Verilated core lives in sf_sim, built next to this binary
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    const std::string sim = (ec ? std::filesystem::path(argv[0]) : self).parent_path() / "sf_sim";
    std::vector<std::string> rest = si->remaining();
    std::vector<char*> av{const_cast<char*>(sim.c_str())};
    for (std::string& r : rest) av.push_back(r.data());
    av.push_back(nullptr);
    execv(sim.c_str(), av.data());
    fmt::print(stderr, "shiftformer: error: cannot run {} (build it: cmake --build build --target sf_sim)\n", sim);
    return 2;
  }
  try {
    if (b->parsed()) return cmd_baselines(bo, json_b);
    if (t->parsed()) return cmd_train(to, out, resume, json_t, seed, epochs, quiet);
    if (e->parsed()) return cmd_eval(ckpt, eo, json_e, fc_e);
    if (co->parsed()) return cmd_compile(co_model, co_out, co_hex, co_per_instr, coo, co_build, co_json);
    if (en->parsed()) return cmd_engine(en_model, eno, en_json, en_fc);
    if (q->parsed())
      return cmd_quantize(qckpt, qbits.empty() ? qpreset : qpreset + "," + qbits, qo, ptq_only, bias_bits, momentum, qout, qmodel_out, qjson, fc_q, quiet);
  } catch (const sf::Error& err) {
    fmt::print(stderr, "shiftformer: error: {}\n", err.what());
    return 2;
  } catch (const std::exception& err) {
    fmt::print(stderr, "shiftformer: internal error: {}\n", err.what());
    return 3;
  }
  return 1;
}
