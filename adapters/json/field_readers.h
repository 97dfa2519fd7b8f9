// Reading the fields of a simdjson On Demand object with precise refusals. Shared by the
// hotline and grid adapters so both word their refusals the same way.
//
// Conventions: a reader peeks at the JSON type first (one byte, no parsing), so a wrong type
// is wrong_type naming what was found, and anything simdjson rejects after the peek agreed is
// malformed_json. JSON null is "absent" (out stays empty): the adapters treat null and a
// missing key alike. String views point into the parser's buffer and die with the document.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "adapters/json/field_path.h"
#include "adapters/json/field_refusals.h"
#include "gateway/core/case.h"

namespace gw::json {

namespace ondemand = simdjson::ondemand;

// Deepest nesting accepted anywhere, counting the root object as 1. Ignored fields are walked
// recursively; the limit bounds that recursion (and the stack) for hostile input.
inline constexpr int kMaxDepth = 64;

MaybeRefusal read_string(ondemand::value& v, const FieldPath& path,
                         std::optional<std::string_view>& out);
MaybeRefusal read_bool(ondemand::value& v, const FieldPath& path, std::optional<bool>& out);
// A JSON integer. A non-integer number is wrong_type; one beyond 64 bits is out_of_range.
MaybeRefusal read_integer(ondemand::value& v, const FieldPath& path,
                          std::optional<std::int64_t>& out);
// Any JSON number, as a double.
MaybeRefusal read_number(ondemand::value& v, const FieldPath& path, std::optional<double>& out);
// A time: a string in one of time_format.h's forms, or an integer of epoch milliseconds;
// either must fall in [kMinAcceptedTime, kMaxAcceptedTime). Otherwise bad_time.
MaybeRefusal read_time(ondemand::value& v, const FieldPath& path, std::optional<EpochMs>& out);
MaybeRefusal read_object(ondemand::value& v, const FieldPath& path,
                         std::optional<ondemand::object>& out);
MaybeRefusal read_array(ondemand::value& v, const FieldPath& path,
                        std::optional<ondemand::array>& out);

// Checks that a value the adapter ignores is well-formed JSON (On Demand would otherwise skip
// it unread) with no duplicate keys, nested at most kMaxDepth deep. depth is the value's own.
MaybeRefusal check_ignored_value(ondemand::value& v, const FieldPath& path, int depth);

// Keys of the unknown fields of one object, to catch a duplicate among them. Inline storage
// covers real inputs; a set takes over past that so hostile inputs stay linear.
// One lives on the stack per object read, so it must cost nothing to make and drop: the
// inline slots are left uninitialised and the set is only allocated when needed.
class UnknownKeys {
 public:
  UnknownKeys() {}  // NOLINT: the slots are written before they are read
  // True if key was already added; adds it otherwise.
  bool seen_before(std::string_view key);

 private:
  static constexpr std::size_t kInline = 16;
  const char* inline_data_[kInline];
  std::size_t inline_size_[kInline];
  std::size_t inline_count_ = 0;
  std::unique_ptr<std::unordered_set<std::string_view>> overflow_;
};

// field's key, unescaped. Keys almost never hold escapes: those are read straight from the
// input (stage 1 has checked that the string closes); only a key with a backslash is copied
// out and unescaped by simdjson.
inline simdjson::error_code field_key(ondemand::field& field, std::string_view& key) {
  const char* start = field.key().raw();
  const char* end = start;
  while (*end != '"' && *end != '\\') {
    ++end;
  }
  if (*end == '"') {
    key = std::string_view(start, static_cast<std::size_t>(end - start));
    return simdjson::SUCCESS;
  }
  return field.unescaped_key().get(key);
}

// Walks the fields of obj once, in document order. known_field(key) gives the index (0..63)
// of a field the format defines, or -1; on_field(index, value, path) reads a known field and
// returns MaybeRefusal. Unknown fields are checked with check_ignored_value and otherwise
// ignored. A key present twice is malformed_json naming it. depth is obj's own.
template <typename KnownField, typename OnField>
MaybeRefusal visit_fields(ondemand::object& obj, const FieldPath& path, int depth,
                          KnownField&& known_field, OnField&& on_field) {
  std::uint64_t seen = 0;
  UnknownKeys unknown;
  for (auto field_or_error : obj) {
    // Used in place: copying the field out of its result costs a store-forwarding stall.
    if (auto e = field_or_error.error()) {
      return malformed_json(path, e);
    }
    ondemand::field& field = field_or_error.value_unsafe();
    std::string_view key;
    if (auto e = field_key(field, key)) {
      return malformed_json(path, e);
    }
    const FieldPath field_path = path.key(key);
    ondemand::value& value = field.value();
    const int index = known_field(key);
    if (index < 0) {
      if (unknown.seen_before(key)) {
        return duplicate_key(field_path);
      }
      if (auto refused = check_ignored_value(value, field_path, depth + 1)) {
        return refused;
      }
      continue;
    }
    const std::uint64_t bit = std::uint64_t{1} << index;
    if ((seen & bit) != 0) {
      return duplicate_key(field_path);
    }
    seen |= bit;
    if (auto refused = on_field(index, value, field_path)) {
      return refused;
    }
  }
  return std::nullopt;
}

// Walks the elements of arr once; on_element(index, value, path) returns MaybeRefusal.
template <typename OnElement>
MaybeRefusal visit_elements(ondemand::array& arr, const FieldPath& path, OnElement&& on_element) {
  std::size_t index = 0;
  for (auto element_or_error : arr) {
    const FieldPath element_path = path.index(index);
    if (auto e = element_or_error.error()) {
      return malformed_json(element_path, e);
    }
    if (auto refused = on_element(index, element_or_error.value_unsafe(), element_path)) {
      return refused;
    }
    ++index;
  }
  return std::nullopt;
}

}  // namespace gw::json
