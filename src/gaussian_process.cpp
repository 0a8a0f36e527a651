// SPDX-License-Identifier: MIT
// lrs_compiled (the compiled mode, include/lrs/config.hpp): lrs::gaussian_process's
// marginal-likelihood search and conditioning, compiled once here.
#include <lrs/analysis/gaussian_process_impl.hpp>

namespace lrs {

template class basic_gaussian_process<void>;

}  // namespace lrs
