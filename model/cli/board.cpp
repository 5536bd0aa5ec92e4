// board.cpp: `shiftformer board --port DEV`: the accelerator core on a board (or the Verilated board top behind
// a pseudo-terminal, sim/host/sf_board_core_pty) over the UART host protocol. Compiles the model for sf_core
// (compile_core), loads the program and the memory images with WRITE_MEM frames, sends test windows, receives
// the forecasts and checks each bit for bit against the integer engine (int16 on the wire: the engine's int32
// saturated, model/host_board.h); prints MSE, forecasts per second and latency. Exit code 1 on any mismatch.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "common.h"
#include "compiler.h"
#include "data.h"
#include "host_board.h"
#include "intengine.h"
#include "qmodel.h"

namespace sf::cli {

namespace {
struct BoardOpts {
  std::string port, model = "data/model/default-all2.sfint", data = "data/ETT/ETTh1.csv", target = "OT", json;
  std::string build = "auto";  // the bitstream's core build (spec/isa.toml [[build]]); auto: the one the core reports
  int64_t windows = 100;
  int baud = 115200, timeout_ms = 2000, idle_ms = 5, retries = 1;
  bool no_load = false;
};

int cmd_board(const BoardOpts& o) {
  using namespace sf::host;
  if (o.build != "auto") core_build(o.build);  // an unknown name: the error lists the builds
  const IntModel im = load_int_model(o.model);
  const IntEngine e(im);
  const Dataset d = make_dataset(o.data, o.target, im.seq_len, im.pred_len);
  const std::vector<int32_t> raw = raw_fixed(d, d.test);
  SerialPort port(o.port, o.baud);
  LinkOptions lo;
  lo.reply_timeout_ms = o.timeout_ms;
  lo.idle_ms = o.idle_ms;
  lo.retries = o.retries;
  Link link(port, lo);
  const VersionInfo v = link.version();
  // sf_core reports SF_CORE + its build id (spec/host_protocol.toml [[core]])
  const int sf_core = static_cast<int>(hostspec::Core::SF_CORE);
  const isa::Build* board_build = v.core_id >= sf_core ? isa::build_by_id(v.core_id - sf_core) : nullptr;
  fmt::print("board on {}: protocol v{}, core id {} ({}), max payload {} B\n", o.port, v.spec_version, v.core_id,
             board_build ? fmt::format("sf_core, {} build", board_build->name) : "not the accelerator core",
             v.max_payload);
  if (!board_build)
    throw Error("board: the device on " + o.port + " reports core id " + std::to_string(v.core_id) +
                ", not sf_core (a bitstream with the test responder?)");
  if (o.build != "auto" && core_build(o.build).id != board_build->id)
    throw Error(fmt::format("board: --build {} but the core on {} is the {} build (its program would be refused)",
                            o.build, o.port, board_build->name));
  CompileOptions copt;
  copt.build = board_build->name;
  const CoreImage img = compile_core(e, copt);
  if (!o.no_load) {
    const LoadStats ls = load_core_image(link, img);
    fmt::print("loaded {} ({} program words, {} WMEM x {} bit, {} BMEM, {} PMEM): {} words in {} WRITE_MEM frames, "
               "{:.2f} s\n", o.model, img.prog.size(), img.wmem.size(), isa::WMEM_WIDTH, img.bmem.size(),
               img.pmem.size(), ls.words, ls.frames, ls.seconds);
  }
  const BoardResult r = run_board_windows(link, e, raw, d.test, d.normalizer, o.windows);
  const double fps = r.seconds > 0 ? static_cast<double>(r.windows) / r.seconds : 0.0;
  const StatusInfo st = link.status();
  fmt::print("{} / {} test windows bit-exact against the integer engine (int16 on the wire{})\n", r.exact, r.windows,
             r.saturated ? fmt::format(", {} values saturated", r.saturated) : std::string());
  fmt::print("MSE: board {:.4f}, integer engine {:.4f} (normalized, same windows)\n", r.mse_board, r.mse_engine);
  fmt::print("{:.1f} forecasts/s; latency per forecast (WINDOW sent -> FORECAST received) mean {:.3f} ms, "
             "min {:.3f}, max {:.3f}\n", fps, r.lat_mean_ms, r.lat_min_ms, r.lat_max_ms);
  fmt::print("device: {} forecasts served, {} core faults; link: {} timeouts, {} error replies\n",
             st.core_status & 0xFFFF, (st.core_status >> 16) & 0xFF, link.timeouts(), link.error_replies());
  if (!r.first_mismatch.empty()) fmt::print("first mismatch: {}\n", r.first_mismatch);
  if (!o.json.empty()) {
    std::ofstream f(o.json);
    f << fmt::format("{{\"port\": \"{}\", \"windows\": {}, \"bit_exact\": {}, \"mse_board\": {:.6f}, "
                     "\"mse_engine\": {:.6f}, \"forecasts_per_s\": {:.3f}, \"latency_ms_mean\": {:.4f}, "
                     "\"latency_ms_min\": {:.4f}, \"latency_ms_max\": {:.4f}, \"seconds\": {:.3f}}}\n",
                     o.port, r.windows, r.exact, r.mse_board, r.mse_engine, fps, r.lat_mean_ms, r.lat_min_ms,
                     r.lat_max_ms, r.seconds);
  }
  return r.exact == r.windows ? 0 : 1;
}
}  // namespace

// Registers `board`; its callback runs the command and exits with its code.
void add_board_command(CLI::App& app) {
  static BoardOpts opts;  // lives until exit; static, not new: LeakSanitizer reported the heap object (test-asan)
  BoardOpts* o = &opts;
  auto* c = app.add_subcommand("board", "the accelerator core on a board over the UART: load the model, run test "
                                        "windows, check each forecast against the integer engine");
  c->add_option("--port", o->port, "serial device (or pseudo-terminal, e.g. from sf_board_core_pty)")->required();
  c->add_option("--model", o->model, "integer model file (.sfint)")->capture_default_str();
  c->add_option("--windows", o->windows, "test windows, evenly spaced over the test split (0: all)")
      ->capture_default_str();
  c->add_option("--data", o->data, "ETT-format CSV")->capture_default_str();
  c->add_option("--target", o->target, "target column")->capture_default_str();
  c->add_option("--baud", o->baud, "serial baud rate (the bitstream's BAUD)")->capture_default_str();
  c->add_option("--timeout-ms", o->timeout_ms, "reply timeout per request")->capture_default_str();
  c->add_option("--idle-ms", o->idle_ms, "idle line after an error or a timeout (>= the device's 80 bit times)")
      ->capture_default_str();
  c->add_option("--retries", o->retries, "resends of a request without a reply")->capture_default_str();
  c->add_flag("--no-load", o->no_load, "do not write the program and images (already loaded)");
  c->add_option("--build", o->build, "the bitstream's core build (full, lite); auto: the build the core reports "
                                     "in VERSION_INFO (its core id); another build is an error")
      ->capture_default_str();
  c->add_option("--json", o->json, "write the figures as JSON");
  c->callback([o] {
    int rc = 3;
    try {
      rc = cmd_board(*o);
    } catch (const sf::Error& err) {
      std::fprintf(stderr, "shiftformer: error: %s\n", err.what());
      rc = 2;
    } catch (const std::exception& err) {
      std::fprintf(stderr, "shiftformer: error: %s\n", err.what());
      rc = 2;
    }
    std::fflush(stdout);
    std::exit(rc);
  });
}

}  // namespace sf::cli
