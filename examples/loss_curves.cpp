// SPDX-License-Identifier: MIT
// Loss-curve laws on real LLM pre-training curves: fit on three runs, predict six others.
//
// The 27 curves of the Multi-Power Law paper (Llama models of 25M, 100M and 400M parameters,
// 9 schedules each; docs/loss_curves.md says where to get them). For each size, each way of
// fitting is fitted on the paper's three fit runs (cosine_24000, constant_24000, wsdcon_9) and
// predicts the six others; the table gives the held-out metrics as the paper defines them (R^2,
// MAE, RMSE, PredE = mean |error| / loss, WorstE = max |error| / loss; each averaged over the
// six runs). With --select, select_loss_law also chooses among the ways of fitting by
// leave-one-run-out error over the three fit runs, and its interval's coverage is measured on
// the six held-out runs.
//
// With --svg PREFIX, draws PREFIX<size>.svg: the held-out runs' losses and lrs's predictions.
//
//   loss_curves [--select] [--svg PREFIX] [DATA_DIR]
//   (DATA_DIR default: ../shared/data/loss_curves/multi_power_law, or $LRS_MPL_DATA)
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <lrs/analysis/law_selection.hpp>
#include <lrs/analysis/multi_power_law.hpp>
#include <lrs/io/svg.hpp>

#include "common/mpl_curves.hpp"

namespace {

struct metrics {
  double r2 = 0, mae = 0, rmse = 0, pred_e = 0, worst_e = 0;
};

// The paper's held-out metrics of `law` over `runs`, averaged over the runs.
metrics held_out(const lrs::loss_law& law, const std::vector<lrs::loss_run>& runs) {
  metrics m;
  for (const auto& run : runs) {
    const auto p = law.predict(run.lr, run.steps);
    double mean = 0;
    for (const double y : run.losses) mean += y;
    mean /= static_cast<double>(run.losses.size());
    double abs = 0, sq = 0, tot = 0, rel = 0, worst = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      const double e = p[i] - run.losses[i];
      abs += std::abs(e);
      sq += e * e;
      tot += (run.losses[i] - mean) * (run.losses[i] - mean);
      rel += std::abs(e) / run.losses[i];
      worst = std::max(worst, std::abs(e) / run.losses[i]);
    }
    const auto n = static_cast<double>(p.size());
    const auto k = static_cast<double>(runs.size());
    m.r2 += (1 - sq / tot) / k;
    m.mae += abs / n / k;
    m.rmse += std::sqrt(sq / n) / k;
    m.pred_e += rel / n / k;
    m.worst_e += worst / k;
  }
  return m;
}

void print_row(const char* name, const metrics& m, const char* note) {
  std::printf("| %-34s | %.4f | %.5f | %.5f | %.5f | %.5f | %s |\n", name, m.r2, m.mae, m.rmse,
              m.pred_e, m.worst_e, note);
}

struct options {
  bool select = false;     // --select: also run select_loss_law
  std::string dir;         // the folder of the curves
  std::string svg_prefix;  // --svg PREFIX: draw PREFIX<size>.svg
};

options parse_options(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--select") == 0) {
      o.select = true;
    } else if (std::strcmp(argv[i], "--svg") == 0 && i + 1 < argc) {
      o.svg_prefix = argv[++i];
    } else {
      o.dir = argv[i];
    }
  }
  if (o.dir.empty()) o.dir = mpl_data::folder();
  return o;
}

// The authors' published parameters of size z (their code's convention).
lrs::loss_law published_law(std::size_t z) {
  const std::array<std::array<double, 7>, 3> published{
      {{3.04045406, 0.52468604, 0.50786857, 363.78751622, 2.06560812, 0.58279013, 0.64142257},
       {2.6514477, 0.60115152, 0.45295811, 437.9464276, 2.13245612, 0.59785199, 0.65523644},
       {2.37474466, 0.65421216, 0.42878731, 523.42464371, 2.02462735, 0.59350493, 0.63472457}}};
  lrs::loss_law authors;
  authors.law = lrs::loss_law::kind::mpl;
  authors.mpl = lrs::multi_power_law(published[z]);
  return authors;
}

// lrs's ways of fitting, with the Multi-Power Law in the paper's convention third.
std::vector<lrs::law_candidate> fitting_ways() {
  auto candidates = lrs::default_law_candidates();
  lrs::law_candidate paper = candidates.front();
  paper.name = "mpl/paper";
  paper.mpl.convention = lrs::mpl_convention::paper;
  candidates.insert(candidates.begin() + 2, paper);
  return candidates;
}

