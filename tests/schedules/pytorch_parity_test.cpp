// SPDX-License-Identifier: MIT
// Every PyTorch schedule against golden values printed by torch.optim.lr_scheduler
// (tests/data/pytorch/golden.txt, made by tests/data/pytorch/generate.py).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <lrs/io/parse_schedule.hpp>
#include <lrs/lrs.hpp>

#include "catch.hpp"

namespace {

using params_t = std::map<std::string, std::string>;

struct config {
  std::string name, kind, check;
  lrs::step_t steps = 0;
  params_t params;
  std::vector<double> base_lrs, metrics;
  std::vector<std::vector<double>> lr, momentum, intent;
};

std::vector<double> read_values(std::istringstream& in) {
  std::vector<double> out;
  for (std::string tok; in >> tok;) out.push_back(std::stod(tok));
  return out;
}

std::vector<config> load_golden() {
  std::ifstream file(LRS_TEST_DATA_DIR "/pytorch/golden.txt");
  if (!file) throw std::runtime_error("cannot open golden.txt");
  std::vector<config> out;
  for (std::string line; std::getline(file, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream in(line);
    std::string tag;
    in >> tag;
    if (tag == "C") {
      config c;
      in >> c.name >> c.kind >> c.steps >> c.check;
      for (std::string kv; in >> kv;) {
        const auto eq = kv.find('=');
        c.params[kv.substr(0, eq)] = kv.substr(eq + 1);
      }
      out.push_back(std::move(c));
      continue;
    }
    config& c = out.back();
    if (tag == "B") {
      c.base_lrs = read_values(in);
    } else if (tag == "X") {
      c.metrics = read_values(in);
    } else {
      std::size_t group = 0;
      in >> group;
      auto& dest = tag == "L" ? c.lr : tag == "M" ? c.momentum : c.intent;
      dest.resize(group + 1);
      dest[group] = read_values(in);
    }
  }
  return out;
}

// The callables the generator names (same expressions as generate.py's FUNCS).
double pow095(lrs::step_t t) {
  return std::pow(0.95, static_cast<double>(t));
}
double inv_sqrt(lrs::step_t t) {
  return 1.0 / std::sqrt(static_cast<double>(t) + 1.0);
}
double warmup10(lrs::step_t t) {
  return std::min(1.0, static_cast<double>(t + 1) / 10.0);
}
double const095(lrs::step_t) {
  return 0.95;
}
double step_down(lrs::step_t t) {
  return t % 3 == 0 ? 0.9 : 1.0;
}

using step_fn = double (*)(lrs::step_t);
step_fn named_fn(const std::string& name) {
  static const std::map<std::string, step_fn> fns{{"pow095", pow095},
                                                  {"inv_sqrt", inv_sqrt},
                                                  {"warmup10", warmup10},
                                                  {"const095", const095},
                                                  {"step_down", step_down}};
  return fns.at(name);
}
std::function<double(double)> named_scale_fn(const std::string& name) {
  if (name == "inv_1p") return [](double x) { return 1.0 / (1.0 + 0.1 * x); };
  if (name == "half_pow") return [](double x) { return std::pow(0.5, x); };
  throw std::runtime_error("unknown scale_fn " + name);
}

struct reader {
  const params_t& p;
  bool has(const std::string& k) const { return p.count(k) != 0; }
  double d(const std::string& k, double def) const { return has(k) ? std::stod(p.at(k)) : def; }
  lrs::step_t i(const std::string& k, lrs::step_t def) const {
    return has(k) ? std::stoll(p.at(k)) : def;
  }
  std::string s(const std::string& k, const std::string& def) const {
    return has(k) ? p.at(k) : def;
  }
  bool b(const std::string& k, bool def) const { return has(k) ? p.at(k) == "True" : def; }
  std::vector<lrs::step_t> list(const std::string& k) const {
    std::vector<lrs::step_t> out;
    std::istringstream in(p.at(k));
    for (std::string tok; std::getline(in, tok, ',');) out.push_back(std::stoll(tok));
    return out;
  }
};

/// The children of a nested config: keys "s<i>.<key>" -> one params_t per child.
std::vector<params_t> children_of(const params_t& p) {
  std::vector<params_t> out;
  for (const auto& [k, v] : p) {
    if (k.size() < 3 || k[0] != 's' || k.find('.') == std::string::npos) continue;
    const auto dot = k.find('.');
    const auto idx = static_cast<std::size_t>(std::stoul(k.substr(1, dot - 1)));
    if (out.size() <= idx) out.resize(idx + 1);
    out[idx][k.substr(dot + 1)] = v;
  }
  return out;
}

// Builds the schedule for one parameter group. Typed schedules are built with a placeholder
// base LR and moved to the group's with with_base_lr, so that helper is exercised too.
lrs::any_schedule<double> build_pytorch(const std::string& kind, const params_t& p, double base) {
  const reader r{p};
  const auto group = [base](auto s) { return lrs::any_schedule<double>(s.with_base_lr(base)); };
  if (kind == "LambdaLR") return group(lrs::lambda_lr(1.0, named_fn(r.s("lr_lambda", ""))));
  if (kind == "MultiplicativeLR")
    return group(lrs::multiplicative_lr(1.0, named_fn(r.s("lr_lambda", ""))));
  if (kind == "StepLR") return group(lrs::step_lr(1.0, r.i("step_size", 0), r.d("gamma", 0.1)));
  if (kind == "MultiStepLR")
    return group(lrs::multi_step_lr(1.0, r.list("milestones"), r.d("gamma", 0.1)));
  if (kind == "ConstantLR")
    return group(lrs::constant_lr(1.0, r.d("factor", 1.0 / 3), r.i("total_iters", 5)));
  if (kind == "LinearLR")
    return group(lrs::linear_lr(1.0, r.d("start_factor", 1.0 / 3), r.d("end_factor", 1.0),
                                r.i("total_iters", 5)));
  if (kind == "ExponentialLR") return group(lrs::exponential_lr(1.0, r.d("gamma", 0)));
  if (kind == "PolynomialLR")
    return group(lrs::polynomial_lr(1.0, r.i("total_iters", 5), r.d("power", 1.0)));
  if (kind == "CosineAnnealingLR")
    return group(lrs::cosine_annealing_lr(1.0, r.i("T_max", 0), r.d("eta_min", 0.0)));
  if (kind == "CosineAnnealingWarmRestarts")
    return group(lrs::cosine_annealing_warm_restarts(1.0, r.i("T_0", 0), r.i("T_mult", 1),
                                                     r.d("eta_min", 0.0)));
  if (kind == "CyclicLR") {
    const double lo = r.d("base_lr", 0), hi = r.d("max_lr", 0);
    const lrs::step_t up = r.i("step_size_up", 2000), down = r.i("step_size_down", 0);
    const bool cm = r.b("cycle_momentum", true);
    const double bm = r.d("base_momentum", 0.8), mm = r.d("max_momentum", 0.9);
    if (r.has("scale_fn")) {
      const auto sm = r.s("scale_mode", "cycle") == "cycle" ? lrs::cyclic_scale_mode::cycle
                                                            : lrs::cyclic_scale_mode::iterations;
      return lrs::cyclic_lr<double>(lo, hi, up, down, named_scale_fn(r.s("scale_fn", "")), sm, cm,
                                    bm, mm);
    }
    const std::string m = r.s("mode", "triangular");
    const auto mode = m == "triangular"    ? lrs::cyclic_mode::triangular
                      : m == "triangular2" ? lrs::cyclic_mode::triangular2
                                           : lrs::cyclic_mode::exp_range;
    return lrs::cyclic_lr<double>(lo, hi, up, down, mode, r.d("gamma", 1.0), cm, bm, mm);
  }
  if (kind == "OneCycleLR") {
    const lrs::step_t total =
        r.has("total_steps")
            ? r.i("total_steps", 0)
            : lrs::one_cycle_total_steps(r.i("epochs", 0), r.i("steps_per_epoch", 0));
    return lrs::one_cycle_lr<double>(
        r.d("max_lr", 0), total, r.d("pct_start", 0.3),
        r.s("anneal_strategy", "cos") == "cos" ? lrs::anneal_strategy::cos
                                               : lrs::anneal_strategy::linear,
        r.b("cycle_momentum", true), r.d("base_momentum", 0.85), r.d("max_momentum", 0.95),
        r.d("div_factor", 25.0), r.d("final_div_factor", 1e4), r.b("three_phase", false));
  }
  if (kind == "SequentialLR") {
    std::vector<lrs::any_schedule<double>> kids;
    for (auto c : children_of(p)) {
      const std::string k = c.at("kind");
      kids.push_back(build_pytorch(k, c, base));
    }
    return lrs::dynamic_sequential<double>(std::move(kids), r.list("milestones"));
  }
  if (kind == "ChainedScheduler") {
    // The first child carries the base LR, the others are factors (base 1).
    std::vector<lrs::any_schedule<double>> kids;
    for (auto c : children_of(p)) {
      const std::string k = c.at("kind");
      kids.push_back(build_pytorch(k, c, kids.empty() ? base : 1.0));
    }
    return lrs::dynamic_chained<double>(std::move(kids));
  }
  throw std::runtime_error("no C++ schedule for " + kind);
}

/// Relative error; where PyTorch gives exactly 0 the C++ value must be within 1e-15 * base_lr.
double rel_error(double got, double want, double scale) {
  if (want == 0.0) return std::abs(got) <= 1e-15 * scale ? 0.0 : 1.0;
  return std::abs(got - want) / std::abs(want);
}

struct tally {
  int configs = 0;
  long values = 0;
  double max_rel = 0;
};

void compare(const std::string& what, const std::vector<double>& got,
             const std::vector<double>& want, double scale, tally& t) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    const double e = rel_error(got[i], want[i], scale);
    t.max_rel = std::max(t.max_rel, e);
    ++t.values;
    if (e > 1e-9) {
      FAIL_CHECK(what << " step " << i << ": lrs " << got[i] << ", PyTorch " << want[i]
                      << ", relative error " << e);
    }
  }
}

}  // namespace

