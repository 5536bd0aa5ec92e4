#include "qtrain.h"

namespace sf {
namespace {

class QatTrainable : public Trainable {
 public:
  QatTrainable(const QModel& qm, const Dataset& d, QState& q, QState& best, float momentum)
      : qm_(qm), d_(d), q_(q), best_(best), momentum_(momentum), raw_(raw_fixed(d, d.train)),
        mm_(kGradSlots, std::vector<MinMax>(qm.num_qp())) {
    for (int k = 0; k < kGradSlots; ++k) caches_.push_back(make_qcache());
  }
  size_t num_params() const override { return qm_.fp().num_params(); }
  void begin_batch(const FloatVec& params) override {
    snap_ = qm_.snapshot(params.data(), q_);
    for (auto& m : mm_) std::fill(m.begin(), m.end(), MinMax{});
  }
  double sample(int slot, int64_t w, uint64_t, const FloatVec&, float inv_batch, float* g) override {
    const int H = d_.train.pred_len;
    std::vector<float> out(H), dout(H);
    qm_.forward(snap_, q_, raw_.data() + w, out.data(), nullptr, *caches_[slot], &mm_[slot]);
    const double l = mse_grad(out.data(), d_.train.target(w), H, inv_batch, dout.data());
    qm_.backward(snap_, q_, dout.data(), *caches_[slot], g);
    return l;
  }
  void end_batch(float* grad) override {
    // Moving-average min-max observers, from the batch's merged min/max (slot order: deterministic).
    for (int i = 0; i < qm_.num_qp(); ++i) {
      MinMax all;
      for (const auto& m : mm_) all.merge(m[i]);
      q_.obs[i].update(all.lo, all.hi, momentum_);
    }
    // Straight-through estimator for the folded linears: pq = Q(fold * p) so dL/dp = fold * dL/dpq.
    for (const QLinear& l : qm_.linears()) {
      for (int i = 0; l.fold_w != 1.0f && i < l.l->in * l.l->out; ++i) grad[l.l->w + i] *= l.fold_w;
      for (int i = 0; l.fold_b != 1.0f && i < l.l->out; ++i) grad[l.l->b + i] *= l.fold_b;
    }
  }
  Metrics validate(const FloatVec& params) override {
    return evaluate_qmodel(qm_, qm_.snapshot(params.data(), q_), q_, d_, d_.val);
  }
  void on_best() override { best_ = q_; }

 private:
  const QModel& qm_;
  const Dataset& d_;
  QState& q_;
  QState& best_;
  float momentum_;
  std::vector<int32_t> raw_;
  QuantSnapshot snap_;
  std::vector<QCachePtr> caches_;
  std::vector<std::vector<MinMax>> mm_;
};

}  // namespace

QState post_training_quantize(const QModel& qm, const FloatVec& params, const QuantSpec& spec, const Dataset& d,
                              int64_t calib_windows) {
  QState q = qm.init_state(spec);
  calibrate(qm, params.data(), q, d, calib_windows);
  return q;
}

void quantization_aware_train(const Config& c, const QatOptions& o, const Dataset& d, const QModel& qm,
                              TrainState& st, QState& q, QState& best_q, const TrainHooks& hooks) {
  TrainConfig t = c.train;
  t.epochs = o.epochs;
  t.lr = o.lr;
  t.patience = o.patience;
  t.warmup_epochs = 0.0;
  best_q = q;
  QatTrainable model(qm, d, q, best_q, q.spec.momentum);
  // The starting point (PTQ) is the best so far until an epoch beats it.
  st.best_val = model.validate(st.params).mse;
  st.best_params = st.params;
  st.best_epoch = 0;
  train_loop(t, d.train.count(), model, st, hooks);
}

}  // namespace sf
