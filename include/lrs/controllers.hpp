// SPDX-License-Identifier: MIT
// lrs controllers (umbrella header): stateful LR controllers fed by the training loop.
// reduce_lr_on_plateau uses the standard library only; autolrs brings in its Gaussian process and
// loss forecaster from the analysis layer.
#ifndef LRS_CONTROLLERS_HPP
#define LRS_CONTROLLERS_HPP

#include <lrs/controllers/autolrs.hpp>
#include <lrs/controllers/curvature_lr.hpp>
#include <lrs/controllers/plateau_scaled.hpp>
#include <lrs/controllers/reduce_lr_on_plateau.hpp>

#endif  // LRS_CONTROLLERS_HPP
