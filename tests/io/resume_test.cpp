// SPDX-License-Identifier: MIT
// The resume matrix: for every stateful type, a 50-step run saved at step k (through a
// checkpoint), loaded into a freshly built object and continued ends bit-identical (memcmp) to
// the uninterrupted run, for every k = 0..49. LRS_TEST_REPORT=1 prints the matrix.
#include <lrs/analysis/refinement.hpp>
#include <lrs/controllers/autolrs.hpp>
#include <lrs/controllers/reduce_lr_on_plateau.hpp>
#include <lrs/io/checkpoint.hpp>
#include <lrs/optim.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "support/trainers.hpp"

namespace {

using bytes_t = std::vector<unsigned char>;
constexpr int run_resume_steps = 50;

bool same_bytes(const void* a, std::size_t na, const void* b, std::size_t nb) {
  return na == nb && (na == 0 || std::memcmp(a, b, na) == 0);
}

// Runs `make()` for 50 steps uninterrupted, then for each k: k steps, state saved in a
// checkpoint (with a copy of the world: the model, the trainer, the outputs so far), a fresh
// object built by make() restored from it, and the remaining steps. Returns one flag per k:
// true when the final state() and the world are bit-identical to the uninterrupted run.
template <class Make, class World, class Step>
std::vector<bool> resume_matrix(Make make, const World& world0, Step step) {
  auto straight = make();
  World w = world0;
  for (int t = 0; t < run_resume_steps; ++t) step(straight, w, t);
  const bytes_t expected = straight.state();
  const std::vector<double> expected_world = w.values();

  std::vector<bool> ok;
  for (int k = 0; k < run_resume_steps; ++k) {
    auto first = make();
    World wk = world0;
    for (int t = 0; t < k; ++t) step(first, wk, t);
    const bytes_t file = lrs::checkpoint().add("object", first).bytes();
    auto resumed = make();
    lrs::restore_all(lrs::checkpoint::from_bytes(file), {{"object", resumed}});
    for (int t = k; t < run_resume_steps; ++t) step(resumed, wk, t);
    const bytes_t got = resumed.state();
    const std::vector<double> got_world = wk.values();
    ok.push_back(same_bytes(got.data(), got.size(), expected.data(), expected.size()) &&
                 same_bytes(got_world.data(), got_world.size() * sizeof(double),
                            expected_world.data(), expected_world.size() * sizeof(double)));
  }
  return ok;
}

// Model parameters of an optimizer run: two tensors (plus an empty one).
template <class T>
struct model {
  lrs::vector_t<T> a = lrs::vector_t<T>::LinSpaced(37, T(-1), T(1));
  lrs::vector_t<T> b = lrs::vector_t<T>::LinSpaced(5, T(2), T(3));
  lrs::vector_t<T> empty = lrs::vector_t<T>(0);
  std::vector<double> values() const {
    std::vector<double> v;
    for (Eigen::Index i = 0; i < a.size(); ++i) v.push_back(double(a[i]));
    for (Eigen::Index i = 0; i < b.size(); ++i) v.push_back(double(b[i]));
    return v;
  }
};

// One optimizer step at step t: gradients of 0.35 p^2 + noise, cycled momentum, a decaying LR.
template <class Opt>
void optimizer_step(Opt& opt, model<typename Opt::scalar_type>& m, int t) {
  using T = typename Opt::scalar_type;
  lrs::vector_t<T> ga(m.a.size()), gb(m.b.size()), g0(0);
  for (Eigen::Index i = 0; i < ga.size(); ++i)
    ga[i] = m.a[i] * T(0.7) + T(std::sin(double(t * 13 + i)));
  for (Eigen::Index i = 0; i < gb.size(); ++i)
    gb[i] = m.b[i] * T(0.3) - T(std::cos(double(t * 7 + i)));
  opt.set_momentum(T(0.9) - T(0.05) * T(t % 3));
  std::vector<lrs::param_tensor<T>> ts{{m.a.data(), ga.data(), m.a.size()},
                                       {m.empty.data(), g0.data(), 0},
                                       {m.b.data(), gb.data(), m.b.size(), 1}};
  opt.step(ts, T(0.05) / T(1 + t));
}

template <class Opt, class Options>
std::vector<bool> optimizer_matrix(const Options& o) {
  using T = typename Opt::scalar_type;
  auto make = [o] {
    Opt opt(o);
    opt.add_group({T(0.5), T(0)});
    return opt;
  };
  return resume_matrix(make, model<T>{},
                       [](Opt& opt, model<T>& m, int t) { optimizer_step(opt, m, t); });
}

// The LRs a plateau controller returned so far.
struct outputs {
  std::vector<double> lrs;
  std::vector<double> values() const { return lrs; }
};

// The quadratic model with a rough training curve and a validation loss.
lrs_test::quadratic_trainer rough_trainer() {
  lrs_test::quadratic_trainer tr;
  tr.wobble = 1e-3;
  tr.validation = true;
  return tr;
}

struct nothing {
  std::vector<double> values() const { return {}; }
};

std::string row(const std::vector<bool>& ok) {
  std::string s;
  for (const bool b : ok) s.push_back(b ? '.' : 'X');
  return s;
}

}  // namespace

