// SPDX-License-Identifier: MIT
// One name table per enum, read both ways; the names are the documented ones.
#include <optional>
#include <string>
#include <string_view>

#include <lrs/analysis/choose_schedule.hpp>
#include <lrs/analysis/scaling_law.hpp>
#include <lrs/controllers/reduce_lr_on_plateau.hpp>
#include <lrs/core/enum_names.hpp>
#include <lrs/schedules/budgeted.hpp>
#include <lrs/schedules/cyclic_lr.hpp>
#include <lrs/schedules/one_cycle_lr.hpp>
#include <lrs/schedules/profiles.hpp>

#include "catch.hpp"

namespace {
/// Every entry of E's table parses back to its value, and name_of gives the first name.
template <class E>
void check_round_trip() {
  for (const lrs::enum_name<E>& n : lrs::enum_names<E>::table) {
    INFO(n.name);
    const std::optional<E> parsed = lrs::parse_enum<E>(n.name);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == n.value);
    CHECK(lrs::parse_enum<E>(lrs::name_of(n.value)) == n.value);
  }
  CHECK_FALSE(lrs::parse_enum<E>("").has_value());
  CHECK_FALSE(lrs::parse_enum<E>("no such name").has_value());
}
}  // namespace

TEST_CASE("enum names: to_string keeps its outputs", "[core][enum]") {
  CHECK(lrs::to_string(lrs::warmup_shape::linear) == "linear");
  CHECK(lrs::to_string(lrs::warmup_shape::cosine) == "cosine");
  CHECK(lrs::to_string(lrs::warmup_shape::exponential) == "exponential");
  CHECK(lrs::to_string(lrs::past_end::hold) == "hold");
  CHECK(lrs::to_string(lrs::past_end::floor) == "floor");
  CHECK(lrs::to_string(lrs::past_end::cycle) == "cycle");
  CHECK(lrs::profiles::to_string(lrs::profiles::decay_shape::linear) == "linear");
  CHECK(lrs::profiles::to_string(lrs::profiles::decay_shape::cosine) == "cosine");
  CHECK(lrs::profiles::to_string(lrs::profiles::decay_shape::one_sqrt) == "1-sqrt");
  CHECK(lrs::profiles::to_string(lrs::profiles::decay_shape::one_square) == "1-square");
  CHECK(std::string(lrs::to_string(lrs::fit_status::converged)) == "converged");
  CHECK(std::string(lrs::to_string(lrs::fit_status::max_iterations)) == "max_iterations");
  CHECK(std::string(lrs::to_string(lrs::fit_status::line_search)) == "line_search");
  CHECK(std::string(lrs::to_string(lrs::fit_status::no_valid_start)) == "no_valid_start");
  CHECK(std::string(lrs::to_string(lrs::schedule_family::wsd_decay_fraction)) == "wsd");
  CHECK(std::string(lrs::to_string(lrs::schedule_family::cosine_floor)) == "cosine-floor");
  CHECK(std::string(lrs::to_string(lrs::schedule_family::rex_shape)) == "rex");
  CHECK(std::string(lrs::to_string(lrs::schedule_family::warmup_steps)) == "warmup");
}

TEST_CASE("enum names: PyTorch's spellings parse to the enumerators", "[core][enum]") {
  CHECK(lrs::parse_enum<lrs::cyclic_mode>("triangular2") == lrs::cyclic_mode::triangular2);
  CHECK(lrs::parse_enum<lrs::cyclic_mode>("exp_range") == lrs::cyclic_mode::exp_range);
  CHECK(lrs::parse_enum<lrs::cyclic_scale_mode>("iterations") ==
        lrs::cyclic_scale_mode::iterations);
  CHECK(lrs::parse_enum<lrs::anneal_strategy>("cos") == lrs::anneal_strategy::cos);
  CHECK(lrs::parse_enum<lrs::plateau_mode>("max") == lrs::plateau_mode::max);
  CHECK(lrs::parse_enum<lrs::threshold_mode>("abs") == lrs::threshold_mode::abs);
  CHECK(lrs::parse_enum<lrs::warmup_convention>("as_recorded") ==
        lrs::warmup_convention::as_recorded);
  // Names are exact: no case folding.
  CHECK_FALSE(lrs::parse_enum<lrs::plateau_mode>("Max").has_value());
}

TEST_CASE("enum names: aliases parse but are not listed", "[core][enum]") {
  using shape = lrs::profiles::decay_shape;
  CHECK(lrs::parse_enum<shape>("sqrt") == shape::one_sqrt);
  CHECK(lrs::parse_enum<shape>("one_sqrt") == shape::one_sqrt);
  CHECK(lrs::parse_enum<shape>("square") == shape::one_square);
  CHECK(lrs::parse_enum<shape>("one_square") == shape::one_square);
  CHECK(std::string_view(lrs::name_of(shape::one_sqrt)) == "1-sqrt");
  CHECK(lrs::enum_choices<shape>() == "linear, cosine, 1-sqrt or 1-square");
  CHECK(lrs::enum_choices<lrs::cyclic_mode>("'") == "'triangular', 'triangular2' or 'exp_range'");
  CHECK(lrs::enum_choices<lrs::plateau_mode>() == "min or max");
}

TEST_CASE("enum names: every table reads both ways", "[core][enum]") {
  check_round_trip<lrs::warmup_shape>();
  check_round_trip<lrs::past_end>();
  check_round_trip<lrs::profiles::decay_shape>();
  check_round_trip<lrs::cyclic_mode>();
  check_round_trip<lrs::cyclic_scale_mode>();
  check_round_trip<lrs::anneal_strategy>();
  check_round_trip<lrs::plateau_mode>();
  check_round_trip<lrs::threshold_mode>();
  check_round_trip<lrs::warmup_convention>();
  check_round_trip<lrs::fit_status>();
  check_round_trip<lrs::schedule_family>();
  static_assert(lrs::parse_enum<lrs::past_end>("floor") == lrs::past_end::floor);
  static_assert(std::string_view(lrs::name_of(lrs::cyclic_mode::exp_range)) == "exp_range");
}
