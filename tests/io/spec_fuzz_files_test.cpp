// SPDX-License-Identifier: MIT
// The fuzz_spec dictionary and seeds hold every name of the spec registry: a name or parameter
// added to the registry without regenerating tests/fuzz/spec.dict and corpus/spec/reg_* fails
// here, with the command that regenerates them.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <lrs/io/parse_schedule.hpp>

#include "../fuzz/spec_seeds.hpp"
#include "catch.hpp"

namespace {

const std::filesystem::path fuzz_dir = std::filesystem::path(LRS_TEST_DATA_DIR) / ".." / "fuzz";

const char* const regenerate =
    "regenerate them: cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DLRS_BUILD_FUZZERS=ON "
    "&& cmake --build build/fuzz --target fuzz_make_spec_seeds && "
    "build/fuzz/tests/fuzz/fuzz_make_spec_seeds tests/fuzz";

std::string read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

/// The lines of the dictionary file other than comments.
std::set<std::string> dictionary_lines() {
  std::istringstream in(read_file(fuzz_dir / "spec.dict"));
  std::set<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') lines.insert(line);
  return lines;
}

}  // namespace

TEST_CASE("fuzz: spec.dict holds every registered name and parameter", "[spec][fuzz]") {
  const lrs::spec_registry& registry = lrs::default_spec_registry();
  const std::set<std::string> lines = dictionary_lines();
  REQUIRE(lines.size() > 100);
  for (const auto& [name, e] : registry.entries()) {
    INFO("spec.dict lacks a name of the registry; " << regenerate);
    CHECK(lines.count(lrs_fuzz::dictionary_line(name)) == 1);
    for (const lrs::spec_param& p : e.params) {
      INFO(name << "'s parameter " << p.name);
      CHECK(lines.count(lrs_fuzz::dictionary_line(p.name)) == 1);
    }
  }
  // And everything else the generator puts there (choices, module paths, syntax tokens).
  for (const std::string& token : lrs_fuzz::spec_dictionary(registry)) {
    INFO("spec.dict lacks " << lrs_fuzz::dictionary_line(token) << "; " << regenerate);
    CHECK(lines.count(lrs_fuzz::dictionary_line(token)) == 1);
  }
}

TEST_CASE("fuzz: every registered name has a seed that calls it", "[spec][fuzz]") {
  const lrs::spec_registry& registry = lrs::default_spec_registry();
  for (const auto& [name, e] : registry.entries()) {
    const auto seed = fuzz_dir / "corpus" / "spec" / ("reg_" + name);
    INFO("no seed " << seed.string() << " for " << name << "; " << regenerate);
    REQUIRE(std::filesystem::exists(seed));
    CHECK(read_file(seed).rfind(name + "(", 0) == 0);
  }
}

TEST_CASE("fuzz: the registry seeds mostly build", "[spec][fuzz]") {
  // The seeds are calls the registry accepts wherever the generator's search finds one: the
  // fuzzer then starts from working schedules of every family. The fraction guards the search.
  const lrs::spec_registry& registry = lrs::default_spec_registry();
  std::size_t seeds = 0, build = 0;
  for (const auto& [file, text] : lrs_fuzz::registry_seeds(registry)) {
    ++seeds;
    try {
      (void)lrs::parse_schedule(text, lrs_fuzz::fuzz_context(), registry);
      ++build;
    } catch (const lrs::invalid_argument&) {
    }
  }
  CHECK(seeds >= 2 * registry.entries().size() - 20);
  CHECK(build * 10 >= seeds * 8);
}

TEST_CASE("fuzz: dictionary lines escape quotes, backslashes and other bytes", "[spec][fuzz]") {
  CHECK(lrs_fuzz::dictionary_line("T_max") == "\"T_max\"");
  CHECK(lrs_fuzz::dictionary_line("\"") == "\"\\\"\"");
  CHECK(lrs_fuzz::dictionary_line("\\\n") == "\"\\\\\\x0a\"");
  CHECK(lrs_fuzz::dictionary_line("\xc3\xa9") == "\"\\xc3\\xa9\"");
}
