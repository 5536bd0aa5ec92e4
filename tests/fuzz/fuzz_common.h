// Shared helpers of the libFuzzer targets (tests/fuzz/, issue 8).
//
// Every loader takes a path, so each target writes the input to one temporary file per process. The
// binary formats end in a CRC-32; to get past it, the first input byte selects the mode: odd = the
// target appends the correct CRC-32 of the rest (the fuzzer explores the parser behind the check),
// even = the rest is used as it is (the CRC check itself is exercised).
//
// Contract checked by every target: a loader either succeeds or throws sf::Error with a non-empty
// one-line message. Any other exception escapes to libFuzzer (reported as a crash), and so do ASan/UBSan
// findings, leaks (-detect_leaks=1) and hangs (-timeout).
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "checkpoint.h"  // crc32_of
#include "common.h"

namespace sf::fuzz {

inline std::string temp_path(const char* ext) {
  const char* dir = std::getenv("TMPDIR");
  static const std::string p = std::string(dir && *dir ? dir : "/tmp") + "/sf-fuzz-" + std::to_string(getpid()) +
                               "." + ext;
  static const bool registered = [] {
    std::atexit([] { std::remove(p.c_str()); });
    return true;
  }();
  (void)registered;
  return p;
}

inline std::string write_temp(const std::string& bytes, const char* ext) {
  const std::string p = temp_path(ext);
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "fuzz: cannot write %s\n", p.c_str());
    std::abort();
  }
  return p;
}

// The file contents for input (data, size): mode byte + body, the CRC-32 appended in the odd mode.
inline std::string file_bytes(const uint8_t* data, size_t size) {
  if (size == 0) return {};
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] & 1u) {
    const uint32_t crc = crc32_of(body);
    body.append(reinterpret_cast<const char*>(&crc), 4);
  }
  return body;
}

// A rejection must be one clear line.
inline void check_message(const sf::Error& e) {
  const std::string m = e.what();
  if (m.empty() || m.find('\n') != std::string::npos) {
    std::fprintf(stderr, "fuzz: sf::Error message is empty or not one line: '%s'\n", m.c_str());
    std::abort();
  }
}

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz: invariant violated: %s\n", what);
  std::abort();
}

}  // namespace sf::fuzz
