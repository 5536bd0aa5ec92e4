// compiler.cpp: IntModel -> sf_core program and memory images; instruction-level simulator; cycle model.
// See compiler.h and docs/isa.md.
#include "compiler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <tuple>

#include "checkpoint.h"  // write_file_atomic, read_file, crc32_of
#include "common.h"

namespace sf {

static_assert(isa::WMEM_WIDTH == isa::W_LANES * isa::W_KPAR * 2,
              "a weight-memory word is one beat of 2-bit weights (W_LANES x W_KPAR x 2 bit)");
static_assert(isa::WMEM_WIDTH % 32 == 0, "weight-memory words are whole 32-bit words");
static_assert(isa::N_UNITS == 4, "the compiler knows four units: IO, W, A, N");

const isa::Build& core_build(const std::string& name) {
  if (const isa::Build* b = isa::find_build(name)) return *b;
  std::string have;
  for (const isa::Build& b : isa::BUILDS) have += std::string(have.empty() ? "" : ", ") + b.name;
  throw Error(fmt::format("unknown core build '{}' (spec/isa.toml [[build]]: {})", name, have));
}

const isa::Build& core_build(const CoreImage& img) {
  if (const isa::Build* b = isa::build_by_id(img.build)) return *b;
  throw Error(fmt::format("core image for build id {}, which is no build of spec/isa.toml [[build]]", img.build));
}

constexpr int kMaxLnUnits = 4;  // the most LayerNorm instances a build may have (CoreTiming::ln_units)

CoreTiming core_timing(const isa::Build& b) {
  CoreTiming t;
  t.a_lanes = b.a_lanes;
  t.ln_units = b.ln_units;
  if (t.ln_units < 1 || t.ln_units > kMaxLnUnits || t.a_lanes < isa::A_DH || t.a_lanes % isa::RS_A != 0)
    throw Error(fmt::format("build '{}': a_lanes {} / ln_units {} are not a core the cycle model knows", b.name,
                            t.a_lanes, t.ln_units));
  return t;
}

namespace {
constexpr int kRawFrac = 6;  // Q10.6 readings
int ceil_div(int64_t a, int64_t b) {
  return static_cast<int>((a + b - 1) / b);
}
// The writer's residual-operand memory (DUAL writes): NA_W for W, NA_N for N.
int dual_mem(int unit) {
  return unit == isa::UNIT_W ? isa::SCR_NA_W : isa::SCR_NA_N;
}
int wmode_of(int wb) {
  return wb == 2 ? 0 : (wb == 4 ? 1 : 2);
}

uint32_t get_field(const uint32_t* w, const isa::Field& f) {
  const uint32_t mask = f.width == 32 ? 0xFFFFFFFFu : ((1u << f.width) - 1u);
  return (w[f.word] >> f.lsb) & mask;
}
void put_field(uint32_t* w, const isa::Field& f, int v, const char* name) {
  const uint64_t lim = uint64_t{1} << f.width;
  if (v < 0 || static_cast<uint64_t>(v) >= lim)
    throw Error(fmt::format("instruction field {} = {} does not fit its {} bits (spec/isa.toml)", name, v, f.width));
  w[f.word] |= static_cast<uint32_t>(v) << f.lsb;
}
}  // namespace

void encode_instr(const Instr& in, uint32_t* w) {
  std::fill(w, w + isa::INSTR_WORDS, 0u);
  put_field(w, isa::F_OP, in.op, "op");
  put_field(w, isa::F_FLAGS, in.flags, "flags");
  put_field(w, isa::F_HEADS, in.heads, "heads");
  put_field(w, isa::F_WMODE, in.wmode, "wmode");
  put_field(w, isa::F_ROWS, in.rows, "rows");
  put_field(w, isa::F_R0, in.r0, "r0");
  put_field(w, isa::F_A, in.a, "a");
  put_field(w, isa::F_B, in.b, "b");
  put_field(w, isa::F_C, in.c, "c");
  put_field(w, isa::F_D, in.d, "d");
  put_field(w, isa::F_A_STRIDE, in.a_stride, "a_stride");
  put_field(w, isa::F_B_STRIDE, in.b_stride, "b_stride");
  put_field(w, isa::F_C_STRIDE, in.c_stride, "c_stride");
  put_field(w, isa::F_D_STRIDE, in.d_stride, "d_stride");
  put_field(w, isa::F_N_IN, in.n_in, "n_in");
  put_field(w, isa::F_N_OUT, in.n_out, "n_out");
  put_field(w, isa::F_BROW0, in.brow0, "brow0");
  put_field(w, isa::F_DH, in.dh, "dh");
  put_field(w, isa::F_WBASE, in.wbase, "wbase");
  put_field(w, isa::F_BBASE, in.bbase, "bbase");
  put_field(w, isa::F_PBASE, in.pbase, "pbase");
  put_field(w, isa::F_D_MEM, in.d_mem, "d_mem");
  put_field(w, isa::F_A_MEM, in.a_mem, "a_mem");
  put_field(w, isa::F_B_MEM, in.b_mem, "b_mem");
  for (int u = 0; u < isa::N_UNITS; ++u) put_field(w, isa::F_WAIT[u], in.wait[u], "wait");
}

Instr decode_instr(const uint32_t* w) {
  Instr in;
  auto g = [&](const isa::Field& f) { return static_cast<int>(get_field(w, f)); };
  in.op = g(isa::F_OP);
  in.flags = g(isa::F_FLAGS);
  in.heads = g(isa::F_HEADS);
  in.wmode = g(isa::F_WMODE);
  in.rows = g(isa::F_ROWS);
  in.r0 = g(isa::F_R0);
  in.a = g(isa::F_A);
  in.b = g(isa::F_B);
  in.c = g(isa::F_C);
  in.d = g(isa::F_D);
  in.a_stride = g(isa::F_A_STRIDE);
  in.b_stride = g(isa::F_B_STRIDE);
  in.c_stride = g(isa::F_C_STRIDE);
  in.d_stride = g(isa::F_D_STRIDE);
  in.n_in = g(isa::F_N_IN);
  in.n_out = g(isa::F_N_OUT);
  in.brow0 = g(isa::F_BROW0);
  in.dh = g(isa::F_DH);
  in.wbase = g(isa::F_WBASE);
  in.bbase = g(isa::F_BBASE);
  in.pbase = g(isa::F_PBASE);
  in.d_mem = g(isa::F_D_MEM);
  in.a_mem = g(isa::F_A_MEM);
  in.b_mem = g(isa::F_B_MEM);
  for (int u = 0; u < isa::N_UNITS; ++u) in.wait[u] = g(isa::F_WAIT[u]);
  return in;
}

std::vector<Instr> CoreImage::stream(int u) const {
  const uint32_t start = prog.at(1 + 2 * u), count = prog.at(2 + 2 * u);
  std::vector<Instr> s;
  for (uint32_t i = 0; i < count; ++i) s.push_back(decode_instr(&prog.at(start + i * isa::INSTR_WORDS)));
  return s;
}

// ---- timing of one instruction on its unit (shared by the compiler's scheduler and the cycle model) ----
// The rules are those of the RTL engines (rtl/sf_eng_*.v); docs/core.md states them one by one.
namespace {
struct Ev {  // one write: cycle, memory, byte address, bytes
  int64_t cycle;
  int mem, addr, nbytes;
};
struct UnitState {
  std::vector<int64_t> issues, ends;  // of the instructions issued so far
  // W: the beat side's next pair, the drain's next free cycle
  int64_t w_pair = 0, w_drain = 0, w_hs = 0;
  // A: per item stage starts (the last two items)
  int64_t a_q[2] = {-1000, -1000}, a_qend = 0, a_s[2] = {-1000, -1000}, a_sready = 0, a_v[2] = {-1000, -1000},
          a_vend = 0, a_ovalid = -1000;
  int a_nb[2] = {0, 0}, a_tk[2] = {0, 0};
  int64_t a_items = 0;
  // N: row starts, the residual lane, the LayerNorm instances
  int64_t n_lane = 0, n_last_row = -1000, n_rows = 0;
  int n_last_n = 0;
  int64_t n_ln_ready[kMaxLnUnits] = {};
};
constexpr int64_t kNever = std::numeric_limits<int64_t>::min() / 4;

// Earliest issue of the unit's next instruction (not counting its waits).
int64_t issue_ok(const UnitState& st, const CoreTiming& t) {
  const size_t n = st.issues.size();
  int64_t x = 0;
  if (n > 0) x = std::max(x, st.issues.back() + t.min_gap);
  if (n >= static_cast<size_t>(t.ctx)) x = std::max(x, st.ends[n - t.ctx] + 1);
  return x;
}

// Executes `in` issued at `start` on its unit; returns (free, end); appends its writes to ev (if given).
std::pair<int64_t, int64_t> exec_time(const Instr& in, int64_t start, UnitState& st, const CoreTiming& t,
                                      std::vector<Ev>* ev = nullptr, int64_t* busy = nullptr) {
  int64_t end = start + 1, used = 0;
  auto write = [&](int64_t c, int mem, int addr, int nb) {
    end = std::max(end, c + 1);
    if (ev) ev->push_back({c, mem, addr, nb});
  };
  const bool dual = in.flags & isa::FLAG_DUAL;
  switch (in.op) {
    case isa::OP_INPUT: {
      const int L = in.rows, S = in.n_out;
      for (int e = 0; e < L + S; ++e) {
        const int64_t c = start + isa::T_IO_LAT + e;
        if (e < L)
          write(c, in.d_mem, in.d + e * in.d_stride, 1);
        else
          write(c, in.b_mem, in.b + (e - L) * in.b_stride, 1);
      }
      used = L + S;
      break;
    }
    case isa::OP_LINEAR:
    case isa::OP_OUTPUT: {
      const int G = 1 << in.wmode, NB = ceil_div(in.n_in, t.w_kpar), tiles = ceil_div(in.n_out, t.w_lanes);
      const int BL = NB * G + isa::T_QLINEAR_LAT + G + 1;  // pair decided at P, fetched from P + 1 -> o_valid
      int64_t P = std::max(start + 1, st.w_pair);
      for (int r = 0; r < in.rows; ++r)
        for (int ti = 0; ti < tiles; ++ti) {
          const int nt = std::min(t.w_lanes, in.n_out - ti * t.w_lanes), DR = ceil_div(nt, t.rs_w);
          P = std::max(P, st.w_drain - BL);  // the drain takes the tile as it completes (no stall)
          P = std::max(P, st.w_hs - G);      // the first beat after the previous pair's last beat's digits
          const int64_t V = P + BL;
          if (in.op == isa::OP_OUTPUT) {
            write(V + isa::T_W_DRAIN_LAT, kObufMem, in.r0 + r, 4);
          } else {
            for (int i = 0; i < DR; ++i) {
              const int a = in.d + r * in.d_stride + ti * t.w_lanes + i * t.rs_w;
              const int nb = std::min(t.rs_w, nt - i * t.rs_w);
              write(V + i + isa::T_W_DRAIN_LAT, in.d_mem, a, nb);
              if (dual) write(V + i + isa::T_W_DRAIN_LAT, dual_mem(isa::UNIT_W), a, nb);
            }
          }
          st.w_drain = V + DR;
          st.w_hs = P + NB * G + G;
          const int step = std::max(NB * G, DR);
          used += step;
          P += step;
        }
      st.w_pair = P;
      break;
    }
    case isa::OP_ATTN: {
      const int tk = in.n_in, nb = ceil_div(tk, isa::SM_LANES), groups = ceil_div(in.heads * in.dh, t.a_lanes);
      const int64_t params = start + 1 + ceil_div(isa::ATTN_WORDS, 2) + 2;  // parameter registers valid
      for (int i = 0; i < in.rows; ++i)
        for (int g = 0; g < groups; ++g) {
          const int k = static_cast<int>(st.a_items & 1);  // slot of this item; slot k held item n-2
          // QK: after the previous item's reads, once the score slot is free (its softmax fed), with params
          int64_t Q = std::max({params, st.a_qend, st.a_s[k] + st.a_nb[k]});
          st.a_qend = Q + tk + 1;
          // softmax: every score written, the instances ready, the probability slot free (its P.V read)
          const int64_t S = std::max({Q + tk + isa::T_A_SCORE_LAT, st.a_sready, st.a_v[k] + st.a_tk[k] + 3});
          st.a_sready = S + nb - 1 + 2 * nb + isa::T_SOFTMAX_BUSY;
          // P.V: every probability written, the previous item's value reads done, its output taken
          int64_t V = std::max({S + 3 * nb + isa::T_SOFTMAX_LAT - 1, st.a_vend, st.a_ovalid + t.a_lanes / isa::RS_A - tk - 5});
          st.a_vend = V + tk + 1;
          st.a_ovalid = V + tk + 5;
          for (int m = 0; m < t.a_lanes / isa::RS_A; ++m) {
            const int col = g * t.a_lanes + m * isa::RS_A;
            if (col >= in.heads * in.dh) continue;
            write(V + tk + isa::T_A_PV_WLAT + m, in.d_mem, in.d + i * in.d_stride + col, isa::RS_A);
          }
          st.a_q[k] = Q;
          st.a_s[k] = S;
          st.a_v[k] = V;
          st.a_nb[k] = nb;
          st.a_tk[k] = tk;
          ++st.a_items;
          used += tk + 1;
        }
      break;
    }
    case isa::OP_ADDNORM: {
      const int n = in.n_out;
      // parameter load once the previous row's LayerNorm has taken its settings (its last element in at
      // R + n + 5) and its gamma / beta reads are over
      const int64_t pl = std::max(start + 1, st.n_last_row + st.n_last_n + 5);
      int64_t R = std::max(pl + isa::T_N_PARAM, st.n_lane);
      for (int i = 0; i < in.rows; ++i) {
        const int u = static_cast<int>(st.n_rows % t.ln_units);
        R = std::max({R, st.n_lane, st.n_ln_ready[u]});
        // element j addressed at R + 1 + j, into the residual lane (T_RESIDUAL_LAT = 4) at R + 2 + j, the LayerNorm
        // at R + 6 + j
        const int64_t in_last = R + 6 + n - 1;
        const int64_t first_out = in_last + n + isa::T_LAYERNORM_LAT;
        for (int m = 0; m < n / 2; ++m) {
          const int a = in.d + i * in.d_stride + 2 * m;
          write(first_out + 2 * m + 1, in.d_mem, a, 2);
          if (dual) write(first_out + 2 * m + 1, dual_mem(isa::UNIT_N), a, 2);
        }
        // the instance takes its next row's first element 2n + busy after this row's last: that row starts
        // 6 cycles before
        st.n_ln_ready[u] = in_last + 2 * n + isa::T_LAYERNORM_BUSY - 6;
        st.n_lane = R + n;
        st.n_last_row = R;
        st.n_last_n = n;
        ++st.n_rows;
        used += n;
        R += n;
      }
      break;
    }
    default:
      break;
  }
  if (!st.ends.empty()) end = std::max(end, st.ends.back());  // completion is in order
  st.issues.push_back(start);
  st.ends.push_back(end);
  if (busy) *busy = used;
  return {issue_ok(st, t), end};
}

int64_t dense_macs(const Instr& in) {
  if (in.op == isa::OP_LINEAR || in.op == isa::OP_OUTPUT) return int64_t{in.rows} * in.n_in * in.n_out;
  if (in.op == isa::OP_ATTN) return int64_t{in.rows} * in.heads * 2 * in.n_in * in.dh;
  return 0;
}

// Scratchpad footprint: byte ranges [lo, hi) read and written, as global addresses mem << 20 | byte.
struct Range {
  int64_t lo, hi;
};
void footprint(const Instr& in, std::vector<Range>& rd, std::vector<Range>& wr) {
  auto rows = [](int mem, int base, int stride, int r_lo, int r_hi, int width) {
    const int64_t g = int64_t{mem} << 20;
    return Range{g + base + int64_t{r_lo} * stride, g + base + int64_t{r_hi - 1} * stride + width};
  };
  const int r1 = in.r0 + in.rows;
  const bool dual = in.flags & isa::FLAG_DUAL;
  switch (in.op) {
    case isa::OP_INPUT:
      wr.push_back(rows(in.d_mem, in.d, in.d_stride, 0, in.rows, 1));
      wr.push_back(rows(in.b_mem, in.b, in.b_stride, 0, in.n_out, 1));
      break;
    case isa::OP_LINEAR:
      rd.push_back(rows(in.a_mem, in.a, in.a_stride, 0, in.rows, in.n_in));
      wr.push_back(rows(in.d_mem, in.d, in.d_stride, 0, in.rows, in.n_out));
      if (dual) wr.push_back(rows(dual_mem(isa::UNIT_W), in.d, in.d_stride, 0, in.rows, in.n_out));
      break;
    case isa::OP_OUTPUT:
      rd.push_back(rows(in.a_mem, in.a, in.a_stride, 0, in.rows, in.n_in));
      break;
    case isa::OP_ATTN: {
      const int w = in.heads * in.dh, tk = (in.flags & isa::FLAG_CAUSAL) ? std::min(in.n_in, r1) : in.n_in;
      rd.push_back(rows(isa::SCR_QK, in.a, in.a_stride, 0, in.rows, w));
      rd.push_back(rows(isa::SCR_QK, in.b, in.b_stride, 0, tk, w));
      rd.push_back(rows(isa::SCR_V, in.c, in.c_stride, 0, tk, w));
      wr.push_back(rows(in.d_mem, in.d, in.d_stride, 0, in.rows, w));
      break;
    }
    case isa::OP_ADDNORM:
      rd.push_back(rows(in.a_mem, in.a, in.a_stride, 0, in.rows, in.n_out));
      rd.push_back(rows(in.b_mem, in.b, in.b_stride, 0, in.rows, in.n_out));
      wr.push_back(rows(in.d_mem, in.d, in.d_stride, 0, in.rows, in.n_out));
      if (dual) wr.push_back(rows(dual_mem(isa::UNIT_N), in.d, in.d_stride, 0, in.rows, in.n_out));
      break;
    default:
      break;
  }
}
bool overlap(const std::vector<Range>& x, const std::vector<Range>& y) {
  for (const Range& a : x)
    for (const Range& b : y)
      if (a.lo < b.hi && b.lo < a.hi) return true;
  return false;
}
}  // namespace

// ---- the compiler ---------------------------------------------------------------------------------------
namespace {
struct Tensor {
  std::string name;
  int rows = 0, width = 0, base = -1;
  int mem = -1;       // scratch memory (assign_memories)
  bool dual = false;  // also in the writer's residual-operand memory (NA_W / NA_N), same address
  int64_t born = std::numeric_limits<int64_t>::max(), dies = 0;
  std::vector<int> writers, readers;
};
struct Task {
  Instr in;
  int unit = 0;
  std::string note;
  struct Use {
    int t = -1, lo = 0, hi = 0;
  };
  std::vector<Use> reads;
  Use write;
  int ta = -1, tb = -1, tc = -1, td = -1;  // tensors addressed by a, b, c, d
  int ra = 0, rb = 0, rc = 0, rd = 0;      // ... at these rows of the tensors
  std::vector<int> deps;
  int seq = -1;
  bool boost = false;  // dec_first: scheduled before anything unboosted on its unit
  int64_t start = 0, free = 0, end = 0;
};

class Builder {
 public:
  Builder(const IntEngine& e, const CompileOptions& o) : e_(e), m_(e.model()), opt_(o), b_(core_build(o.build)) {}
  CoreImage build();

