// libFuzzer target: the core program/image loader (.sfcore, load_core_image of model/compiler.h). Input:
// mode byte + file (fuzz_common.h). What it accepts must decode: every unit's instruction stream.
#include "compiler.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = sf::fuzz::write_temp(sf::fuzz::file_bytes(data, size), "sfcore");
  try {
    const sf::CoreImage img = sf::load_core_image(path);
    for (int u = 0; u < sf::isa::N_UNITS; ++u) (void)img.stream(u);
  } catch (const sf::Error& e) {
    sf::fuzz::check_message(e);
  }
  return 0;
}
