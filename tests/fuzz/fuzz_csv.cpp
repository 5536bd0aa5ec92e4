// libFuzzer target: the ETT-format CSV loader (model/data.*): load_csv, then the split, the normalizer
// and the windows (make_dataset) on what it accepts.
#include <cmath>

#include "data.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path =
      sf::fuzz::write_temp(std::string(reinterpret_cast<const char*>(data), size), "csv");
  try {
    const sf::Series s = sf::load_csv(path, "OT");
    if (s.values.size() != s.minutes.size()) sf::fuzz::fail("values and timestamps differ in length");
    for (double v : s.values)
      if (!std::isfinite(v)) sf::fuzz::fail("a non-finite value was accepted");
    for (size_t i = 1; i < s.minutes.size(); ++i)
      if (s.minutes[i] <= s.minutes[i - 1]) sf::fuzz::fail("timestamps not increasing");
    const sf::Dataset d = sf::make_dataset(path, "OT", 4, 2);
    if (d.train.count() <= 0 || d.val.count() <= 0 || d.test.count() <= 0) sf::fuzz::fail("an empty split");
    if (!(d.normalizer.std > 0) || !std::isfinite(d.normalizer.mean)) sf::fuzz::fail("bad normalizer");
  } catch (const sf::Error& e) {
    sf::fuzz::check_message(e);
  }
  return 0;
}