 private:
  void check_pow2_mults() const;
  const IntEngine& e_;
  const IntModel& m_;
  CompileOptions opt_;
  const isa::Build& b_;  // the build compiled for
  std::vector<Tensor> ts_;
  std::vector<Task> tasks_;
  CoreImage img_;
  std::vector<int> lin_wbase_, lin_bbase_, lin_pbase_;
  int row_lo_ = 0;  // row-wise instructions cover rows row_lo_.. (pruning: the last decoder layer's live rows)
  std::vector<std::vector<int>> buf_of_;  // per tensor: its buffers (allocate())
  std::vector<int> buf_lo_, buf_hi_, buf_base_;
  int address(int ti, int row) const;

  int tensor(const std::string& name, int rows, int width) {
    Tensor t;
    t.name = name;
    t.rows = rows;
    t.width = width;
    ts_.push_back(std::move(t));
    return static_cast<int>(ts_.size()) - 1;
  }
  int add(Task t) {
    const int id = static_cast<int>(tasks_.size());
    for (const Task::Use& u : t.reads) {
      ts_[u.t].readers.push_back(id);
      for (int w : ts_[u.t].writers) {
        const Task& p = tasks_[w];
        if (p.write.t != u.t || (p.write.lo < u.hi && u.lo < p.write.hi)) t.deps.push_back(w);  // INPUT: 2 outputs
      }
    }
    if (t.write.t >= 0) ts_[t.write.t].writers.push_back(id);
    tasks_.push_back(std::move(t));
    return id;
  }
  // A parameter block in the region of the unit that reads it (each unit has its own parameter memory).
  std::array<int, isa::N_UNITS> pfill_{};
  int pblock(const std::vector<int32_t>& words, int unit) {
    static constexpr int kBase[] = {isa::PREG_IO_BASE, isa::PREG_W_BASE, isa::PREG_A_BASE, isa::PREG_N_BASE};
    static_assert(isa::UNIT_IO == 0 && isa::UNIT_W == 1 && isa::UNIT_A == 2 && isa::UNIT_N == 3);
    const int base = kBase[unit] + pfill_[unit];
    pfill_[unit] += static_cast<int>(words.size());
    if (pfill_[unit] > b_.preg_depth[unit])
      throw Error(fmt::format("model does not fit the {} build's memories: parameter region of unit {} needs {} "
                              "words, has {} (spec/isa.toml [pregion], [[build]])",
                              b_.name, isa::UNIT_NAMES[unit], pfill_[unit], b_.preg_depth[unit]));
    if (img_.pmem.size() < static_cast<size_t>(base) + words.size()) img_.pmem.resize(base + words.size(), 0);
    std::copy(words.begin(), words.end(), img_.pmem.begin() + base);
    return base;
  }
  static std::vector<int32_t> rs_words(const RescaleParams& r) {
    return {static_cast<int32_t>(r.mult), r.shift, r.zp, r.lo, r.hi};
  }
  template <typename F>
  void chunks(int rows, F f) {
    const int c = opt_.chunk_rows;
    for (int r0 = row_lo_; r0 < rows;) {
      const int left = rows - r0;
      const int n = !opt_.taper || left > 2 * c ? std::min(c, left) : std::max(1, std::min(c, (left + 1) / 2));
      f(r0, n);
      r0 += n;
    }
  }
  void load_linear(int li);
  int linear(int li, int src, int rows, const std::string& name, int bias_rows_from = -1);
  int attention(const IntMha& h, int q_src, int tq, int kv_src, int tk, bool causal, const std::string& name);
  int addnorm(int a, int act_a, int b, int act_b, int ln, int rows, const std::string& name);
  void schedule();
  void assign_memories();
  void allocate();
  // The scratch memory operand `slot` (0 = a, 1 = b, 2 = c) of task t reads tensor ti from.
  int role_mem(const Task& t, int slot, int ti) const;
};

int Builder::role_mem(const Task& t, int slot, int ti) const {
  const int w = tasks_[ts_[ti].writers.at(0)].unit;
  switch (t.in.op) {
    case isa::OP_LINEAR:
    case isa::OP_OUTPUT:
      return w == isa::UNIT_IO ? isa::SCR_X_IO : w == isa::UNIT_W ? isa::SCR_X_W : w == isa::UNIT_A ? isa::SCR_X_A : isa::SCR_X_N;
    case isa::OP_ATTN:
      if (w != isa::UNIT_W) throw Error("compiler: attention operands must come from the weight array (a bug)");
      return slot == 2 ? isa::SCR_V : isa::SCR_QK;
    case isa::OP_ADDNORM:
      if (slot == 0) {
        if (w != isa::UNIT_W && w != isa::UNIT_N) throw Error("compiler: residual operand a from an unexpected unit");
        return dual_mem(w);
      }
      if (w != isa::UNIT_W) throw Error("compiler: residual operand b must come from the weight array (a bug)");
      return isa::SCR_NB;
    default:
      throw Error("compiler: unexpected reader (a bug)");
  }
}

// Every tensor lives in the memory its readers read it from; a tensor read both as a linear's input and as
// a residual operand a (embeddings, LayerNorm outputs) lives in X_<writer> and, at the same address, in
// NA_<writer> (the DUAL flag of its writers).
void Builder::assign_memories() {
  for (size_t ti = 0; ti < ts_.size(); ++ti) {
    Tensor& t = ts_[ti];
    if (t.writers.empty()) continue;
    std::vector<int> mems;
    for (int r : t.readers) {
      const Task& rt = tasks_[r];
      const int slots[3] = {rt.ta, rt.tb, rt.tc};
      for (int sl = 0; sl < 3; ++sl)
        if (slots[sl] == static_cast<int>(ti)) {
          const int m = role_mem(rt, sl, static_cast<int>(ti));
          if (std::find(mems.begin(), mems.end(), m) == mems.end()) mems.push_back(m);
        }
    }
    const int w = tasks_[t.writers[0]].unit;
    if (w == isa::UNIT_IO) {
      t.mem = isa::SCR_X_IO;
      continue;
    }
    std::sort(mems.begin(), mems.end());
    if (mems.empty()) throw Error(fmt::format("compiler: tensor {} has no reader (a bug)", t.name));
    if (mems.size() == 1) {
      t.mem = mems[0];
    } else if (mems.size() == 2 && (w == isa::UNIT_W || w == isa::UNIT_N) && mems[1] == dual_mem(w) &&
               mems[0] == (w == isa::UNIT_W ? isa::SCR_X_W : isa::SCR_X_N)) {
      t.mem = mems[0];
      t.dual = true;
    } else {
      throw Error(fmt::format("compiler: tensor {} is read from {} memories the ISA cannot address (a bug)", t.name,
                              mems.size()));
    }
    for (int wt : t.writers)
      if (tasks_[wt].unit != w) throw Error(fmt::format("compiler: tensor {} has writers on two units (a bug)", t.name));
  }
}

// Weights (tiles of W_LANES outputs x beats of W_KPAR inputs, wb/2 words per beat), biases, rescale.
void Builder::load_linear(int li) {
  const IntLinear& l = m_.lin[li];
  const int wb = weight_mode_bits(l.bits), tiles = ceil_div(l.n_out, isa::W_LANES), beats = ceil_div(l.n_in, isa::W_KPAR);
  lin_wbase_[li] = static_cast<int>(img_.wmem.size());
  const int beat_bits = isa::W_LANES * isa::W_KPAR * wb;
  for (int t = 0; t < tiles; ++t)
    for (int k = 0; k < beats; ++k) {
      std::vector<WWord> words(wb / 2, WWord{});
      for (int lane = 0; lane < isa::W_LANES; ++lane)
        for (int j = 0; j < isa::W_KPAR; ++j) {
          const int o = t * isa::W_LANES + lane, i = k * isa::W_KPAR + j;
          if (o >= l.n_out || i >= l.n_in) continue;
          const unsigned code = static_cast<unsigned>(l.w[static_cast<size_t>(o) * l.n_in + i]) & ((1u << wb) - 1u);
          const int pos = (lane * isa::W_KPAR + j) * wb;
          for (int b = 0; b < wb; ++b)
            if ((code >> b) & 1u) {
              const int p = pos + b;
              words[p / isa::WMEM_WIDTH][(p % isa::WMEM_WIDTH) / 32] |= 1u << (p % 32);
            }
        }
      (void)beat_bits;
      img_.wmem.insert(img_.wmem.end(), words.begin(), words.end());
    }
  lin_bbase_[li] = static_cast<int>(img_.bmem.size());
  const std::vector<int32_t>& fb = e_.folded_bias(li);
  const bool emb = li == m_.l_enc_in || li == m_.l_dec_in;
  if (!emb) {
    img_.bmem.insert(img_.bmem.end(), fb.begin(), fb.begin() + l.n_out);
  } else {  // the rows this embedding uses: encoder positions 0..L-1, decoder L-label_len..L+H-1
    const int r0 = li == m_.l_enc_in ? 0 : m_.seq_len - m_.label_len;
    const int rows = li == m_.l_enc_in ? m_.seq_len : m_.label_len + m_.pred_len;
    img_.bmem.insert(img_.bmem.end(), fb.begin() + static_cast<size_t>(r0) * l.n_out,
                     fb.begin() + static_cast<size_t>(r0 + rows) * l.n_out);
  }
  lin_pbase_[li] = pblock(rs_words(e_.out_rescale(li)), isa::UNIT_W);
}

int Builder::linear(int li, int src, int rows, const std::string& name, int bias_rows_from) {
  const IntLinear& l = m_.lin[li];
  const int dst = tensor(name, rows, l.n_out);
  chunks(rows, [&](int r0, int n) {
    Task t;
    t.unit = isa::UNIT_W;
    t.in.op = isa::OP_LINEAR;
    t.in.flags = bias_rows_from >= 0 ? isa::FLAG_BIAS_ROWS : 0;
    t.in.brow0 = bias_rows_from >= 0 ? bias_rows_from : 0;
    t.in.rows = n;
    t.in.r0 = r0;
    t.in.n_in = l.n_in;
    t.in.n_out = l.n_out;
    t.in.wmode = wmode_of(weight_mode_bits(l.bits));
    t.in.wbase = lin_wbase_[li];
    t.in.bbase = lin_bbase_[li];
    t.in.pbase = lin_pbase_[li];
    t.ta = src;
    t.td = dst;
    t.ra = t.rd = r0;
    t.reads.push_back({src, r0, r0 + n});
    t.write = {dst, r0, r0 + n};
    t.note = fmt::format("{} rows {}..{}", l.name, r0, r0 + n - 1);
    add(std::move(t));
  });
  return dst;
}

int Builder::attention(const IntMha& h, int q_src, int tq, int kv_src, int tk, bool causal, const std::string& name) {
  const int d = m_.d_model, nh = m_.n_heads, dh = d / nh;
  const int q = linear(h.lq, q_src, tq, name + ".q");
  const int q_lo = row_lo_;
  row_lo_ = 0;  // every key and value row is needed
  const int k = linear(h.lk, kv_src, tk, name + ".k");
  const int v = linear(h.lv, kv_src, tk, name + ".v");
  row_lo_ = q_lo;
  const IntAct &aq = m_.acts[m_.lin[h.lq].out_act], &ak = m_.acts[m_.lin[h.lk].out_act],
               &av = m_.acts[m_.lin[h.lv].out_act], &ao = m_.acts[m_.lin[h.lo].in_act];
  RescaleParams score{1, 0, 0, -32768, 32767};
  set_pow2_shift(score, -(aq.exp + ak.exp + m_.attn_exp + m_.in_frac));
  const RescaleParams pv = act_rescale(ao.exp - (av.exp - policy::SM_PROB_BITS), ao, false);
  std::vector<int32_t> pw = rs_words(score);
  for (int32_t x : rs_words(pv)) pw.push_back(x);
  for (int32_t x : {int32_t{aq.zp}, int32_t{ak.zp}, int32_t{av.zp}, int32_t{m_.in_frac}}) pw.push_back(x);
  const int pbase = pblock(pw, isa::UNIT_A);
  const int o = tensor(name + ".o", tq, d);
  chunks(tq, [&](int r0, int n) {
    Task t;
    t.unit = isa::UNIT_A;
    t.in.op = isa::OP_ATTN;
    t.in.flags = causal ? isa::FLAG_CAUSAL : 0;
    t.in.rows = n;
    t.in.r0 = r0;
    t.in.n_in = tk;
    t.in.n_out = d;
    t.in.heads = nh;
    t.in.dh = dh;
    t.in.pbase = pbase;
    t.ta = q;
    t.tb = k;
    t.tc = v;
    t.td = o;
    t.ra = t.rd = r0;  // keys and values from row 0
    const int kh = causal ? std::min(tk, r0 + n) : tk;
    t.reads = {{q, r0, r0 + n}, {k, 0, kh}, {v, 0, kh}};
    t.write = {o, r0, r0 + n};
    t.note = fmt::format("{} attention rows {}..{}{}", name, r0, r0 + n - 1, causal ? " (causal)" : "");
    add(std::move(t));
  });
  return linear(h.lo, o, tq, name + ".out");
}

int Builder::addnorm(int a, int act_a, int b, int act_b, int ln, int rows, const std::string& name) {
  const IntAct &A = m_.acts[act_a], &B = m_.acts[act_b];
  const int er = std::max(std::min<int>(A.exp, B.exp), std::max<int>(A.exp, B.exp) - policy::RES_SHIFT_MAX);
  const IntLayerNorm& n = m_.ln[ln];
  const IntAct& o = m_.acts[m_.ln_out_act[ln]];
  const int eb = n.g_exp - policy::LN_Z_FRAC_BITS;
  int log2n = 0;
  while ((1 << log2n) < n.d) ++log2n;
  std::vector<int32_t> pw = {A.zp, er - A.exp, B.zp, er - B.exp, log2n, static_cast<int32_t>(n.eps)};
  for (int32_t x : rs_words(act_rescale(o.exp - eb, o, false))) pw.push_back(x);
  for (int j = 0; j < n.d; ++j) pw.push_back(n.gamma[j]);
  for (int j = 0; j < n.d; ++j) pw.push_back(static_cast<int32_t>(round_shift(n.beta[j], eb - n.beta_exp)));
  const int pbase = pblock(pw, isa::UNIT_N);
  const int dst = tensor(name, rows, n.d);
  chunks(rows, [&](int r0, int cnt) {
    Task t;
    t.unit = isa::UNIT_N;
    t.in.op = isa::OP_ADDNORM;
    t.in.rows = cnt;
    t.in.r0 = r0;
    t.in.n_out = n.d;
    t.in.pbase = pbase;
    t.ta = a;
    t.tb = b;
    t.td = dst;
    t.ra = t.rb = t.rd = r0;
    t.reads = {{a, r0, r0 + cnt}, {b, r0, r0 + cnt}};
    t.write = {dst, r0, r0 + cnt};
    t.note = fmt::format("{} rows {}..{}", name, r0, r0 + cnt - 1);
    add(std::move(t));
  });
  return dst;
}

// List scheduling: repeatedly issue, on some unit, the task with the earliest possible start among those
// whose producers are issued (ties: creation order). Waits are "unit u completed n instructions".
void Builder::schedule() {
  const CoreTiming tm = core_timing(b_);
  // Priority: the longest path (in cycles, each task timed alone) from the task to the end of the forecast.
  std::vector<int64_t> dur(tasks_.size()), prio(tasks_.size(), 0);
  std::vector<std::vector<int>> succ(tasks_.size());
  for (size_t i = 0; i < tasks_.size(); ++i) {
    UnitState fresh;
    dur[i] = exec_time(tasks_[i].in, 0, fresh, tm).second;
    for (int dpd : tasks_[i].deps) succ[dpd].push_back(static_cast<int>(i));
  }
  for (size_t i = tasks_.size(); i-- > 0;) {  // deps point backwards: creation order is topological
    int64_t m = 0;
    for (int sc : succ[i]) m = std::max(m, prio[sc]);
    prio[i] = dur[i] + m;
  }
  auto key_of = [&](int i) { return prio[i] + (tasks_[i].boost ? (int64_t{1} << 40) : 0); };
  UnitState st[isa::N_UNITS];
  std::vector<std::vector<int64_t>> comp(isa::N_UNITS);  // completion (monotone) of each seq
  std::vector<int> seqs(isa::N_UNITS, 0);
  std::vector<int> todo(tasks_.size());
  for (size_t i = 0; i < tasks_.size(); ++i) todo[i] = static_cast<int>(i);
  while (!todo.empty()) {
    // per unit: among tasks whose producers are issued, one that can start when the unit is free (highest
    // priority), else the earliest; then the unit whose choice starts first.
    int best = -1;
    int64_t best_start = 0;
    size_t best_pos = 0;
    for (int u = 0; u < isa::N_UNITS; ++u) {
      int cand = -1;
      int64_t cs = 0;
      size_t cpos = 0;
      for (size_t p = 0; p < todo.size(); ++p) {
        const Task& t = tasks_[todo[p]];
        if (t.unit != u) continue;
        int64_t s = issue_ok(st[u], tm);
        bool ready = true;
        for (int dpd : t.deps) {
          const Task& q = tasks_[dpd];
          if (q.seq < 0) {
            ready = false;
            break;
          }
          s = std::max(s, comp[q.unit][q.seq]);
        }
        if (!ready) continue;
        const int64_t ufree = issue_ok(st[u], tm);
        const int64_t key = std::max(s, ufree);
        const bool now = key <= ufree, cnow = cand >= 0 && cs <= ufree;
        bool better;
        if (cand < 0)
          better = true;
        else if (opt_.policy == 0)
          better = s < cs;  // earliest start, ties: program (creation) order
        else if (now != cnow)
          better = now;
        else if (now)
          better = key_of(todo[p]) > key_of(cand);
        else
          better = s < cs || (s == cs && key_of(todo[p]) > key_of(cand));
        if (better) {
          cand = todo[p];
          cs = s;
          cpos = p;
        }
      }
      const bool tie =
          cand >= 0 && best >= 0 && cs == best_start && (opt_.policy == 0 ? cand < best : key_of(cand) > key_of(best));
      if (cand >= 0 && (best < 0 || cs < best_start || tie)) {
        best = cand;
        best_start = cs;
        best_pos = cpos;
      }
    }
    Task& t = tasks_[best];
    t.seq = seqs[t.unit]++;
    t.start = best_start;
    std::tie(t.free, t.end) = exec_time(t.in, best_start, st[t.unit], tm);
    comp[t.unit].push_back(t.end);
    todo.erase(todo.begin() + static_cast<std::ptrdiff_t>(best_pos));
  }
}

// Scratchpad allocation over the scheduled lifetimes (first writer issued .. last reader complete), first fit
// at 16-byte alignment. The unit of allocation is a buffer: a whole tensor, or, for a tensor whose every
// reader reads exactly the rows one writer wrote (the row-wise chain O -> LN -> FFN -> LN), each writer's rows
// on their own, so that only the chunks in flight occupy the scratchpad. A buffer placed over an earlier
// one's bytes makes its writers wait for the earlier buffer's readers and writers.
void Builder::allocate() {
  struct Buf {
    int tensor, lo, hi;
    int64_t born = std::numeric_limits<int64_t>::max(), dies = 0;
    int base = -1;
    std::vector<int> writers, readers;
  };
  std::vector<Buf> bufs;
  auto uses = [&](const Task& t, int ti, std::vector<std::pair<int, int>>& out) {
    for (const Task::Use& u : t.reads)
      if (u.t == ti) out.push_back({u.lo, u.hi});
  };
  buf_of_.assign(ts_.size(), {});
  for (size_t ti = 0; ti < ts_.size(); ++ti) {
    const Tensor& t = ts_[ti];
    bool split = true;
    for (int w : t.writers) split = split && tasks_[w].write.t == static_cast<int>(ti);  // not INPUT's second output
    std::vector<std::pair<int, int>> wr;
    for (int w : t.writers) wr.push_back({tasks_[w].write.lo, tasks_[w].write.hi});
    for (int r : t.readers) {
      std::vector<std::pair<int, int>> rr;
      uses(tasks_[r], static_cast<int>(ti), rr);
      for (const auto& x : rr) split = split && std::find(wr.begin(), wr.end(), x) != wr.end();
    }
    if (split) {
      for (int w : t.writers) {
        Buf b;
        b.tensor = static_cast<int>(ti);
        b.lo = tasks_[w].write.lo;
        b.hi = tasks_[w].write.hi;
        b.writers.push_back(w);
        for (int r : t.readers) {
          std::vector<std::pair<int, int>> rr;
          uses(tasks_[r], static_cast<int>(ti), rr);
          for (const auto& x : rr)
            if (x.first == b.lo && x.second == b.hi) b.readers.push_back(r);
        }
        buf_of_[ti].push_back(static_cast<int>(bufs.size()));
        bufs.push_back(b);
      }
    } else {
      Buf b;
      b.tensor = static_cast<int>(ti);
      b.lo = 0;
      b.hi = t.rows;
      b.writers = t.writers;
      b.readers = t.readers;
      buf_of_[ti].push_back(static_cast<int>(bufs.size()));
      bufs.push_back(b);
    }
  }
  for (Buf& b : bufs) {
    for (int w : b.writers) {
      b.born = std::min(b.born, tasks_[w].start);
      b.dies = std::max(b.dies, tasks_[w].end);
    }
    for (int r : b.readers) b.dies = std::max(b.dies, tasks_[r].end);
  }
  auto size_of = [&](const Buf& b) { return (b.hi - b.lo) * ts_[b.tensor].width; };
  std::vector<int> order(bufs.size());
  for (size_t i = 0; i < bufs.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return bufs[x].born < bufs[y].born; });
  for (int bi : order) {  // live bytes when each buffer is born: a lower bound for any placement
    int64_t live = 0;
    for (const Buf& o : bufs)
      if (o.born <= bufs[bi].born && o.dies > bufs[bi].born) live += size_of(o);
    img_.amem_live = std::max<int64_t>(img_.amem_live, live);
  }
  auto targets = [&](const Buf& b) {
    const Tensor& t = ts_[b.tensor];
    std::vector<int> m{t.mem};
    if (t.dual) m.push_back(dual_mem(tasks_[t.writers.at(0)].unit));
    return m;
  };
  auto share = [&](const Buf& x, const Buf& y) {
    for (int a : targets(x))
      for (int b : targets(y))
        if (a == b) return true;
    return false;
  };
  std::vector<int> placed;
  for (int bi : order) {
    Buf& b = bufs[bi];
    const int size = size_of(b);
    std::vector<std::pair<int, int>> busy;  // live ranges in the buffer's memories
    for (int pi : placed)
      if (bufs[pi].dies > b.born && share(bufs[pi], b))
        busy.push_back({bufs[pi].base, bufs[pi].base + size_of(bufs[pi])});
    std::sort(busy.begin(), busy.end());
    int base = 0;
    for (const auto& x : busy) {
      if (base + size <= x.first) break;
      base = std::max(base, (x.second + 15) / 16 * 16);
    }
    for (int m : targets(b)) {
      if (base + size > isa::SCR_DEPTH[m])
        throw Error(
            fmt::format("model does not fit the scratchpad: {} rows {}..{} ({} bytes) needs bytes up to {} of "
                        "scratch memory {}, which has {} (spec/isa.toml)",
                        ts_[b.tensor].name, b.lo, b.hi - 1, size, base + size, isa::SCR_NAMES[m], isa::SCR_DEPTH[m]));
      img_.scratch_bytes[m] = std::max(img_.scratch_bytes[m], base + size);
    }
    b.base = base;
    for (int pi : placed) {
      const Buf& p = bufs[pi];
      if (share(p, b) && p.base < base + size && base < p.base + size_of(p)) {
        for (int w : b.writers) {
          for (int r : p.readers) tasks_[w].deps.push_back(r);
          for (int r : p.writers) tasks_[w].deps.push_back(r);
        }
      }
    }
    placed.push_back(bi);
  }
  img_.amem_bytes = 0;
  for (int m = 0; m < isa::N_SCRATCH; ++m) img_.amem_bytes += img_.scratch_bytes[m];
  buf_lo_.clear();
  buf_hi_.clear();
  buf_base_.clear();
  for (const Buf& b : bufs) {
    buf_lo_.push_back(b.lo);
    buf_hi_.push_back(b.hi);
    buf_base_.push_back(b.base);
  }
}

// Scratchpad address of row `row` of tensor ti (the buffer holding it).
int Builder::address(int ti, int row) const {
  for (int bi : buf_of_[ti])
    if (row >= buf_lo_[bi] && row < buf_hi_[bi]) return buf_base_[bi] + (row - buf_lo_[bi]) * ts_[ti].width;
  if (buf_of_[ti].size() == 1) return buf_base_[buf_of_[ti][0]] + row * ts_[ti].width;  // empty range at the end
  throw Error(fmt::format("compiler: row {} of {} is in no buffer (a bug)", row, ts_[ti].name));
}

// A build with rs_mult = 2 has saturating left shifters for the rescale multipliers (rtl/sf_shift_rescale.v
// OPT_MULT = 2): every rescale's mult (parameter words: INPUT/LINEAR/OUTPUT [0, 5), ATTN [0, 5) and [5, 10),
// ADDNORM [6, 11)) must be 2^k, k below the policy's multiplier width, and its shift 0 when k > 0.
void Builder::check_pow2_mults() const {
  for (int u = 0; u < isa::N_UNITS; ++u)
    for (const Instr& in : img_.stream(u)) {
      std::vector<int> at;
      if (in.op == isa::OP_INPUT || in.op == isa::OP_LINEAR || in.op == isa::OP_OUTPUT) at = {in.pbase};
      if (in.op == isa::OP_ATTN) at = {in.pbase, in.pbase + isa::RESCALE_WORDS};
      if (in.op == isa::OP_ADDNORM) at = {in.pbase + 6};
      for (int p : at) {
        const uint32_t mult = static_cast<uint32_t>(img_.pmem.at(p));
        const int32_t shift = img_.pmem.at(p + 1);
        if (mult == 0 || (mult & (mult - 1)) != 0 || mult >= (1u << policy::RS_MULT_BITS) || (mult > 1 && shift != 0))
          throw Error(fmt::format("model does not fit the {} build of the core: {} rescale multiplier {} (shift {}) "
                                  "at parameter word {} is not a power of two with shift 0 (the build's rescale "
                                  "lanes shift left instead of multiplying: spec/isa.toml [[build]] rs_mult = 2)",
                                  b_.name, isa::op_name(in.op), mult, shift, p));
      }
    }
}

CoreImage Builder::build() {
  const IntModel& m = m_;
  const int L = m.seq_len, H = m.pred_len, ll = m.label_len, S = ll + H, D = m.d_model;
  auto limit = [](bool ok, const std::string& what) {
    if (!ok) throw Error("model exceeds the core's synthesis-time maxima (spec/isa.toml): " + what);
  };
  limit(D <= isa::MAX_D_MODEL && (D & (D - 1)) == 0,
        fmt::format("d_model {} (power of two <= {})", D, isa::MAX_D_MODEL));
  limit(m.n_heads >= 1 && m.n_heads <= isa::MAX_HEADS && D % m.n_heads == 0, fmt::format("heads {}", m.n_heads));
  limit(D / m.n_heads == isa::A_DH && (m.n_heads * isa::A_DH) % isa::A_LANES == 0 &&
            (m.n_heads * isa::A_DH) % b_.a_lanes == 0,
        fmt::format("d_head {} with {} heads (the activation array takes heads of {} in groups of {} bytes)",
                    D / m.n_heads, m.n_heads, isa::A_DH, std::max(isa::A_LANES, b_.a_lanes)));
  limit(L <= isa::MAX_SEQ && S <= isa::MAX_SEQ && L <= isa::IBUF_DEPTH,
        fmt::format("L {} / S {} (<= {})", L, S, isa::MAX_SEQ));
  limit(H <= isa::MAX_PRED && H <= isa::OBUF_DEPTH && ll <= L, fmt::format("H {} / label_len {}", H, ll));
  for (const IntLinear& l : m.lin)
  {
    const bool head = static_cast<int>(&l - m.lin.data()) == m.l_out;
    const bool ok = l.n_in <= isa::MAX_D_FF && l.n_out <= isa::MAX_D_FF &&
                    (l.n_in == 1 || l.n_in % isa::W_KPAR == 0) && (l.n_out % isa::RS_W == 0 || (head && l.n_out == 1));
    limit(ok, fmt::format("linear {} {}x{} (widths <= {}, inputs 1 or a multiple of {}, outputs a multiple of {})",
                          l.name, l.n_in, l.n_out, isa::MAX_D_FF, isa::W_KPAR, isa::RS_W));
  }
  for (const IntLinear& l : m.lin)
    if (weight_mode_bits(l.bits) > b_.w_max)
      throw Error(fmt::format("model does not fit the {} build of the core: linear {} has {}-bit weights, the "
                              "build's weight array takes at most {} (spec/isa.toml [[build]] w_max)",
                              b_.name, l.name, weight_mode_bits(l.bits), b_.w_max));
  if (opt_.chunk_rows < 1 || opt_.chunk_rows > 255) throw Error("compile: chunk_rows must be 1..255");
  if (opt_.policy < 0 || opt_.policy > 1) throw Error("compile: policy must be 0 or 1");
  img_.seq_len = L;
  img_.pred_len = H;
  img_.label_len = ll;
  img_.d_model = D;

  lin_wbase_.assign(m.lin.size(), 0);
  lin_bbase_.assign(m.lin.size(), 0);
  lin_pbase_.assign(m.lin.size(), 0);
  for (size_t li = 0; li < m.lin.size(); ++li) load_linear(static_cast<int>(li));

  // INPUT
  const int xe = tensor("enc_input", L, 1), xd = tensor("dec_input", S, 1);
  {
    const IntAct& in = m.acts[m.act_in];
    Task t;
    t.unit = isa::UNIT_IO;
    t.in.op = isa::OP_INPUT;
    t.in.rows = L;
    t.in.n_in = ll;
    t.in.n_out = S;
    t.in.pbase = pblock(rs_words(act_rescale(in.exp + kRawFrac, in, false)), isa::UNIT_IO);
    t.td = xe;
    t.tb = xd;
    t.write = {xe, 0, L};
    t.note = "input: last, (raw - last) -> encoder and decoder inputs";
    const int id = add(std::move(t));
    ts_[xd].writers.push_back(id);  // the second output
  }
  // The decoder's first self-attention block depends on the decoder input only: it is created (and so
  // preferred on ties) first, so that the activation array starts while the encoder is being projected.
  int y = linear(m.l_dec_in, xd, S, "dec_emb", 0);
  int y_act = m.act_dec_emb;
  int dec0_a = -1;
  if (!m.dec.empty()) {
    const IntDecLayer& e = m.dec[0];
    if (opt_.prune && m.dec.size() == 1) row_lo_ = ll;
    const int t1 = attention(e.self, y, S, y, S, true, "dec0.self");
    for (Task& t : tasks_) t.boost = opt_.dec_first && t.in.op != isa::OP_INPUT;  // embedding .. attention
    dec0_a = addnorm(y, y_act, t1, m.lin[e.self.lo].out_act, e.ln1, S, "dec0.ln1");
    row_lo_ = 0;
  }
  int x = linear(m.l_enc_in, xe, L, "enc_emb", 0);
  int x_act = m.act_enc_emb;
  for (size_t i = 0; i < m.enc.size(); ++i) {
    const IntEncLayer& e = m.enc[i];
    const std::string p = fmt::format("enc{}", i);
    const int t1 = attention(e.attn, x, L, x, L, false, p + ".attn");
    const int a = addnorm(x, x_act, t1, m.lin[e.attn.lo].out_act, e.ln1, L, p + ".ln1");
    const int h = linear(e.ff1, a, L, p + ".ff1");
    const int t2 = linear(e.ff2, h, L, p + ".ff2");
    x = addnorm(a, m.ln_out_act[e.ln1], t2, m.lin[e.ff2].out_act, e.ln2, L, p + ".ln2");
    x_act = m.ln_out_act[e.ln2];
  }
  for (size_t i = 0; i < m.dec.size(); ++i) {
    const IntDecLayer& e = m.dec[i];
    const std::string p = fmt::format("dec{}", i);
    // Pruning: after the last decoder layer's self-attention keys and values, only the rows the output head
    // reads (label_len..S-1) reach the forecast; earlier query rows are dead and not computed.
    if (opt_.prune && i + 1 == m.dec.size()) row_lo_ = ll;
    const int a = i == 0 ? dec0_a
                         : addnorm(y, y_act, attention(e.self, y, S, y, S, true, p + ".self"), m.lin[e.self.lo].out_act,
                                   e.ln1, S, p + ".ln1");
    const int t3 = attention(e.cross, a, S, x, L, false, p + ".cross");
    const int b = addnorm(a, m.ln_out_act[e.ln1], t3, m.lin[e.cross.lo].out_act, e.ln2, S, p + ".ln2");
    const int h = linear(e.ff1, b, S, p + ".ff1");
    const int t2 = linear(e.ff2, h, S, p + ".ff2");
    y = addnorm(b, m.ln_out_act[e.ln2], t2, m.lin[e.ff2].out_act, e.ln3, S, p + ".ln3");
    y_act = m.ln_out_act[e.ln3];
  }
  {
    const int lo = m.l_out;
    const IntLinear& l = m.lin[lo];
    row_lo_ = 0;
    chunks(H, [&](int r0, int n) {
      Task t;
      t.unit = isa::UNIT_W;
      t.in.op = isa::OP_OUTPUT;
      t.in.rows = n;
      t.in.r0 = r0;
      t.in.n_in = l.n_in;
      t.in.n_out = l.n_out;
      t.in.wmode = wmode_of(weight_mode_bits(l.bits));
      t.in.wbase = lin_wbase_[lo];
      t.in.bbase = lin_bbase_[lo];
      t.in.pbase = lin_pbase_[lo];
      t.ta = y;
      t.ra = ll + r0;
      t.reads.push_back({y, ll + r0, ll + r0 + n});
      t.note = fmt::format("output head rows {}..{} (decoder rows {}..{})", r0, r0 + n - 1, ll + r0, ll + r0 + n - 1);
      add(std::move(t));
    });
  }
  auto mem_fits = [&](size_t n, int depth, const char* mem) {
    if (n > static_cast<size_t>(depth))
      throw Error(fmt::format("model does not fit the {} build's memories: {} needs {} words, has {} "
                              "(spec/isa.toml [[memory]], [[build]])",
                              b_.name, mem, n, depth));
  };
  mem_fits(img_.wmem.size(), b_.wmem_depth, "WMEM");
  mem_fits(img_.bmem.size(), b_.bmem_depth, "BMEM");
  mem_fits(img_.pmem.size(), b_.pmem_depth, "PMEM");

  assign_memories();
  schedule();
  allocate();

  // Addresses, waits, streams.
  std::vector<std::vector<int>> streams(isa::N_UNITS);
  for (size_t i = 0; i < tasks_.size(); ++i) streams[tasks_[i].unit].push_back(static_cast<int>(i));
  for (auto& s : streams)
    std::sort(s.begin(), s.end(), [&](int x1, int x2) { return tasks_[x1].seq < tasks_[x2].seq; });
  for (Task& t : tasks_) {
    auto addr = [&](int ti, int& f, int& stride, int row) {
      if (ti < 0) return;
      f = address(ti, row);
      stride = ts_[ti].width;
    };
    addr(t.ta, t.in.a, t.in.a_stride, t.ra);
    addr(t.tb, t.in.b, t.in.b_stride, t.rb);
    addr(t.tc, t.in.c, t.in.c_stride, t.rc);
    addr(t.td, t.in.d, t.in.d_stride, t.rd);
    if (t.ta >= 0) t.in.a_mem = role_mem(t, 0, t.ta);
    if (t.tb >= 0) t.in.b_mem = t.in.op == isa::OP_INPUT ? ts_[t.tb].mem : role_mem(t, 1, t.tb);
    if (t.td >= 0) {
      t.in.d_mem = ts_[t.td].mem;
      if (ts_[t.td].dual) t.in.flags |= isa::FLAG_DUAL;
    }
    t.in.wait.fill(0);
    for (int dpd : t.deps) {
      const Task& q = tasks_[dpd];
      t.in.wait[q.unit] = std::max(t.in.wait[q.unit], q.seq + 1);
    }
  }
  img_.prog.assign(isa::HEADER_WORDS, 0u);
  img_.build = b_.id;
  img_.prog[0] = static_cast<uint32_t>(isa::MAGIC) << 16 | static_cast<uint32_t>(b_.id) << 12 |
                 static_cast<uint32_t>(isa::VERSION);
  img_.prog[9] = static_cast<uint32_t>(L | H << 8 | ll << 16 | D << 24);
  for (int u = 0; u < isa::N_UNITS; ++u) {
    img_.prog[1 + 2 * u] = static_cast<uint32_t>(img_.prog.size());
    img_.prog[2 + 2 * u] = static_cast<uint32_t>(streams[u].size());
    for (int ti : streams[u]) {
      uint32_t w[isa::INSTR_WORDS];
      encode_instr(tasks_[ti].in, w);
      img_.prog.insert(img_.prog.end(), w, w + isa::INSTR_WORDS);
      img_.notes.push_back(tasks_[ti].note);
    }
    uint32_t w[isa::INSTR_WORDS];
    encode_instr(Instr{}, w);  // END
    img_.prog.insert(img_.prog.end(), w, w + isa::INSTR_WORDS);
  }
  img_.prog[10] = static_cast<uint32_t>(img_.amem_bytes);
  img_.chunk_rows = opt_.chunk_rows;
  img_.taper = opt_.taper ? 1 : 0;
  img_.policy = opt_.policy;
  img_.dec_first = opt_.dec_first ? 1 : 0;
  img_.prog[11] = static_cast<uint32_t>(img_.chunk_rows | img_.taper << 8 | img_.policy << 9 | img_.dec_first << 10);
  if (img_.prog.size() > static_cast<size_t>(b_.prog_depth))
    throw Error(
        fmt::format("program of {} words does not fit the {} build's PROG ({} words); compile with more rows per "
                    "instruction",
                    img_.prog.size(), b_.name, b_.prog_depth));
  if (b_.rs_mult == 2) check_pow2_mults();
  return img_;
}
}  // namespace

