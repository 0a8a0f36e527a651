// SPDX-License-Identifier: MIT
// <lrs/lrs.hpp> is standard library only: this file is compiled with include/ as its only include
// path (no Eigen, no LBFGSpp; tests/CMakeLists.txt, test lrs_umbrella_std_only), and fails if the
// umbrella brings in Eigen, LBFGSpp or file streams.
#include <lrs/lrs.hpp>

#if defined(EIGEN_WORLD_VERSION) || defined(EIGEN_CORE_H)
#error "<lrs/lrs.hpp> includes Eigen; it must use the standard library only"
#endif
#if defined(LBFGSPP_LBFGSB_H) || defined(LBFGSPP_LBFGS_H)
#error "<lrs/lrs.hpp> includes LBFGSpp; it must use the standard library only"
#endif
#if defined(_GLIBCXX_FSTREAM) || defined(_LIBCPP_FSTREAM) || defined(_GLIBCXX_SSTREAM) || \
    defined(_LIBCPP_SSTREAM)
#error "<lrs/lrs.hpp> includes <fstream> or <sstream>; file and string I/O belongs in <lrs/io.hpp>"
#endif

// Everything the umbrella promises is usable.
int main() {
  const lrs::cosine_annealing_lr<double> cosine(0.1, 10);
  const lrs::any_schedule<double> erased(lrs::step_lr<double>(0.1, 3, 0.5));
  lrs::reduce_lr_on_plateau<double> plateau(0.1);
  plateau.observe(1.0);
  lrs::plateau_scaled<lrs::cosine_annealing_lr<double>> scaled_cosine(cosine);
  scaled_cosine.observe(1.0);
  return cosine(5) > 0.0 && erased(3) > 0.0 && plateau.lr() > 0.0 && scaled_cosine.lr(5) > 0.0 ? 0
                                                                                               : 1;
}
