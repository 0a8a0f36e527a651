// SPDX-License-Identifier: MIT
// lrs::sgd / adam / adamw against trajectories recorded from torch.optim (tests/data/optim/).
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <lrs/optim.hpp>

#include "catch.hpp"
#include "support/golden_text.hpp"

namespace {

struct golden_step {
  double lr = 0, momentum = -1;
  std::vector<std::vector<double>> grads, expected;
};

struct golden_case {
  std::string name, kind, dtype;
  std::vector<double> options;
  std::vector<std::pair<double, double>> groups;  // lr_scale, weight_decay
  std::vector<std::pair<long, long>> tensors;     // size, group
  std::vector<std::vector<double>> init;
  std::vector<golden_step> steps;
};

std::vector<golden_case> load_optim_golden() {
  std::ifstream in(std::string(LRS_TEST_DATA_DIR) + "/optim/golden.txt");
  REQUIRE(in.good());
  std::vector<golden_case> cases;
  std::string word;
  while (in >> word) {
    REQUIRE(word == "case");
    golden_case c;
    in >> c.name >> c.kind >> c.dtype;
    c.options = lrs_test::read_values(in, c.kind == "sgd" ? 6 : 7);
    const lrs_test::optimizer_layout layout = lrs_test::read_optimizer_layout(in);
    c.groups = layout.groups;
    c.tensors = layout.tensors;
    c.init = lrs_test::read_per_tensor(in, c.tensors);
    long count = 0;
    in >> word >> count;
    REQUIRE(word == "steps");
    for (long s = 0; s < count; ++s) {
      golden_step st;
      in >> st.lr >> st.momentum;
      st.grads = lrs_test::read_per_tensor(in, c.tensors);
      st.expected = lrs_test::read_per_tensor(in, c.tensors);
      c.steps.push_back(std::move(st));
    }
    in >> word;
    REQUIRE(word == "end");
    REQUIRE(!in.fail());
    cases.push_back(std::move(c));
  }
  return cases;
}

template <class T, class Opt>
void replay(const golden_case& c, Opt& opt, double rel, double abs_floor, int& compared) {
  for (std::size_t g = 1; g < c.groups.size(); ++g) {
    // A negative weight decay in the data means "the optimizer's own".
    lrs::param_group<T> group{T(c.groups[g].first), std::nullopt, std::nullopt};
    if (c.groups[g].second >= 0) group.weight_decay = T(c.groups[g].second);
    opt.add_group(group);
  }
  std::vector<lrs::vector_t<T>> params, grads;
  for (std::size_t i = 0; i < c.tensors.size(); ++i) {
    params.push_back(
        Eigen::Map<const Eigen::VectorXd>(c.init[i].data(), c.tensors[i].first).template cast<T>());
    grads.emplace_back(c.tensors[i].first);
  }
  std::vector<lrs::param_tensor<T>> views;
  for (std::size_t i = 0; i < c.tensors.size(); ++i)
    views.emplace_back(params[i], grads[i], std::size_t(c.tensors[i].second));
  for (std::size_t s = 0; s < c.steps.size(); ++s) {
    const auto& st = c.steps[s];
    long double l2 = 0, l1 = 0;
    for (std::size_t i = 0; i < grads.size(); ++i) {
      for (Eigen::Index k = 0; k < grads[i].size(); ++k) {
        grads[i][k] = T(st.grads[i][std::size_t(k)]);
        l2 += (long double)grads[i][k] * grads[i][k];
        l1 += std::fabs((long double)grads[i][k]);
      }
    }
    if (st.momentum >= 0) opt.set_momentum(T(st.momentum));
    const auto info = opt.step(views, T(st.lr));
    CHECK_THAT(double(info.grad_l2), WithinRel(double(std::sqrt(l2)), rel));
    CHECK_THAT(double(info.grad_l1), WithinRel(double(l1), rel));
    for (std::size_t i = 0; i < params.size(); ++i) {
      for (Eigen::Index k = 0; k < params[i].size(); ++k) {
        const double want = st.expected[i][std::size_t(k)];
        const double got = double(params[i][k]);
        INFO(c.name << " step " << s << " tensor " << i << " index " << k);
        CHECK(std::fabs(got - want) <= rel * std::max(std::fabs(want), abs_floor));
        ++compared;
      }
    }
  }
}

template <class T>
void run_case(const golden_case& c, double rel, double abs_floor, int& compared) {
  const auto& o = c.options;
  if (c.kind == "sgd") {
    lrs::sgd_options<T> so;
    so.momentum = T(o[0]);
    so.dampening = T(o[1]);
    so.nesterov = o[2] != 0;
    so.weight_decay = T(o[3]);
    so.maximize = o[4] != 0;
    so.max_grad_norm = T(o[5]);
    lrs::sgd<T> opt(so);
    replay<T>(c, opt, rel, abs_floor, compared);
    return;
  }
  auto fill = [&](auto& ao) {
    ao.beta1 = T(o[0]);
    ao.beta2 = T(o[1]);
    ao.eps = T(o[2]);
    ao.weight_decay = T(o[3]);
    ao.amsgrad = o[4] != 0;
    ao.maximize = o[5] != 0;
    ao.max_grad_norm = T(o[6]);
  };
  if (c.kind == "adam") {
    lrs::adam_options<T> ao;
    fill(ao);
    lrs::adam<T> opt(ao);
    replay<T>(c, opt, rel, abs_floor, compared);
  } else {
    REQUIRE(c.kind == "adamw");
    lrs::adamw_options<T> ao;
    fill(ao);
    lrs::adamw<T> opt(ao);
    replay<T>(c, opt, rel, abs_floor, compared);
  }
}

}  // namespace

TEST_CASE("optimizers match torch.optim trajectories in double to 1e-12", "[optim][golden]") {
  int compared = 0, cases = 0;
  for (const auto& c : load_optim_golden()) {
    if (c.dtype != "float64") continue;
    run_case<double>(c, 1e-12, 0.0, compared);
    ++cases;
  }
  CHECK(cases == 11);
  CHECK(compared > 1000);
}

TEST_CASE("optimizers match torch.optim float32 trajectories to float tolerance",
          "[optim][golden]") {
  int compared = 0, cases = 0;
  for (const auto& c : load_optim_golden()) {
    if (c.dtype != "float32") continue;
    // A few float roundings per step, compounded over 6 steps; values near zero get an
    // absolute floor of 1e-6 * 1.
    run_case<float>(c, 2e-6, 1.0, compared);
    ++cases;
  }
  CHECK(cases == 11);
  CHECK(compared > 1000);
}
