// SPDX-License-Identifier: MIT
// Writes hyper_golden.txt: "<name> <hex bytes of its state()>" for every object of
// tests/core/hyper_state_objects.hpp. It was run once with the code before each type declared
// its hyper-parameters in one list (visit_hyper), so that tests/core/hyper_state_test.cpp checks
// the new code against bytes the old code wrote:
//   g++ -std=c++17 -I include -I tests -I /usr/include/eigen3
//       tests/data/state/make_hyper_golden.cpp -o /tmp/make_hyper_golden
//   /tmp/make_hyper_golden > tests/data/state/hyper_golden.txt
#include <cstdio>

#include "core/hyper_state_objects.hpp"

int main() {
  for (const auto& [name, bytes] : hyper_state::all_states()) {
    std::printf("%s ", name.c_str());
    for (const unsigned char b : bytes) std::printf("%02x", b);
    std::printf("\n");
  }
  return 0;
}
