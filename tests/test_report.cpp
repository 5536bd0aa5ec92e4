// scripts/report.py (make report's assembler) on synthetic sweep points: hardware columns say "not yet
// measured" until a hardware file exists, are filled from it when it does (the weight array by the widest
// deployed weight, the latency from the cycle model's point), the RTL forecasts are checked against the
// engine's, and a missing point is one error line. The point files mimic what `shiftformer train|eval|quantize --json` write; their numbers are
// fixtures, not model results.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

struct ShResult {
  int code;
  std::string out;
};

ShResult sh(const std::string& cmd) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (p && fgets(buf.data(), buf.size(), p)) out += buf.data();
  const int status = p ? pclose(p) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

void put(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }

std::string slurp(const fs::path& p) {
  std::stringstream ss;
  ss << std::ifstream(p).rdbuf();
  return ss.str();
}

json metrics(double mse) { return {{"mse", mse}, {"mae", mse * 4}, {"windows", 8}}; }

json baselines() {
  return {{"persistence", metrics(0.4)}, {"seasonal_naive", metrics(0.5)}, {"ridge", metrics(0.35)},
          {"ridge_lambda", 1.0}};
}

json history(int n) {
  json h = json::array();
  for (int e = 1; e <= n; ++e)
    h.push_back({{"epoch", e}, {"train_loss", 1.0 / e}, {"val_mse", 0.5 / e}, {"lr", 1e-3}, {"seconds", 1.0}});
  return h;
}

json qpoint(const std::string& spec, double mse, double ratio) {
  return {{"preset", spec},
          {"fp32", metrics(0.3)},
          {"ptq", metrics(mse * 1.5)},
          {"qat", metrics(mse)},
          {"qat_seconds", 2.0},
          {"qat_epochs", 2},
          {"qat_history", history(2)},
          {"int_engine", metrics(mse)},
          {"compression",
           {{"params", 100}, {"stored_bits", static_cast<int>(3200 / ratio)}, {"deployed_ratio", ratio},
            {"paper_ratio", ratio}}},
          {"baselines", baselines()},
          {"seconds", 3.0}};
}

// A quick-variant point directory: 30 data rows, 2 test windows of 4 steps after 4 input steps.
fs::path make_points(const fs::path& root) {
  fs::remove_all(root);
  const fs::path pts = root / "points";
  fs::create_directories(pts);
  std::string data = "date,OT\n";
  for (int r = 0; r < 30; ++r) data += "2016-07-01 00:00:00," + std::to_string(10 + r % 7) + "\n";
  put(root / "data.csv", data);
  std::string fc = "window,row,step,truth,forecast\n";
  for (int w = 0; w < 2; ++w)
    for (int h = 0; h < 4; ++h)
      fc += std::to_string(w) + "," + std::to_string(20 + w + h) + "," + std::to_string(h) + ",11,12\n";
  for (const char* f : {"fp32.forecasts.csv", "bits-all2.forecasts.csv"}) put(pts / f, fc);
  put(pts / "fp32.train.json",
      json{{"seconds", 5.0}, {"seconds_per_epoch", 1.0}, {"threads", 2}, {"epochs_run", 3}, {"best_epoch", 2},
           {"val", metrics(0.25)}, {"test", metrics(0.3)}, {"baselines", baselines()}, {"history", history(3)}}
          .dump());
  json br = json::array();
  for (const char* l : {"enc_in", "dec_in", "enc0.attn", "enc0.ff1", "enc0.ff2", "dec0.self", "dec0.cross", "out"})
    br.push_back({{"layer", l}, {"weights", 10}, {"other", 2}, {"total", 12}});
  put(pts / "fp32.eval.json",
      json{{"params", 100}, {"param_breakdown", br}, {"val", metrics(0.25)}, {"test", metrics(0.3)}}.dump());
  int i = 0;
  for (const char* w : {"8", "4", "3", "2", "1"}) {
    put(pts / (std::string("bits-all") + w + ".json"), qpoint(std::string("all") + w, 0.3 + 0.01 * i, 4.0 + 3 * i).dump());
    ++i;
  }
  put(pts / "ref-fp32.json", qpoint("fp32", 0.3, 3.9).dump());
  for (const char* g : {"enc_in", "dec_in", "selfattn", "cross", "ff", "out"}) {
    put(pts / (std::string("only2-") + g + ".json"), qpoint(std::string("fp32,") + g + "=2", 0.31, 4.5).dump());
    put(pts / (std::string("keep-") + g + ".json"), qpoint(std::string("all2,") + g + "=32", 0.33, 9.0).dump());
  }
  return pts;
}

