#include "data.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cmath>
#include <cstdlib>
#include <fstream>

namespace sf {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split_commas(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t pos = line.find(',', start);
    out.push_back(trim(line.substr(start, pos == std::string::npos ? std::string::npos : pos - start)));
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  return out;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS" (a 'T' separator is accepted too).
bool parse_date(const std::string& s, int64_t* minutes) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char sep = ' ';
  int n = std::sscanf(s.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d", &y, &mo, &d, &sep, &h, &mi, &sec);
  if (!(n == 3 || n == 6 || n == 7)) return false;
  if (n > 3 && sep != ' ' && sep != 'T') return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
    return false;
  *minutes = days_from_civil(y, mo, d) * 1440 + h * 60 + mi;
  return true;
}

}  // namespace

Series load_csv(const std::string& path, const std::string& target) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("{}: cannot open file: {}", path, std::strerror(errno)));
  Series s;
  s.path = path;
  s.column = target;
  std::string line;
  if (!std::getline(in, line) || trim(line).empty())
    throw Error(fmt::format("{}:1: empty file, expected a header line 'date,<columns>'", path));
  const std::vector<std::string> header = split_commas(line);
  if (header.size() < 2)
    throw Error(fmt::format("{}:1: header has {} column(s); expected a date column then numeric columns",
                            path, header.size()));
  int col = -1;
  for (size_t i = 1; i < header.size(); ++i)
    if (header[i] == target) col = static_cast<int>(i);
  if (col < 0) {
    std::string names;
    for (size_t i = 1; i < header.size(); ++i) names += (i > 1 ? "," : "") + header[i];
    throw Error(fmt::format("{}:1: no column '{}' (numeric columns: {})", path, target, names));
  }
  int64_t lineno = 1;
  std::vector<std::string> pending_blank;
  while (std::getline(in, line)) {
    ++lineno;
    if (trim(line).empty()) {
      pending_blank.push_back(std::to_string(lineno));  // allowed only at the end of the file
      continue;
    }
    if (!pending_blank.empty())
      throw Error(fmt::format("{}:{}: empty line inside the data", path, pending_blank.front()));
    const std::vector<std::string> cells = split_commas(line);
    if (cells.size() != header.size())
      throw Error(fmt::format("{}:{}: ragged row: {} fields, header has {}", path, lineno, cells.size(),
                              header.size()));
    int64_t t = 0;
    if (!parse_date(cells[0], &t))
      throw Error(fmt::format("{}:{}: column {}: bad date '{}' (expected YYYY-MM-DD HH:MM:SS)", path, lineno,
                              header[0], cells[0]));
    if (!s.minutes.empty() && t <= s.minutes.back())
      throw Error(fmt::format("{}:{}: date '{}' is not after the previous row's", path, lineno, cells[0]));
    for (size_t c = 1; c < cells.size(); ++c) {
      const std::string& cell = cells[c];
      if (cell.empty())
        throw Error(fmt::format("{}:{}: column {}: empty cell", path, lineno, header[c]));
      char* end = nullptr;
      errno = 0;
      const double v = std::strtod(cell.c_str(), &end);
      if (end == cell.c_str() || *end != '\0')
        throw Error(fmt::format("{}:{}: column {}: not a number: '{}'", path, lineno, header[c], cell));
      if (!std::isfinite(v) || errno == ERANGE)
        throw Error(fmt::format("{}:{}: column {}: value is not finite: '{}'", path, lineno, header[c], cell));
      if (static_cast<int>(c) == col) s.values.push_back(v);
    }
    s.minutes.push_back(t);
  }
  if (s.values.size() < 2)
    throw Error(fmt::format("{}: too few rows: {} data row(s)", path, s.values.size()));
  s.period_minutes = s.minutes[1] - s.minutes[0];
  return s;
}

SplitRanges standard_split(const Series& s, int seq_len) {
  const int64_t month = 30 * 1440 / s.period_minutes;  // rows per 30 days
  if (month <= 0)
    throw Error(fmt::format("{}: sampling period of {} minutes is longer than a month", s.path,
                            s.period_minutes));
  SplitRanges r{};
  r.train_begin = 0;
  r.train_end = 12 * month;
  r.val_begin = r.train_end - seq_len;
  r.val_end = 16 * month;
  r.test_begin = r.val_end - seq_len;
  r.test_end = 20 * month;
  const int64_t n = static_cast<int64_t>(s.values.size());
  if (n < r.test_end)
    throw Error(fmt::format("{}: too few rows: {} rows; the 12/4/4-month split at a {}-minute period needs {}",
                            s.path, n, s.period_minutes, r.test_end));
  if (seq_len < 1 || seq_len >= 4 * month)
    throw Error(fmt::format("{}: seq_len {} does not fit a 4-month split", s.path, seq_len));
  return r;
}

Normalizer fit_normalizer(const Series& s, const SplitRanges& r) {
  double sum = 0.0;
  for (int64_t i = r.train_begin; i < r.train_end; ++i) sum += s.values[i];
  const double n = static_cast<double>(r.train_end - r.train_begin);
  Normalizer z;
  z.mean = sum / n;
  double ss = 0.0;
  for (int64_t i = r.train_begin; i < r.train_end; ++i) ss += (s.values[i] - z.mean) * (s.values[i] - z.mean);
  z.std = std::sqrt(ss / n);  // population std
  if (!(z.std > 0.0))
    throw Error(fmt::format("{}: column {} is constant over the train split; cannot normalize", s.path,
                            s.column));
  return z;
}

namespace {
WindowSet make_windows(const Series& s, const Normalizer& z, int64_t begin, int64_t end, int L, int H) {
  WindowSet w;
  w.seq_len = L;
  w.pred_len = H;
  w.first_row = begin;
  w.series.reserve(end - begin);
  for (int64_t i = begin; i < end; ++i) w.series.push_back(static_cast<float>(z.norm(s.values[i])));
  if (w.count() < 1)
    throw Error(fmt::format("{}: split [{}, {}) is shorter than one window of {}+{} rows", s.path, begin, end,
                            L, H));
  return w;
}
}  // namespace

Dataset make_dataset(const std::string& path, const std::string& target, int seq_len, int pred_len) {
  if (seq_len < 1 || pred_len < 1)
    throw Error(fmt::format("seq_len and pred_len must be >= 1 (got {} and {})", seq_len, pred_len));
  Dataset d;
  d.series = load_csv(path, target);
  d.ranges = standard_split(d.series, seq_len);
  d.normalizer = fit_normalizer(d.series, d.ranges);
  d.steps_per_day = std::max<int64_t>(1, 1440 / d.series.period_minutes);
  const auto& r = d.ranges;
  d.train = make_windows(d.series, d.normalizer, r.train_begin, r.train_end, seq_len, pred_len);
  d.val = make_windows(d.series, d.normalizer, r.val_begin, r.val_end, seq_len, pred_len);
  d.test = make_windows(d.series, d.normalizer, r.test_begin, r.test_end, seq_len, pred_len);
  return d;
}

}  // namespace sf
