// SPDX-License-Identifier: MIT
// The message of the exception a callable throws, for tests that check a whole message.
#pragma once

#include <string>
#include <utility>

#include <lrs/core/error.hpp>

namespace lrs_test {

/// What `message_of` returns when the callable throws nothing.
inline constexpr const char* no_error = "<no error>";

/// The `what()` of the `E` that `f()` throws, or `no_error` if it returns normally.
/// An exception of another type propagates, so the test fails on the wrong type too.
template <class E = lrs::invalid_argument, class F>
std::string message_of(F&& f) {
  try {
    std::forward<F>(f)();
  } catch (const E& e) {
    return e.what();
  }
  return no_error;
}

}  // namespace lrs_test
