// SPDX-License-Identifier: MIT
// Calls pasted from Python source: module paths, the optimizer argument, PyTorch's last_epoch and
// verbose, dict literals, and the errors for Python code and for names that are not schedules.
#include <string>

#include <lrs/io/parse_schedule.hpp>

#include "catch.hpp"
#include "support/spec.hpp"

using Catch::Matchers::Contains;

namespace {

using lrs_test::spec_error_of;
using lrs_test::with_lr;
/// True when both specs give the same LR, bit for bit, at steps 0..n-1.
bool same_curve(const std::string& a, const std::string& b, lrs::step_t n = 40) {
  const auto sa = lrs::parse_schedule(a, with_lr(0.1));
  const auto sb = lrs::parse_schedule(b, with_lr(0.1));
  for (lrs::step_t t = 0; t < n; ++t)
    if (sa(t) != sb(t)) return false;
  return true;
}
}  // namespace

TEST_CASE("paste: PyTorch's module paths are accepted", "[spec][paste]") {
  for (const char* path : {"torch.optim.lr_scheduler.", "optim.lr_scheduler.", "lr_scheduler."}) {
    CHECK(same_curve(std::string(path) + "StepLR(optimizer, step_size=3, gamma=0.5)",
                     "StepLR(step_size=3, gamma=0.5)"));
  }
  // StepLR(step_size=3, gamma=0.5) at lr 0.1, by hand.
  const auto s = lrs::parse_schedule("torch.optim.lr_scheduler.StepLR(opt, 3, 0.5)", with_lr(0.1));
  CHECK(s(2) == 0.1);
  CHECK(s(3) == 0.05);
  CHECK(s(6) == 0.025);
}

TEST_CASE("paste: the optimizer argument is dropped, positional or by name", "[spec][paste]") {
  // Was "parameter 'T_max' given twice": the optimizer took T_max's place.
  CHECK(same_curve("CosineAnnealingLR(optimizer, T_max=100)", "CosineAnnealingLR(T_max=100)"));
  CHECK(same_curve("CosineAnnealingLR(optimizer=opt, T_max=100, eta_min=0.01)",
                   "CosineAnnealingLR(T_max=100, eta_min=0.01)"));
  CHECK(same_curve("CosineAnnealingLR(self.optimizer, 100, 0.01)",
                   "CosineAnnealingLR(T_max=100, eta_min=0.01)"));
  CHECK(same_curve("OneCycleLR(optimizer, 0.1, total_steps=40)",
                   "OneCycleLR(max_lr=0.1, total_steps=40)"));
  // Without the optimizer the positional order is unchanged.
  CHECK(same_curve("StepLR(3, 0.5)", "StepLR(step_size=3, gamma=0.5)"));
  // ChainedScheduler(schedulers, optimizer=None): the optimizer is second.
  CHECK(
      same_curve("ChainedScheduler([ConstantLR(optimizer, factor=0.5, total_iters=4), "
                 "ExponentialLR(optimizer, gamma=0.9)], optimizer)",
                 "ChainedScheduler([ConstantLR(factor=0.5, total_iters=4), "
                 "ExponentialLR(gamma=0.9)])"));
  // A quoted string is a value, never an optimizer.
  CHECK_THAT(spec_error_of("StepLR('optimizer', step_size=3)", with_lr(0.1)),
             Contains("given twice"));
}

TEST_CASE("paste: nested calls with module paths and optimizers", "[spec][paste]") {
  const std::string pasted =
      "torch.optim.lr_scheduler.SequentialLR(optimizer, schedulers=["
      "torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=2),"
      "\n    lr_scheduler.ExponentialLR(optimizer, gamma=0.9)], milestones=[2], last_epoch=-1)";
  CHECK(same_curve(pasted,
                   "SequentialLR(schedulers=[LinearLR(start_factor=0.1, total_iters=2), "
                   "ExponentialLR(gamma=0.9)], milestones=[2])"));
  // By hand at lr 1: LinearLR 0.1, 0.55; from the milestone ExponentialLR restarts at 1.
  const auto s = lrs::parse_schedule(pasted, with_lr(1.0));
  CHECK(s(0) == Approx(0.1).epsilon(1e-15));
  CHECK(s(1) == Approx(0.55).epsilon(1e-15));
  CHECK(s(2) == 1.0);
  CHECK(s(3) == Approx(0.9).epsilon(1e-15));
}

