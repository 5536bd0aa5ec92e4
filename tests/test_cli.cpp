// The command-line tool on bad input: one clear error line naming what and where, non-zero exit.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>

namespace {
struct CliResult {
  int code;
  std::string out;
};

CliResult run_cli(const std::string& args) {
  const std::string cmd = std::string(SF_BIN_DIR) + "/shiftformer " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (p && fgets(buf.data(), buf.size(), p)) out += buf.data();
  const int status = p ? pclose(p) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string tmp(const std::string& name, const std::string& body) {
  const auto dir = std::filesystem::temp_directory_path() / "sf_test_cli";
  std::filesystem::create_directories(dir);
  const std::string p = (dir / name).string();
  std::ofstream(p) << body;
  return p;
}

const std::string kConfig = std::string("--config ") + SF_SOURCE_DIR + "/configs/default.toml";
}  // namespace

TEST(Cli, BaselinesOnEtth1PrintPersistence) {
  const CliResult r = run_cli("baselines " + kConfig + " --data " + SF_SOURCE_DIR + "/data/ETT/ETTh1.csv");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("windows train 8569 / val 2857 / test 2857"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("persistence                     0.0343    0.1394"), std::string::npos) << r.out;
}

TEST(Cli, MissingFileIsOneErrorLine) {
  const CliResult r = run_cli("baselines " + kConfig + " --data /nonexistent.csv");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "shiftformer: error: /nonexistent.csv: cannot open file: No such file or directory\n");
}

TEST(Cli, WrongColumnNamesTheColumns) {
  const CliResult r = run_cli("baselines " + kConfig + " --data " + SF_SOURCE_DIR + "/data/ETT/ETTh1.csv --target XX");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find(":1: no column 'XX' (numeric columns: HUFL,HULL,MUFL,MULL,LUFL,LULL,OT)"), std::string::npos)
      << r.out;
}

TEST(Cli, BadConfigValueNamesFileAndKey) {
  const std::string cfg = tmp("bad.toml", "[model]\nn_heads = 0\n");
  const CliResult r = run_cli("baselines --config " + cfg);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find(cfg + ": model.n_heads: 0 is out of range"), std::string::npos) << r.out;
}

TEST(Cli, CorruptCheckpointRefused) {
  const std::string ck = tmp("garbage.ckpt", "SFCKPT\r\n garbage garbage garbage");
  const CliResult r = run_cli("eval --ckpt " + ck);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find(ck + ": "), std::string::npos) << r.out;
}

TEST(Cli, BadOverrideRefused) {
  const CliResult r = run_cli("baselines " + kConfig + " --set model.d_model=wide");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("model.d_model: expected an integer"), std::string::npos) << r.out;
}

TEST(Cli, UnknownQuantGroupRefused) {
  const CliResult r = run_cli("quantize --ckpt /nonexistent.ckpt --preset all2 --bits enc_in=32,decoder=2");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("unknown layer group 'decoder'"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
}
