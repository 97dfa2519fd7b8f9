#include "adapters/json/json_document.h"

#include <string>

#include "adapters/encoding/utf8.h"

namespace gw::json {
namespace {

bool is_json_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

MaybeRefusal open_root_object(simdjson::ondemand::parser& parser, simdjson::padded_string_view json,
                              simdjson::ondemand::document& doc, simdjson::ondemand::object& root) {
  const FieldPath root_path;
  if (auto e = parser.iterate(json).get(doc)) {
    if (e == simdjson::UTF8_ERROR) {
      // simdjson validated the whole text but does not say where it failed.
      const std::size_t at = encoding::find_invalid_utf8(json).value_or(0);
      return Refusal{RefusalCode::invalid_encoding, "",
                     "invalid UTF-8 at byte offset " + std::to_string(at)};
    }
    if (e == simdjson::CAPACITY) {
      return Refusal{RefusalCode::too_large, "", "larger than the JSON parser's capacity"};
    }
    return malformed_json(root_path, e);
  }
  simdjson::ondemand::json_type type{};
  if (auto e = doc.type().get(type)) {
    return malformed_json(root_path, e);
  }
  if (type != simdjson::ondemand::json_type::object) {
    std::string detail = "expected an object, found ";
    detail.append(type_name(type));
    return Refusal{RefusalCode::not_an_object, "", std::move(detail)};
  }
  if (auto e = doc.get_object().get(root)) {
    return malformed_json(root_path, e);
  }
  return std::nullopt;
}

MaybeRefusal check_nothing_after_root(simdjson::ondemand::document& doc, std::string_view json) {
  // current_location() is out of bounds exactly when every token has been consumed.
  const char* next = nullptr;
  if (doc.current_location().get(next) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return trailing_data_at(static_cast<std::size_t>(next - json.data()));
}

std::optional<std::size_t> find_root_object_end(std::string_view json) {
  std::size_t i = 0;
  while (i < json.size() && is_json_whitespace(json[i])) {
    ++i;
  }
  if (i == json.size() || json[i] != '{') {
    return std::nullopt;
  }
  std::size_t depth = 0;
  bool in_string = false;
  for (; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // skip the escaped byte, which may be a quote
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) {
        return i + 1;
      }
    }
  }
  return std::nullopt;
}

Refusal trailing_data_at(std::size_t offset) {
  return {RefusalCode::trailing_data, "",
          "unexpected bytes after the JSON object, at byte offset " + std::to_string(offset)};
}

bool only_whitespace(std::string_view text) {
  for (char c : text) {
    if (!is_json_whitespace(c)) {
      return false;
    }
  }
  return true;
}

}  // namespace gw::json