// One row per way of fitting: fitted on `fit`, its metrics on `test`. Returns lrs's default fit.
lrs::loss_law print_fits(const std::vector<lrs::law_candidate>& candidates,
                         const std::vector<lrs::loss_run>& fit,
                         const std::vector<lrs::loss_run>& test) {
  std::printf(
      "| fit | R^2 | MAE | RMSE | PredE | WorstE | |\n| --- | ---: | ---: | ---: | ---: | "
      "---: | --- |\n");
  lrs::loss_law default_law;
  for (const auto& c : candidates) {
    lrs::loss_law law;
    const auto t0 = std::chrono::steady_clock::now();
    const bool ok = lrs::detail::fit_candidate(c, fit, law);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!ok) {
      std::printf("| %-34s | no valid start |\n", c.name.c_str());
      continue;
    }
    char note[64];
    std::snprintf(note, sizeof note, "fit %.0f ms", ms);
    const std::string name = c.name == "mpl" ? "mpl (lrs's default)" : c.name;
    print_row(name.c_str(), held_out(law, test), note);
    if (c.name == "mpl") default_law = law;
  }
  return default_law;
}

// PREFIX<size>.svg: the six held-out runs' losses (solid), the fit run cosine_24000's, then the
// predictions of `law` in the held-out runs' colours (dashed: the plot's series 8 on).
void write_plot(const std::string& path, const std::string& size,
                const std::vector<lrs::loss_run>& fit, const std::vector<lrs::loss_run>& test,
                const lrs::loss_law& law) {
  lrs::svg_plot_options po;
  po.title = size + ": logged loss (solid) and lrs's prediction (dashed)";
  po.x_label = "step";
  po.y_label = "training loss (nats)";
  po.legend_by_last_value = false;
  po.width = 980;
  po.height = 560;
  lrs::svg_plot plot(po);
  const auto xs = [](const lrs::loss_run& run) {
    return std::vector<double>(run.steps.begin(), run.steps.end());
  };
  for (std::size_t r = 0; r < test.size(); ++r)
    plot.add_series(mpl_data::held_out_runs()[r], xs(test[r]), test[r].losses);
  plot.add_series(mpl_data::fit_runs()[0] + " (fitted)", xs(fit[0]), fit[0].losses);
  for (std::size_t r = 0; r < test.size(); ++r)
    plot.add_series(mpl_data::held_out_runs()[r] + ", predicted", xs(test[r]),
                    law.predict(test[r].lr, test[r].steps));
  plot.write(path);
}

// select_loss_law over the fit runs, and its interval's coverage of the held-out points.
void print_selection(const std::vector<lrs::law_candidate>& candidates,
                     const std::vector<lrs::loss_run>& fit,
                     const std::vector<lrs::loss_run>& test) {
  lrs::select_options so;
  so.candidates = candidates;
  const auto t0 = std::chrono::steady_clock::now();
  const auto s = lrs::select_loss_law(fit, so);
  const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("\nleave-one-run-out over the fit runs (%.1f s):", sec);
  for (const auto& sc : s.scores) std::printf(" %s %.5f;", sc.name.c_str(), sc.mae);
  std::size_t inside = 0, total = 0;
  for (const auto& run : test) {
    const auto p = s.law.predict(run.lr, run.steps);
    for (std::size_t i = 0; i < p.size(); ++i, ++total)
      inside += std::abs(p[i] - run.losses[i]) <= s.interval;
  }
  std::printf(
      "\nchosen %s: held-out MAE %.5f; 90%% interval +-%.5f holds %.1f%% of the "
      "held-out points\n",
      s.chosen.c_str(), held_out(s.law, test).mae, s.interval,
      100.0 * static_cast<double>(inside) / static_cast<double>(total));
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse_options(argc, argv);
  if (o.dir.empty()) {
    std::fprintf(stderr,
                 "loss_curves: no data: give the folder of the Multi-Power Law curves "
                 "(docs/loss_curves.md says where to get them)\n");
    return 2;
  }
  const auto candidates = fitting_ways();
  for (std::size_t z = 0; z < mpl_data::sizes().size(); ++z) {
    const std::string& size = mpl_data::sizes()[z];
    std::vector<lrs::loss_run> fit, test;
    for (const auto& r : mpl_data::fit_runs()) fit.push_back(mpl_data::load(o.dir, size, r));
    for (const auto& r : mpl_data::held_out_runs()) test.push_back(mpl_data::load(o.dir, size, r));
    std::printf("\n%s: fitted on %s, %s, %s; held-out metrics over the other six runs\n\n",
                size.c_str(), mpl_data::fit_runs()[0].c_str(), mpl_data::fit_runs()[1].c_str(),
                mpl_data::fit_runs()[2].c_str());
    const lrs::loss_law default_law = print_fits(candidates, fit, test);
    const lrs::loss_law authors = published_law(z);
    print_row("mpl, the authors' published fit", held_out(authors, test), "their code");
    if (!o.svg_prefix.empty())
      write_plot(o.svg_prefix + size + ".svg", size, fit, test, default_law);
    std::printf("\nMAE per held-out run, lrs's default / the authors' fit:");
    for (std::size_t r = 0; r < test.size(); ++r)
      std::printf(" %s %.5f / %.5f;", mpl_data::held_out_runs()[r].c_str(),
                  held_out(default_law, {test[r]}).mae, held_out(authors, {test[r]}).mae);
    std::printf("\n");
    if (o.select) print_selection(candidates, fit, test);
  }
  return 0;
}
