// expect: rebudget\(\) needs a budgeted schedule inside
// A PyTorch-parity cosine has no budget to change: rebudget() through a combinator is a compile
// error with a sentence (a static_assert), not a missing enable_if overload.
#include <lrs/lrs.hpp>

int main() {
  const auto s = lrs::with_warmup(lrs::cosine_annealing_lr(0.1, 100), 10);
  s.rebudget(50, 200);
}
