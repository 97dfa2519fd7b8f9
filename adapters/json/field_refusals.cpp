#include "adapters/json/field_refusals.h"

#include <cstdint>

namespace gw::json {
namespace {

bool is_continuation_byte(char c) { return (static_cast<std::uint8_t>(c) & 0xC0) == 0x80; }

std::string_view describe(simdjson::error_code e) {
  switch (e) {
    case simdjson::TAPE_ERROR:
      return "improper structure: a missing or extra comma, colon, brace, bracket or quote";
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
      return "the input ends inside an object or array";
    case simdjson::UNCLOSED_STRING:
      return "a string is never closed";
    case simdjson::STRING_ERROR:
      return "invalid escape in a string";
    case simdjson::UNESCAPED_CHARS:
      return "control character not escaped in a string";
    case simdjson::NUMBER_ERROR:
      return "invalid number";
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
    case simdjson::INCORRECT_TYPE:  // after the type peek agreed: a bad literal
      return "invalid literal (expected true, false or null)";
    case simdjson::DEPTH_ERROR:
      return "nested too deeply";
    case simdjson::EMPTY:
      return "no JSON value (empty or only whitespace)";
    default:
      return simdjson::error_message(e);
  }
}

}  // namespace

std::string_view type_name(simdjson::ondemand::json_type t) {
  using simdjson::ondemand::json_type;
  switch (t) {
    case json_type::array:
      return "array";
    case json_type::object:
      return "object";
    case json_type::number:
      return "number";
    case json_type::string:
      return "string";
    case json_type::boolean:
      return "boolean";
    case json_type::null:
      return "null";
  }
  return "unknown";
}

void append_printable(std::string& out, std::string_view text, std::size_t max_bytes) {
  const bool cut = text.size() > max_bytes;
  if (cut) {
    std::size_t end = max_bytes;
    while (end > 0 && is_continuation_byte(text[end])) {
      --end;
    }
    text = text.substr(0, end);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : text) {
    const auto u = static_cast<std::uint8_t>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '\t') {
      out.append("\\t");
    } else if (u < 0x20 || u == 0x7F) {
      out.append("\\u00");
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    } else {
      out.push_back(c);
    }
  }
  if (cut) {
    out.append("...");
  }
}

std::string quote_value(std::string_view text) {
  std::string out = "\"";
  append_printable(out, text, kMaxQuotedBytes);
  out.push_back('"');
  return out;
}

Refusal missing_field(const FieldPath& path) {
  return {RefusalCode::missing_field, path.str(), "required field is absent or null"};
}

Refusal wrong_type(const FieldPath& path, std::string_view expected,
                   simdjson::ondemand::json_type found) {
  std::string detail = "expected ";
  detail.append(expected).append(", found ").append(type_name(found));
  return {RefusalCode::wrong_type, path.str(), std::move(detail)};
}

Refusal out_of_range(const FieldPath& path, std::string detail) {
  return {RefusalCode::out_of_range, path.str(), std::move(detail)};
}

Refusal bad_time(const FieldPath& path, std::string detail) {
  return {RefusalCode::bad_time, path.str(), std::move(detail)};
}

Refusal duplicate_key(const FieldPath& path) {
  return {RefusalCode::malformed_json, path.str(), "duplicate key"};
}

Refusal malformed_json(const FieldPath& path, simdjson::error_code error) {
  return {RefusalCode::malformed_json, path.str(), std::string(describe(error))};
}

}  // namespace gw::json
