// SPDX-License-Identifier: MIT
// `lrs fit --law mpl` and `lrs predict` with its JSON: one CSV step,lr,loss per run, the
// published 400M law recovered from its NumPy values (tests/data/multi_power_law), and the
// run files' errors.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "tool_runner.hpp"

#if defined(LRS_HAVE_TOOL)
#include "../examples/common/mpl_curves.hpp"
#include "analysis/multi_power_law_vectors.hpp"

namespace {

using tool_test::run_tool;
using tool_test::temp_file;

// A run file step,lr,loss as a training log exports it: the loss logged every 128 steps (the
// NumPy values of the published law), the LR at those steps only.
std::string run_file(const std::vector<double>& lr, const mpl_vectors::series& s) {
  std::ostringstream out;
  out.precision(17);
  out << "step,lr,loss\n";
  for (std::size_t k = 0; k < s.steps.size(); ++k)
    out << s.steps[k] << ',' << lr[static_cast<std::size_t>(s.steps[k])] << ',' << s.pred[k]
        << '\n';
  return out.str();
}

std::string lr_file(const std::vector<double>& lr) {
  std::ostringstream out;
  out.precision(17);
  out << "step,lr\n";
  for (std::size_t t = 0; t < lr.size(); ++t) out << t << ',' << lr[t] << '\n';
  return out.str();
}

}  // namespace

TEST_CASE("lrs fit --law mpl: run files and the published law's values; predict reads its JSON",
          "[tool][multi_power_law]") {
  const auto v = mpl_vectors::load_vectors();
  std::vector<std::string> files;
  std::string args = "fit --law mpl --prior 0";
  for (const auto& r : mpl_data::fit_runs()) {
    const auto lr = mpl_data::schedule(r);
    files.push_back(temp_file(run_file(lr, v.at("400M/" + r + "/code"))));
    files.push_back(temp_file(lr_file(lr)));
    args += " --run " + files[files.size() - 2];
  }
  // The run files log the LR at their loss steps only: the laws need every step's.
  const auto sparse = run_tool(args);
  CHECK(sparse.status == 2);
  CHECK(sparse.out.empty());
  CHECK(sparse.err.find("logged at some steps only") != std::string::npos);

  // With the runs' schedules as specs (lrs's cosine, constant and step in front of the same
  // linear warm-up from 0 over 2160 steps, reaching the peak at step 2160 rather than 2159).
  // The logged LRs must agree with them: the warm-ups differ, but no loss is logged there.
  const std::string warm = "warmup_steps=2160, warmup_start=0";
  std::string fit = "fit --law mpl --prior 0 --lr 3e-4 --steps 24000 --steps 24000 --steps 16000";
  fit += " --run " + files[0] + " --schedule 'with_warmup(cosine(min_lr=3e-5), " + warm + ")'";
  fit += " --run " + files[2] + " --schedule 'with_warmup(constant, " + warm + ")'";
  fit += " --run " + files[4] +
         " --schedule 'with_warmup(join(schedules=[constant, constant(peak=9e-5)], "
         "boundaries=[5840]), " +
         warm + ")'";
  const auto r = run_tool(fit);
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("\"law\": \"mpl\"") != std::string::npos);
  CHECK(r.out.find("\"convention\": \"code\"") != std::string::npos);
  CHECK(r.out.find("\"status\": \"converged\"") != std::string::npos);
  const std::string law = temp_file(r.out);
  files.push_back(law);

  // predict: the published law's values on a run the fit never saw, within 3e-3 nats (the
  // warm-ups above differ from the runs' by one step).
  const auto lr = mpl_data::schedule("wsd_20000_24000");
  const std::string curve = temp_file(lr_file(lr));
  files.push_back(curve);
  const auto p = run_tool("predict --law " + law + " --lr-curve " + curve);
  REQUIRE(p.status == 0);
  const auto rows = tool_test::csv_rows(p.out);
  REQUIRE(rows.size() == 24000);  // header + steps 1..23999 (S1 = 0 at step 0)
  const auto& ref = v.at("400M/wsd_20000_24000/code");
  double worst = 0;
  for (std::size_t i = 0; i < ref.steps.size(); ++i) {
    const auto& row = rows[static_cast<std::size_t>(ref.steps[i])];
    REQUIRE(std::stoll(row[0]) == ref.steps[i]);
    worst = std::max(worst, std::abs(std::stod(row[1]) - ref.pred[i]));
  }
  CHECK(worst < 3e-3);

  // A logged LR that is not the schedule's is named with its step.
  const std::string wrong = temp_file("step,lr,loss\n100,1e-4,3.5\n200,2e-4,3.4\n");
  files.push_back(wrong);
  const auto w =
      run_tool("fit --law mpl --run " + wrong + " --schedule constant --lr 3e-4 --steps 1000");
  CHECK(w.status == 2);
  CHECK(w.err.find("logged lr 0.0001 at step 100 is not the schedule's 0.0003") !=
        std::string::npos);
  // Another loss column (a validation loss) by name; every step's LR logged: no schedule.
  std::ostringstream val;
  val << "step,lr,val_loss\n";
  for (int t = 0; t < 40; ++t)
    val << t << ",0.01," << 2.0 + 1.0 / std::sqrt(0.01 * (t + 1)) << '\n';
  const std::string vf = temp_file(val.str());
  files.push_back(vf);
  const auto no_column = run_tool("fit --run " + vf);
  CHECK(no_column.status == 2);
  CHECK(no_column.err.find("missing column 'loss'") != std::string::npos);
  const auto named = run_tool("fit --run " + vf + " --loss-column val_loss");
  INFO(named.err);
  CHECK(named.status == 0);
  CHECK(named.out.find("\"law\": \"momentum\"") != std::string::npos);
  for (const auto& f : files) std::remove(f.c_str());
}

