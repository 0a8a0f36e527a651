// SPDX-License-Identifier: MIT
// Writes hyper_golden.txt: "<name> <hex bytes of its state()>" for every object of
// tests/core/hyper_state_objects.hpp. It was run with the headers of commit ffa7860, before each
// type declared its hyper-parameters in one list (visit_hyper), so that
// tests/core/hyper_state_test.cpp checks the new code against bytes the old code wrote:
//   mkdir -p /tmp/old && git archive ffa7860 include | tar -x -C /tmp/old
//   g++ -std=c++17 -I /tmp/old/include -I tests -I /usr/include/eigen3
//       tests/data/state/make_hyper_golden.cpp -o /tmp/make_hyper_golden
//   /tmp/make_hyper_golden > tests/data/state/hyper_golden.txt
// (plateau_scaled's states hold the schedule's type name as the compiler spells it: the file
// holds GCC's spelling, and the test compares that hyper-parameter by its presence only.)
#include <cstdio>

#include "core/hyper_state_objects.hpp"

int main() {
  for (const auto& e : hyper_state::all_states()) {
    std::printf("%s ", e.name.c_str());
    for (const unsigned char b : e.bytes) std::printf("%02x", b);
    std::printf("\n");
  }
  return 0;
}