CoreImage compile_core(const IntEngine& e, const CompileOptions& opt) {
  if (opt.chunk_rows == 0) {  // search
    CoreImage best;
    int64_t best_cycles = -1;
    std::string last_error;
    for (int c : {2, 3, 4, 6, 8, 12, 16, 24})
      for (bool taper : {true, false})
        for (int policy : {0, 1, 2}) {
          CompileOptions o{c, taper, std::min(policy, 1), policy == 2, opt.prune, opt.build};
          try {
            CoreImage img = compile_core(e, o);
            const int64_t cyc = cycle_model(img).total;
            if (best_cycles < 0 || cyc < best_cycles) {
              best_cycles = cyc;
              best = std::move(img);
            }
          } catch (const Error& err) {
            const std::string msg = err.what();
            if (msg.find("does not fit") == std::string::npos) throw;  // only size failures are searched past
            last_error = msg;
          }
        }
    if (best_cycles < 0) throw Error(last_error);
    return best;
  }
  Builder b(e, opt);
  CoreImage img = b.build();
  const std::string bad = check_schedule(img, cycle_model(img));
  if (!bad.empty()) throw Error("compiler produced an unsafe schedule (a bug): " + bad);
  return img;
}

// ---- instruction-level simulator ------------------------------------------------------------------------
namespace {
struct Machine {
  const CoreImage& img;
  std::vector<std::vector<uint8_t>> scr;  // the scratch memories
  std::vector<int32_t> ibuf, obuf;
  int32_t last = 0;
  std::vector<ByteWrite>* log = nullptr;  // every byte written, in execution order
  int cur = -1;                            // the executing instruction (index into CycleReport::instrs order)
  std::map<std::tuple<int, int, int, int>, std::vector<int8_t>> wcache;  // decoded weights of each linear

