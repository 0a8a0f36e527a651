// SPDX-License-Identifier: MIT
// lrs::enum_names: one table of names per enum, read both ways (enum -> name, name -> enum).
#ifndef LRS_CORE_ENUM_NAMES_HPP
#define LRS_CORE_ENUM_NAMES_HPP

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace lrs {

/// One name of an enumerator.
template <class E>
struct enum_name {
  /// The enumerator.
  E value;
  /// Its name (or an alias), a string literal compared exactly by parse_enum.
  const char* name;
};

/// The names of enum E, specialised next to the enum:
///
///   template <> struct enum_names<past_end> {
///     static constexpr enum_name<past_end> table[] = {
///         {past_end::hold, "hold"}, {past_end::floor, "floor"}, {past_end::cycle, "cycle"}};
///   };
///
/// Every enumerator appears at least once. The first entry of a value is its name (what
/// name_of returns); later entries of the same value are aliases that parse_enum also accepts.
template <class E>
struct enum_names;

namespace detail {
template <class E, class = void>
struct has_enum_names : std::false_type {};
template <class E>
struct has_enum_names<E, std::void_t<decltype(enum_names<E>::table)>> : std::true_type {};
}  // namespace detail

/// True when E has a name table.
template <class E>
inline constexpr bool has_enum_names_v = detail::has_enum_names<E>::value;

/// The name of `e` (its first entry in the table), or "unknown" for a value outside the enum.
template <class E>
[[nodiscard]] constexpr const char* name_of(E e) noexcept {
  static_assert(has_enum_names_v<E>, "lrs::name_of: E has no enum_names<E> table");
  for (const enum_name<E>& n : enum_names<E>::table)
    if (n.value == e) return n.name;
  return "unknown";
}

/// The enumerator named `name` (exact spelling; a name or an alias), or nullopt.
template <class E>
[[nodiscard]] constexpr std::optional<E> parse_enum(std::string_view name) noexcept {
  static_assert(has_enum_names_v<E>, "lrs::parse_enum: E has no enum_names<E> table");
  for (const enum_name<E>& n : enum_names<E>::table)
    if (std::string_view(n.name) == name) return n.value;
  return std::nullopt;
}

/// The names (not the aliases) for a message, in table order: "a, b or c"; each wrapped in
/// `quote` when given (e.g. "'a', 'b' or 'c'").
template <class E>
[[nodiscard]] std::string enum_choices(std::string_view quote = "") {
  static_assert(has_enum_names_v<E>, "lrs::enum_choices: E has no enum_names<E> table");
  constexpr std::size_t size = std::extent_v<decltype(enum_names<E>::table)>;
  const char* names[size] = {};
  std::size_t count = 0;
  for (const enum_name<E>& n : enum_names<E>::table)
    if (std::string_view(name_of(n.value)) == n.name) names[count++] = n.name;
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) out += i + 1 == count ? " or " : ", ";
    out.append(quote).append(names[i]).append(quote);
  }
  return out;
}

}  // namespace lrs

#endif  // LRS_CORE_ENUM_NAMES_HPP
