// compiler.h: the exported integer model -> a program and memory images of the accelerator core (sf_core,
// issue 5), the instruction-level simulator of that program, and the cycle model.
//
// The instruction set, the memory map and the file format are specified once in spec/isa.toml
// (scripts/gen_isa.py -> build/generated/sf_isa.h, namespace sf::isa); docs/isa.md describes them.
//
//   compile_core(IntEngine)   -> CoreImage (program + WMEM/BMEM/PMEM images + scratchpad size)
//   simulate_core(image, raw) -> forecast, executing the program with the intref.h reference functions only
//   cycle_model(image)        -> per instruction the start and end cycle, from the program alone
//
// Dimension letters: L encoder length (seq_len), S = label_len + H decoder length, H pred_len, D d_model.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "intengine.h"
#include "sf_isa.h"

namespace sf {

// One instruction, decoded (field names as in spec/isa.toml).
struct Instr {
  int op = isa::OP_END, flags = 0, heads = 0, wmode = 0, rows = 0, r0 = 0;
  int a = 0, b = 0, c = 0, d = 0;  // scratchpad byte addresses of row r0 (ATTN b, c: key 0)
  int a_stride = 0, b_stride = 0, c_stride = 0, d_stride = 0;
  int n_in = 0, n_out = 0, brow0 = 0, dh = 0;
  int wbase = 0, bbase = 0, pbase = 0;
  int d_mem = 0, a_mem = 0, b_mem = 0;   // scratch memories ([[scratch]] ids) of d, a, b (ATTN c: V)
  std::array<int, isa::N_UNITS> wait{};  // wait[u] = n: unit u has completed n instructions
};
void encode_instr(const Instr& in, uint32_t* words);  // isa::INSTR_WORDS words; throws if a field overflows
Instr decode_instr(const uint32_t* words);

using WWord = std::array<uint32_t, isa::WMEM_WIDTH / 32>;  // one weight-memory word, element 0 = bits 31:0

// Program and memory images of one model, for one build of the core (spec/isa.toml [[build]]). prog holds
// the header (isa::HEADER_WORDS words: word 0 = MAGIC << 16 | build id << 12 | VERSION, words 1 + 2u, 2 + 2u = start word and instruction count of unit u's stream,
// word 9 = L | H << 8 | label_len << 16 | D << 24, word 10 = scratchpad bytes used, word 11 = chunk rows |
// taper << 8 | policy << 9 | dec_first << 10) and the streams.
struct CoreImage {
  std::vector<uint32_t> prog;
  std::vector<WWord> wmem;
  std::vector<int32_t> bmem, pmem;
  int amem_bytes = 0;     // scratchpad high-water mark, summed over the scratch memories
  int64_t amem_live = 0;  // most bytes live at once (compiler statistics, not in the file)
  std::array<int, isa::N_SCRATCH> scratch_bytes{};  // high-water mark per scratch memory (not in the file)
  int seq_len = 0, pred_len = 0, label_len = 0, d_model = 0;
  int chunk_rows = 0, taper = 0, policy = 0, dec_first = 0;  // compile options used (header word 11)
  int build = 0;                   // the build's id (isa::BUILDS; header word 0 bits 15..12)
  std::vector<std::string> notes;  // per instruction (stream order, unit by unit): what it computes
  // The instructions of unit u's stream (without its END), decoded.
  std::vector<Instr> stream(int u) const;
};

struct CompileOptions {
  // Rows per row-wise instruction (the pipelining granule between the units). 0: search (below).
  int chunk_rows = 0;
  // Taper: chunks of chunk_rows until at most 2 x chunk_rows rows are left, then halving (8, 8, 4, 2, 1, 1):
  // the last rows of a layer, which every later layer waits for, pass through the pipeline in small pieces.
  bool taper = true;
  // Instruction order per unit: 0 = earliest start first (ties: program order), 1 = longest remaining path.
  int policy = 0;
  // Policy 1 only: the decoder's first self-attention block (decoder embedding, Q/K/V, attention) goes first
  // on every unit, so that the activation array starts at once while the encoder is being projected.
  bool dec_first = false;
  // Dead rows: the last decoder layer computes its query side only for the rows the output head reads
  // (label_len..S-1); the forecast is the same (the other rows reach nothing).
  bool prune = true;
  // The build of the core the program is for (spec/isa.toml [[build]]: "full", "lite"): its memory depths,
  // weight widths and rescale multiplier bound what fits; the program header names it.
  std::string build = isa::BUILDS[0].name;
};
// The build named `name`; throws sf::Error listing the builds if there is none.
const isa::Build& core_build(const std::string& name);
// The build an image was compiled for (its header word 0); throws if the id is not a build.
const isa::Build& core_build(const CoreImage& img);
// Throws sf::Error naming the model limit (maxima of spec/isa.toml) or the build's memory or unit that the
// model does not fit.
// With chunk_rows 0, compiles chunk sizes 2..24, tapered or not, both policies (with and without dec_first),
// and keeps the program with
// the fewest cycles per forecast (cycle_model) that fits the program memory and the scratchpad.
CoreImage compile_core(const IntEngine& e, const CompileOptions& opt = {});

// Executes the program: each unit's stream in order, an instruction atomically once its waits are
// satisfied; the units are polled in the order of `unit_order` (a permutation of 0..N_UNITS-1), each
// running ahead as far as its waits allow, so different orders exercise different legal interleavings.
// raw: L readings in Q10.6 (must fit int16); forecast: H values in Q10.6.
struct ByteWrite {
  int instr, mem, addr;
  uint8_t v;
};
void simulate_core(const CoreImage& img, const int32_t* raw, int32_t* forecast,
                   const std::array<int, isa::N_UNITS>& unit_order = {0, 1, 2, 3},
                   std::vector<ByteWrite>* log = nullptr);

// ---- cycle model ----------------------------------------------------------------------------------------
// The engines' lane counts and cycle offsets (spec/isa.toml [core], [timing]; docs/core.md states every rule).
// The defaults are the default build's; core_timing() gives a build's (spec/isa.toml [[build]] may override
// a_lanes and ln_units).
struct CoreTiming {
  int w_lanes = isa::W_LANES, w_kpar = isa::W_KPAR, rs_w = isa::RS_W, a_lanes = isa::A_LANES;
  int ln_units = isa::LN_UNITS;
  int ctx = isa::CTX, min_gap = isa::MIN_GAP;
};
CoreTiming core_timing(const isa::Build& b);
struct InstrTime {
  int unit = 0, seq = 0;  // stream and position in it
  Instr in;
  int64_t start = 0;       // cycle the unit issues it (waits satisfied, previous instruction issued)
  int64_t free = 0;        // earliest cycle the unit may issue its next instruction
  int64_t end = 0;         // cycle the unit reports it complete (its last write was the cycle before)
  int64_t busy = 0;        // cycles its unit's main datapath is occupied by it
  int64_t dense_macs = 0;  // weight MACs (LINEAR/OUTPUT) or activation MACs (ATTN), dense
};
// One write into a scratch memory (or the forecast buffer, mem = kObufMem): `nbytes` bytes at byte address
// `addr` (the forecast: element addr), written at the end of `cycle`. value: the bytes, addr first in the
// low byte (the forecast: the int32). instr: index into CycleReport::instrs.
constexpr int kObufMem = 15;
struct TraceWrite {
  int64_t cycle = 0;
  int mem = 0, addr = 0, nbytes = 0, instr = 0;
  int64_t value = 0;
};
struct CycleReport {
  std::vector<InstrTime> instrs;  // unit by unit, stream order
  std::vector<TraceWrite> writes; // every write, in cycle order (values 0 unless from core_trace)
  int64_t total = 0;              // cycles per forecast: INPUT issued at cycle 0 -> last instruction complete
  int64_t weight_macs = 0, act_macs = 0;
  int64_t busy[isa::N_UNITS] = {};  // cycles each unit's main datapath is occupied
  double weight_util(const CoreTiming& t) const {
    return static_cast<double>(weight_macs) / (static_cast<double>(t.w_lanes) * t.w_kpar * total);
  }
  double act_util(const CoreTiming& t) const {
    return static_cast<double>(act_macs) / (2.0 * t.a_lanes * total);  // Q.K and P.V lanes run side by side
  }
};
// From the program alone, with the timing of the build the image was compiled for (core_timing). Throws on a
// deadlock (waits that can never be satisfied).
CycleReport cycle_model(const CoreImage& img);
CycleReport cycle_model(const CoreImage& img, const CoreTiming& t);
// The cycle model's write trace with the values of one window: every scratch-memory and forecast write
// (cycle, memory, address, bytes) the RTL core must perform, in cycle order; the forecast as well.
CycleReport core_trace(const CoreImage& img, const int32_t* raw, int32_t* forecast);
// The same for many windows: the timing once, the values per window (decoded weights kept).
class CoreTracer {
 public:
  explicit CoreTracer(const CoreImage& img);
  ~CoreTracer();
  const CycleReport& timing() const;
  void run(const int32_t* raw, int32_t* forecast, std::vector<TraceWrite>& writes);

