#include "adapters/json/field_readers.h"

#include <string>

#include "gateway/core/time_format.h"

namespace gw::json {
namespace {

using ondemand::json_type;

// Peeks at v's type. A null is verified to really be "null" (On Demand only looks at the
// first byte), so "nul" is malformed rather than absent.
MaybeRefusal peek_type(ondemand::value& v, const FieldPath& path, json_type& type) {
  if (auto e = v.type().get(type)) {
    return malformed_json(path, e);
  }
  if (type == json_type::null) {
    bool is_null = false;
    if (auto e = v.is_null().get(is_null); e || !is_null) {
      return malformed_json(path, e ? e : simdjson::N_ATOM_ERROR);
    }
  }
  return std::nullopt;
}

enum class NumberSyntax { invalid, integer, with_fraction_or_exponent };

// RFC 8259 number grammar, on the raw token (which simdjson gives with trailing whitespace).
// Used only when simdjson cannot represent a number, to tell "too big for 64 bits" (valid
// JSON) from garbage such as "01" or "1.".
NumberSyntax number_syntax(std::string_view token) {
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' ||
                            token.back() == '\r')) {
    token.remove_suffix(1);
  }
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < token.size() && token[i] >= '0' && token[i] <= '9') {
      ++i;
    }
    return i - start;
  };
  if (i < token.size() && token[i] == '-') {
    ++i;
  }
  const std::size_t int_start = i;
  const std::size_t int_digits = digits();
  if (int_digits == 0 || (int_digits > 1 && token[int_start] == '0')) {
    return NumberSyntax::invalid;
  }
  bool integer = true;
  if (i < token.size() && token[i] == '.') {
    ++i;
    if (digits() == 0) {
      return NumberSyntax::invalid;
    }
    integer = false;
  }
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    if (i < token.size() && (token[i] == '+' || token[i] == '-')) {
      ++i;
    }
    if (digits() == 0) {
      return NumberSyntax::invalid;
    }
    integer = false;
  }
  if (i != token.size()) {
    return NumberSyntax::invalid;
  }
  return integer ? NumberSyntax::integer : NumberSyntax::with_fraction_or_exponent;
}

// After get_number failed: the syntax of the token, or invalid when it cannot be read.
NumberSyntax unrepresentable_number_syntax(ondemand::value& v, simdjson::error_code e) {
  if (e != simdjson::NUMBER_ERROR && e != simdjson::NUMBER_OUT_OF_RANGE) {
    return NumberSyntax::invalid;
  }
  return number_syntax(v.raw_json_token());
}

// A getter for the expected type failed with e. On Demand's getters leave the value where it
// was on INCORRECT_TYPE, so it can still be classified: null is absent (nothing to report),
// another type is wrong_type, the expected type itself is a broken literal. Readers try the
// getter first because the type peek costs as much again on every field.
MaybeRefusal unexpected(ondemand::value& v, const FieldPath& path, std::string_view expected,
                        json_type expected_type, simdjson::error_code e) {
  if (e != simdjson::INCORRECT_TYPE) {
    return malformed_json(path, e);
  }
  json_type type{};
  if (auto refused = peek_type(v, path, type)) {
    return refused;
  }
  if (type == json_type::null) {
    return std::nullopt;
  }
  if (type == expected_type) {
    return malformed_json(path, e);
  }
  return wrong_type(path, expected, type);
}

std::string time_range_detail(std::string_view found) {
  std::string detail = "outside the accepted range 2000-01-01 to 2100-01-01 (UTC); found ";
  detail.append(found);
  return detail;
}

}  // namespace

bool UnknownKeys::seen_before(std::string_view key) {
  if (overflow_) {
    return !overflow_->insert(key).second;
  }
  for (std::size_t i = 0; i < inline_count_; ++i) {
    if (std::string_view(inline_data_[i], inline_size_[i]) == key) {
      return true;
    }
  }
  if (inline_count_ < kInline) {
    inline_data_[inline_count_] = key.data();
    inline_size_[inline_count_] = key.size();
    ++inline_count_;
    return false;
  }
  overflow_ = std::make_unique<std::unordered_set<std::string_view>>();
  for (std::size_t i = 0; i < kInline; ++i) {
    overflow_->emplace(inline_data_[i], inline_size_[i]);
  }
  overflow_->insert(key);
  return false;
}

MaybeRefusal read_string(ondemand::value& v, const FieldPath& path,
                         std::optional<std::string_view>& out) {
  std::string_view s;
  if (auto e = v.get_string().get(s)) {
    return unexpected(v, path, "string", json_type::string, e);
  }
  out = s;
  return std::nullopt;
}

MaybeRefusal read_bool(ondemand::value& v, const FieldPath& path, std::optional<bool>& out) {
  bool b = false;
  if (auto e = v.get_bool().get(b)) {
    return unexpected(v, path, "boolean", json_type::boolean, e);
  }
  out = b;
  return std::nullopt;
}

// For the number readers: a refusal for anything but a number or null; present is false for
// null (an absent value).
static MaybeRefusal peek_number(ondemand::value& v, const FieldPath& path,
                                std::string_view expected, bool& present) {
  json_type type{};
  if (auto refused = peek_type(v, path, type)) {
    return refused;
  }
  present = type != json_type::null;
  if (present && type != json_type::number) {
    return wrong_type(path, expected, type);
  }
  return std::nullopt;
}

