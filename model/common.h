// Shared types of the shiftformer C++ model library.
#pragma once
#include <Eigen/Dense>
#include <stdexcept>
#include <string>

namespace sf {

// Every user-facing failure (bad file, bad config, bad checkpoint) is an sf::Error whose message names
// what and where ("data/x.csv:17: column OT: not a number: 'abc'"). The CLI prints it on one line and
// exits non-zero.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Row-major float matrices: rows are time steps, columns are features (T, C).
using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vec = Eigen::Matrix<float, 1, Eigen::Dynamic, Eigen::RowMajor>;  // row vector (C)
using MatMap = Eigen::Map<Mat>;
using CMatMap = Eigen::Map<const Mat>;
using VecMap = Eigen::Map<Vec>;
using CVecMap = Eigen::Map<const Vec>;

}  // namespace sf
