// SPDX-License-Identifier: MIT
// lrs::spec_registry: the names spec strings can use, and how a parsed call becomes a schedule.
#ifndef LRS_IO_SPEC_REGISTRY_HPP
#define LRS_IO_SPEC_REGISTRY_HPP

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <lrs/core/any_schedule.hpp>
#include <lrs/core/error.hpp>
#include <lrs/io/spec/args.hpp>
#include <lrs/io/spec/parser.hpp>

namespace lrs {

/// Named schedules that spec strings can use. `default_spec_registry()` holds every built-in;
/// users may add their own names. Not synchronised: add entries before parsing from several
/// threads.
class spec_registry : public spec_builder {
 public:
  /// Adds or replaces an entry.
  /// @throws lrs::invalid_argument if the name is empty, `make` is empty, two parameters share a
  /// name, or a default_text (not from_context) is not one spec value.
  void add(spec_entry e) {
    detail::require(!e.name.empty(), "spec_registry", "name", "a non-empty identifier", e.name);
    detail::require(static_cast<bool>(e.make), "spec_registry", "make", "a factory", e.name);
    for (std::size_t i = 0; i < e.params.size(); ++i) {
      const spec_param& p = e.params[i];
      for (std::size_t j = 0; j < i; ++j)
        detail::require(e.params[j].name != p.name, "spec_registry", "params",
                        "distinct names (" + e.name + ")", p.name);
      if (p.default_text.empty() || p.from_context) continue;
      try {
        (void)spec::detail::parse_default(p.default_text);
      } catch (const spec_error& err) {
        LRS_THROW(invalid_argument("lrs::spec_registry: default of " + e.name + "." + p.name +
                                   " must be one spec value, got " +
                                   spec::detail::quote(p.default_text) + " (" + err.what() + ")"));
      }
    }
    std::string key = e.name;
    entries_.insert_or_assign(std::move(key), std::move(e));
  }
  [[nodiscard]] const spec_entry* find(std::string_view name) const {
    const auto it = entries_.find(std::string(name));
    return it == entries_.end() ? nullptr : &it->second;
  }
  /// Every entry, sorted by name.
  [[nodiscard]] const std::map<std::string, spec_entry>& entries() const noexcept {
    return entries_;
  }

  /// Builds the schedule a parsed call names.
  /// @throws lrs::spec_error naming the place: an unknown name (with a suggestion), a bad
  /// argument, or a constructor's own check.
  [[nodiscard]] any_schedule<double> build(const spec::call& c,
                                           const spec_context& ctx) const override {
    const spec_entry* e = find(c.name);
    if (!e) {
      std::vector<std::string> names;
      for (const auto& kv : entries_) names.push_back(kv.first);
      const std::string hint = spec::detail::closest(c.name, names);
      LRS_THROW(spec_error("unknown schedule " + spec::detail::quote(c.name) + " at column " +
                               std::to_string(c.column) +
                               (hint.empty() ? "" : "; did you mean '" + hint + "'?"),
                           c.column));
    }
    const spec_args args(c, *e, *this);
    try {
      return e->make(args, ctx);
    } catch (const spec_error&) {
      throw;
    } catch (const invalid_argument& ex) {
      // A constructor's own check ("lrs::step_lr: step_size must be > 0, got 0"): say where.
      LRS_THROW(spec_error(std::string(ex.what()) + " (in " + c.name + " at column " +
                               std::to_string(c.column) + ")",
                           c.column));
    }
  }

 private:
  std::map<std::string, spec_entry> entries_;
};

}  // namespace lrs

#endif  // LRS_IO_SPEC_REGISTRY_HPP
