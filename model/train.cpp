#include "train.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
#include <sstream>

namespace sf {

int resolve_threads(int requested) {
  return requested > 0 ? requested : std::max(1, omp_get_num_procs());
}

Metrics evaluate_model(const Transformer& m, const float* params, const WindowSet& set) {
  const int64_t n = set.count();
  const int chunks = 64;
  std::vector<MetricsAccumulator> acc(chunks);
#pragma omp parallel
  {
    ForwardCache cache;
    std::vector<float> out(set.pred_len);
#pragma omp for schedule(dynamic, 1)
    for (int k = 0; k < chunks; ++k) {
      for (int64_t i = n * k / chunks; i < n * (k + 1) / chunks; ++i) {
        m.forward(params, set.input(i), out.data(), cache, false, nullptr);
        acc[k].add(out.data(), set.target(i), set.pred_len);
      }
    }
  }
  MetricsAccumulator total;
  for (const auto& a : acc) total.merge(a);
  return total.result();
}

void init_train_state(const Config& c, const Transformer& m, TrainState& st) {
  st = TrainState{};
  m.init(st.params, static_cast<uint64_t>(c.train.seed));
  st.best_params = st.params;
  st.adam_m.assign(st.params.size(), 0.0f);
  st.adam_v.assign(st.params.size(), 0.0f);
  std::mt19937_64 rng(static_cast<uint64_t>(c.train.seed) * 0x9E3779B97F4A7C15ULL + 1);
  std::ostringstream os;
  os << rng;
  st.rng_state = os.str();
}

namespace {

double lr_at(const TrainConfig& t, int64_t step, int64_t steps_per_epoch) {
  const double total = static_cast<double>(t.epochs) * steps_per_epoch;
  const double warm = t.warmup_epochs * steps_per_epoch;
  if (step < warm) return t.lr * (step + 1) / warm;
  const double prog = total > warm ? std::min(1.0, (step - warm) / (total - warm)) : 1.0;
  const double floor = t.lr * t.min_lr_frac;
  return floor + (t.lr - floor) * 0.5 * (1.0 + std::cos(M_PI * prog));
}

uint64_t mix(uint64_t a, uint64_t b) {  // splitmix64 of a combination: per-sample dropout seeds
  uint64_t z = a * 0x9E3779B97F4A7C15ULL + b + 0x632BE59BD9B4E019ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

namespace {

// The FP32 model as a Trainable: forward + backward with dropout, per-slot caches.
class Fp32Trainable : public Trainable {
 public:
  Fp32Trainable(const Transformer& m, const Dataset& d, uint64_t seed) : m_(m), d_(d), seed_(seed), caches_(kGradSlots) {}
  size_t num_params() const override { return m_.num_params(); }
  double sample(int slot, int64_t window, uint64_t sample_seed, const FloatVec& params, float inv_batch,
                float* grads) override {
    const int H = d_.train.pred_len;
    std::vector<float> out(H), dout(H);
    std::mt19937_64 drng(mix(seed_, sample_seed));
    m_.forward(params.data(), d_.train.input(window), out.data(), caches_[slot], true, &drng);
    const double l = mse_grad(out.data(), d_.train.target(window), H, inv_batch, dout.data());
    m_.backward(params.data(), dout.data(), caches_[slot], grads);
    return l;
  }
  Metrics validate(const FloatVec& params) override { return evaluate_model(m_, params.data(), d_.val); }

 private:
  const Transformer& m_;
  const Dataset& d_;
  uint64_t seed_;
  std::vector<ForwardCache> caches_;
};

}  // namespace

double mse_grad(const float* out, const float* y, int h, float inv_batch, float* dout) {
  double l = 0.0;
  for (int i = 0; i < h; ++i) {
    const float e = out[i] - y[i];
    l += static_cast<double>(e) * e;
    dout[i] = 2.0f * e * inv_batch / static_cast<float>(h);
  }
  return l / h;
}

void train(const Config& c, const Dataset& d, const Transformer& m, TrainState& st, const TrainHooks& hooks) {
  Fp32Trainable t(m, d, static_cast<uint64_t>(c.train.seed));
  train_loop(c.train, d.train.count(), t, st, hooks);
}

void train_loop(const TrainConfig& t, int64_t train_windows, Trainable& model, TrainState& st,
                const TrainHooks& hooks) {
  omp_set_num_threads(resolve_threads(t.threads));
  const size_t np = model.num_params();
  // Training windows (optionally an evenly spaced subset).
  std::vector<int64_t> idx(train_windows);
  std::iota(idx.begin(), idx.end(), 0);
  if (t.max_train_windows > 0 && t.max_train_windows < static_cast<int64_t>(idx.size())) {
    std::vector<int64_t> sub(t.max_train_windows);
    for (int64_t i = 0; i < t.max_train_windows; ++i) sub[i] = i * train_windows / t.max_train_windows;
    idx.swap(sub);
  }
  const int64_t n = static_cast<int64_t>(idx.size());
  const int64_t bs = std::min<int64_t>(t.batch_size, n);
  const int64_t batches = n / bs;  // drop the last partial batch
  std::mt19937_64 rng;
  {
    std::istringstream is(st.rng_state);
    is >> rng;
  }
  std::vector<FloatVec> slot_grads(kGradSlots, FloatVec(np));
  std::vector<double> slot_loss(kGradSlots);
  FloatVec grad(np);
  const double b1 = 0.9, b2 = 0.999, eps = 1e-8;

  while (st.epoch < t.epochs && !st.finished) {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<int64_t> order = idx;
    std::shuffle(order.begin(), order.end(), rng);
    double epoch_loss = st.epoch_loss;
    double lr = 0.0;
    for (int64_t b = st.batch; b < batches; ++b) {
      if (hooks.should_stop && hooks.should_stop()) {
        // rng_state still holds the shuffle state of this epoch's start: a resume redraws the same order
        // and continues at batch b.
        st.batch = b;
        st.epoch_loss = epoch_loss;
        return;
      }
      model.begin_batch(st.params);
#pragma omp parallel for schedule(dynamic, 1)
      for (int k = 0; k < kGradSlots; ++k) {
        FloatVec& g = slot_grads[k];
        std::fill(g.begin(), g.end(), 0.0f);
        slot_loss[k] = 0.0;
        for (int64_t j = bs * k / kGradSlots; j < bs * (k + 1) / kGradSlots; ++j) {
          const int64_t w = order[b * bs + j];
          slot_loss[k] += model.sample(k, w, static_cast<uint64_t>(st.step) * 65536 + j, st.params,
                                       1.0f / static_cast<float>(bs), g.data());
        }
      }
      std::fill(grad.begin(), grad.end(), 0.0f);
      double loss = 0.0;
      for (int k = 0; k < kGradSlots; ++k) {
        for (size_t i = 0; i < np; ++i) grad[i] += slot_grads[k][i];
        loss += slot_loss[k];
      }
      model.end_batch(grad.data());
      loss /= bs;
      epoch_loss += loss;
      if (t.clip > 0.0) {
        double nrm = 0.0;
        for (float v : grad) nrm += static_cast<double>(v) * v;
        nrm = std::sqrt(nrm);
        if (nrm > t.clip) {
          const float s = static_cast<float>(t.clip / nrm);
          for (float& v : grad) v *= s;
        }
      }
      lr = lr_at(t, st.step, batches);
      ++st.step;
      const double bc1 = 1.0 - std::pow(b1, static_cast<double>(st.step));
      const double bc2 = 1.0 - std::pow(b2, static_cast<double>(st.step));
      const float a = static_cast<float>(lr / bc1);
      const float wd = static_cast<float>(lr * t.weight_decay);
      for (size_t i = 0; i < np; ++i) {
        st.adam_m[i] = static_cast<float>(b1) * st.adam_m[i] + static_cast<float>(1.0 - b1) * grad[i];
        st.adam_v[i] = static_cast<float>(b2) * st.adam_v[i] + static_cast<float>(1.0 - b2) * grad[i] * grad[i];
        const float vhat = st.adam_v[i] / static_cast<float>(bc2);
        st.params[i] -= a * st.adam_m[i] / (std::sqrt(vhat) + static_cast<float>(eps)) + wd * st.params[i];
      }
      if (hooks.on_batch) hooks.on_batch(st.epoch + 1, b + 1, batches, epoch_loss / (b + 1));
    }
    const Metrics v = model.validate(st.params);
    EpochLog log;
    log.epoch = st.epoch + 1;
    log.train_loss = epoch_loss / std::max<int64_t>(1, batches);
    log.val_mse = v.mse;
    log.lr = lr;
    log.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    st.epoch += 1;
    st.batch = 0;
    st.epoch_loss = 0.0;
    st.history.push_back(log);
    if (v.mse < st.best_val) {
      st.best_val = v.mse;
      st.best_epoch = st.epoch;
      st.best_params = st.params;
      model.on_best();
    } else if (st.epoch - st.best_epoch >= t.patience) {
      st.finished = true;  // early stop
    }
    {
      std::ostringstream os;
      os << rng;
      st.rng_state = os.str();
    }
    if (st.epoch >= t.epochs) st.finished = true;
    if (hooks.on_epoch) hooks.on_epoch(log, st);
  }
}

}  // namespace sf
