// Quantization-aware training (fine-tuning an FP32 checkpoint through the fake-quantized model) and PTQ.
#pragma once
#include "qmodel.h"
#include "train.h"

namespace sf {

struct QatOptions {
  int epochs = 6;
  double lr = 2e-4;
  int patience = 3;
  int64_t calib_windows = 2048;  // PTQ calibration windows before fine-tuning
};

// PTQ: observers calibrated on training windows, weights untouched.
QState post_training_quantize(const QModel& qm, const FloatVec& params, const QuantSpec& spec, const Dataset& d,
                              int64_t calib_windows);

// QAT: starts from params (FP32) and st (calibrated), fine-tunes with early stopping on validation MSE.
// On return st.best_params and best_q hold the best epoch's weights and quantization state.
void quantization_aware_train(const Config& c, const QatOptions& o, const Dataset& d, const QModel& qm,
                              TrainState& st, QState& q, QState& best_q, const TrainHooks& hooks);

}  // namespace sf