TEST_CASE("PyTorch golden data: every schedule matches at every step", "[pytorch][parity]") {
  const auto configs = load_golden();
  REQUIRE(configs.size() >= 60);
  tally exact, intent;
  std::map<std::string, int> kinds;
  for (const auto& c : configs) {
    if (c.kind == "ReduceLROnPlateau") continue;
    INFO(c.name);
    tally& t = c.check == "exact" ? exact : intent;
    ++t.configs;
    ++kinds[c.kind];
    for (std::size_t g = 0; g < c.base_lrs.size(); ++g) {
      const auto s = build_pytorch(c.kind, c.params, c.base_lrs[g]);
      std::vector<double> lr, mom;
      for (lrs::step_t step = 0; step < c.steps; ++step) {
        lr.push_back(s(step));
        if (s.has_momentum()) mom.push_back(s.momentum(step));
      }
      if (c.check != "exact") {
        // The exclusion must be real: PyTorch's own values differ from the documented intent.
        double diff = 0;
        for (std::size_t i = 0; i < c.lr[g].size(); ++i)
          diff = std::max(diff, rel_error(c.lr[g][i], c.intent[g][i], c.base_lrs[g]));
        CHECK(diff > 1e-9);
      }
      const auto& want = c.check == "exact" ? c.lr[g] : c.intent[g];
      compare(c.name + " lr[" + std::to_string(g) + "]", lr, want, c.base_lrs[g], t);
      if (!c.momentum.empty()) {
        REQUIRE(s.has_momentum());
        compare(c.name + " momentum", mom, c.momentum[g], 1.0, t);
      } else {
        CHECK(mom.empty());
      }
    }
  }
  CHECK(kinds.size() == 14);  // every torch.optim.lr_scheduler schedule but ReduceLROnPlateau
  WARN("exact parity: " << exact.configs << " configurations, " << exact.values
                        << " values, max relative error " << exact.max_rel);
  WARN("documented intent (PyTorch bug): " << intent.configs << " configurations, " << intent.values
                                           << " values, max relative error " << intent.max_rel);
}

