// SPDX-License-Identifier: MIT
// lrs::parse_schedule and lrs::default_spec_registry: every built-in schedule by name. Their
// definitions are in parse_schedule_impl.hpp (in lrs_compiled in the compiled mode, config.hpp).
// They are function templates of one defaulted parameter, called as plain functions: a unit that
// includes this header without calling them does not compile the registry (config.hpp).
#ifndef LRS_IO_PARSE_SCHEDULE_HPP
#define LRS_IO_PARSE_SCHEDULE_HPP

#include <string_view>

#include <lrs/config.hpp>
#include <lrs/core/any_schedule.hpp>
#include <lrs/io/spec.hpp>

namespace lrs {

/// The registry of every built-in schedule name: PyTorch's, Hugging Face transformers', timm's,
/// optax's and Keras's names with their own parameter spelling and defaults (docs/porting.md),
/// the budget-native names and the combinators. Add your own names to it before parsing.
template <class = void>
spec_registry& default_spec_registry();

/// Builds a schedule from a spec string: a call as written in Python source, e.g.
///
///   SequentialLR(schedulers=[LinearLR(start_factor=0.1, total_iters=10),
///                            CosineAnnealingLR(T_max=90)], milestones=[10])
///   torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=100, last_epoch=-1)
///   optax.warmup_cosine_decay_schedule(0.0, 1e-3, 500, 10_000)  # a comment
///
/// A pasted call may carry its library's module path, the optimizer argument (PyTorch, Hugging
/// Face, timm), PyTorch's `last_epoch=-1` / `verbose`, dict literals, comments and a leading
/// `name =`; Python code (lambdas, `len(loader)`, expressions) is refused with the argument it is
/// in (docs/porting.md).
/// Numbers in any C/Python form (`1e-3`, `.5`, `10`, `1_000`, `0x1p-3`; every finite value strtod
/// reads, subnormal ones included; where a whole number is expected it is read from its text as an
/// integer, exactly at any size up to 2^63 - 1, so `9007199254740993` is not rounded to 2^53, and
/// past that range it is refused), `True`/`False`, quoted or bare strings, lists, nested
/// schedules (at most spec_max_depth = 256 nested lists and calls); positional arguments follow
/// the library's order (after the optimizer, which may be left out); an absent parameter takes the
/// default its registry entry lists (`lrs list`). `ctx.lr` is the optimizer's initial LR;
/// `ctx.steps` the budget of budget-native schedules.
/// @throws lrs::spec_error (an lrs::invalid_argument) naming the column and the problem: unknown
/// names (with a suggestion), missing or repeated parameters, wrong types, values out of range,
/// numbers that overflow, nesting too deep. Text from the spec is quoted escaped.
template <class = void>
[[nodiscard]] any_schedule<double> parse_schedule(std::string_view spec, const spec_context& ctx,
                                                  const spec_registry& registry);

/// parse_schedule(spec, ctx, default_spec_registry()).
template <class = void>
[[nodiscard]] any_schedule<double> parse_schedule(std::string_view spec,
                                                  const spec_context& ctx = {});

#if defined(LRS_COMPILED)
// Compiled once, in lrs_compiled (src/parse_schedule.cpp).
extern template spec_registry& default_spec_registry<>();
extern template any_schedule<double> parse_schedule<>(std::string_view, const spec_context&,
                                                      const spec_registry&);
extern template any_schedule<double> parse_schedule<>(std::string_view, const spec_context&);
#endif

}  // namespace lrs

#if LRS_DEFINITIONS
#include <lrs/io/parse_schedule_impl.hpp>
#endif

#endif  // LRS_IO_PARSE_SCHEDULE_HPP
