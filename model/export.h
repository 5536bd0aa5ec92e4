// Export of a quantized model (float parameters + quantization state) to the integer model the engine and
// the hardware run, and the integer engine's evaluation on a data split.
#pragma once
#include <string>
#include <vector>

#include "intengine.h"
#include "metrics.h"
#include "qmodel.h"

namespace sf {

IntModel export_int_model(const QModel& qm, const float* params, const QState& st);
// Names of the linears the spec keeps in float during fake-quant (the paper's "full precision" layers).
std::vector<std::string> kept_float_linears(const QModel& qm, const QState& st);

// Integer engine over a split: metrics on the normalized scale (the float conversion happens here, outside
// the engine) and, if forecasts != null, every window's forecast in Q10.6 (count * H).
Metrics evaluate_int_engine(const IntEngine& e, const Dataset& d, const WindowSet& w,
                            std::vector<int32_t>* forecasts = nullptr);

}  // namespace sf
