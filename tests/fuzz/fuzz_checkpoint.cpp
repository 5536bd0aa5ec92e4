// libFuzzer target: the checkpoint loader (model/checkpoint.*). Input: mode byte + file (fuzz_common.h).
#include "checkpoint.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = sf::fuzz::write_temp(sf::fuzz::file_bytes(data, size), "ckpt");
  try {
    const sf::Checkpoint ck = sf::load_checkpoint(path);
    const sf::Transformer m(ck.config.model, ck.config.data.seq_len, ck.config.data.pred_len);
    if (ck.state.params.size() != m.num_params() || ck.state.best_params.size() != m.num_params())
      sf::fuzz::fail("parameter count differs from the config's model");
  } catch (const sf::Error& e) {
    sf::fuzz::check_message(e);
  }
  return 0;
}
