// SPDX-License-Identifier: MIT
// The fuzz_spec dictionary and registry seeds, made from the spec registry itself: every
// registered name, every parameter, the quoted choices in the parameters' defaults and help, the
// module paths of each ecosystem, and one call of every name. make_spec_seeds.cpp writes them to
// tests/fuzz (spec.dict, corpus/spec/reg_*); tests/io/spec_fuzz_files_test.cpp fails when a
// registered name or parameter is missing there, so a new name is fuzzed from the day it is added.
#pragma once

#include <algorithm>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <lrs/io/parse_schedule.hpp>

namespace lrs_fuzz {

/// The context fuzz_spec parses with (lr 0.1, a default budget of 1000 steps).
inline lrs::spec_context fuzz_context() {
  lrs::spec_context ctx;
  ctx.lr = 0.1;
  ctx.steps = 1000;
  return ctx;
}

/// Tokens of the spec syntax and numbers at the edges of what it reads: written by hand, they do
/// not come from the registry.
inline const std::vector<std::string>& syntax_tokens() {
  static const std::vector<std::string> tokens = {"True",
                                                  "False",
                                                  "None",
                                                  "(",
                                                  ")",
                                                  "[",
                                                  "]",
                                                  "=",
                                                  ",",
                                                  "{",
                                                  "}",
                                                  ":",
                                                  "#",
                                                  "\\\n",
                                                  "*",
                                                  "**",
                                                  "lambda",
                                                  "optimizer",
                                                  "last_epoch=-1",
                                                  "verbose=False",
                                                  "dict(",
                                                  "len(",
                                                  "'",
                                                  "\"",
                                                  "0",
                                                  "1",
                                                  "2",
                                                  "-1",
                                                  "0.5",
                                                  "1e300",
                                                  "1e-300",
                                                  "1e308",
                                                  "1.7976931348623157e308",
                                                  "5e-324",
                                                  "inf",
                                                  "-inf",
                                                  "nan",
                                                  "math.inf",
                                                  "9223372036854775807",
                                                  "9223372036854775808",
                                                  "9007199254740993",
                                                  "4611686018427387904",
                                                  "2147483648",
                                                  "1_000",
                                                  "0x10",
                                                  "0x1p-3",
                                                  "1e3",
                                                  "10.0",
                                                  "-0"};
  return tokens;
}

/// The texts in single quotes in `s` ("'cos'" and "'linear'" of "'cos' or 'linear'").
inline void quoted_words(std::string_view s, std::set<std::string>& out) {
  for (std::size_t i = s.find('\''); i != std::string_view::npos; i = s.find('\'', i)) {
    const std::size_t j = s.find('\'', i + 1);
    if (j == std::string_view::npos) break;
    if (j > i + 1 && j - i < 40) out.insert(std::string(s.substr(i, j - i + 1)));
    i = j + 1;
  }
}

/// The words of `s` (after its last ": ") when it is a list of choices as enum_choices writes it
/// ("linear, cosine or exponential") or one bare name (an enumerator default), each bare and in
/// single quotes.
inline void choice_words(std::string_view s, std::set<std::string>& out) {
  if (const std::size_t colon = s.rfind(": "); colon != std::string_view::npos)
    s.remove_prefix(colon + 2);  // "decay shape: linear, cosine, ..."
  std::vector<std::string> words;
  std::string w;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    const char c = i < s.size() ? s[i] : ' ';
    const bool word_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (word_char) {
      w += c;
    } else if (c == ' ' || c == ',') {
      if (!w.empty() && w != "or") words.push_back(w);
      w.clear();
    } else {
      return;  // other punctuation: prose, not a list of names
    }
  }
  if (words.empty() || (words.size() > 1 && s.find(" or ") == std::string_view::npos)) return;
  for (const std::string& word : words) {
    out.insert(word);
    out.insert("'" + word + "'");
  }
}

/// Every token of the dictionary: the registry's names and parameters, the quoted words of the
/// parameters' defaults and help, the module paths (with their final '.'), and syntax_tokens().
inline std::set<std::string> spec_dictionary(const lrs::spec_registry& registry) {
  std::set<std::string> out(syntax_tokens().begin(), syntax_tokens().end());
  for (const auto& [name, e] : registry.entries()) {
    out.insert(name);
    for (const lrs::spec_param& p : e.params) {
      out.insert(p.name);
      out.insert(p.name + "=");
      quoted_words(p.default_text, out);
      quoted_words(p.help, out);
      choice_words(p.default_text, out);
      choice_words(p.help, out);
    }
    for (const char* path : lrs::detail::module_paths(e.ecosystem))
      out.insert(path + std::string("."));
  }
  return out;
}

/// `token` as a line of a libFuzzer dictionary: in double quotes, with '\\' and '"' escaped and
/// bytes outside printable ASCII written as \xNN.
inline std::string dictionary_line(std::string_view token) {
  std::string line = "\"";
  for (const char c : token) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"') {
      line += '\\';
      line += c;
    } else if (b < 0x20 || b >= 0x7F) {
      constexpr char hex[] = "0123456789abcdef";
      line += "\\x";
      line += hex[b >> 4];
      line += hex[b & 0xF];
    } else {
      line += c;
    }
  }
  return line + "\"";
}

