// Data loader, split, normalization and windows; every bad-input case names file, line and problem.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "data.h"

using namespace sf;

namespace {
const std::string kEtth1 = std::string(SF_SOURCE_DIR) + "/data/ETT/ETTh1.csv";

// Writes a small ETT-format CSV with `rows` hourly rows to a temp file and returns its path.
std::string write_csv(const std::string& name, const std::string& body) {
  const auto dir = std::filesystem::temp_directory_path() / "sf_test_data";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path) << body;
  return path;
}

std::string hourly_csv(int rows, int start_hour = 0) {
  std::string s = "date,A,OT\n";
  for (int i = 0; i < rows; ++i) {
    const int h = start_hour + i;
    char buf[96];
    // 2020-01-01 + h hours; days up to 28 per month keep the arithmetic simple for these tests
    const int day = h / 24, month = day / 28, dom = day % 28;
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:00:00,%d.5,%d\n", 2020 + month / 12, 1 + month % 12,
                  1 + dom, h % 24, i % 7, (i * 37) % 101);
    s += buf;
  }
  return s;
}

std::string error_of(const std::string& path, const std::string& col = "OT") {
  try {
    load_csv(path, col);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Data, Etth1SplitAndWindowCounts) {
  const Dataset d = make_dataset(kEtth1, "OT", 48, 24);
  EXPECT_EQ(d.series.values.size(), 17420u);
  EXPECT_EQ(d.series.period_minutes, 60);
  EXPECT_EQ(d.ranges.train_end, 8640);
  EXPECT_EQ(d.ranges.val_begin, 8640 - 48);
  EXPECT_EQ(d.ranges.val_end, 11520);
  EXPECT_EQ(d.ranges.test_begin, 11520 - 48);
  EXPECT_EQ(d.ranges.test_end, 14400);
  EXPECT_EQ(d.train.count(), 8569);
  EXPECT_EQ(d.val.count(), 2857);
  EXPECT_EQ(d.test.count(), 2857);
  EXPECT_EQ(d.steps_per_day, 24);
}

TEST(Data, Etth1NormalizationFromTrainSplitOnly) {
  const Dataset d = make_dataset(kEtth1, "OT", 48, 24);
  // Recompute from the raw values of rows [0, 8640) in long double.
  long double s = 0, ss = 0;
  for (int i = 0; i < 8640; ++i) s += d.series.values[i];
  const long double mean = s / 8640;
  for (int i = 0; i < 8640; ++i) ss += (d.series.values[i] - mean) * (d.series.values[i] - mean);
  EXPECT_NEAR(d.normalizer.mean, static_cast<double>(mean), 1e-9);
  EXPECT_NEAR(d.normalizer.std, std::sqrt(static_cast<double>(ss / 8640)), 1e-9);
  // The dataset README's figures (4 decimals).
  EXPECT_NEAR(d.normalizer.mean, 17.1283, 5e-5);
  EXPECT_NEAR(d.normalizer.std, 9.1765, 5e-5);
}

TEST(Data, WindowsPointAtTheRightRows) {
  const Dataset d = make_dataset(kEtth1, "OT", 48, 24);
  const auto& z = d.normalizer;
  // First test window: inputs rows [11472, 11520), targets [11520, 11544).
  EXPECT_FLOAT_EQ(d.test.input(0)[0], static_cast<float>(z.norm(d.series.values[11472])));
  EXPECT_FLOAT_EQ(d.test.target(0)[0], static_cast<float>(z.norm(d.series.values[11520])));
  const int64_t last = d.test.count() - 1;
  EXPECT_FLOAT_EQ(d.test.target(last)[23], static_cast<float>(z.norm(d.series.values[14399])));
  EXPECT_FLOAT_EQ(d.val.input(0)[47], static_cast<float>(z.norm(d.series.values[8639])));
}

TEST(Data, OtherPeriodUsesMonthProportions) {
  // 15-minute data: a month is 2880 rows; the file needs 20 months.
  std::string s = "date,OT\n";
  const int rows = 20 * 2880;
  for (int i = 0; i < rows; ++i) {
    const long m = 15L * i;
    const long day = m / 1440;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04ld-%02ld-%02ld %02ld:%02ld:00,%d\n", 2000 + day / 336, 1 + (day % 336) / 28,
                  1 + day % 28, (m % 1440) / 60, m % 60, i % 13);
    s += buf;
  }
  const Dataset d = make_dataset(write_csv("m15.csv", s), "OT", 96, 24);
  EXPECT_EQ(d.series.period_minutes, 15);
  EXPECT_EQ(d.ranges.train_end, 12 * 2880);
  EXPECT_EQ(d.ranges.test_end, 20 * 2880);
  EXPECT_EQ(d.steps_per_day, 96);
  EXPECT_EQ(d.test.count(), 4 * 2880 + 96 - 96 - 24 + 1);
}

