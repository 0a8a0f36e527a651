// SPDX-License-Identifier: MIT
// The definitions of <lrs/io/parse_schedule.hpp>: the registry of every built-in name and
// parse_schedule. Included by parse_schedule.hpp in header-only mode; compiled once into
// lrs_compiled in the compiled mode (config.hpp), where a user's unit must not include it.
#ifndef LRS_IO_PARSE_SCHEDULE_IMPL_HPP
#define LRS_IO_PARSE_SCHEDULE_IMPL_HPP

#include <string_view>

#include <lrs/config.hpp>
#include <lrs/core/any_schedule.hpp>
#include <lrs/core/error.hpp>
#include <lrs/io/parse_schedule.hpp>
#include <lrs/io/spec.hpp>
#include <lrs/io/spec_families/budgeted.hpp>
#include <lrs/io/spec_families/combinators.hpp>
#include <lrs/io/spec_families/hf.hpp>
#include <lrs/io/spec_families/keras.hpp>
#include <lrs/io/spec_families/optax.hpp>
#include <lrs/io/spec_families/pytorch.hpp>
#include <lrs/io/spec_families/timm.hpp>

#if !LRS_DEFINITIONS
#error "LRS_COMPILED: lrs_compiled defines this; include <lrs/io/parse_schedule.hpp>"
#endif

namespace lrs {

template <class>
spec_registry& default_spec_registry() {
  static spec_registry reg = [] {
    spec_registry r;
    // One line per library whose names it reads (spec_entry::ecosystem), then lrs's own.
    detail::register_pytorch_specs(r);
    detail::register_hf_specs(r);
    detail::register_timm_specs(r);
    detail::register_optax_specs(r);
    detail::register_keras_specs(r);
    detail::register_budgeted_specs(r);
    detail::register_combinator_specs(r);
    return r;
  }();
  return reg;
}

template <class>
any_schedule<double> parse_schedule(std::string_view spec, const spec_context& ctx,
                                    const spec_registry& registry) {
  detail::require_non_negative("parse_schedule", "lr", ctx.lr);
  if (ctx.steps) detail::require_positive("parse_schedule", "steps", *ctx.steps);
  return registry.build(parse_spec(spec), ctx);
}

template <class>
any_schedule<double> parse_schedule(std::string_view spec, const spec_context& ctx) {
  return parse_schedule(spec, ctx, default_spec_registry());
}

}  // namespace lrs

#endif  // LRS_IO_PARSE_SCHEDULE_IMPL_HPP