TEST_CASE("paste: last_epoch=-1 and verbose are accepted; another last_epoch is explained",
          "[spec][paste]") {
  CHECK(same_curve("StepLR(optimizer, step_size=3, last_epoch=-1, verbose=False)",
                   "StepLR(step_size=3)"));
  CHECK(same_curve("StepLR(optimizer, step_size=3, verbose='deprecated')", "StepLR(step_size=3)"));
  const std::string e = spec_error_of("StepLR(optimizer, step_size=3, last_epoch=5)", with_lr(0.1));
  CHECK_THAT(e, Contains("last_epoch=5 at column 32"));
  CHECK_THAT(e, Contains("--from N"));
  CHECK_THAT(e, Contains("Only last_epoch=-1 is accepted"));
  // lrs's own names have no last_epoch.
  CHECK_THAT(spec_error_of("cosine(last_epoch=-1)",
                           [] {
                             lrs::spec_context c;
                             c.steps = 10;
                             return c;
                           }()),
             Contains("unknown parameter 'last_epoch'"));
}

TEST_CASE("paste: a module path that is not the name's is refused", "[spec][paste]") {
  CHECK_THAT(spec_error_of("optax.StepLR(step_size=3)", with_lr(0.1)),
             Contains("module path 'optax.' at column 1 is not where StepLR lives (write "
                      "torch.optim.lr_scheduler., optim.lr_scheduler., lr_scheduler. or no path)"));
  CHECK_THAT(spec_error_of("torch.optim.lr_scheduler.rex",
                           [] {
                             lrs::spec_context c;
                             c.steps = 10;
                             return c;
                           }()),
             Contains("it is lrs's own name"));
  CHECK_THAT(spec_error_of("torch.optim.lr_scheduler.CosineLR(optimizer)", with_lr(0.1)),
             Contains("unknown schedule 'torch.optim.lr_scheduler.CosineLR' at column 1 (lrs has "
                      "no 'CosineLR' from torch.optim.lr_scheduler)"));
}

TEST_CASE("paste: controllers and Python functions are named as such", "[spec][paste]") {
  CHECK_THAT(spec_error_of("torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode='min')",
                           with_lr(0.1)),
             Contains("ReduceLROnPlateau at column 1 is a controller, not a schedule"));
  CHECK_THAT(spec_error_of("ReduceLROnPlateau(optimizer)", with_lr(0.1)),
             Contains("lrs::plateau_scaled"));
  CHECK_THAT(spec_error_of("SequentialLR(schedulers=[ReduceLROnPlateau(optimizer)], milestones=[])",
                           with_lr(0.1)),
             Contains("ReduceLROnPlateau at column 26 is a controller"));
  CHECK_THAT(spec_error_of("LambdaLR(optimizer, lr_lambda=fn)", with_lr(0.1)),
             Contains("LambdaLR at column 1 takes a Python function"));
}

TEST_CASE("paste: Python code in an argument says which argument and what to write",
          "[spec][paste]") {
  CHECK(spec_error_of("LambdaLR(optimizer, lr_lambda=lambda epoch: 0.95 ** epoch)", with_lr(0.1)) ==
        "argument 'lr_lambda' of LambdaLR at column 31 is Python code (a lambda); a spec holds "
        "numbers, strings, lists, dicts and schedule calls: write the schedule by its name and "
        "numbers (`lrs list`), or build it in C++ with lrs::lambda_lr");
  CHECK(spec_error_of("OneCycleLR(optimizer, max_lr=0.1, epochs=10, "
                      "steps_per_epoch=len(train_loader))",
                      with_lr(0.1)) ==
        "parameter 'steps_per_epoch' of OneCycleLR at column 46 must be a whole number, got the "
        "Python call 'len(...)'; a spec cannot evaluate Python: write the value it has");
  CHECK(spec_error_of("CosineAnnealingLR(optimizer, T_max=args.epochs)", with_lr(0.1)) ==
        "parameter 'T_max' of CosineAnnealingLR at column 30 must be a whole number, got the "
        "Python name 'args.epochs'; a spec cannot evaluate Python: write the value it has");
  CHECK(spec_error_of("CosineAnnealingLR(optimizer, T_max=epochs)", with_lr(0.1)) ==
        "parameter 'T_max' of CosineAnnealingLR at column 30 must be a whole number, got the "
        "Python name 'epochs'; a spec cannot evaluate Python: write the value it has");
  CHECK(
      spec_error_of("CosineAnnealingLR(optimizer, T_max=num_epochs * len(loader))", with_lr(0.1)) ==
      "argument 'T_max' of CosineAnnealingLR at column 36 is a Python expression "
      "'num_epochs * len(loader)'; a spec cannot evaluate Python: write the value it has");
  CHECK(spec_error_of("MultiStepLR(optimizer, milestones=[30, 2 * 40])", with_lr(0.1)) ==
        "argument 'milestones' of MultiStepLR at column 40 is a Python expression '2 * 40'; a "
        "spec cannot evaluate Python: write the value it has");
  CHECK(spec_error_of("StepLR(optimizer, cfg['step'])", with_lr(0.1)) ==
        "argument 2 of StepLR at column 19 is a Python expression 'cfg['step']'; a spec cannot "
        "evaluate Python: write the value it has");
  CHECK_THAT(spec_error_of("SequentialLR(optimizer, schedulers=[scheduler1, scheduler2], "
                           "milestones=[5])",
                           with_lr(0.1)),
             Contains("'scheduler1' at column 37 in SequentialLR is not a schedule lrs knows; if "
                      "it is a Python variable, write the schedule's call in its place"));
  // A number written as a negative literal is not an expression.
  CHECK(same_curve("StepLR(optimizer, step_size=3, last_epoch=-1)", "StepLR(3)"));
}

