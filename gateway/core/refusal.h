// Why an input was refused. Every refusal names the field and the problem, so the sender
// (or the admin reading the dead-letter topic) can fix the input without guessing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace gw {

enum class RefusalCode {
  not_an_object,     // the JSON value is not an object
  malformed_json,    // not JSON at all, or truncated
  trailing_data,     // bytes after the JSON value
  invalid_encoding,  // not valid UTF-8 (or not valid in the configured charset)
  missing_field,     // a required field is absent or null
  wrong_type,        // a field has the wrong JSON type
  out_of_range,      // a value outside its allowed set or range
  bad_time,          // a time that is not one of the accepted forms
  too_large,         // over the configured size limit
  empty_input,       // zero bytes
};

// Stable, machine-readable names, used in dead-letter headers and metrics.
std::string_view to_string(RefusalCode c);

struct Refusal {
  RefusalCode code;
  std::string field;   // JSON path such as "caller.phone" or "category[1]"; empty if none
  std::string detail;  // human-readable: what was expected, what was found

  // "callTime: bad_time: expected ..." -- the one-line form used in logs and headers.
  std::string message() const;
};

// Empty when the input was fine; otherwise why it is refused. Functions that fill an
// out-parameter return it, so callers write `if (auto refused = f(...)) return refused;`.
using MaybeRefusal = std::optional<Refusal>;

// A value or the reason there is none. Small on purpose: std::expected is C++23.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT(google-explicit-constructor)
  Result(Refusal refusal) : v_(std::move(refusal)) {}  // NOLINT(google-explicit-constructor)
  // A default value built in place, for producers that fill it afterwards through value()
  // (the adapters build a Case this way: no move of a large struct per input).
  explicit Result(std::in_place_t) : v_(std::in_place_index<0>) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Refusal& refusal() const { return std::get<1>(v_); }

 private:
  std::variant<T, Refusal> v_;
};

// A T built in place and filled by fill(T&), which returns MaybeRefusal: the value, or the
// refusal. For wrapping the `..._into` functions that fill a caller's reused object.
template <typename T, typename Fill>
Result<T> filled(Fill&& fill) {
  // One named result on every path: built in place, never moved (NRVO).
  Result<T> result(std::in_place);
  if (MaybeRefusal refused = fill(*result)) {
    result = std::move(*refused);
  }
  return result;
}

}  // namespace gw