std::string report_cmd(const fs::path& root) {
  const std::string r = root.string();
  return "/usr/bin/python3 " + std::string(SF_SOURCE_DIR) + "/scripts/report.py --variant quick --points " + r +
         "/points --out " + r + "/out --data " + r + "/data.csv --windows 0,1 --build " + r + " --synth-json " + r +
         "/synth.json --hw-dir " + r + "/hw --sim-json " + r + "/sim.json --speed-json " + r +
         "/speed.json --rtl-forecasts " + r + "/rtl.csv";
}

// the Pareto table's row of one spec
std::string row_of(const std::string& md, const std::string& spec) {
  const size_t at = md.find("| `" + spec + "` |");
  if (at == std::string::npos) return "";
  const size_t b = md.rfind('\n', at) + 1;
  return md.substr(b, md.find('\n', at) - b);
}

}  // namespace

TEST(Report, HardwareColumnsFromFilesOrNotYetMeasured) {
  if (sh("/usr/bin/python3 -c 'import matplotlib'").code != 0) GTEST_SKIP() << "no matplotlib for /usr/bin/python3";
  const fs::path root = fs::temp_directory_path() / "sf_test_report";
  make_points(root);
  ShResult r = sh(report_cmd(root));
  ASSERT_EQ(r.code, 0) << r.out;
  std::string md = slurp(root / "out" / "REPORT.md");
  EXPECT_NE(row_of(md, "all2").find("not yet measured"), std::string::npos) << md;
  EXPECT_NE(md.find("RTL line: *not yet measured*"), std::string::npos);
  EXPECT_NE(md.find("placeholder until the core's top-level simulation writes"), std::string::npos);
  for (const char* png : {"training.png", "forecasts.png", "sensitivity.png", "pareto.png"})
    EXPECT_TRUE(fs::exists(root / "out" / png)) << png;

  // one synthesized configuration for all2, the core simulation, the RTL forecasts and the speed run
  fs::create_directories(root / "hw");
  put(root / "hw" / "all2.json",
      json{{"preset", "all2"}, {"top", "sf_core"}, {"cycles_per_forecast", 12345}, {"clock_mhz", 100.0},
           {"resources", {{"LUT4", {{"used", 4321}}}, {"DP16KD", {{"used", 7}}}, {"MULT18X18D", {{"used", 3}}}}},
           {"clocks", {{"clk", {{"achieved_mhz", 101.5}}}}}}
          .dump());
  fs::copy_file(root / "points" / "fp32.forecasts.csv", root / "rtl.csv");
  put(root / "speed.json",
      json{{"design", "sf_top"}, {"windows", 2},
           {"runs", {{{"simulator", "verilator"}, {"cycles", 1000}, {"seconds", 0.5}},
                     {{"simulator", "icarus"}, {"cycles", 1000}, {"seconds", 10.0}}}}}
          .dump());
  r = sh(report_cmd(root));
  ASSERT_EQ(r.code, 0) << r.out;
  md = slurp(root / "out" / "REPORT.md");
  const std::string all2 = row_of(md, "all2");
  EXPECT_NE(all2.find("4,321"), std::string::npos) << all2;
  EXPECT_NE(all2.find("12,345 cycles"), std::string::npos) << all2;
  EXPECT_NE(row_of(md, "all4").find("not yet measured"), std::string::npos) << row_of(md, "all4");
  EXPECT_EQ(md.find("RTL line: *not yet measured*"), std::string::npos);
  EXPECT_NE(md.find("| verilator |"), std::string::npos);
  EXPECT_NE(md.find("| 2,000 |"), std::string::npos);  // 1000 cycles / 0.5 s
  EXPECT_TRUE(fs::exists(root / "out" / "pareto_hw.png"));

  // the RTL forecasts are compared with the engine's (Q10.6) in the report: one changed value is reported
  std::string rtl = slurp(root / "rtl.csv");
  EXPECT_NE(md.find("**RTL = integer engine, bit for bit**: 8 of 8 forecast values equal"), std::string::npos) << md;
  const size_t last = rtl.rfind(",12\n");
  ASSERT_NE(last, std::string::npos);
  rtl.replace(last, 4, ",12.0156\n");  // one step of 1/64 degree
  put(root / "rtl.csv", rtl);
  r = sh(report_cmd(root));
  ASSERT_EQ(r.code, 0) << r.out;
  md = slurp(root / "out" / "REPORT.md");
  EXPECT_NE(md.find("**RTL differs from the integer engine**: 7 of 8 forecast values equal"), std::string::npos)
      << md;

  // a missing point: one line naming it, exit 1
  fs::remove(root / "points" / "keep-ff.json");
  r = sh(report_cmd(root));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("keep-ff.json: missing"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
}

// The report's own hardware points: the weight array out of context joined to each sweep point by its widest
// deployed weight (float groups deploy at 8 bits), the cycle model's latency (or its "does not fit" error), the
// RTL simulation's table with its preset, the speed table's CPU-time rates and the sampled load.
TEST(Report, WeightArrayLatencyRtlAndSpeedPoints) {
  if (sh("/usr/bin/python3 -c 'import matplotlib'").code != 0) GTEST_SKIP() << "no matplotlib for /usr/bin/python3";
  const fs::path root = fs::temp_directory_path() / "sf_test_report_hw";
  const fs::path pts = make_points(root);
  fs::create_directories(root / "hw");
  auto array = [&](int wmax, int lut) {
    put(root / "hw" / ("qlinear-w" + std::to_string(wmax) + ".json"),
        json{{"w_max", wmax}, {"config", "sf_qlinear W_MAX=" + std::to_string(wmax)}, {"tool", "Yosys test"},
             {"resources", {{"LUT4", {{"used", lut}}}, {"DP16KD", {{"used", 0}}}, {"MULT18X18D", {{"used", 0}}}}}}
            .dump());
  };
  array(2, 1111);
  array(8, 2222);  // no W_MAX=4 file: 3- and 4-bit points need the 8-bit array
  put(pts / "cycles-all4.json", json{{"cycles_per_forecast", 21599}, {"wmem_words", 466}}.dump());
  put(pts / "cycles-all8.json", json{{"error", "model does not fit the core's memories: WMEM 1864 / 1536"}}.dump());
  put(root / "sim.json", json{{"preset", "all2"}, {"windows", 2}, {"bit_exact", 2}, {"trace_exact", 2},
                              {"cycles", 21599}, {"mse_rtl", 0.125}, {"mse_engine", 0.125},
                              {"mse_persistence", 0.5}}
                             .dump());
  fs::copy_file(pts / "bits-all2.forecasts.csv", root / "rtl.csv");
  put(root / "speed.json",
      json{{"design", "sf_core"}, {"windows", 2}, {"bit_exact", true},
           {"load_avg", {{3.0, 2.0, 1.0}, {5.0, 4.0, 3.0}}},
           {"runs", {{{"simulator", "Verilator"}, {"version", "5.0"}, {"cycles", 60000}, {"seconds", 2.0}, {"cpu_seconds", 0.5}},
                     {{"simulator", "Icarus"}, {"cycles", 60000}, {"seconds", 100.0}, {"cpu_seconds", 50.0}}}}}
          .dump());
  put(root / "load.log", "1 3.0\n2 5.0\n3 1.0\n");
  ShResult r = sh(report_cmd(root) + " --load-log " + (root / "load.log").string());
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string md = slurp(root / "out" / "REPORT.md");
  EXPECT_NE(row_of(md, "all2").find("1,111 (W_MAX 2)"), std::string::npos) << row_of(md, "all2");
  EXPECT_NE(row_of(md, "all1").find("1,111 (W_MAX 2)"), std::string::npos) << row_of(md, "all1");
  EXPECT_NE(row_of(md, "all3").find("2,222 (W_MAX 8)"), std::string::npos) << row_of(md, "all3");
  EXPECT_NE(row_of(md, "all2,ff=32").find("2,222 (W_MAX 8)"), std::string::npos) << row_of(md, "all2,ff=32");
  EXPECT_NE(row_of(md, "fp32,cross=2").find("2,222 (W_MAX 8)"), std::string::npos) << row_of(md, "fp32,cross=2");
  EXPECT_NE(row_of(md, "all4").find("21,599 cycles = 216.0 us at 100 MHz"), std::string::npos) << row_of(md, "all4");
  EXPECT_NE(row_of(md, "all4").find("WMEM 466 words"), std::string::npos) << row_of(md, "all4");
  EXPECT_NE(row_of(md, "all8").find("does not fit: model does not fit the core's memories"), std::string::npos)
      << row_of(md, "all8");
  EXPECT_NE(row_of(md, "all2").find(">= 1 DP16KD"), std::string::npos) << row_of(md, "all2");  // 3200/4 bits
  EXPECT_NE(md.find("| RTL sf_core (Verilator), preset `all2` | 0.1250 |"), std::string::npos) << md;
  EXPECT_NE(md.find("2 of 2 windows write-exact"), std::string::npos);
  EXPECT_NE(md.find("| Verilator | 5.0 | 60,000 | 2.00 | 0.50 | 30,000 | 120,000 |"), std::string::npos) << md;
  EXPECT_NE(md.find("Verilator / Icarus: 50x by wall time, 100x by CPU time"), std::string::npos) << md;
  EXPECT_NE(md.find("mean 3.00, max 5.00"), std::string::npos) << md;
  EXPECT_TRUE(fs::exists(root / "out" / "pareto_hw.png"));
}