TEST_CASE("paste: dict literals", "[spec][paste][parser]") {
  const lrs::spec_call c = lrs::parse_spec(
      "F(a={\"num_cycles\": 2, 'power': 1.5, \"s\": [1, 2],}, b={100: 0.5, 2e2: "
      "0.1}, c={})");
  REQUIRE(c.args.size() == 3);
  const lrs::spec_value& a = c.args[0].val;
  REQUIRE(a.type == lrs::spec_value::kind::dict);
  REQUIRE(a.keys.size() == 3);
  CHECK(a.keys[0].text == "num_cycles");
  CHECK(a.keys[0].quoted);
  CHECK(a.items[0].number == 2);
  CHECK(a.keys[1].text == "power");
  CHECK(a.items[1].number == 1.5);
  CHECK(a.items[2].type == lrs::spec_value::kind::list);
  const lrs::spec_value& b = c.args[1].val;
  REQUIRE(b.keys.size() == 2);
  CHECK(b.keys[1].number == 200);
  CHECK(b.items[1].number == 0.1);
  CHECK(c.args[2].val.type == lrs::spec_value::kind::dict);
  CHECK(c.args[2].val.keys.empty());

  const auto err = [](const char* s) -> std::string {
    try {
      (void)lrs::parse_spec(s);
    } catch (const lrs::spec_error& e) {
      return e.what();
    }
    return "<no error>";
  };
  CHECK(err("F(a={num_cycles: 2})") ==
        "dict keys must be quoted strings or numbers, got the bare name 'num_cycles' at column 6");
  CHECK(err("F(a={'x': 1, 'x': 2})") == "dict key 'x' given twice at column 14");
  CHECK(err("F(a={'x' 1})") == "expected ':' after a dict key at column 10, got '1'");
  CHECK(err("F(a={'x': 1") == "expected ',' or '}' at column 12, got the end of the spec");
  CHECK(err("F(a={'x': n * 2})") ==
        "dict entry 'x' at column 11 is a Python expression 'n * 2'; a spec cannot evaluate "
        "Python: write the value it has");
  // Bare words stay unquoted, quoted ones are marked.
  const lrs::spec_call q = lrs::parse_spec("F(x, 'y')");
  CHECK_FALSE(q.args[0].val.quoted);
  CHECK(q.args[1].val.quoted);
}

TEST_CASE("paste: comments, line continuations and an assignment around the call",
          "[spec][paste][parser]") {
  const std::string pasted =
      "scheduler = torch.optim.lr_scheduler.OneCycleLR(\n"
      "    optimizer,\n"
      "    max_lr=0.1,  # the peak\n"
      "    # total_steps=10,\n"
      "    total_steps=40, \\\n"
      "    anneal_strategy='linear',  # '#' in a comment\n"
      ")  # end\n";
  CHECK(same_curve(pasted, "OneCycleLR(max_lr=0.1, total_steps=40, anneal_strategy='linear')"));
  CHECK(same_curve("self.scheduler: LRScheduler = StepLR(optimizer, 3)", "StepLR(3)"));
  // A '#' inside a string is text.
  const lrs::spec_call c = lrs::parse_spec("F('a#b')  # c");
  CHECK(c.args.at(0).val.text == "a#b");
  CHECK(spec_error_of("StepLR(optimizer, *args)", with_lr(0.1)) ==
        "argument 2 of StepLR at column 19 unpacks Python values '*args'; a spec cannot evaluate "
        "Python: write the arguments out");
  CHECK(spec_error_of("StepLR(optimizer, step_size=3, **kwargs)", with_lr(0.1)) ==
        "argument 3 of StepLR at column 32 unpacks Python values '**kwargs'; a spec cannot "
        "evaluate Python: write the arguments out");
  // `==` is not an assignment.
  CHECK_THAT(spec_error_of("x == StepLR(3)", with_lr(0.1)), Contains("unexpected '='"));
}
