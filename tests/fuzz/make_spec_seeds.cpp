// SPDX-License-Identifier: MIT
// Writes the fuzz_spec dictionary and registry seeds from the spec registry (spec_seeds.hpp):
// <dir>/spec.dict and <dir>/corpus/spec/reg_*. Stale reg_* seeds (of names no longer registered)
// are removed; the hand-written seeds (spec_*) are left alone.
// Usage: fuzz_make_spec_seeds <dir>   (tests/fuzz)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "spec_seeds.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <tests/fuzz directory>\n", argv[0]);
    return 2;
  }
  namespace fs = std::filesystem;
  const fs::path dir = argv[1];
  const fs::path corpus = dir / "corpus" / "spec";
  fs::create_directories(corpus);
  const lrs::spec_registry& registry = lrs::default_spec_registry();
  {
    std::ofstream f(dir / "spec.dict", std::ios::binary | std::ios::trunc);
    f << lrs_fuzz::dictionary_file(registry);
    if (!f) {
      std::fprintf(stderr, "cannot write %s\n", (dir / "spec.dict").string().c_str());
      return 1;
    }
  }
  std::set<std::string> names;
  int builds = 0;
  for (const auto& [name, text] : lrs_fuzz::registry_seeds(registry)) {
    names.insert(name);
    std::ofstream f(corpus / name, std::ios::binary | std::ios::trunc);
    f << text;
    if (!f) {
      std::fprintf(stderr, "cannot write %s\n", (corpus / name).string().c_str());
      return 1;
    }
    try {
      (void)lrs::parse_schedule(text, lrs_fuzz::fuzz_context(), registry);
      ++builds;
    } catch (const lrs::invalid_argument& e) {
      std::fprintf(stderr, "note: seed %s does not build: %s\n", name.c_str(), e.what());
    }
  }
  for (const auto& file : fs::directory_iterator(corpus)) {
    const std::string n = file.path().filename().string();
    if (n.rfind("reg_", 0) == 0 && names.count(n) == 0) fs::remove(file.path());
  }
  std::printf("wrote %s and %zu seeds (%d of them build) to %s\n",
              (dir / "spec.dict").string().c_str(), names.size(), builds, corpus.string().c_str());
  return 0;
}
