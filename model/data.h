// ETT-format CSV loading, the standard train/validation/test split, z-score normalization and windows.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common.h"

namespace sf {

// One numeric column of an ETT-format CSV (a date column, then numeric columns).
struct Series {
  std::string path;                 // file it came from
  std::string column;               // target column name
  std::vector<double> values;       // raw values, one per row
  std::vector<int64_t> minutes;     // timestamp of each row, minutes since 1970-01-01
  int64_t period_minutes = 0;       // sampling period (60 for ETTh*, 15 for ETTm*)
};

// Loads column `target` of the CSV at `path`. Every cell of every row is checked (empty, non-numeric,
// NaN/inf, ragged rows, bad or non-increasing dates): the first problem throws sf::Error
// "path:line: problem".
Series load_csv(const std::string& path, const std::string& target);

// Row ranges [begin, end) of the three splits. ETTh1: train [0, 8640), val [8640-L, 11520),
// test [11520-L, 14400); other files use the same 12/4/4-month proportions of their own sampling
// period (a month is 30 days). Throws when the file is too short.
struct SplitRanges {
  int64_t train_begin, train_end, val_begin, val_end, test_begin, test_end;
};
SplitRanges standard_split(const Series& s, int seq_len);

// z-score fitted on the train split only (population std).
struct Normalizer {
  double mean = 0.0, std = 1.0;
  double norm(double x) const { return (x - mean) / std; }
  double denorm(double z) const { return z * std + mean; }
};
Normalizer fit_normalizer(const Series& s, const SplitRanges& r);

// Windows of L inputs followed by H targets over one split, on the normalized scale.
// Window i covers rows [begin + i, begin + i + L + H).
struct WindowSet {
  int seq_len = 0, pred_len = 0;
  std::vector<float> series;   // normalized values of the split's rows
  int64_t first_row = 0;       // row index in the CSV of series[0]
  int64_t count() const { return static_cast<int64_t>(series.size()) - seq_len - pred_len + 1; }
  const float* input(int64_t i) const { return series.data() + i; }             // L values
  const float* target(int64_t i) const { return series.data() + i + seq_len; }  // H values
};

struct Dataset {
  Series series;
  SplitRanges ranges{};
  Normalizer normalizer;
  WindowSet train, val, test;
  int64_t steps_per_day = 24;  // rows per 24 h (seasonal-naive period)
};
Dataset make_dataset(const std::string& path, const std::string& target, int seq_len, int pred_len);

}  // namespace sf
