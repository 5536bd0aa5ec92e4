// Training loop: Adam(W), warm-up + cosine learning rate, global-norm clipping, early stopping on
// validation MSE, deterministic for a seed whatever the thread count.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config.h"
#include "data.h"
#include "metrics.h"
#include "transformer.h"

namespace sf {

struct EpochLog {
  int epoch = 0;
  double train_loss = 0.0, val_mse = 0.0, lr = 0.0, seconds = 0.0;
};

// Everything needed to resume training exactly where it stopped.
struct TrainState {
  FloatVec params, best_params, adam_m, adam_v;
  int64_t step = 0;
  int epoch = 0;                 // epochs completed
  int64_t batch = 0;             // batches done in the current (interrupted) epoch
  double epoch_loss = 0.0;       // their summed loss
  int best_epoch = 0;
  double best_val = 1e30;
  std::string rng_state;         // std::mt19937_64 serialized (shuffling)
  std::vector<EpochLog> history;
  bool finished = false;
};

// Fixed partition of every batch into this many gradient slots, reduced in order: the result does not
// depend on how many threads run them.
constexpr int kGradSlots = 8;

// Mean forecast metrics of `params` over a window set (parallel, deterministic).
Metrics evaluate_model(const Transformer& m, const float* params, const WindowSet& set);

struct TrainHooks {
  std::function<void(const EpochLog&, const TrainState&)> on_epoch;               // after every epoch
  std::function<void(int epoch, int64_t batch, int64_t batches, double loss)> on_batch;  // progress
  std::function<bool()> should_stop;                                               // interrupt
};

// What the training loop trains: the FP32 model, or the fake-quantized one (qtrain.h).
class Trainable {
 public:
  virtual ~Trainable() = default;
  virtual size_t num_params() const = 0;
  virtual void begin_batch(const FloatVec& /*params*/) {}
  // Forward + backward of one window in gradient slot `slot`; adds d(loss)/d(params) * inv_batch to grads
  // and returns the window's MSE.
  virtual double sample(int slot, int64_t window, uint64_t sample_seed, const FloatVec& params, float inv_batch,
                        float* grads) = 0;
  virtual void end_batch(float* /*grad*/) {}  // after the slots are reduced, before the optimizer step
  virtual Metrics validate(const FloatVec& params) = 0;
  virtual void on_best() {}                  // the current params became the best ones
};

// Squared-error loss of one window and its gradient scaled by inv_batch.
double mse_grad(const float* out, const float* y, int h, float inv_batch, float* dout);

void init_train_state(const Config& c, const Transformer& m, TrainState& st);
// The optimizer loop shared by FP32 training and QAT.
void train_loop(const TrainConfig& t, int64_t train_windows, Trainable& model, TrainState& st,
                const TrainHooks& hooks);
// Trains from st (fresh or resumed) until epochs are done or early stopping triggers.
void train(const Config& c, const Dataset& d, const Transformer& m, TrainState& st, const TrainHooks& hooks);

int resolve_threads(int requested);

}  // namespace sf
