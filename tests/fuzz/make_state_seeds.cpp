// SPDX-License-Identifier: MIT
// Writes the seed corpus of fuzz_state: for every kind of object, its state when fresh and after
// some use, each once as is and once with the selector's "repair length and CRC" bit.
// Usage: fuzz_make_state_seeds <dir>   (tests/fuzz/corpus/state)
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "state_objects.hpp"

namespace {

using bytes_t = std::vector<unsigned char>;
std::string dir;
int written = 0;

void put(unsigned kind, const std::string& what, const bytes_t& state) {
  for (const unsigned repair : {0u, 0x80u}) {
    const unsigned char selector = static_cast<unsigned char>(kind | repair);
    std::ofstream f(dir + "/" + std::to_string(kind) + "_" + what + (repair ? "_repair" : ""),
                    std::ios::binary);
    f.put(static_cast<char>(selector));
    f.write(reinterpret_cast<const char*>(state.data()),
            static_cast<std::streamsize>(state.size()));
    ++written;
  }
}

template <class Opt>
void optimizer(unsigned kind, Opt opt) {
  using T = typename Opt::scalar_type;
  put(kind, "fresh", opt.state());
  lrs::vector_t<T> p = lrs::vector_t<T>::LinSpaced(5, T(-1), T(1));
  const lrs::vector_t<T> g = lrs::vector_t<T>::LinSpaced(5, T(2), T(-1));
  opt.step(p, g, T(0.01));
  put(kind, "step1", opt.state());
  opt.step(p, g, T(0.02));
  put(kind, "step2", opt.state());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <dir>\n", argv[0]);
    return 2;
  }
  dir = argv[1];
  optimizer(fuzz::sgd_f64, fuzz::make_sgd_f64());
  optimizer(fuzz::sgd_f32_nesterov, fuzz::make_sgd_f32());
  optimizer(fuzz::adam_f64, fuzz::make_adam_f64());
  optimizer(fuzz::adam_f32_amsgrad, fuzz::make_adam_f32());
  optimizer(fuzz::adamw_f64, fuzz::make_adamw_f64());
  {
    auto p = fuzz::make_plateau<float>();
    put(fuzz::plateau_f32, "fresh", p.state());
    for (const float m : {1.0f, 0.5f, 0.5f, 0.5f, 0.5f, 2.0f}) p.observe(m);
    put(fuzz::plateau_f32, "observed", p.state());
    auto q = fuzz::make_plateau<double>();
    put(fuzz::plateau_f64, "fresh", q.state());
    for (const double m : {1.0, 0.5, 0.5, 0.5}) q.observe(m);
    put(fuzz::plateau_f64, "observed", q.state());
  }
  {
    auto a = fuzz::make_autolrs();
    fuzz::quadratic_trainer tr;
    put(fuzz::autolrs_load, "fresh", a.state());
    put(fuzz::autolrs_step, "fresh", a.state());
    for (int i = 0; i < 6; ++i) a.step(tr);  // one finished stage, two candidates of the next
    put(fuzz::autolrs_load, "stage1", a.state());
    put(fuzz::autolrs_step, "stage1", a.state());
  }
  {
    auto r = fuzz::make_grad_norms();
    put(fuzz::grad_norms, "fresh", r.state());
    for (const double n : {1.5, 0.25, 3.0}) r.record(n);
    put(fuzz::grad_norms, "recorded", r.state());
  }
  std::printf("wrote %d seeds to %s\n", written, dir.c_str());
  return 0;
}
