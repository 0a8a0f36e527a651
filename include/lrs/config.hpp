// SPDX-License-Identifier: MIT
// Compile-time configuration: language check, LRS_ASSERT, LRS_THROW and the compiled mode.
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

/// The compiled mode. lrs is header-only by default. With LRS_COMPILED defined (the CMake target
/// lrs::lrs_compiled defines it for its users, CMake option LRS_BUILD_COMPILED), the spec registry
/// and parse_schedule, fit_annealing_law, fit_multi_power_law, optimize_schedule and the Gaussian
/// process are only declared by their headers and defined once, in the lrs_compiled library (src/),
/// so a translation unit that calls them does not compile them. A program is built in one mode:
/// every translation unit that includes lrs sees the same LRS_COMPILED.
///
/// Those functions are function templates of one defaulted parameter (`template <class = void>`;
/// the Gaussian process is basic_gaussian_process<>), called as plain functions. That is what
/// makes the header-only mode pay only for what a unit uses: a template is compiled where it is
/// called, so including <lrs/analysis.hpp> or <lrs/io.hpp> without fitting a law or parsing a spec
/// does not compile the fitters or the registry. In the compiled mode their headers declare them
/// `extern template` and lrs_compiled instantiates them.
///
/// LRS_DEFINITIONS is 1 where their definitions are compiled (header-only mode, and the library's
/// own sources, which define LRS_COMPILED_SOURCE), 0 in a user's unit in the compiled mode; a
/// definitions header (`*_impl.hpp`) stops with an error where it is 0.
#if defined(LRS_COMPILED) && !defined(LRS_COMPILED_SOURCE)
#define LRS_DEFINITIONS 0
#else
#define LRS_DEFINITIONS 1
#endif

#endif  // LRS_CONFIG_HPP
