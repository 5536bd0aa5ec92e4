// Quantization-aware model: the FP32 Transformer's parameters run through the integer pipeline of
// docs/architecture.md, emulated in float where float is exact and through the integer reference
// functions (intref.h) where it is not (LayerNorm, softmax, residual saturation). Backward passes use the
// straight-through estimator.
//
// Data path (all power-of-two scales; "QP" = an activation quantization point, uint8 with zero point):
//   raw readings in Q10.6 (degrees C * 64) -> delta to the last reading -> QP in ->
//   enc_in / dec_in linear (weights folded with 1/std) + positional encoding on the accumulator grid -> QP emb
//   attention: q, k, v -> QP each; scores = (q-zq).(k-zk) -> shift to log2 units (in_frac fraction bits)
//              -> integer base-2 softmax -> P (UQ0.8) -> P.(v-zv) -> QP o -> Wo -> QP out
//   residual_add (int16) -> integer LayerNorm -> QP ln;  FFN: ff1 -> ReLU as QP h (zp 0) -> ff2 -> QP
//   output linear (weights folded with std) -> delta in Q10.6 -> + last reading -> forecast in Q10.6.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data.h"
#include "metrics.h"
#include "quant.h"
#include "transformer.h"

namespace sf {

constexpr int kRawFracBits = 6;  // raw readings and forecasts: Q10.6 fixed point (1/64 degree)
int32_t raw_to_fixed(double v);  // round half up of v * 64
constexpr int kPeFracBits = 16;  // the positional encoding is stored in Q.16 and rounded from there
// LayerNorm epsilon (the FP32 model's 1e-5) in units of 2^(2 er) of its integer input, at least 1.
uint32_t layernorm_eps(int er);
// Exponent of a residual sum of activations at exponents ea and eb.
int residual_exp(int ea, int eb);


// Which linear layer reads which QP, with its precision.
struct QLinear {
  std::string name;   // enc0.attn.q, ...
  const LinearP* l = nullptr;
  int in_qp = 0;
  int out_qp = -1;    // QP of the result (-1: the output head, Q10.6); ReLU layers: the .ff.h QP
  int bits = 32;      // 32 = float in fake-quant
  float fold_w = 1.0f;  // weights are quantized as fold_w * W: 1/std for the input linears, std for the output
  float fold_b = 1.0f;  // bias as fold_b * b: std for the output linear (its result is in degrees)
};

// Quantized values of one step (recomputed from the float parameters at the start of every batch).
struct QuantSnapshot {
  FloatVec pq;                    // dequantized parameters (fold applied): what the forward pass uses
  std::vector<ActQ> act;          // per QP
  std::vector<int> w_exp, b_exp;  // per QLinear (bits 32: unused)
  std::vector<int> ln_gamma_exp;  // per LayerNorm, in ln order
  std::vector<int> ln_beta_exp;   // exponent of the stored (ln_beta_bits) beta
};

struct QState {                   // trained quantization state besides the float parameters
  QuantSpec spec;
  std::vector<Observer> obs;      // per QP
  int attn_exp = -1;              // scores in log2 units = 2^attn_exp * q.k (base-2 softmax)
  int in_frac = 8;                // fraction bits of the softmax input
};

struct QCache;  // per-sample forward state (qmodel.cpp)

// Error of the integer softmax and LayerNorm against float on the activations that actually flow.
struct ApproxStats {
  double sm_abs_sum = 0.0, sm_abs_max = 0.0;  // |p_int - p_float| (probabilities), same integer scores
  int64_t sm_n = 0;
  double ln_lsb_sum = 0.0, ln_lsb_max = 0.0;   // |y_int - y_float| in output LSBs, same integer input
  int64_t ln_n = 0;
  void merge(const ApproxStats& o);
};

class QModel {
 public:
  QModel(const Transformer& m, const Normalizer& z);
  ~QModel();
  const Transformer& fp() const { return m_; }
  int num_qp() const { return static_cast<int>(qp_names_.size()); }
  const std::vector<std::string>& qp_names() const { return qp_names_; }
  const std::vector<QLinear>& linears() const { return lin_; }
  const std::vector<const LayerNormP*>& layernorms() const { return lns_; }
  const Normalizer& normalizer() const { return z_; }

  QState init_state(const QuantSpec& spec) const;
  QuantSnapshot snapshot(const float* params, const QState& st) const;

  // One window: raw (L) readings in Q10.6 -> forecast (H) on the normalized scale; `fixed_out` (H, may be
  // null) receives the forecast in Q10.6. obs (num_qp, may be null) collects activation min/max.
  void forward(const QuantSnapshot& s, const QState& st, const int32_t* raw, float* out_norm, int32_t* fixed_out,
               QCache& c, std::vector<MinMax>* obs, ApproxStats* approx = nullptr) const;
  // Backward of the last forward: dout (H) on the normalized scale -> gradients w.r.t. the float params.
  void backward(const QuantSnapshot& s, const QState& st, const float* dout, QCache& c, float* grads) const;

  // Layer wiring (indices into the QP table), public for the integer engine and export.
  int qp_in = 0, qp_enc_emb = 0, qp_dec_emb = 0;
  struct MhaQ { int q, k, v, o, out; int lq, lk, lv, lo; };  // QPs and QLinear indices
  struct EncQ { MhaQ attn; int ln1, h, f, ln2; int lff1, lff2; int n1, n2; };
  struct DecQ { MhaQ self; int ln1; MhaQ cross; int ln2, h, f, ln3; int lff1, lff2; int n1, n2, n3; };
  std::vector<EncQ> encq;
  std::vector<DecQ> decq;
  int l_enc_in = 0, l_dec_in = 0, l_out = 0;

 private:
  const Transformer& m_;
  Normalizer z_;
  std::vector<std::string> qp_names_;
  std::vector<QLinear> lin_;
  std::vector<const LayerNormP*> lns_;
  std::vector<int> ln_out_qp_;  // per LayerNorm: the QP of its output
  int add_qp(const std::string& name);
  int add_linear(const std::string& name, const LinearP& l, int in_qp, int out_qp, float fold_w = 1.0f,
                 float fold_b = 1.0f);
  int add_ln(const LayerNormP& l, int out_qp);
};

// A per-sample cache (opaque outside qmodel.cpp).
struct QCacheDeleter { void operator()(QCache* c) const; };
using QCachePtr = std::unique_ptr<QCache, QCacheDeleter>;
QCachePtr make_qcache();

struct QatResult {
  Metrics test, val;
};
// Raw Q10.6 readings of every window of a set (window i starts at raw + i).
std::vector<int32_t> raw_fixed(const Dataset& d, const WindowSet& w);
Metrics evaluate_qmodel(const QModel& qm, const QuantSnapshot& s, const QState& st, const Dataset& d,
                        const WindowSet& w);
// Softmax and LayerNorm approximation errors over `windows` evenly spaced windows of a split.
ApproxStats measure_approximations(const QModel& qm, const QuantSnapshot& s, const QState& st, const Dataset& d,
                                   const WindowSet& w, int64_t windows);
// PTQ: calibrate observers on `batches` training batches without changing the weights.
void calibrate(const QModel& qm, const float* params, QState& st, const Dataset& d, int64_t windows);

}  // namespace sf
