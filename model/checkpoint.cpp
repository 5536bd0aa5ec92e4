#include "checkpoint.h"

#include "binio.h"

#include <fmt/format.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sf {

void write_file_atomic(const std::string& path, const std::string& bytes) {
  const std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(fmt::format("{}: cannot write: {}", tmp, std::strerror(errno)));
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) throw Error(fmt::format("{}: write failed: {}", tmp, std::strerror(errno)));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw Error(fmt::format("{}: cannot rename from {}: {}", path, tmp, std::strerror(errno)));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

uint32_t crc32_of(const std::string& bytes) {
  return static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

void save_checkpoint(const std::string& path, const Checkpoint& ck) {
  BinWriter w;
  w.buf.append(kCheckpointMagic, sizeof(kCheckpointMagic));
  w.pod<uint32_t>(kCheckpointVersion);
  w.str(to_toml(ck.config));
  w.pod<double>(ck.normalizer.mean);
  w.pod<double>(ck.normalizer.std);
  const TrainState& s = ck.state;
  w.vec(s.params);
  w.vec(s.best_params);
  w.vec(s.adam_m);
  w.vec(s.adam_v);
  w.pod<int64_t>(s.step);
  w.pod<int32_t>(s.epoch);
  w.pod<int64_t>(s.batch);
  w.pod<double>(s.epoch_loss);
  w.pod<int32_t>(s.best_epoch);
  w.pod<double>(s.best_val);
  w.pod<uint8_t>(s.finished ? 1 : 0);
  w.str(s.rng_state);
  w.pod<uint64_t>(s.history.size());
  for (const EpochLog& e : s.history) {
    w.pod<int32_t>(e.epoch);
    w.pod<double>(e.train_loss);
    w.pod<double>(e.val_mse);
    w.pod<double>(e.lr);
    w.pod<double>(e.seconds);
  }
  w.pod<uint8_t>(ck.quantized ? 1 : 0);
  if (ck.quantized) {
    const QState& q = ck.quant;
    w.str(q.spec.preset);
    w.pod<int32_t>(q.spec.bias_bits);
    w.pod<int32_t>(q.spec.ln_gamma_bits);
    w.pod<int32_t>(q.spec.ln_beta_bits);
    w.pod<int32_t>(q.spec.act_bits);
    w.pod<float>(q.spec.momentum);
    w.pod<int32_t>(q.attn_exp);
    w.pod<int32_t>(q.in_frac);
    w.pod<uint64_t>(q.obs.size());
    for (const Observer& o : q.obs) {
      w.pod<float>(o.lo);
      w.pod<float>(o.hi);
      w.pod<uint8_t>(o.init ? 1 : 0);
    }
  }
  const uint32_t crc = static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(w.buf.data()), static_cast<uInt>(w.buf.size())));
  w.pod<uint32_t>(crc);
  write_file_atomic(path, w.buf);
}

Checkpoint load_checkpoint(const std::string& path) {
  const std::string buf = read_file(path);
  if (buf.size() < sizeof(kCheckpointMagic) + 8 || std::memcmp(buf.data(), kCheckpointMagic, 8) != 0)
    throw Error(fmt::format("{}: not a shiftformer checkpoint (bad magic)", path));
  BinReader r{buf, path, "checkpoint", sizeof(kCheckpointMagic), buf.size() - 4};
  const uint32_t version = r.pod<uint32_t>("version");
  if (version != kCheckpointVersion)
    throw Error(fmt::format("{}: checkpoint format version {}, this build reads version {}; retrain with "
                            "'shiftformer train' or use a matching build",
                            path, version, kCheckpointVersion));
  uint32_t stored = 0;
  std::memcpy(&stored, buf.data() + buf.size() - 4, 4);
  const uint32_t crc =
      static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(buf.data()), static_cast<uInt>(buf.size() - 4)));
  if (crc != stored)
    throw Error(fmt::format("{}: checkpoint is corrupt or truncated (CRC-32 {:08x}, stored {:08x})", path, crc,
                            stored));
  Checkpoint ck;
  ck.config = parse_config(r.str("config"), path + " (embedded config)");
  ck.normalizer.mean = r.pod<double>("normalizer");
  ck.normalizer.std = r.pod<double>("normalizer");
  const Transformer m(ck.config.model, ck.config.data.seq_len, ck.config.data.pred_len);
  TrainState& s = ck.state;
  s.params = r.vec<FloatVec>("params", m.num_params());
  s.best_params = r.vec<FloatVec>("best_params", m.num_params());
  s.adam_m = r.vec<FloatVec>("adam_m", m.num_params());
  s.adam_v = r.vec<FloatVec>("adam_v", m.num_params());
  s.step = r.pod<int64_t>("step");
  s.epoch = r.pod<int32_t>("epoch");
  s.batch = r.pod<int64_t>("batch");
  s.epoch_loss = r.pod<double>("epoch_loss");
  s.best_epoch = r.pod<int32_t>("best_epoch");
  s.best_val = r.pod<double>("best_val");
  s.finished = r.pod<uint8_t>("finished") != 0;
  s.rng_state = r.str("rng_state");
  const uint64_t nh = r.pod<uint64_t>("history");
  if (nh > 1000000) throw Error(fmt::format("{}: implausible history length {}", path, nh));
  for (uint64_t i = 0; i < nh; ++i) {
    EpochLog e;
    e.epoch = r.pod<int32_t>("history");
    e.train_loss = r.pod<double>("history");
    e.val_mse = r.pod<double>("history");
    e.lr = r.pod<double>("history");
    e.seconds = r.pod<double>("history");
    s.history.push_back(e);
  }
  ck.quantized = r.pod<uint8_t>("quantized") != 0;
  if (ck.quantized) {
    QState& q = ck.quant;
    const std::string preset = r.str("quant preset");
    try {
      q.spec = make_quant_spec(preset);
    } catch (const Error& e) {
      throw Error(fmt::format("{}: {}", path, printable(e.what())));  // the preset string is from the file
    }
    q.spec.bias_bits = r.pod<int32_t>("quant spec");
    q.spec.ln_gamma_bits = r.pod<int32_t>("quant spec");
    q.spec.ln_beta_bits = r.pod<int32_t>("quant spec");
    q.spec.act_bits = r.pod<int32_t>("quant spec");
    q.spec.momentum = r.pod<float>("quant spec");
    q.attn_exp = r.pod<int32_t>("quant state");
    q.in_frac = r.pod<int32_t>("quant state");
    const uint64_t n = r.pod<uint64_t>("observers");
    if (n > 100000) throw Error(fmt::format("{}: implausible observer count {}", path, n));
    for (uint64_t i = 0; i < n; ++i) {
      Observer o;
      o.lo = r.pod<float>("observer");
      o.hi = r.pod<float>("observer");
      o.init = r.pod<uint8_t>("observer") != 0;
      q.obs.push_back(o);
    }
  }
  if (r.pos != r.end) throw Error(fmt::format("{}: {} unexpected trailing bytes", path, r.end - r.pos));
  return ck;
}

}  // namespace sf