  RescaleParams rs(int p) const {
    RescaleParams r;
    r.mult = static_cast<uint32_t>(img.pmem.at(p));
    r.shift = img.pmem.at(p + 1);
    r.zp = img.pmem.at(p + 2);
    r.lo = img.pmem.at(p + 3);
    r.hi = img.pmem.at(p + 4);
    return r;
  }
  uint8_t at(int mem, int64_t addr) {
    if (mem < 0 || mem >= isa::N_SCRATCH || addr < 0 || addr >= static_cast<int64_t>(scr[mem].size()))
      throw Error(fmt::format("simulate_core: scratch memory {} address {} out of range", mem, addr));
    return scr[mem][static_cast<size_t>(addr)];
  }
  void put(int mem, int64_t addr, int v, bool dual = false, int unit = 0) {
    at(mem, addr);
    scr[mem][static_cast<size_t>(addr)] = static_cast<uint8_t>(v);
    if (log) log->push_back({cur, mem, static_cast<int>(addr), static_cast<uint8_t>(v)});
    if (dual) put(dual_mem(unit), addr, v);
  }
  // Weight (o, i) of the linear at wbase, from the packed weight memory.
  int weight(const Instr& in, int o, int i) const {
    const int wb = 2 << in.wmode, beats = ceil_div(in.n_in, isa::W_KPAR);
    const int t = o / isa::W_LANES, lane = o % isa::W_LANES, k = i / isa::W_KPAR, j = i % isa::W_KPAR;
    const int64_t word0 = in.wbase + (int64_t{t} * beats + k) * (wb / 2);
    const int pos = (lane * isa::W_KPAR + j) * wb;
    unsigned code = 0;
    for (int b = 0; b < wb; ++b) {
      const int p = pos + b;
      const WWord& w = img.wmem.at(static_cast<size_t>(word0 + p / isa::WMEM_WIDTH));
      code |= ((w[(p % isa::WMEM_WIDTH) / 32] >> (p % 32)) & 1u) << b;
    }
    return code >= (1u << (wb - 1)) ? static_cast<int>(code) - (1 << wb) : static_cast<int>(code);
  }