/// The dictionary file: a comment, then one line per token, sorted.
inline std::string dictionary_file(const lrs::spec_registry& registry) {
  std::string text =
      "# fuzz_spec dictionary, written by fuzz_make_spec_seeds from the spec registry "
      "(tests/fuzz/README.md)\n";
  for (const std::string& t : spec_dictionary(registry)) text += dictionary_line(t) + "\n";
  return text;
}

/// Values tried, in order, for a parameter without a default until the call builds.
inline const std::vector<std::string>& seed_values() {
  static const std::vector<std::string> values = {
      "10",
      "0.1",
      "constant",
      "[constant, constant]",
      "[10]",
      "'linear'",
      "{10: 0.5}",
      "[0.1, 0.2]",
      "True",
      "[{'init_value': 0.0, 'peak_value': 0.1, 'warmup_steps': 10, 'decay_steps': 100}]",
      "'cosine'"};
  return values;
}

/// A call of `e` that the registry builds when it can: every parameter given by keyword (its
/// default, or for a required one the first of seed_values() that the call accepts), parameters
/// whose explicit default a check refuses left out. The search follows the parameter each error
/// message names; when it finds no accepted call it returns its last try, still a useful seed.
inline std::string spec_seed(const lrs::spec_registry& registry, const lrs::spec_entry& e) {
  std::vector<std::size_t> choice(e.params.size(), 0);
  std::vector<bool> given(e.params.size(), false);
  for (std::size_t i = 0; i < e.params.size(); ++i)
    given[i] = !e.params[i].from_context || e.params[i].default_text.empty();
  const auto text = [&] {
    std::string s = e.name + "(";
    bool first = true;
    for (std::size_t i = 0; i < e.params.size(); ++i) {
      if (!given[i]) continue;
      const lrs::spec_param& p = e.params[i];
      const bool required = p.default_text.empty() || p.from_context;
      s += (first ? "" : ", ") + p.name + "=" +
           (required ? seed_values()[choice[i]] : p.default_text);
      first = false;
    }
    return s + ")";
  };
  for (int round = 0; round < 200; ++round) {
    const std::string s = text();
    std::string message;
    try {
      (void)lrs::parse_schedule(s, fuzz_context(), registry);
      return s;
    } catch (const lrs::invalid_argument& err) {
      message = err.what();
    }
    // The parameter the message names ('name' or name=), the latest in the call first.
    std::size_t named = e.params.size();
    for (std::size_t i = 0; i < e.params.size() && named == e.params.size(); ++i) {
      const std::string& n = e.params[i].name;
      if (given[i] && (message.find("'" + n + "'") != std::string::npos ||
                       message.find(" " + n + " ") != std::string::npos ||
                       message.find(": " + n) != std::string::npos))
        named = i;
    }
    if (named == e.params.size()) return s;
    const lrs::spec_param& p = e.params[named];
    if (p.default_text.empty() || p.from_context) {
      if (++choice[named] == seed_values().size()) return s;
    } else {
      given[named] = false;  // its default, left implicit
    }
  }
  return text();
}

/// The call `seed` as a Python paste would write it: the first module path of its ecosystem and,
/// for torch / hf / timm, the optimizer first (kept when the registry accepts the call so, or
/// when `seed` itself is refused). Empty for lrs's own names.
inline std::string pasted_seed(const lrs::spec_registry& registry, const lrs::spec_entry& e,
                               const std::string& seed) {
  const auto paths = lrs::detail::module_paths(e.ecosystem);
  if (paths.empty()) return {};
  const std::string path_only = std::string(paths.front()) + "." + seed;
  if (e.ecosystem != "torch" && e.ecosystem != "timm" &&
      !(e.ecosystem == "hf" && e.optimizer_position == 0))
    return path_only;
  std::string s = path_only;
  const std::size_t open = s.find('(');
  s.insert(open + 1, s[open + 1] == ')' ? "optimizer" : "optimizer, ");
  const auto builds = [&](const std::string& text) {
    try {
      (void)lrs::parse_schedule(text, fuzz_context(), registry);
      return true;
    } catch (const lrs::invalid_argument&) {
      return false;
    }
  };
  return builds(s) || !builds(path_only) ? s : path_only;
}

/// The seed files of the registry: file name (reg_<name>, reg_<name>_pasted) and contents.
inline std::vector<std::pair<std::string, std::string>> registry_seeds(
    const lrs::spec_registry& registry) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, e] : registry.entries()) {
    const std::string seed = spec_seed(registry, e);
    out.emplace_back("reg_" + name, seed);
    const std::string pasted = pasted_seed(registry, e, seed);
    if (!pasted.empty()) out.emplace_back("reg_" + name + "_pasted", pasted);
  }
  return out;
}

}  // namespace lrs_fuzz
