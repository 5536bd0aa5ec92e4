// Little binary serialization helpers shared by the checkpoint and the integer model file: length-prefixed
// strings and arrays, bounds-checked reads that name the file, the field and the offset.
#pragma once
#include <fmt/format.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "common.h"

namespace sf {

struct BinWriter {
  std::string buf;
  template <typename T>
  void pod(const T& v) { buf.append(reinterpret_cast<const char*>(&v), sizeof(T)); }
  void str(const std::string& s) {
    pod<uint64_t>(s.size());
    buf.append(s);
  }
  template <typename V>  // a vector of trivially copyable values
  void vec(const V& v) {
    pod<uint64_t>(v.size());
    buf.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(typename V::value_type));
  }
};

struct BinReader {
  const std::string& buf;
  const std::string& path;
  const char* kind;  // "checkpoint", "integer model file": named in truncation errors
  size_t pos = 0;
  size_t end = 0;
  void need(size_t n, const char* what) const {
    if (n > end - pos)
      throw Error(fmt::format("{}: truncated {}: needs {} more bytes for {} at offset {}", path, kind, n, what, pos));
  }
  template <typename T>
  T pod(const char* what) {
    need(sizeof(T), what);
    T v;
    std::memcpy(&v, buf.data() + pos, sizeof(T));
    pos += sizeof(T);
    return v;
  }
  std::string str(const char* what) {
    const uint64_t n = pod<uint64_t>(what);
    need(n, what);
    std::string s = buf.substr(pos, n);
    pos += n;
    return s;
  }
  // A length-prefixed array; its length must be `expect` unless expect is SIZE_MAX (then at most max).
  template <typename V>
  V vec(const char* what, size_t expect = SIZE_MAX, uint64_t max = uint64_t{1} << 26) {
    const uint64_t n = pod<uint64_t>(what);
    if (expect != SIZE_MAX && n != expect)
      throw Error(fmt::format("{}: {} has {} values, expected {}", path, what, n, expect));
    if (n > max) throw Error(fmt::format("{}: implausible length {} of {}", path, n, what));
    need(n * sizeof(typename V::value_type), what);
    V v(n);
    if (n > 0)  // an empty vector's data() may be null: memcpy(nullptr, ..., 0) is undefined (found by fuzzing)
      std::memcpy(v.data(), buf.data() + pos, n * sizeof(typename V::value_type));
    pos += n * sizeof(typename V::value_type);
    return v;
  }
};

}  // namespace sf
