// SPDX-License-Identifier: MIT
// Compile-time configuration: language check, LRS_ASSERT and LRS_THROW.
#ifndef LRS_CONFIG_HPP
#define LRS_CONFIG_HPP

#if defined(_MSVC_LANG)
#define LRS_CPLUSPLUS _MSVC_LANG
#else
#define LRS_CPLUSPLUS __cplusplus
#endif
#if LRS_CPLUSPLUS < 201703L
#error "lrs requires C++17 or later"
#endif

/// Precondition check on hot paths (step >= 0, shapes). Define LRS_ASSERT before including lrs to
/// route it elsewhere; it compiles to nothing under NDEBUG.
#ifndef LRS_ASSERT
#include <cassert>
#define LRS_ASSERT(cond, msg) assert((cond) && (msg))
#endif

/// Throws `ex`, or aborts in builds without exceptions.
#ifndef LRS_THROW
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#define LRS_THROW(ex) throw ex
#else
#include <cstdlib>
#define LRS_THROW(ex) std::abort()
#endif
#endif

#endif  // LRS_CONFIG_HPP
