// SPDX-License-Identifier: MIT
// Spec-parser helpers: a context with a given LR, and the message a spec is refused with.
#pragma once

#include <string>

#include <lrs/io/parse_schedule.hpp>

#include "support/errors.hpp"

namespace lrs_test {

/// A spec context whose base LR is `lr` (and no default budget).
inline lrs::spec_context with_lr(double lr) {
  lrs::spec_context ctx;
  ctx.lr = lr;
  return ctx;
}

/// The message of the lrs::spec_error that parsing `spec` under `ctx` throws, or `no_error`.
inline std::string spec_error_of(const std::string& spec, const lrs::spec_context& ctx = {}) {
  return message_of<lrs::spec_error>([&] { (void)lrs::parse_schedule(spec, ctx); });
}

}  // namespace lrs_test
