// libFuzzer target: the TOML config parser (model/config.*). parse_config on the input; what it accepts must
// survive to_toml -> parse_config unchanged. The input's last line is also tried as a --set override.
#include "config.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const sf::Config c = sf::parse_config(text, "fuzz.toml");
    const std::string t1 = sf::to_toml(c);
    const sf::Config c2 = sf::parse_config(t1, "round trip");
    if (sf::to_toml(c2) != t1) sf::fuzz::fail("to_toml/parse_config round trip changed the config");
  } catch (const sf::Error& e) {
    sf::fuzz::check_message(e);
  }
  try {
    sf::Config c;
    const size_t nl = text.find_last_of('\n');
    sf::apply_overrides(c, {nl == std::string::npos ? text : text.substr(nl + 1)});
    sf::validate(c, "fuzz");
  } catch (const sf::Error& e) {
    sf::fuzz::check_message(e);
  }
  return 0;
}