TEST_CASE("PyTorch golden data: ReduceLROnPlateau after every metric", "[pytorch][parity]") {
  const auto configs = load_golden();
  tally t;
  for (const auto& c : configs) {
    if (c.kind != "ReduceLROnPlateau") continue;
    INFO(c.name);
    ++t.configs;
    const reader r{c.params};
    const auto mode = r.s("mode", "min") == "min" ? lrs::plateau_mode::min : lrs::plateau_mode::max;
    const auto tm =
        r.s("threshold_mode", "rel") == "rel" ? lrs::threshold_mode::rel : lrs::threshold_mode::abs;
    lrs::reduce_lr_on_plateau<double> ctl(c.base_lrs, mode, r.d("factor", 0.1), r.i("patience", 10),
                                          r.d("threshold", 1e-4), tm, r.i("cooldown", 0),
                                          {r.d("min_lr", 0.0)}, r.d("eps", 1e-8));
    std::vector<std::vector<double>> got(c.base_lrs.size());
    for (lrs::step_t step = 0; step < c.steps; ++step) {
      for (std::size_t g = 0; g < got.size(); ++g) got[g].push_back(ctl.lrs()[g]);
      ctl.observe(c.metrics[static_cast<std::size_t>(step)]);
    }
    for (std::size_t g = 0; g < got.size(); ++g)
      compare(c.name + " lr[" + std::to_string(g) + "]", got[g], c.lr[g], c.base_lrs[g], t);
  }
  CHECK(t.configs >= 7);
  WARN("ReduceLROnPlateau: " << t.configs << " configurations, " << t.values
                             << " values, max relative error " << t.max_rel);
}

