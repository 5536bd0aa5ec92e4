// Reference forecasters every model is compared with, computed in the same run.
#pragma once
#include <vector>

#include "data.h"
#include "metrics.h"

namespace sf {

// Repeat the last input value for all H steps.
void persistence_forecast(const float* x, int L, int H, float* out);
// Value one day (steps_per_day rows) earlier; for H > period the day repeats.
void seasonal_naive_forecast(const float* x, int L, int H, int64_t period, float* out);

// Ridge regression L -> H with an intercept; lambda is chosen on the validation split.
struct RidgeModel {
  Mat w;           // (L, H)
  Vec b;           // (H)
  double lambda = 0.0;
  void forecast(const float* x, float* out) const;
};
RidgeModel fit_ridge(const Dataset& d, const std::vector<double>& lambdas);

struct BaselineResult {
  Metrics persistence, seasonal_naive, ridge;
  double ridge_lambda = 0.0;
};
// All three baselines on the test split (ridge fitted on train, lambda chosen on validation).
BaselineResult run_baselines(const Dataset& d);
std::vector<double> default_ridge_lambdas();

}  // namespace sf
