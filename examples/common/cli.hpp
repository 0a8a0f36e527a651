// SPDX-License-Identifier: MIT
// The command line the Fashion-MNIST examples share: the MLP's options (--epochs, --hidden,
// --batch), the run's (--lr, --momentum, --budgets, --seed, --threads), the data's (--data,
// --synthetic, --train-size, --test-size) and --quiet, each added to a CLI11 app in one call and
// checked in one place; the data loading; and the main that turns every error into "program:
// message" on stderr and exit code 2.
#ifndef LRS_EXAMPLES_COMMON_CLI_HPP
#define LRS_EXAMPLES_COMMON_CLI_HPP

#include <cmath>
#include <cstdio>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>

#include <lrs/io/svg.hpp>

#include "fashion_mnist.hpp"
#include "sweep.hpp"

namespace lrs_example {

/// A bad command line or input: the program prints "program: message" and exits 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A number as the messages and plots write it (shortest round-trip form).
inline std::string num(double v) {
  return lrs::detail::svg_number(v);
}

/// Where the training data comes from.
struct data_options {
  std::string dir = default_fashion_mnist_dir();  ///< --data: the Fashion-MNIST .gz files
  bool synthetic = false;                         ///< --synthetic: the built-in task instead
  long train_size = 0;                            ///< --train-size: first N examples (0: all)
  long test_size = 0;                             ///< --test-size: first N examples (0: all)
};

/// Adds --data, --synthetic, --train-size and --test-size.
inline void add_data_options(CLI::App& app, data_options& d) {
  app.add_option("--data", d.dir, "Directory of the Fashion-MNIST .gz files")
      ->capture_default_str();
  app.add_flag("--synthetic", d.synthetic, "Use the built-in synthetic task, not Fashion-MNIST");
  app.add_option("--train-size", d.train_size, "Use only the first N training examples (0: all)");
  app.add_option("--test-size", d.test_size, "Use only the first N test examples (0: all)");
}

/// Adds --epochs, --hidden and --batch: the MLP and the length of its full (100 %) budget.
inline void add_model_options(CLI::App& app, sweep_options& o) {
  app.add_option("--epochs", o.epochs, "Epochs of the full (100 %) budget")->capture_default_str();
  app.add_option("--hidden", o.hidden, "Hidden units of the MLP")->capture_default_str();
  app.add_option("--batch", o.batch, "Batch size")->capture_default_str();
}

/// Adds --budgets (comma-separated percentages of the full run) with its help text `help`.
inline void add_budgets_option(CLI::App& app, sweep_options& o, const std::string& help) {
  app.add_option("--budgets", o.budgets, help)->delimiter(',')->capture_default_str();
}

/// Adds --quiet (-q): no progress bar.
inline void add_quiet_option(CLI::App& app, bool& quiet) {
  app.add_flag("--quiet,-q", quiet, "No progress bar");
}

/// Parses the command line. Returns the exit code when the program should stop here: 0 after
/// --help, 2 after a parse error (with CLI11's message printed); nothing when it should run.
inline std::optional<int> parse(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return std::nullopt;
}

/// Checks --epochs, --hidden and --batch.
/// @throws usage_error naming the option, its value and what is allowed.
inline void check_model_options(const sweep_options& o) {
  if (!(o.epochs > 0) || !std::isfinite(o.epochs))
    throw usage_error("--epochs must be > 0, got " + num(o.epochs));
  if (o.hidden < 1) throw usage_error("--hidden must be >= 1, got " + std::to_string(o.hidden));
  if (o.batch < 1) throw usage_error("--batch must be >= 1, got " + std::to_string(o.batch));
}

/// Checks every budget of --budgets is in (0, 100] percent and given once.
/// @throws usage_error naming the budget.
inline void check_budgets(const sweep_options& o) {
  if (o.budgets.empty()) throw usage_error("--budgets needs at least one budget");
  for (std::size_t i = 0; i < o.budgets.size(); ++i) {
    const double b = o.budgets[i];
    if (!(b > 0 && b <= 100))
      throw usage_error("--budgets: each budget must be in (0, 100] percent of the full run, got " +
                        num(b));
    for (std::size_t j = 0; j < i; ++j)
      if (o.budgets[j] == b) throw usage_error("--budgets: " + num(b) + " is given twice");
  }
}

/// The data of `d`: the synthetic task, or Fashion-MNIST (synthetic with a note on stderr,
/// prefixed by `program`, when the files are absent), with at least `batch` training examples.
/// @throws usage_error on a negative size, a damaged file or too few training examples.
inline train_test load_data(const data_options& d, int batch, const char* program) {
  if (d.train_size < 0)
    throw usage_error("--train-size must be >= 0, got " + std::to_string(d.train_size));
  if (d.test_size < 0)
    throw usage_error("--test-size must be >= 0, got " + std::to_string(d.test_size));
  train_test data;
  std::string note;
  try {
    data = d.synthetic ? synthetic_classification(d.train_size > 0 ? d.train_size : 12000,
                                                  d.test_size > 0 ? d.test_size : 2000)
                       : load_or_synthesize(d.dir, d.train_size, d.test_size, &note);
  } catch (const dataset_error& e) {
    throw usage_error(std::string("dataset: ") + e.what());
  }
  if (!note.empty()) std::fprintf(stderr, "%s: %s\n", program, note.c_str());
  if (data.train.size() < batch)
    throw usage_error("--batch " + std::to_string(batch) + " is larger than the " +
                      std::to_string(data.train.size()) + " training examples");
  return data;
}

/// Runs `run(argc, argv)` and returns its exit code; an exception ends the program with
/// "program: message" on stderr (after what was printed on stdout) and exit code 2.
template <class Run>
int main_of(const char* program, Run run, int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s: %s\n", program, e.what());
    return 2;
  }
}

}  // namespace lrs_example

#endif  // LRS_EXAMPLES_COMMON_CLI_HPP
