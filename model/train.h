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

void init_train_state(const Config& c, const Transformer& m, TrainState& st);
// Trains from st (fresh or resumed) until epochs are done or early stopping triggers.
void train(const Config& c, const Dataset& d, const Transformer& m, TrainState& st, const TrainHooks& hooks);

int resolve_threads(int requested);

}  // namespace sf
