// SPDX-License-Identifier: MIT
// Basic value types shared by every lrs component.
#ifndef LRS_CORE_TYPES_HPP
#define LRS_CORE_TYPES_HPP

#include <cstdint>

#include <lrs/config.hpp>

namespace lrs {

/// Index of an optimizer update, 0-based: `s(t)` is the LR used by update t (PyTorch's
/// `get_last_lr()` after t calls of `scheduler.step()`). Signed on purpose, like `Eigen::Index`,
/// so that `t - warmup` cannot wrap; a negative step breaks every schedule's precondition.
using step_t = std::int64_t;

}  // namespace lrs

#endif  // LRS_CORE_TYPES_HPP