struct BadCase {
  const char* name;
  std::string body;
  std::string column;
  std::string expect;  // substring of the error, after "path:"
};

class BadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadInput, OneClearErrorNamingFileLineAndProblem) {
  const BadCase& c = GetParam();
  const std::string path = write_csv(std::string(c.name) + ".csv", c.body);
  const std::string err = error_of(path, c.column);
  ASSERT_FALSE(err.empty()) << "no error for " << c.name;
  EXPECT_EQ(err.rfind(path, 0), 0u) << err;  // starts with the file name
  EXPECT_NE(err.find(c.expect), std::string::npos) << err;
}

INSTANTIATE_TEST_SUITE_P(
    Loader, BadInput,
    ::testing::Values(
        BadCase{"missing_column", "date,A,B\n2020-01-01 00:00:00,1,2\n", "OT", ":1: no column 'OT'"},
        BadCase{"empty_cell", "date,A,OT\n2020-01-01 00:00:00,1,2\n2020-01-01 01:00:00,,2\n", "OT",
                ":3: column A: empty cell"},
        BadCase{"non_numeric", "date,A,OT\n2020-01-01 00:00:00,1,2\n2020-01-01 01:00:00,1,abc\n", "OT",
                ":3: column OT: not a number: 'abc'"},
        BadCase{"nan", "date,A,OT\n2020-01-01 00:00:00,1,nan\n", "OT", ":2: column OT: value is not finite"},
        BadCase{"inf", "date,A,OT\n2020-01-01 00:00:00,1,2\n2020-01-01 01:00:00,-inf,2\n", "OT",
                ":3: column A: value is not finite"},
        BadCase{"ragged", "date,A,OT\n2020-01-01 00:00:00,1,2\n2020-01-01 01:00:00,1\n", "OT",
                ":3: ragged row: 2 fields, header has 3"},
        BadCase{"bad_date", "date,A,OT\n2020-13-01 00:00:00,1,2\n", "OT", ":2: column date: bad date"},
        BadCase{"dates_backwards", "date,A,OT\n2020-01-01 01:00:00,1,2\n2020-01-01 00:00:00,1,2\n", "OT",
                ":3: date '2020-01-01 00:00:00' is not after"},
        BadCase{"empty_file", "", "OT", ":1: empty file"},
        BadCase{"header_only", "date,A,OT\n", "OT", "too few rows"},
        BadCase{"blank_line_inside", "date,A,OT\n2020-01-01 00:00:00,1,2\n\n2020-01-01 02:00:00,1,2\n", "OT",
                ":3: empty line inside the data"},
        BadCase{"trailing_garbage", "date,A,OT\n2020-01-01 00:00:00,1,2.5x\n", "OT", "not a number: '2.5x'"}),
    [](const ::testing::TestParamInfo<BadCase>& i) { return std::string(i.param.name); });

TEST(Data, MissingFile) {
  try {
    load_csv("/nonexistent/x.csv", "OT");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/x.csv: cannot open file"), std::string::npos) << e.what();
  }
}

TEST(Data, TooFewRowsForSplit) {
  const std::string path = write_csv("short.csv", hourly_csv(5000));
  try {
    make_dataset(path, "OT", 48, 24);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("too few rows: 5000 rows"), std::string::npos) << e.what();
  }
}

TEST(Data, TrailingNewlinesAndCrlfAccepted) {
  const std::string path = write_csv("crlf.csv", "date,A,OT\r\n2020-01-01 00:00:00,1,2\r\n2020-01-01 01:00:00,1,3\r\n\n");
  const Series s = load_csv(path, "OT");
  ASSERT_EQ(s.values.size(), 2u);
  EXPECT_EQ(s.values[1], 3.0);
  EXPECT_EQ(s.period_minutes, 60);
}
