// libFuzzer target: the integer model file (.sfint, model/intengine.*). Input: mode byte + file
// (fuzz_common.h). What load_int_model accepts must be runnable: the engine is built (load-time expansion)
// and runs windows of extreme readings (all minimum, all maximum, alternating).
#include <vector>

#include "fuzz_common.h"
#include "intengine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = sf::fuzz::write_temp(sf::fuzz::file_bytes(data, size), "sfint");
  try {
    const sf::IntModel m = sf::load_int_model(path);
    const sf::IntEngine e(m);
    std::vector<int32_t> raw(m.seq_len), out(m.pred_len);
    for (int pattern = 0; pattern < 3; ++pattern) {
      for (int t = 0; t < m.seq_len; ++t)
        raw[t] = pattern == 0 ? -32768 : pattern == 1 ? 32767 : (t & 1 ? 32767 : -32768);
      e.run(raw.data(), out.data());
    }
  } catch (const sf::Error& e) {
    sf::fuzz::check_message(e);
  }
  return 0;
}
