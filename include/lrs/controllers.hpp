// SPDX-License-Identifier: MIT
// lrs controllers (umbrella header): stateful LR controllers fed by the training loop.
// reduce_lr_on_plateau and plateau_scaled use the standard library only (and are also in
// <lrs/lrs.hpp>); autolrs brings in its Gaussian process and loss forecaster from the analysis
// layer, lanczos_lr_controller Eigen.
#ifndef LRS_CONTROLLERS_HPP
#define LRS_CONTROLLERS_HPP

#include <lrs/controllers/autolrs.hpp>
#include <lrs/controllers/curvature_lr.hpp>
#include <lrs/controllers/plateau_scaled.hpp>
#include <lrs/controllers/reduce_lr_on_plateau.hpp>

#endif  // LRS_CONTROLLERS_HPP
