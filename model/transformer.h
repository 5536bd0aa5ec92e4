// FP32 encoder-decoder Transformer for univariate forecasting, with hand-written backward passes.
//
// Dimension letters: L input steps, H forecast steps, S = label_len + H decoder steps, D = d_model,
// F = d_ff, NH heads of DH = D / NH. Shapes are (rows, cols), rows are time steps.
//
//   x (L) -> subtract last value -> enc_in linear (1->D) + PE -> [encoder layer] x enc_layers -> mem (L, D)
//   decoder input (S) = last label_len of x (minus last value), then H zeros
//            -> dec_in linear (1->D) + PE -> [decoder layer] x dec_layers -> (S, D)
//   out linear (D->1) on the last H rows, + last value -> forecast (H)
// Encoder layer (post-LN): a = LN1(x + MHA(x, x)); y = LN2(a + FFN(a)).
// Decoder layer (post-LN): a = LN1(x + causal MHA(x, x)); b = LN2(a + MHA(a, mem)); y = LN3(b + FFN(b)).
// All parameters live in one flat vector (llm.c style); layers hold offsets into it.
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common.h"
#include "config.h"

namespace sf {

struct LinearP { int in = 0, out = 0; size_t w = 0, b = 0; };  // W (in, out), b (out)
struct LayerNormP { int d = 0; size_t g = 0, b = 0; };         // gamma (D), beta (D)
struct MhaP { LinearP q, k, v, o; };
struct FfnP { LinearP l1, l2; };                                // (D->F) ReLU (F->D)
struct EncLayerP { MhaP attn; LayerNormP ln1; FfnP ff; LayerNormP ln2; };
struct DecLayerP { MhaP self; LayerNormP ln1; MhaP cross; LayerNormP ln2; FfnP ff; LayerNormP ln3; };

// A named contiguous group of parameters, for the per-layer breakdown and the quantization groups.
struct ParamGroup {
  std::string name;   // e.g. "enc0.attn.q.w"
  size_t offset = 0, size = 0;
  int rows = 0, cols = 0;
};

// Forward caches of one sample (reused across samples; sized on first use).
struct LayerNormCache { Mat xhat; Eigen::VectorXf rstd; };
struct MhaCache {
  Mat q_in, kv_in, q, k, v, o;  // q (Tq, D), k/v (Tk, D), o (Tq, D) heads concatenated
  std::vector<Mat> p;           // per head (Tq, Tk) attention probabilities
};
struct FfnCache { Mat x, h; };  // h after ReLU (Tq, F)
struct DropCache { Mat mask; }; // empty = identity
struct EncLayerCache {
  MhaCache attn; DropCache d1; LayerNormCache ln1; Mat a; FfnCache ff; DropCache d2; LayerNormCache ln2;
};
struct DecLayerCache {
  MhaCache self; DropCache d1; LayerNormCache ln1; Mat a;
  MhaCache cross; DropCache d2; LayerNormCache ln2; Mat b;
  FfnCache ff; DropCache d3; LayerNormCache ln3;
};
struct ForwardCache {
  Mat enc_x, dec_x;                 // (L,1), (S,1) inputs after last-value subtraction
  DropCache enc_drop, dec_drop;
  std::vector<EncLayerCache> enc; std::vector<Mat> enc_out;  // enc_out[i] = output of encoder layer i
  std::vector<DecLayerCache> dec; std::vector<Mat> dec_out;
  Mat head_in;                      // (H, D) last H decoder rows
  float last = 0.0f;
  // scratch for backward
  Mat g0, g1, g2, g3, gmem;
};

class Transformer {
 public:
  explicit Transformer(const ModelConfig& mc, int seq_len, int pred_len);

  const ModelConfig& config() const { return mc_; }
  int seq_len() const { return L_; }
  int pred_len() const { return H_; }
  size_t num_params() const { return n_params_; }
  const std::vector<ParamGroup>& groups() const { return groups_; }

  // Fills params (size num_params()) with the initial values for this seed.
  void init(FloatVec& params, uint64_t seed) const;

  // One window: x (L) normalized inputs -> out (H). With train=true, dropout masks are drawn from rng.
  void forward(const float* params, const float* x, float* out, ForwardCache& c, bool train,
               std::mt19937_64* rng) const;
  // Backward of the last forward on the same cache: dout (H) -> accumulates into grads.
  void backward(const float* params, const float* dout, ForwardCache& c, float* grads) const;

  // Layers (public for tests and the quantized model).
  LinearP enc_in, dec_in, out;
  std::vector<EncLayerP> enc;
  std::vector<DecLayerP> dec;
  Mat pe;  // (L + H, D) sinusoidal positional encoding; decoder rows start at L - label_len

 private:
  ModelConfig mc_;
  int L_, H_;
  size_t n_params_ = 0;
  std::vector<ParamGroup> groups_;
  LinearP add_linear(const std::string& name, int in, int out);
  LayerNormP add_layernorm(const std::string& name, int d);
  MhaP add_mha(const std::string& name);
};

// Building blocks (forward/backward pairs, same stem). `p` is the flat parameter vector, `g` the
// gradient vector. Exposed for the finite-difference tests.
void linear_forward(const float* p, const LinearP& l, const Mat& x, Mat& y);
void linear_backward(const float* p, const LinearP& l, const Mat& x, const Mat& dy, Mat* dx, float* g);
void layernorm_forward(const float* p, const LayerNormP& l, const Mat& x, Mat& y, LayerNormCache& c);
void layernorm_backward(const float* p, const LayerNormP& l, const LayerNormCache& c, const Mat& dy, Mat& dx,
                        float* g);
void mha_forward(const float* p, const MhaP& m, int n_heads, const Mat& q_in, const Mat& kv_in, bool causal,
                 Mat& out, MhaCache& c);
void mha_backward(const float* p, const MhaP& m, int n_heads, const MhaCache& c, const Mat& dout, Mat& dq_in,
                  Mat& dkv_in, float* g);
void ffn_forward(const float* p, const FfnP& f, const Mat& x, Mat& y, FfnCache& c);
void ffn_backward(const float* p, const FfnP& f, const FfnCache& c, const Mat& dy, Mat& dx, float* g);

}  // namespace sf
