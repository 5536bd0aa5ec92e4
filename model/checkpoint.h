// Training checkpoints: magic, format version, the config, normalization, parameters, optimizer and
// random-generator state, training history, and a CRC-32 of everything before it. Written to a
// temporary name and renamed. A corrupt, truncated or wrong-version file fails with a clear message.
#pragma once
#include <cstdint>
#include <string>

#include "config.h"
#include "data.h"
#include "qmodel.h"
#include "train.h"

namespace sf {

constexpr char kCheckpointMagic[8] = {'S', 'F', 'C', 'K', 'P', 'T', '\r', '\n'};
constexpr uint32_t kCheckpointVersion = 1;

struct Checkpoint {
  Config config;
  Normalizer normalizer;
  TrainState state;
  bool quantized = false;  // a QAT/PTQ checkpoint: `quant` holds the quantization state of best_params
  QState quant;
};

void save_checkpoint(const std::string& path, const Checkpoint& ck);
Checkpoint load_checkpoint(const std::string& path);

// Writes `bytes` to path via path.tmp + rename (no partial file is ever left under `path`).
void write_file_atomic(const std::string& path, const std::string& bytes);
std::string read_file(const std::string& path);
uint32_t crc32_of(const std::string& bytes);

}  // namespace sf