  void exec(const Instr& in) {
    switch (in.op) {
      case isa::OP_INPUT: {
        const RescaleParams r = rs(in.pbase);
        const int L = in.rows, ll = in.n_in, S = in.n_out;
        last = ibuf.at(L - 1);
        for (int t = 0; t < L; ++t)
          put(in.d_mem, in.d + int64_t{t} * in.d_stride, shift_rescale(ibuf[t] - last, r));
        for (int t = 0; t < S; ++t)
          put(in.b_mem, in.b + int64_t{t} * in.b_stride, shift_rescale(t < ll ? ibuf.at(L - ll + t) - last : 0, r));
        break;
      }
      case isa::OP_LINEAR:
      case isa::OP_OUTPUT: {
        const RescaleParams rsp = rs(in.pbase);
        std::vector<int8_t>& w = wcache[{in.wbase, in.wmode, in.n_in, in.n_out}];
        if (w.empty()) {
          w.resize(static_cast<size_t>(in.n_out) * in.n_in);
          for (int o = 0; o < in.n_out; ++o)
            for (int i = 0; i < in.n_in; ++i)
              w[static_cast<size_t>(o) * in.n_in + i] = static_cast<int8_t>(weight(in, o, i));
        }
        std::vector<uint8_t> x(in.n_in);
        std::vector<int32_t> acc(in.n_out);
        for (int r = in.r0; r < in.r0 + in.rows; ++r) {
          const int64_t rr = r - in.r0;  // a and d point at row r0
          for (int i = 0; i < in.n_in; ++i) x[i] = at(in.a_mem, in.a + rr * in.a_stride + i);
          const int64_t brow = (in.flags & isa::FLAG_BIAS_ROWS) ? int64_t{in.brow0 + r} * in.n_out : 0;
          if (in.bbase + brow + in.n_out > static_cast<int64_t>(img.bmem.size()))
            throw Error("simulate_core: bias address out of range");
          qlinear(w.data(), x.data(), img.bmem.data() + in.bbase + brow, in.n_out, in.n_in, 2 << in.wmode, acc.data());
          if (in.op == isa::OP_OUTPUT) {
            obuf.at(r) = shift_rescale(acc[0], rsp) + last;
            if (log) log->push_back({cur, kObufMem, r, 0});
          } else {
            for (int o = 0; o < in.n_out; ++o)
              put(in.d_mem, in.d + rr * in.d_stride + o, shift_rescale(acc[o], rsp), in.flags & isa::FLAG_DUAL,
                  isa::UNIT_W);
          }
        }
        break;
      }
      case isa::OP_ATTN: {
        const RescaleParams score = rs(in.pbase), pv = rs(in.pbase + isa::RESCALE_WORDS);
        const int zq = img.pmem.at(in.pbase + 10), zk = img.pmem.at(in.pbase + 11), zv = img.pmem.at(in.pbase + 12);
        const int in_frac = img.pmem.at(in.pbase + 13);
        const int tk = in.n_in, dh = in.dh;
        std::vector<int32_t> s(tk);
        std::vector<uint8_t> keep(tk), p(tk), vcol(tk), qrow(dh), krow(dh);
        for (int hh = 0; hh < in.heads; ++hh)
          for (int i = in.r0; i < in.r0 + in.rows; ++i) {
            const int64_t ii = i - in.r0;  // a and d point at row r0, b and c at key row 0
            for (int c = 0; c < dh; ++c) qrow[c] = at(isa::SCR_QK, in.a + ii * in.a_stride + hh * dh + c);
            for (int j = 0; j < tk; ++j) {
              for (int c = 0; c < dh; ++c) krow[c] = at(isa::SCR_QK, in.b + int64_t{j} * in.b_stride + hh * dh + c);
              s[j] = shift_rescale(actmac(qrow.data(), zq, krow.data(), zk, dh), score);
              keep[j] = (!(in.flags & isa::FLAG_CAUSAL) || j <= i) ? 1 : 0;
            }
            softmax(s.data(), keep.data(), tk, in_frac, p.data());
            for (int c = 0; c < dh; ++c) {
              for (int j = 0; j < tk; ++j) vcol[j] = at(isa::SCR_V, in.c + int64_t{j} * in.c_stride + hh * dh + c);
              put(in.d_mem, in.d + ii * in.d_stride + hh * dh + c,
                  shift_rescale(actmac(p.data(), 0, vcol.data(), zv, tk), pv));
            }
          }
        break;
      }
      case isa::OP_ADDNORM: {
        const int n = in.n_out, pb = in.pbase;
        const int za = img.pmem.at(pb), sa = img.pmem.at(pb + 1), zb = img.pmem.at(pb + 2), sb = img.pmem.at(pb + 3);
        LayerNormParams lp;
        lp.log2n = img.pmem.at(pb + 4);
        lp.eps = static_cast<uint32_t>(img.pmem.at(pb + 5));
        lp.out = rs(pb + 6);
        const int32_t* gamma = &img.pmem.at(pb + isa::ADDNORM_FIXED_WORDS);
        const int32_t* beta = &img.pmem.at(pb + isa::ADDNORM_FIXED_WORDS + n);
        if (pb + isa::ADDNORM_FIXED_WORDS + 2 * n > static_cast<int>(img.pmem.size()))
          throw Error("simulate_core: parameter block out of range");
        std::vector<int32_t> xv(n), out(n);
        for (int64_t r = 0; r < in.rows; ++r) {  // a, b and d point at row r0
          for (int j = 0; j < n; ++j)
            xv[j] = residual_add(at(in.a_mem, in.a + r * in.a_stride + j), za, sa, at(in.b_mem, in.b + r * in.b_stride + j),
                                 zb, sb);
          layernorm(xv.data(), gamma, beta, lp, out.data());
          for (int j = 0; j < n; ++j)
            put(in.d_mem, in.d + r * in.d_stride + j, out[j], in.flags & isa::FLAG_DUAL, isa::UNIT_N);
        }
        break;
      }
      default:
        throw Error(fmt::format("simulate_core: opcode {} in a unit stream", in.op));
    }
  }
};
}  // namespace

