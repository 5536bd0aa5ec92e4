// Run configuration: one TOML file (configs/*.toml) with command-line overrides "section.key=value".
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace sf {

struct DataConfig {
  std::string path = "data/ETT/ETTh1.csv";
  std::string target = "OT";
  int seq_len = 48;   // L: past steps in
  int pred_len = 24;  // H: future steps out
};

struct ModelConfig {
  int d_model = 32;
  int n_heads = 4;
  int d_ff = 64;
  int enc_layers = 2;
  int dec_layers = 1;
  int label_len = 24;   // known steps fed to the decoder before the H placeholders
  float dropout = 0.0f;
};

struct TrainConfig {
  int epochs = 30;
  int batch_size = 32;
  double lr = 1e-3;
  double min_lr_frac = 0.05;   // cosine schedule ends at lr * min_lr_frac
  double warmup_epochs = 1.0;  // linear warm-up
  double clip = 1.0;           // global gradient-norm clip (0 = off)
  double weight_decay = 0.0;   // decoupled (AdamW)
  int patience = 8;            // early stop after this many epochs without a better validation MSE
  int64_t seed = 1;
  int threads = 0;             // 0 = all cores
  int64_t max_train_windows = 0;  // 0 = all; a positive value subsamples (tests, quick runs)
};

struct Config {
  DataConfig data;
  ModelConfig model;
  TrainConfig train;
  std::string name = "default";  // file stem of the config
};

// Parses TOML text; `origin` names the source in error messages. Unknown keys, wrong types and
// out-of-range values throw sf::Error "origin: section.key: problem".
Config parse_config(const std::string& text, const std::string& origin);
Config load_config(const std::string& path);
// Applies overrides "section.key=value" (value in TOML syntax; bare strings are accepted too).
void apply_overrides(Config& c, const std::vector<std::string>& overrides);
// The whole config as TOML (stored in checkpoints; parse_config(to_toml(c)) == c).
std::string to_toml(const Config& c);
// Checks cross-field constraints (d_model % n_heads, label_len <= seq_len, ...).
void validate(const Config& c, const std::string& origin);

}  // namespace sf
