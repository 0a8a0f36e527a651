// SPDX-License-Identifier: MIT
// Catch2 v2/v3 shim: tests include only this header.
#pragma once
#if __has_include(<catch2/catch_test_macros.hpp>)  // Catch2 v3
#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/generators/catch_generators_range.hpp>
#include <catch2/matchers/catch_matchers_exception.hpp>
#include <catch2/matchers/catch_matchers_floating_point.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#else  // Catch2 v2 (Debian 12)
#include <catch2/catch.hpp>
#endif
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
