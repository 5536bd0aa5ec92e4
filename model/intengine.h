// The integer-only inference engine: the bit-exact reference of the RTL. No floating point anywhere:
// raw readings in Q10.6 in, the forecast in Q10.6 out, every step one of the reference functions of
// intref.h (qlinear, shift_rescale, actmac, softmax, residual_add, layernorm).
//
// An IntModel is what the hardware stores: weights at their bit width, biases at their bit width with a
// power-of-two exponent, LayerNorm gamma (8 bits) and beta (16 bits) with exponents, activation exponents
// and zero points. load-time expansion (expand()) turns it into the folded int32 biases the MAC array adds.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "intref.h"

namespace sf {

constexpr char kIntModelMagic[8] = {'S', 'F', 'I', 'N', 'T', 'M', '\r', '\n'};
constexpr uint32_t kIntModelVersion = 1;

struct IntAct { int8_t exp = 0; int16_t zp = 0; };  // real = (q - zp) * 2^exp

// The MAC array's weight mode for a stored width: 1, 2 -> 2; 3, 4 -> 4; 5..8 -> 8 bits.
int weight_mode_bits(int bits);
// A rescale by 2^-shift. The policy's shifts are right shifts only (RS_SHIFT_MIN = 0): a scale-up by 2^k
// goes through the multiplier as mult = 2^k, shift 0.
void set_pow2_shift(RescaleParams& r, int shift);
// Rescale of an accumulator into activation a (ReLU: saturate at its zero point).
RescaleParams act_rescale(int shift, const IntAct& a, bool relu);

struct IntLinear {
  std::string name;
  int n_in = 0, n_out = 0, bits = 8;
  int in_act = 0, out_act = -1;    // activation indices (out_act -1: the output head, Q10.6)
  int w_exp = 0, b_bits = 8, b_exp = 0;
  std::vector<int8_t> w;           // (n_out, n_in) row-major
  std::vector<int32_t> b;          // (n_out) at b_bits
  bool relu = false;
};

struct IntLayerNorm {
  int d = 0, g_exp = 0, beta_bits = 16, beta_exp = 0;
  uint32_t eps = 1;                  // in units of the input's 2^(2 er)
  std::vector<int32_t> gamma, beta;  // gamma at LN_GAMMA_BITS, beta at beta_bits
};

struct IntMha { int lq, lk, lv, lo; };                 // IntLinear indices; activations from the linears
struct IntEncLayer { IntMha attn; int ln1, ln2, ff1, ff2; };
struct IntDecLayer { IntMha self; int ln1; IntMha cross; int ln2, ff1, ff2, ln3; };

struct IntModel {
  int seq_len = 48, pred_len = 24, label_len = 24, d_model = 32, n_heads = 4;
  int attn_exp = -1, in_frac = 8;
  int act_in = 0, act_enc_emb = 0, act_dec_emb = 0;
  std::vector<IntAct> acts;
  std::vector<IntLinear> lin;        // enc_in, dec_in first; out last
  std::vector<IntLayerNorm> ln;
  std::vector<int32_t> pe;           // (seq_len + pred_len, d_model) positional encoding, Q.pe_frac
  int pe_frac = 16;
  std::vector<IntEncLayer> enc;
  std::vector<IntDecLayer> dec;
  int l_enc_in = 0, l_dec_in = 1, l_out = 0;
  std::vector<int> ln_out_act;       // activation index of each LayerNorm's output
};

// Runs one window: raw (seq_len) readings in Q10.6 -> forecast (pred_len) in Q10.6.
class IntEngine {
 public:
  explicit IntEngine(const IntModel& m);
  void run(const int32_t* raw, int32_t* forecast) const;
  const IntModel& model() const { return m_; }
  // Load-time expansion of linear li: folded int32 biases (rows x n_out; rows = positions for the
  // embeddings, else 1) and the output rescale: what the MAC array and sf_shift_rescale consume.
  const std::vector<int32_t>& folded_bias(int li) const { return ex_[li].bias; }
  const RescaleParams& out_rescale(int li) const { return ex_[li].out; }

 private:
  const IntModel& m_;
  struct Expanded {                  // load-time expansion of one linear
    std::vector<int32_t> bias;       // (rows, n_out): folded zero point (and positional encoding)
    int rows = 1;
    RescaleParams out;
  };
  std::vector<Expanded> ex_;
  RescaleParams in_rescale_;
  void linear(int li, const uint8_t* x, int rows, uint8_t* y) const;  // x (rows, n_in) -> y (rows, n_out)
  void mha(const IntMha& h, const uint8_t* xq, int tq, const uint8_t* xkv, int tk, bool causal,
           uint8_t* out) const;
  void add_norm(const uint8_t* a, int act_a, const uint8_t* b, int act_b, int ln, int rows, uint8_t* y) const;
};

void save_int_model(const std::string& path, const IntModel& m);
// Memory images for the RTL ($readmemh) and a Verilog parameter header, into dir:
//   sf_model.vh                 shape, and per linear its index, widths and rescale (localparams)
//   lin<NN>_<name>.w.hex        one line per output row: n_in weight codes at the MAC mode width,
//                               two's complement, input 0 in the least significant bits
//   lin<NN>_<name>.b.hex        folded int32 biases, one per line (rows x n_out for the embeddings)
void write_rtl_images(const IntEngine& e, const std::string& dir);
IntModel load_int_model(const std::string& path);

// Bit accounting of a stored model, for the compression report.
struct CompressionReport {
  int64_t params = 0;              // weights, biases, LayerNorm gamma and beta
  int64_t fp32_bits = 0;           // 32 * params
  int64_t stored_bits = 0;         // every stored value at its stored width, scales and zero points included
  int64_t paper_bits = 0;          // as stored, but layers kept at high precision counted at 32 bits
  int64_t overhead_bits = 0;       // exponents, zero points, shifts
  double deployed_ratio() const { return static_cast<double>(fp32_bits) / stored_bits; }
  double paper_ratio() const { return static_cast<double>(fp32_bits) / paper_bits; }
};
// kept_float: names of the linears kept at full precision in fake-quant (counted at 32 bits by the paper).
CompressionReport compression(const IntModel& m, const std::vector<std::string>& kept_float);

}  // namespace sf
