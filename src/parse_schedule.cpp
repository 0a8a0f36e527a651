// SPDX-License-Identifier: MIT
// lrs_compiled (the compiled mode, include/lrs/config.hpp): the spec registry of every built-in
// schedule name and parse_schedule, compiled once here instead of in every unit that parses a spec.
#include <lrs/io/parse_schedule_impl.hpp>

namespace lrs {

template spec_registry& default_spec_registry<>();
template any_schedule<double> parse_schedule<>(std::string_view, const spec_context&,
                                               const spec_registry&);
template any_schedule<double> parse_schedule<>(std::string_view, const spec_context&);

}  // namespace lrs
