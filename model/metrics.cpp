#include "metrics.h"

#include <cmath>
#include <vector>

namespace sf {

void MetricsAccumulator::add(const float* pred, const float* target, int h) {
  for (int i = 0; i < h; ++i) {
    const double e = static_cast<double>(pred[i]) - static_cast<double>(target[i]);
    se += e * e;
    ae += std::fabs(e);
  }
  n += h;
  windows += 1;
}

Metrics evaluate(const WindowSet& set, const Predictor& predict) {
  MetricsAccumulator acc;
  std::vector<float> out(set.pred_len);
  for (int64_t i = 0; i < set.count(); ++i) {
    predict(i, out.data());
    acc.add(out.data(), set.target(i), set.pred_len);
  }
  return acc.result();
}

}  // namespace sf