MaybeRefusal read_integer(ondemand::value& v, const FieldPath& path,
                          std::optional<std::int64_t>& out) {
  bool present = false;
  if (auto refused = peek_number(v, path, "integer", present); refused || !present) {
    return refused;
  }
  // get_number validates the whole token and says which kind of number it is.
  ondemand::number n;
  NumberSyntax syntax = NumberSyntax::integer;
  if (auto e = v.get_number().get(n)) {
    syntax = unrepresentable_number_syntax(v, e);
    if (syntax == NumberSyntax::invalid) {
      return malformed_json(path, e);
    }
  } else if (n.get_number_type() == ondemand::number_type::signed_integer) {
    out = n.get_int64();
    return std::nullopt;
  } else if (n.get_number_type() != ondemand::number_type::unsigned_integer) {
    syntax = NumberSyntax::with_fraction_or_exponent;
  }
  if (syntax == NumberSyntax::integer) {
    return out_of_range(path, "integer beyond the 64-bit range");
  }
  return Refusal{RefusalCode::wrong_type, path.str(),
                 "expected integer, found a number with a fraction or exponent"};
}

MaybeRefusal read_number(ondemand::value& v, const FieldPath& path, std::optional<double>& out) {
  bool present = false;
  if (auto refused = peek_number(v, path, "number", present); refused || !present) {
    return refused;
  }
  double d = 0;
  if (auto e = v.get_double().get(d)) {
    if (unrepresentable_number_syntax(v, e) == NumberSyntax::invalid) {
      return malformed_json(path, e);
    }
    return out_of_range(path, "number beyond the range of a double");
  }
  out = d;
  return std::nullopt;
}

MaybeRefusal read_time(ondemand::value& v, const FieldPath& path, std::optional<EpochMs>& out) {
  // Senders mostly write strings: try that first, the number form after.
  std::string_view text;
  const simdjson::error_code e = v.get_string().get(text);
  if (e == simdjson::SUCCESS) {
    const std::optional<EpochMs> t = parse_time(text);
    if (!t) {
      std::string detail(kAcceptedTimeForms);
      detail.append("; found ").append(quote_value(text));
      return bad_time(path, std::move(detail));
    }
    if (!time_in_accepted_range(*t)) {
      return bad_time(path, time_range_detail(quote_value(text)));
    }
    out = *t;
    return std::nullopt;
  }
  if (e != simdjson::INCORRECT_TYPE) {
    return malformed_json(path, e);
  }
  bool present = false;
  if (auto refused = peek_number(v, path, "string or integer (a time)", present);
      refused || !present) {
    return refused;
  }
  ondemand::number n;
  const simdjson::error_code number_error = v.get_number().get(n);
  if (number_error && unrepresentable_number_syntax(v, number_error) == NumberSyntax::invalid) {
    return malformed_json(path, number_error);
  }
  if (number_error || n.get_number_type() != ondemand::number_type::signed_integer) {
    std::string detail(kAcceptedTimeForms);
    detail.append("; found a number that is not a 64-bit integer");
    return bad_time(path, std::move(detail));
  }
  const std::int64_t ms = n.get_int64();
  if (!time_in_accepted_range(ms)) {
    return bad_time(path, time_range_detail(std::to_string(ms) + " epoch milliseconds"));
  }
  out = ms;
  return std::nullopt;
}

MaybeRefusal read_object(ondemand::value& v, const FieldPath& path,
                         std::optional<ondemand::object>& out) {
  ondemand::object obj;
  if (auto e = v.get_object().get(obj)) {
    return unexpected(v, path, "object", json_type::object, e);
  }
  out = obj;
  return std::nullopt;
}

MaybeRefusal read_array(ondemand::value& v, const FieldPath& path,
                        std::optional<ondemand::array>& out) {
  ondemand::array arr;
  if (auto e = v.get_array().get(arr)) {
    return unexpected(v, path, "array", json_type::array, e);
  }
  out = arr;
  return std::nullopt;
}

MaybeRefusal check_ignored_value(ondemand::value& v, const FieldPath& path, int depth) {
  if (depth > kMaxDepth) {
    return malformed_json(path, simdjson::DEPTH_ERROR);
  }
  json_type type{};
  if (auto refused = peek_type(v, path, type)) {
    return refused;
  }
  switch (type) {
    case json_type::null:
      return std::nullopt;
    case json_type::string: {
      std::string_view ignored;
      if (auto e = v.get_string().get(ignored)) {
        return malformed_json(path, e);
      }
      return std::nullopt;
    }
    case json_type::number: {
      ondemand::number ignored;
      if (auto e = v.get_number().get(ignored)) {
        // Valid JSON that no 64-bit type holds (a 30-digit id, 1e400) is still valid JSON.
        if (unrepresentable_number_syntax(v, e) == NumberSyntax::invalid) {
          return malformed_json(path, e);
        }
      }
      return std::nullopt;
    }
    case json_type::boolean: {
      bool ignored = false;
      if (auto e = v.get_bool().get(ignored)) {
        return malformed_json(path, e);
      }
      return std::nullopt;
    }
    case json_type::object: {
      ondemand::object obj;
      if (auto e = v.get_object().get(obj)) {
        return malformed_json(path, e);
      }
      return visit_fields(
          obj, path, depth, [](std::string_view) { return -1; },
          [](int, ondemand::value&, const FieldPath&) { return MaybeRefusal{}; });
    }
    case json_type::array: {
      ondemand::array arr;
      if (auto e = v.get_array().get(arr)) {
        return malformed_json(path, e);
      }
      return visit_elements(
          arr, path, [depth](std::size_t, ondemand::value& element, const FieldPath& element_path) {
            return check_ignored_value(element, element_path, depth + 1);
          });
    }
  }
  return std::nullopt;
}

}  // namespace gw::json
