// Forecast error metrics on the normalized scale (the scale every ETT paper reports).
#pragma once
#include <cstdint>
#include <functional>

#include "data.h"

namespace sf {

struct Metrics {
  double mse = 0.0, mae = 0.0;
  int64_t windows = 0;
};

// Accumulates squared and absolute errors over windows, in double.
struct MetricsAccumulator {
  double se = 0.0, ae = 0.0;
  int64_t n = 0, windows = 0;
  void add(const float* pred, const float* target, int h);
  void merge(const MetricsAccumulator& o) { se += o.se; ae += o.ae; n += o.n; windows += o.windows; }
  Metrics result() const { return {n ? se / n : 0.0, n ? ae / n : 0.0, windows}; }
};

// predict(window_index, out[H]) fills the forecast of one window of `set`.
using Predictor = std::function<void(int64_t, float*)>;
Metrics evaluate(const WindowSet& set, const Predictor& predict);

}  // namespace sf