namespace {
void run_machine(Machine& mc, const CoreImage& img, const int32_t* raw, int32_t* forecast,
                 const std::array<int, isa::N_UNITS>& unit_order) {
  for (auto& m : mc.scr) std::fill(m.begin(), m.end(), uint8_t{0});
  mc.last = 0;
  for (int t = 0; t < img.seq_len; ++t) {
    if (raw[t] < -32768 || raw[t] > 32767)
      throw Error(fmt::format("simulate_core: reading {} = {} does not fit the 16-bit input buffer", t, raw[t]));
    mc.ibuf[t] = raw[t];
  }
  std::vector<std::vector<Instr>> s(isa::N_UNITS);
  std::array<int, isa::N_UNITS> base{};
  for (int u = 0, n = 0; u < isa::N_UNITS; ++u) {
    s[u] = img.stream(u);
    base[u] = n;
    n += static_cast<int>(s[u].size());
  }
  std::array<size_t, isa::N_UNITS> done{};
  bool progress = true;
  while (progress) {
    progress = false;
    for (int u : unit_order)
      while (done[u] < s[u].size()) {
        const Instr& in = s[u][done[u]];
        bool ok = true;
        for (int v = 0; v < isa::N_UNITS; ++v) ok = ok && done[v] >= static_cast<size_t>(in.wait[v]);
        if (!ok) break;
        mc.cur = base[u] + static_cast<int>(done[u]);
        mc.exec(in);
        ++done[u];
        progress = true;
      }
  }
  for (int u = 0; u < isa::N_UNITS; ++u)
    if (done[u] != s[u].size())
      throw Error(fmt::format("simulate_core: deadlock: unit {} stuck at instruction {}", isa::UNIT_NAMES[u], done[u]));
  std::copy(mc.obuf.begin(), mc.obuf.end(), forecast);
}
Machine make_machine(const CoreImage& img) {
  Machine mc{img, {}, std::vector<int32_t>(img.seq_len), std::vector<int32_t>(img.pred_len)};
  for (int m = 0; m < isa::N_SCRATCH; ++m) mc.scr.emplace_back(static_cast<size_t>(isa::SCR_DEPTH[m]), uint8_t{0});
  return mc;
}
}  // namespace