TEST_CASE("lrs fit --law auto: the leave-one-run-out choice and predict's interval columns",
          "[tool][select]") {
  // Two runs of a momentum law written from its formula (LRs as recorded, lambda 0.999): a
  // constant LR and a drop to a quarter at step 100, losses every 10 steps, LRs from schedules.
  const double l0 = 2.6, a = 0.43, alpha = 0.55, c = 0.41;
  const auto run_text = [&](bool drop) {
    std::ostringstream out;
    out.precision(17);
    out << "step,lr,loss\n";
    double s1 = 0, s2 = 0, m = 0, prev = 2e-4;
    for (int t = 0; t < 200; ++t) {
      const double lr = drop && t >= 100 ? 5e-5 : 2e-4;
      m = 0.999 * m + (prev - lr);
      prev = lr;
      s1 += lr;
      s2 += m;
      if (t % 10 == 9)
        out << t << ',' << lr << ',' << l0 + a * std::pow(s1, -alpha) - c * s2 << '\n';
    }
    return out.str();
  };
  const std::string flat = temp_file(run_text(false)), step = temp_file(run_text(true));
  const auto r = run_tool("fit --law auto --lr 2e-4 --steps 200 --run " + flat +
                          " --schedule constant --run " + step +
                          " --schedule 'StepLR(step_size=100, gamma=0.25)'");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("\"selected\": \"") != std::string::npos);
  CHECK(r.out.find("\"leave_one_run_out\": [{\"candidate\": \"mpl\"") != std::string::npos);
  const auto at = r.out.find("\"interval\": ");
  REQUIRE(at != std::string::npos);
  const double interval = std::stod(r.out.substr(at + 12));
  CHECK(interval >= 0);
  const std::string law = temp_file(r.out);
  const auto p = run_tool("predict --law " + law + " constant --lr 2e-4 --steps 50");
  REQUIRE(p.status == 0);
  const auto rows = tool_test::csv_rows(p.out);
  REQUIRE(rows.size() == 51);
  CHECK(rows[0] == std::vector<std::string>{"step", "loss", "loss_lo", "loss_hi"});
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const double loss = std::stod(rows[i][1]);
    CHECK(std::abs(std::stod(rows[i][3]) - loss - interval) <= 1e-12 * loss);
    CHECK(std::abs(loss - std::stod(rows[i][2]) - interval) <= 1e-12 * loss);
  }
  for (const auto& f : {flat, step, law}) std::remove(f.c_str());
}

#else
TEST_CASE("lrs fit --law mpl tool tests need the tool (LRS_BUILD_TOOLS) on POSIX", "[tool]") {
  WARN("lrs tool not built: its tests were skipped");
  SUCCEED("skipped: no lrs tool");
}
#endif