 private:
  struct Impl;
  std::unique_ptr<Impl> p_;
};
// Verifies the timed schedule is race-free: any two instructions whose scratchpad footprints conflict
// (write/read, read/write, write/write) must not overlap in time and must keep their stream order
// semantics (the earlier-compiled one ends before the other starts). Returns "" or the first violation.
std::string check_schedule(const CoreImage& img, const CycleReport& r);
// A Markdown table: one line per instruction (unit, seq, op, rows, start, end, note) and the summary.
std::string cycle_table(const CoreImage& img, const CycleReport& r, const CoreTiming& t = {}, bool per_instr = true);

// ---- files ------------------------------------------------------------------------------------------
// Binary program/image file (.sfcore): magic "SFCORE\r\n", ISA version, numeric policy version, the
// shape, the image sizes, PROG, WMEM, BMEM, PMEM, CRC-32 of everything before it. Written to a temporary
// name and renamed. load_core_image refuses a wrong magic, version, policy, CRC, or sizes beyond the
// build's memories with one message naming the file and the problem.
void save_core_image(const std::string& path, const CoreImage& img);
CoreImage load_core_image(const std::string& path);
// $readmemh images into dir: sf_prog.hex (32-bit words), sf_wmem.hex (WMEM_WIDTH-bit words, most
// significant digit first), sf_bmem.hex, sf_pmem.hex (32-bit two's complement), each padded to its depth.
void write_core_hex(const CoreImage& img, const std::string& dir);

}  // namespace sf