void simulate_core(const CoreImage& img, const int32_t* raw, int32_t* forecast,
                   const std::array<int, isa::N_UNITS>& unit_order, std::vector<ByteWrite>* log) {
  Machine mc = make_machine(img);
  mc.log = log;
  run_machine(mc, img, raw, forecast, unit_order);
}

// ---- cycle model ----------------------------------------------------------------------------------------
CycleReport cycle_model(const CoreImage& img) {
  return cycle_model(img, core_timing(core_build(img)));
}

CycleReport cycle_model(const CoreImage& img, const CoreTiming& t) {
  CycleReport rep;
  std::vector<std::vector<Instr>> s(isa::N_UNITS);
  std::vector<std::vector<int64_t>> comp(isa::N_UNITS);
  std::vector<size_t> base(isa::N_UNITS);
  for (int u = 0; u < isa::N_UNITS; ++u) {
    s[u] = img.stream(u);
    base[u] = rep.instrs.size();
    for (size_t i = 0; i < s[u].size(); ++i) {
      InstrTime it;
      it.unit = u;
      it.seq = static_cast<int>(i);
      it.in = s[u][i];
      it.dense_macs = dense_macs(it.in);
      rep.instrs.push_back(it);
    }
  }
  UnitState st[isa::N_UNITS];
  bool progress = true;
  size_t left = rep.instrs.size();
  std::vector<Ev> ev;
  while (left > 0 && progress) {
    progress = false;
    for (int u = 0; u < isa::N_UNITS; ++u)
      while (comp[u].size() < s[u].size()) {
        const Instr& in = s[u][comp[u].size()];
        int64_t start = issue_ok(st[u], t);
        bool ok = true;
        for (int v = 0; v < isa::N_UNITS && ok; ++v) {
          if (in.wait[v] == 0) continue;
          if (comp[v].size() < static_cast<size_t>(in.wait[v]))
            ok = false;
          else
            start = std::max(start, comp[v][in.wait[v] - 1]);
        }
        if (!ok) break;
        const size_t idx = base[u] + comp[u].size();
        InstrTime& it = rep.instrs[idx];
        it.start = start;
        ev.clear();
        std::tie(it.free, it.end) = exec_time(in, start, st[u], t, &ev, &it.busy);
        for (const Ev& e : ev) rep.writes.push_back({e.cycle, e.mem, e.addr, e.nbytes, static_cast<int>(idx), 0});
        comp[u].push_back(it.end);
        --left;
        progress = true;
      }
  }
  if (left > 0) {
    for (int u = 0; u < isa::N_UNITS; ++u)
      if (comp[u].size() < s[u].size())
        throw Error(fmt::format("cycle model: deadlock: unit {} instruction {} waits for what never completes",
                                isa::UNIT_NAMES[u], comp[u].size()));
  }
  for (const InstrTime& it : rep.instrs) {
    rep.total = std::max(rep.total, it.end);
    rep.busy[it.unit] += it.busy;
    if (it.in.op == isa::OP_ATTN)
      rep.act_macs += it.dense_macs;
    else
      rep.weight_macs += it.dense_macs;
  }
  std::stable_sort(rep.writes.begin(), rep.writes.end(),
                   [](const TraceWrite& x, const TraceWrite& y) { return x.cycle < y.cycle; });
  return rep;
}

struct CoreTracer::Impl {
  const CoreImage& img;
  CycleReport timing;
  Machine mc;
  std::vector<ByteWrite> log;
  std::vector<std::vector<int>> events;        // per instruction: its writes (indices into timing.writes)
  std::vector<std::vector<int32_t>> stamp;     // per scratch memory and byte: the instruction that wrote it
  std::vector<std::vector<uint8_t>> val;
  explicit Impl(const CoreImage& i) : img(i), timing(cycle_model(i)), mc(make_machine(i)) {
    events.assign(timing.instrs.size(), {});
    for (size_t k = 0; k < timing.writes.size(); ++k) events[timing.writes[k].instr].push_back(static_cast<int>(k));
    for (int m = 0; m < isa::N_SCRATCH; ++m) {
      stamp.emplace_back(static_cast<size_t>(isa::SCR_DEPTH[m]), -1);
      val.emplace_back(static_cast<size_t>(isa::SCR_DEPTH[m]), uint8_t{0});
    }
    mc.log = &log;
  }
};
CoreTracer::CoreTracer(const CoreImage& img) : p_(std::make_unique<Impl>(img)) {}
CoreTracer::~CoreTracer() = default;
const CycleReport& CoreTracer::timing() const {
  return p_->timing;
}
void CoreTracer::run(const int32_t* raw, int32_t* forecast, std::vector<TraceWrite>& writes) {
  Impl& q = *p_;
  q.log.clear();
  run_machine(q.mc, q.img, raw, forecast, {0, 1, 2, 3});
  writes = q.timing.writes;
  for (auto& s : q.stamp) std::fill(s.begin(), s.end(), -1);
  // the log holds each instruction's writes contiguously (instructions execute atomically)
  size_t modeled = 0, logged = 0;
  for (size_t k = 0; k < q.log.size();) {
    const int ins = q.log[k].instr;
    size_t e = k;
    for (; e < q.log.size() && q.log[e].instr == ins; ++e) {
      const ByteWrite& b = q.log[e];
      if (b.mem == kObufMem) continue;
      q.stamp[b.mem][b.addr] = ins;
      q.val[b.mem][b.addr] = b.v;
      ++logged;
    }
    for (int wi : q.events[ins]) {
      TraceWrite& w = writes[wi];
      if (w.mem == kObufMem) {
        w.value = forecast[w.addr];
        continue;
      }
      w.value = 0;
      for (int b = 0; b < w.nbytes; ++b) {
        if (q.stamp[w.mem][w.addr + b] != ins)
          throw Error(fmt::format("core_trace: the cycle model writes {}:{} in instruction {}, the simulator does "
                                  "not (a bug)",
                                  isa::SCR_NAMES[w.mem], w.addr + b, ins));
        w.value |= int64_t{q.val[w.mem][w.addr + b]} << (8 * b);
      }
      modeled += static_cast<size_t>(w.nbytes);
    }
    k = e;
  }
  if (modeled != logged)
    throw Error(fmt::format("core_trace: the cycle model writes {} bytes, the simulator {} (a bug)", modeled, logged));
}

CycleReport core_trace(const CoreImage& img, const int32_t* raw, int32_t* forecast) {
  CoreTracer t(img);
  CycleReport rep = t.timing();
  t.run(raw, forecast, rep.writes);
  return rep;
}

std::string check_schedule(const CoreImage& img, const CycleReport& r) {
  // hb[i][u]: instructions of unit u guaranteed complete when instruction i issues (transitively through
  // waits and stream order). Computed in issue order.
  const size_t n = r.instrs.size();
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return r.instrs[a].start < r.instrs[b].start; });
  std::vector<size_t> base(isa::N_UNITS, 0);
  for (size_t i = n; i-- > 0;) base[r.instrs[i].unit] = i;
  std::vector<std::array<int, isa::N_UNITS>> hb(n);
  std::vector<bool> done(n, false);
  for (size_t i : order) {
    const InstrTime& it = r.instrs[i];
    std::array<int, isa::N_UNITS> h{};
    if (it.seq > 0) h = hb[i - 1];
    for (int v = 0; v < isa::N_UNITS; ++v) {
      const int w = it.in.wait[v];
      if (w == 0) continue;
      h[v] = std::max(h[v], w);
      const size_t j = base[v] + static_cast<size_t>(w - 1);
      if (!done[j])
        return fmt::format("{} #{} issues before its wait on {} #{} completes", isa::UNIT_NAMES[it.unit], it.seq,
                           isa::UNIT_NAMES[v], w - 1);
      for (int u = 0; u < isa::N_UNITS; ++u) h[u] = std::max(h[u], hb[j][u]);
    }
    hb[i] = h;
    done[i] = true;
  }
  std::vector<std::vector<Range>> rd(n), wr(n);
  for (size_t i = 0; i < n; ++i) footprint(r.instrs[i].in, rd[i], wr[i]);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j) {
      if (!(overlap(wr[i], rd[j]) || overlap(rd[i], wr[j]) || overlap(wr[i], wr[j]))) continue;
      const InstrTime &a = r.instrs[i], &b = r.instrs[j];
      const bool a_before_b = hb[j][a.unit] > a.seq, b_before_a = hb[i][b.unit] > b.seq;
      if (!a_before_b && !b_before_a)
        return fmt::format("{} #{} ({}) and {} #{} ({}) touch the same scratchpad bytes unordered",
                           isa::UNIT_NAMES[a.unit], a.seq, i < img.notes.size() ? img.notes[i] : "",
                           isa::UNIT_NAMES[b.unit], b.seq, j < img.notes.size() ? img.notes[j] : "");
    }
  return "";
}

