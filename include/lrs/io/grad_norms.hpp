// SPDX-License-Identifier: MIT
// CSV files of per-step gradient norms (`step,grad_norm`) for lrs::grad_norm_recorder and
// lrs::refine.
#ifndef LRS_IO_GRAD_NORMS_HPP
#define LRS_IO_GRAD_NORMS_HPP

#include <cstddef>
#include <fstream>
#include <istream>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <lrs/analysis/refinement.hpp>
#include <lrs/config.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/types.hpp>
#include <lrs/io/csv.hpp>

namespace lrs {

/// Writes norms as CSV with header `step,grad_norm` and one row `t,norm` per step
/// (t = 0, 1, 2, ...; 17 significant digits: reads back exactly).
inline void write_grad_norms(std::ostream& os, const std::vector<double>& norms) {
  std::vector<step_t> steps(norms.size());
  for (std::size_t t = 0; t < steps.size(); ++t) steps[t] = static_cast<step_t>(t);
  write_step_series(os, "step", "grad_norm", steps, norms);
}

/// Reads a gradient-norm CSV with lrs::read_step_series; `source` names the input in
/// messages. Rules: a header with columns `step` and `grad_norm` (others are ignored); one row
/// per step with steps 0, 1, 2, ... in order; norms finite and >= 0; at least one row. Blank
/// lines, `#` comments and CRLF endings are accepted.
/// @throws lrs::csv_error `<source>:<line>: <what>` for the first bad line.
[[nodiscard]] inline std::vector<double> read_grad_norms(std::istream& is,
                                                         const std::string& source = "<stream>") {
  step_series s = read_step_series(is, "step", "grad_norm", source);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.steps[i] != static_cast<step_t>(i))
      s.fail(i, "step must be " + std::to_string(i) + ", got " + std::to_string(s.steps[i]));
    if (!(s.values[i] >= 0.0))
      s.fail(i, "grad_norm must be >= 0, got " + ::lrs::detail::format_value(s.values[i]));
  }
  return std::move(s.values);
}

/// Writes the recorder's norms as CSV (see write_grad_norms).
inline void save_grad_norms(std::ostream& os, const grad_norm_recorder& recorder) {
  write_grad_norms(os, recorder.norms());
}
/// @throws lrs::csv_error if the file cannot be written.
inline void save_grad_norms(const std::string& path, const grad_norm_recorder& recorder) {
  std::ofstream f(path, std::ios::binary);
  if (!f) LRS_THROW(csv_error(path, 0, "cannot open file for writing"));
  save_grad_norms(f, recorder);
  f.flush();
  if (!f) LRS_THROW(csv_error(path, 0, "write failed"));
}

/// Replaces the recorder's norms by those of a CSV (see read_grad_norms).
/// @throws lrs::csv_error `<source>:<line>: <what>` for the first bad line; the recorder is
///         then unchanged.
inline void load_grad_norms(std::istream& is, grad_norm_recorder& recorder,
                            const std::string& source = "<stream>") {
  recorder.assign(read_grad_norms(is, source));
}
/// @throws lrs::csv_error if the file cannot be read or is malformed; the recorder is then
///         unchanged.
inline void load_grad_norms(const std::string& path, grad_norm_recorder& recorder) {
  std::ifstream f(path, std::ios::binary);
  if (!f) LRS_THROW(csv_error(path, 0, "cannot open file"));
  load_grad_norms(f, recorder, path);
}

}  // namespace lrs

#endif  // LRS_IO_GRAD_NORMS_HPP
