// SPDX-License-Identifier: MIT
// Controller and recorder states in the lrs state format: reduce_lr_on_plateau (golden bytes,
// last_epoch INT64_MAX), autolrs and grad_norm_recorder; every truncation and bit flip.
#include <lrs/analysis/refinement.hpp>
#include <lrs/controllers/autolrs.hpp>
#include <lrs/controllers/reduce_lr_on_plateau.hpp>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "catch.hpp"
#include "support/errors.hpp"
#include "support/state_corruption.hpp"
#include "support/trainers.hpp"

namespace {

using lrs_test::check_every_corruption;
using lrs_test::message_of;
using lrs_test::quadratic_trainer;

using bytes_t = std::vector<unsigned char>;

bytes_t read_controller_golden(const std::string& name) {
  std::ifstream f(std::string(LRS_TEST_DATA_DIR) + "/state/" + name, std::ios::binary);
  REQUIRE(f.good());
  return bytes_t(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

lrs::reduce_lr_on_plateau<float> golden_plateau() {
  return lrs::reduce_lr_on_plateau<float>({0.1f, 0.2f}, lrs::plateau_mode::max, 0.5f, 3, 0.01f,
                                          lrs::threshold_mode::abs, 2, {0.001f, 0.0f}, 1e-8f);
}

// A plateau state with the golden controller's hyper-parameters and a hand-written payload.
bytes_t craft_plateau(std::int64_t bad_epochs, std::int64_t cooldown, std::int64_t last_epoch) {
  lrs::state_writer w("reduce_lr_on_plateau", lrs::state_scalar::f32);
  w.hyper("mode", "max").hyper("threshold_mode", "abs").hyper("factor", 0.5f);
  w.hyper("patience", 3).hyper("threshold", 0.01f).hyper("cooldown", 2).hyper("eps", 1e-8f);
  w.hyper("groups", 2).hyper("min_lr[0]", 0.001f).hyper("min_lr[1]", 0.0f);
  w.reals(std::vector<float>{0.05f, 0.1f}).f32(0.75f);
  w.i64(bad_epochs).i64(cooldown).i64(last_epoch);
  return w.finish();
}

}  // namespace

TEST_CASE("reduce_lr_on_plateau loads the golden state written by Python and writes it back",
          "[controller][plateau][state]") {
  const bytes_t golden = read_controller_golden("plateau.bin");
  auto p = golden_plateau();
  p.load_state(golden);
  CHECK(p.lrs() == std::vector<float>{0.05f, 0.1f});
  CHECK(p.state_values().best == 0.75f);
  CHECK(p.state_values().num_bad_epochs == 1);
  CHECK(p.state_values().cooldown_counter == 2);
  CHECK(p.state_values().last_epoch == 7);
  CHECK(p.state() == golden);
  CHECK(craft_plateau(1, 2, 7) == golden);  // the crafting helper writes the golden layout
}

TEST_CASE("reduce_lr_on_plateau: every corruption throws and changes nothing, ranges checked",
          "[controller][plateau][state][error]") {
  auto p = golden_plateau();
  for (float m : {1.0f, 0.5f, 0.5f, 0.5f, 0.5f, 2.0f}) p.observe(m);
  const bytes_t good = read_controller_golden("plateau.bin");
  check_every_corruption(p, good);

  const bytes_t before = p.state();
  constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
  CHECK(message_of<lrs::state_error>([&] { p.load_state(craft_plateau(1, 2, max)); }) ==
        "lrs::reduce_lr_on_plateau: load_state: field 'last_epoch' is 9223372036854775807 in "
        "the checkpoint; it must be in [0, 9223372036854775806]");
  CHECK(message_of<lrs::state_error>([&] { p.load_state(craft_plateau(4, 2, 7)); }) ==
        "lrs::reduce_lr_on_plateau: load_state: field 'num_bad_epochs' is 4 in the checkpoint; "
        "it must be in [0, 3]");
  CHECK(message_of<lrs::state_error>([&] { p.load_state(craft_plateau(1, -1, 7)); }) ==
        "lrs::reduce_lr_on_plateau: load_state: field 'cooldown_counter' is -1 in the "
        "checkpoint; it must be in [0, 2]");
  CHECK(p.state() == before);

  // The last countable epoch: one more observe() works, the next one says why it cannot.
  p.load_state(craft_plateau(1, 2, max - 1));
  p.observe(0.1f);
  CHECK(p.state_values().last_epoch == max);
  const bytes_t at_max = p.state();
  CHECK_THROWS_WITH(p.observe(0.1f),
                    "lrs::reduce_lr_on_plateau: last_epoch must be < 2^63 - 1 to count one more "
                    "epoch, got 9223372036854775807");
  CHECK(p.state() == at_max);
  // The struct form checks the same ranges.
  auto s = p.state_values();
  s.last_epoch = max;
  CHECK_THROWS_AS(p.load_state(s), lrs::invalid_argument);

  // Other hyper-parameters.
  lrs::reduce_lr_on_plateau<float> other({0.1f, 0.2f}, lrs::plateau_mode::min, 0.5f, 3, 0.01f,
                                         lrs::threshold_mode::abs, 2, {0.001f, 0.0f}, 1e-8f);
  CHECK(message_of<lrs::state_error>([&] { other.load_state(good); }) ==
        "lrs::reduce_lr_on_plateau: load_state: hyper-parameter 'mode' is 'max' in the "
        "checkpoint, 'min' here");
  lrs::reduce_lr_on_plateau<float> three({0.1f, 0.2f, 0.3f}, lrs::plateau_mode::max, 0.5f, 3, 0.01f,
                                         lrs::threshold_mode::abs, 2, {0.001f}, 1e-8f);
  CHECK(message_of<lrs::state_error>([&] { three.load_state(good); }) ==
        "lrs::reduce_lr_on_plateau: load_state: hyper-parameter 'groups' is 2 in the "
        "checkpoint, 3 here");
  lrs::reduce_lr_on_plateau<double> wide(0.1);
  CHECK(message_of<lrs::state_error>([&] { wide.load_state(good); }) ==
        "lrs::reduce_lr_on_plateau: load_state: checkpoint holds float values, this is "
        "reduce_lr_on_plateau with double values");
}

TEST_CASE("autolrs: state round trip, every corruption throws and changes nothing",
          "[controller][autolrs][state][error]") {
  const auto o = lrs_test::small_autolrs_options(7);
  quadratic_trainer tr;
  lrs::autolrs a(o);
  for (int i = 0; i < 6; ++i) a.step(tr);  // one finished stage, two candidates of the next
  const bytes_t good = a.state();
  lrs::autolrs b(o);
  b.load_state(good);
  CHECK(b.state() == good);
  CHECK(b.stage() == 1);
  CHECK(b.candidate() == 2);

  lrs::autolrs c(o);
  c.step(tr);
  check_every_corruption(c, good);

  lrs::autolrs_options other = o;
  other.acquisition_grid = 128;
  lrs::autolrs d(other);
  CHECK(message_of<lrs::state_error>([&] { d.load_state(good); }) ==
        "lrs::autolrs: load_state: hyper-parameter 'acquisition_grid' is 64 in the checkpoint, "
        "128 here");

  // The GP's target normalisation changes every later proposal, so it must match too.
  lrs::autolrs_options authors = o;
  authors.normalization = lrs::gp_normalization::mean;
  lrs::autolrs e(authors);
  const bytes_t e_before = e.state();
  CHECK(message_of<lrs::state_error>([&] { e.load_state(good); }) ==
        "lrs::autolrs: load_state: hyper-parameter 'normalization' is 'mean_and_scale' in the "
        "checkpoint, 'mean' here");
  CHECK(e.state() == e_before);
}

TEST_CASE("autolrs refuses crafted positions that would overflow or disagree",
          "[controller][autolrs][state][error]") {
  const auto o = lrs_test::small_autolrs_options(7);
  auto craft = [&](std::int64_t tau, std::int64_t kept, std::int64_t candidate,
                   std::size_t explored) {
    lrs::state_writer w("autolrs", lrs::state_scalar::f64);
    w.hyper("min_lr", o.min_lr).hyper("max_lr", o.max_lr).hyper("candidates", o.candidates);
    w.hyper("tau_max", o.tau_max).hyper("kappa", o.kappa);
    w.hyper("acquisition_grid", o.acquisition_grid).hyper("max_reasks", o.max_reasks);
    w.hyper("normalization", "mean_and_scale");
    w.i64(0).i64(candidate).i64(tau).i64(16).boolean(false).i64(kept).i64(kept);
    w.u64(1).u64(2).boolean(false).f64(0.0);
    const std::vector<double> v(explored, 0.5);
    w.reals(v).reals(v).reals(v).reals(v);
    w.u64(0);
    return w.finish();
  };
  lrs::autolrs a(o);
  a.load_state(craft(160, 0, 1, 1));  // the crafting itself is right
  CHECK(a.candidate() == 1);
  const bytes_t before = a.state();
  CHECK(message_of<lrs::state_error>(
            [&] { a.load_state(craft(std::numeric_limits<std::int64_t>::max(), 0, 1, 1)); }) ==
        "lrs::autolrs: load_state: field 'tau' is 9223372036854775807 in the checkpoint; it "
        "must be in [1, 9007199254740992]");
  CHECK(message_of<lrs::state_error>([&] {
          a.load_state(craft(160, std::int64_t(1) << 62, 1, 1));
        }).find("field 'kept_steps' is 4611686018427387904") != std::string::npos);
  CHECK(message_of<lrs::state_error>([&] { a.load_state(craft(160, 0, 2, 1)); }) ==
        "lrs::autolrs: load_state: candidate 2 is next, but the stage has 1 explored LRs, 1 "
        "forecasts and 1 observations");
  CHECK(message_of<lrs::state_error>([&] { a.load_state(craft(160, 0, 4, 4)); }) ==
        "lrs::autolrs: load_state: field 'candidate' is 4 in the checkpoint; it must be in "
        "[0, 3]");
  CHECK(a.state() == before);
}

TEST_CASE("grad_norm_recorder: state round trip, kind checked, every corruption throws",
          "[analysis][recorder][state][error]") {
  lrs::grad_norm_recorder r(lrs::grad_norm_kind::l1);
  for (double g : {3.0, 0.0, 1e-300, 2.5}) r.record(g);
  const bytes_t good = r.state();
  lrs::grad_norm_recorder back(lrs::grad_norm_kind::l1);
  back.load_state(good);
  CHECK(back.norms() == r.norms());
  CHECK(back.state() == good);

  lrs::grad_norm_recorder l2;
  CHECK(message_of<lrs::state_error>([&] { l2.load_state(good); }) ==
        "lrs::grad_norm_recorder: load_state: hyper-parameter 'norm' is 'l1' in the checkpoint, "
        "'l2' here");
  lrs::grad_norm_recorder other(lrs::grad_norm_kind::l1);
  other.record(7.0);
  check_every_corruption(other, good);

  lrs::state_writer w("grad_norm_recorder", lrs::state_scalar::f64);
  w.hyper("norm", "l1").reals(std::vector<double>{1.0, -2.0});
  CHECK(message_of<lrs::state_error>([&] { other.load_state(w.finish()); }) ==
        "lrs::grad_norm_recorder: load_state: field 'norms[1]' is -2 in the checkpoint; it must "
        "be finite and >= 0");
  CHECK(other.norms() == std::vector<double>{7.0});
}