std::string cycle_table(const CoreImage& img, const CycleReport& r, const CoreTiming& t, bool per_instr) {
  std::string s;
  if (per_instr) {
    s += "| unit | # | op | rows | start | end | what |\n|---|---:|---|---|---:|---:|---|\n";
    for (size_t i = 0; i < r.instrs.size(); ++i) {
      const InstrTime& it = r.instrs[i];
      s += fmt::format("| {} | {} | {} | {}..{} | {} | {} | {} |\n", isa::UNIT_NAMES[it.unit], it.seq,
                       isa::op_name(it.in.op), it.in.r0, it.in.r0 + it.in.rows - 1, it.start, it.end,
                       i < img.notes.size() ? img.notes[i] : "");
    }
    s += "\n";
  }
  s += fmt::format(
      "L {} H {} d_model {}, chunks of {} rows{}, policy {}{}: {} instructions, {} program words, WMEM {} x {} bit, "
      "BMEM {}, PMEM {} words, scratchpad {} bytes\n",
      img.seq_len, img.pred_len, img.d_model, img.chunk_rows, img.taper ? " (tapered)" : "", img.policy,
      img.dec_first ? " (decoder self-attention first)" : "", r.instrs.size(), img.prog.size(), img.wmem.size(),
      isa::WMEM_WIDTH, img.bmem.size(), img.pmem.size(), img.amem_bytes);
  s += fmt::format(
      "cycles per forecast {}; weight MACs {} -> utilization {:.1f} % of {} x {} lanes; activation MACs {} -> "
      "{:.1f} % of {} lanes\n",
      r.total, r.weight_macs, 100.0 * r.weight_util(t), t.w_lanes, t.w_kpar, r.act_macs, 100.0 * r.act_util(t),
      2 * t.a_lanes);
  s += "scratch memories (bytes used / depth):";
  for (int m = 0; m < isa::N_SCRATCH; ++m)
    s += fmt::format(" {} {}/{}", isa::SCR_NAMES[m], img.scratch_bytes[m], isa::SCR_DEPTH[m]);
  s += "\n";
  s += fmt::format("unit busy cycles: IO {}, W {} ({:.1f} %), A {} ({:.1f} %), N {} ({:.1f} %)\n", r.busy[0], r.busy[1],
                   100.0 * r.busy[1] / r.total, r.busy[2], 100.0 * r.busy[2] / r.total, r.busy[3],
                   100.0 * r.busy[3] / r.total);
  return s;
}

// ---- files ------------------------------------------------------------------------------------------------
namespace {
constexpr char kCoreMagic[8] = {'S', 'F', 'C', 'O', 'R', 'E', '\r', '\n'};
template <typename T>
void put(std::string& b, T v) {
  b.append(reinterpret_cast<const char*>(&v), sizeof v);
}
}  // namespace

void save_core_image(const std::string& path, const CoreImage& img) {
  std::string b(kCoreMagic, 8);
  put<uint32_t>(b, isa::VERSION);
  put<int32_t>(b, policy::POLICY_VERSION);
  for (int v : {img.seq_len, img.pred_len, img.label_len, img.d_model, img.amem_bytes}) put<int32_t>(b, v);
  for (size_t v : {img.prog.size(), img.wmem.size(), img.bmem.size(), img.pmem.size()})
    put<uint32_t>(b, static_cast<uint32_t>(v));
  for (uint32_t w : img.prog) put(b, w);
  for (const WWord& w : img.wmem)
    for (uint32_t x : w) put(b, x);
  for (int32_t w : img.bmem) put(b, w);
  for (int32_t w : img.pmem) put(b, w);
  put<uint32_t>(b, crc32_of(b));
  write_file_atomic(path, b);
}

CoreImage load_core_image(const std::string& path) {
  const std::string b = read_file(path);
  if (b.size() < 8 + 4 + 4 + 4 || std::memcmp(b.data(), kCoreMagic, 8) != 0)
    throw Error(fmt::format("{}: not a shiftformer core program/image file (bad magic)", path));
  size_t pos = 8;
  auto get = [&](auto& v, const char* what) {
    if (pos + sizeof v > b.size() - 4) throw Error(fmt::format("{}: truncated core image reading {}", path, what));
    std::memcpy(&v, b.data() + pos, sizeof v);
    pos += sizeof v;
  };
  uint32_t ver = 0;
  get(ver, "the version");
  if (ver != static_cast<uint32_t>(isa::VERSION))
    throw Error(
        fmt::format("{}: core program for ISA version {}, this build implements version {} (spec/isa.toml); "
                    "recompile it from the integer model",
                    path, ver, isa::VERSION));
  uint32_t stored = 0;
  std::memcpy(&stored, b.data() + b.size() - 4, 4);
  if (crc32_of(b.substr(0, b.size() - 4)) != stored)
    throw Error(fmt::format("{}: core program/image file is corrupt or truncated (CRC-32 mismatch)", path));
  int32_t pol = 0;
  get(pol, "the policy version");
  if (pol != policy::POLICY_VERSION)
    throw Error(fmt::format("{}: compiled under numeric policy version {}, this build implements {}", path, pol,
                            policy::POLICY_VERSION));
  CoreImage img;
  for (int* v : {&img.seq_len, &img.pred_len, &img.label_len, &img.d_model, &img.amem_bytes}) {
    int32_t x = 0;
    get(x, "the header");
    *v = x;
  }
  uint32_t np = 0, nw = 0, nb = 0, npm = 0;
  get(np, "sizes");
  get(nw, "sizes");
  get(nb, "sizes");
  get(npm, "sizes");
  // the build: header word 0 (the first word of PROG, after the sizes)
  if (np < static_cast<uint32_t>(isa::HEADER_WORDS) || pos + 4 > b.size() - 4)
    throw Error(fmt::format("{}: program shorter than its header", path));
  uint32_t w0 = 0;
  std::memcpy(&w0, b.data() + pos, 4);
  if ((w0 >> 16) != static_cast<uint32_t>(isa::MAGIC) || (w0 & 0xFFFu) != static_cast<uint32_t>(isa::VERSION))
    throw Error(fmt::format("{}: program header word 0 is {:#010x}, not MAGIC|build|VERSION {:#06x}|b|{}", path, w0,
                            isa::MAGIC, isa::VERSION));
  img.build = static_cast<int>(w0 >> 12 & 0xFu);
  if (!isa::build_by_id(img.build))
    throw Error(fmt::format("{}: program for build id {}, which is no build of spec/isa.toml [[build]]", path,
                            img.build));
  const isa::Build& bd = core_build(img);
  auto fits = [&](uint64_t n, int depth, const char* mem) {
    if (n > static_cast<uint64_t>(depth))
      throw Error(fmt::format("{}: {} image of {} words exceeds the {} build's {} words (spec/isa.toml)", path, mem, n,
                              bd.name, depth));
  };
  fits(np, bd.prog_depth, "PROG");
  fits(nw, bd.wmem_depth, "WMEM");
  fits(nb, bd.bmem_depth, "BMEM");
  fits(npm, bd.pmem_depth, "PMEM");
  int scratch_total = 0;
  for (int m = 0; m < isa::N_SCRATCH; ++m) scratch_total += isa::SCR_DEPTH[m];
  if (img.amem_bytes < 0 || img.amem_bytes > scratch_total)
    throw Error(fmt::format("{}: scratchpad use {} bytes exceeds this build's {}", path, img.amem_bytes, scratch_total));
  const uint64_t need = 4ull * (np + nw * (isa::WMEM_WIDTH / 32) + nb + npm);
  if (b.size() - 4 - pos != need)
    throw Error(fmt::format("{}: image sizes in the header ({} bytes) do not match the file ({} bytes)", path, need,
                            b.size() - 4 - pos));
  img.prog.resize(np);
  img.wmem.resize(nw);
  img.bmem.resize(nb);
  img.pmem.resize(npm);
  for (uint32_t& w : img.prog) get(w, "PROG");
  for (WWord& w : img.wmem)
    for (uint32_t& x : w) get(x, "WMEM");
  for (int32_t& w : img.bmem) get(w, "BMEM");
  for (int32_t& w : img.pmem) get(w, "PMEM");
  img.chunk_rows = static_cast<int>(img.prog[11] & 0xFFu);
  img.taper = static_cast<int>(img.prog[11] >> 8 & 1u);
  img.policy = static_cast<int>(img.prog[11] >> 9 & 1u);
  img.dec_first = static_cast<int>(img.prog[11] >> 10 & 1u);
  for (int u = 0; u < isa::N_UNITS; ++u) {
    const uint64_t start = img.prog[1 + 2 * u], count = img.prog[2 + 2 * u];
    if (start < static_cast<uint64_t>(isa::HEADER_WORDS) || start + (count + 1) * isa::INSTR_WORDS > np)
      throw Error(fmt::format("{}: stream of unit {} lies outside the program", path, isa::UNIT_NAMES[u]));
  }
  return img;
}

void write_core_hex(const CoreImage& img, const std::string& dir) {
  auto words32 = [](const auto& v, int depth) {
    std::string s;
    for (int i = 0; i < depth; ++i)
      s += fmt::format("{:08x}\n", i < static_cast<int>(v.size()) ? static_cast<uint32_t>(v[i]) : 0u);
    return s;
  };
  const isa::Build& bd = core_build(img);
  write_file_atomic(dir + "/sf_prog.hex", words32(img.prog, bd.prog_depth));
  write_file_atomic(dir + "/sf_bmem.hex", words32(img.bmem, bd.bmem_depth));
  write_file_atomic(dir + "/sf_pmem.hex", words32(img.pmem, bd.pmem_depth));
  std::string w;
  for (int i = 0; i < bd.wmem_depth; ++i) {
    const WWord z{};
    const WWord& x = i < static_cast<int>(img.wmem.size()) ? img.wmem[i] : z;
    for (int k = isa::WMEM_WIDTH / 32 - 1; k >= 0; --k) w += fmt::format("{:08x}", x[k]);
    w += "\n";
  }
  write_file_atomic(dir + "/sf_wmem.hex", w);
}

}  // namespace sf
