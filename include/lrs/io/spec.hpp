// SPDX-License-Identifier: MIT
// The spec language: schedules from spec strings in PyTorch call syntax, and the registry of
// names. One include for its three parts:
//   <lrs/io/spec/parser.hpp>    lrs::spec_error, the call tree (spec_call) and parse_spec
//   <lrs/io/spec/args.hpp>      spec_context, spec_param, spec_entry and spec_args (typed binding)
//   <lrs/io/spec/registry.hpp>  spec_registry
// The built-in names and parse_schedule are in <lrs/io/parse_schedule.hpp>.
#ifndef LRS_IO_SPEC_HPP
#define LRS_IO_SPEC_HPP

#include <lrs/io/spec/args.hpp>
#include <lrs/io/spec/parser.hpp>
#include <lrs/io/spec/registry.hpp>

#endif  // LRS_IO_SPEC_HPP
