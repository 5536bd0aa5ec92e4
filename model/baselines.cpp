#include "baselines.h"

#include <limits>

namespace sf {

void persistence_forecast(const float* x, int L, int H, float* out) {
  for (int h = 0; h < H; ++h) out[h] = x[L - 1];
}

void seasonal_naive_forecast(const float* x, int L, int H, int64_t period, float* out) {
  // Forecast step h (time L+h) takes the value at time L+h-period, folded back into the window.
  for (int h = 0; h < H; ++h) {
    int64_t t = L + h - period;
    while (t >= L) t -= period;
    out[h] = x[t < 0 ? 0 : t];
  }
}

void RidgeModel::forecast(const float* x, float* out) const {
  CVecMap xv(x, w.rows());
  VecMap(out, w.cols()) = xv * w + b;
}

namespace {
Eigen::MatrixXd design(const WindowSet& s, Eigen::MatrixXd* y) {
  const int64_t n = s.count();
  Eigen::MatrixXd x(n, s.seq_len);
  y->resize(n, s.pred_len);
  for (int64_t i = 0; i < n; ++i) {
    for (int j = 0; j < s.seq_len; ++j) x(i, j) = s.input(i)[j];
    for (int j = 0; j < s.pred_len; ++j) (*y)(i, j) = s.target(i)[j];
  }
  return x;
}
}  // namespace

std::vector<double> default_ridge_lambdas() {
  std::vector<double> l;
  for (double v = 1e-3; v <= 1e5; v *= 3.0) l.push_back(v);
  return l;
}

RidgeModel fit_ridge(const Dataset& d, const std::vector<double>& lambdas) {
  Eigen::MatrixXd y;
  const Eigen::MatrixXd x = design(d.train, &y);
  // Centre so the intercept is not regularized.
  const Eigen::RowVectorXd xm = x.colwise().mean(), ym = y.colwise().mean();
  const Eigen::MatrixXd xc = x.rowwise() - xm, yc = y.rowwise() - ym;
  const Eigen::MatrixXd xtx = xc.transpose() * xc, xty = xc.transpose() * yc;
  RidgeModel best;
  double best_mse = std::numeric_limits<double>::infinity();
  for (double lambda : lambdas) {
    Eigen::MatrixXd a = xtx;
    a.diagonal().array() += lambda;
    const Eigen::MatrixXd w = a.ldlt().solve(xty);
    RidgeModel m;
    m.w = w.cast<float>();
    m.b = (ym - xm * w).cast<float>();
    m.lambda = lambda;
    const Metrics v = evaluate(d.val, [&](int64_t i, float* out) { m.forecast(d.val.input(i), out); });
    if (v.mse < best_mse) {
      best_mse = v.mse;
      best = m;
    }
  }
  return best;
}

BaselineResult run_baselines(const Dataset& d) {
  BaselineResult r;
  const WindowSet& t = d.test;
  r.persistence = evaluate(t, [&](int64_t i, float* o) { persistence_forecast(t.input(i), t.seq_len, t.pred_len, o); });
  r.seasonal_naive = evaluate(t, [&](int64_t i, float* o) {
    seasonal_naive_forecast(t.input(i), t.seq_len, t.pred_len, d.steps_per_day, o);
  });
  const RidgeModel ridge = fit_ridge(d, default_ridge_lambdas());
  r.ridge = evaluate(t, [&](int64_t i, float* o) { ridge.forecast(t.input(i), o); });
  r.ridge_lambda = ridge.lambda;
  return r;
}

}  // namespace sf