TEST_CASE("a run resumed from every step k of 50 ends bit-identical, for every stateful type",
          "[io][checkpoint][resume]") {
  std::vector<std::pair<std::string, std::vector<bool>>> matrix;

  lrs::sgd_options<double> so;
  so.momentum = 0.9;
  so.nesterov = true;
  so.weight_decay = 1e-3;
  matrix.emplace_back("sgd", optimizer_matrix<lrs::sgd<double>>(so));
  lrs::adam_options<double> ao;
  ao.weight_decay = 1e-2;
  matrix.emplace_back("adam", optimizer_matrix<lrs::adam<double>>(ao));
  lrs::adam_options<float> af;
  af.max_grad_norm = 0.5f;
  matrix.emplace_back("adam<float>", optimizer_matrix<lrs::adam<float>>(af));
  lrs::adamw_options<double> wo;
  wo.max_grad_norm = 0.5;
  matrix.emplace_back("adamw", optimizer_matrix<lrs::adamw<double>>(wo));
  lrs::adam_options<double> am;
  am.amsgrad = true;
  matrix.emplace_back("adam amsgrad", optimizer_matrix<lrs::adam<double>>(am));

  using plateau = lrs::reduce_lr_on_plateau<double>;
  matrix.emplace_back("reduce_lr_on_plateau",
                      resume_matrix(
                          [] {
                            return plateau({0.1, 0.2}, lrs::plateau_mode::min, 0.5, 2, 1e-4,
                                           lrs::threshold_mode::rel, 1, {1e-3});
                          },
                          outputs{},
                          [](plateau& p, outputs& o, int t) {
                            // Improving for 10 epochs, then noisy plateaus: reductions and
                            // cooldowns happen.
                            const double m =
                                t < 10 ? 1.0 / (1 + t) : 0.1 + 0.01 * std::sin(t * 1.7);
                            o.lrs.push_back(p.observe(m));
                            o.lrs.push_back(p.lrs()[1]);
                          }));

  const lrs::autolrs_options lo = lrs_test::small_autolrs_options(11);
  matrix.emplace_back("autolrs", resume_matrix([lo] { return lrs::autolrs(lo); }, rough_trainer(),
                                               [](lrs::autolrs& a, lrs_test::quadratic_trainer& tr,
                                                  int) { a.step(tr); }));

  matrix.emplace_back(
      "grad_norm_recorder",
      resume_matrix([] { return lrs::grad_norm_recorder(lrs::grad_norm_kind::l1); }, nothing{},
                    [](lrs::grad_norm_recorder& r, nothing&, int t) {
                      r.record(std::sqrt(double(t)) + std::fabs(std::sin(double(t))));
                    }));

  std::ostringstream table;
  table << "resume matrix (k = 0..49; '.' bit-identical, 'X' differs)\n";
  for (const auto& [name, ok] : matrix) {
    INFO(name << " " << row(ok));
    CHECK(row(ok) == std::string(run_resume_steps, '.'));
    table << name << std::string(22 - name.size(), ' ') << row(ok) << "\n";
  }
  if (std::getenv("LRS_TEST_REPORT") != nullptr) WARN(table.str());
}
