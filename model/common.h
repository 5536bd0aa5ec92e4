// Shared types of the shiftformer C++ model library.
#pragma once
#include <Eigen/Dense>
#include <stdexcept>
#include <string>
#include <vector>

namespace sf {

// Every user-facing failure (bad file, bad config, bad checkpoint) is an sf::Error whose message names
// what and where ("data/x.csv:17: column OT: not a number: 'abc'"). The CLI prints it on one line and
// exits non-zero.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Text from a file or the command line quoted in an Error: control characters escaped (\x0a), so that the
// message stays on one line (found by fuzzing: a TOML key or a name in a model file may hold a newline).
inline std::string printable(const std::string& s) {
  std::string o;
  for (char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f) {
      o += "\\x";
      o += "0123456789abcdef"[u >> 4];
      o += "0123456789abcdef"[u & 15];
    } else {
      o += ch;
    }
  }
  return o;
}

// Row-major float matrices: rows are time steps, columns are features (T, C).
using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vec = Eigen::Matrix<float, 1, Eigen::Dynamic, Eigen::RowMajor>;  // row vector (C)
using MatMap = Eigen::Map<Mat>;
using CMatMap = Eigen::Map<const Mat>;
using VecMap = Eigen::Map<Vec>;
using CVecMap = Eigen::Map<const Vec>;

// Parameter, gradient and optimizer vectors. Aligned to EIGEN_MAX_ALIGN_BYTES so that every run places the
// parameters at the same alignment: Eigen's vectorized loops peel differently on differently aligned data,
// which would change the summation order and break bit-exact determinism between runs.
using FloatVec = std::vector<float, Eigen::aligned_allocator<float>>;

}  // namespace sf