namespace {

/// The PyTorch call a golden configuration describes, e.g. "StepLR(step_size=7, gamma=0.5)";
/// empty when it needs a C++ callable.
std::string spec_of(const std::string& kind, const params_t& p) {
  if (kind == "LambdaLR" || kind == "MultiplicativeLR" || p.count("scale_fn")) return "";
  static const std::set<std::string> strings{"mode", "anneal_strategy", "scale_mode",
                                             "threshold_mode"};
  std::string out = kind + "(";
  bool first = true;
  const auto arg = [&](const std::string& k, const std::string& v) {
    out += (first ? "" : ", ") + k + "=" + v;
    first = false;
  };
  for (const auto& [k, v] : p) {
    if (k == "optimizer" || k.find('.') != std::string::npos) continue;
    if (k == "milestones") {
      arg(k, "[" + v + "]");
    } else if (strings.count(k)) {
      arg(k, "'" + v + "'");
    } else {
      arg(k, v);
    }
  }
  const auto kids = children_of(p);
  if (!kids.empty()) {
    std::string list = "[";
    for (const auto& c : kids) {
      params_t rest = c;
      rest.erase("kind");
      const std::string sub = spec_of(c.at("kind"), rest);
      if (sub.empty()) return "";
      list += (list.size() > 1 ? ", " : "") + sub;
    }
    arg("schedulers", list + "]");
  }
  return out + ")";
}

}  // namespace

TEST_CASE("PyTorch golden data through spec strings", "[pytorch][parity][spec]") {
  const auto configs = load_golden();
  tally t;
  for (const auto& c : configs) {
    if (c.kind == "ReduceLROnPlateau" || c.check != "exact") continue;
    const std::string spec = spec_of(c.kind, c.params);
    if (spec.empty()) continue;
    INFO(spec);
    ++t.configs;
    for (std::size_t g = 0; g < c.base_lrs.size(); ++g) {
      lrs::spec_context ctx;
      ctx.lr = c.base_lrs[g];
      const auto s = lrs::parse_schedule(spec, ctx);
      std::vector<double> lr, mom;
      for (lrs::step_t step = 0; step < c.steps; ++step) {
        lr.push_back(s(step));
        if (!c.momentum.empty()) mom.push_back(s.momentum(step));
      }
      compare(c.name, lr, c.lr[g], c.base_lrs[g], t);
      if (!c.momentum.empty()) compare(c.name + " momentum", mom, c.momentum[g], 1.0, t);
    }
  }
  CHECK(t.configs >= 55);
  WARN("spec strings: " << t.configs << " configurations, " << t.values
                        << " values, max relative error " << t.max_rel);
}
