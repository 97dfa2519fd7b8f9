// The document-level checks every adapter makes around its fields: the root is an object,
// nothing follows it, the text is UTF-8.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

#include "adapters/json/field_refusals.h"
#include "gateway/core/refusal.h"

namespace gw::json {

// Starts parsing json, whose root must be an object. Invalid UTF-8 is invalid_encoding (with
// the byte offset), a root of another type not_an_object, anything else malformed_json.
MaybeRefusal open_root_object(simdjson::ondemand::parser& parser, simdjson::padded_string_view json,
                              simdjson::ondemand::document& doc, simdjson::ondemand::object& root);

// Call once the root object has been read to its end: anything but whitespace after it is
// trailing_data. json is the text given to open_root_object.
MaybeRefusal check_nothing_after_root(simdjson::ondemand::document& doc, std::string_view json);

// Where the root object of json ends (one past its closing brace), from a scan that only
// tracks strings and bracket depth; nothing when json does not start (after whitespace) with
// an object that closes. Used on the error path only.
std::optional<std::size_t> find_root_object_end(std::string_view json);

// Makes "a complete object followed by more bytes" trailing_data whatever else is wrong.
// simdjson On Demand expects the root's closing brace to be the last token, so "{...} x"
// comes back as an unclosed object (malformed_json), and an adapter may refuse a field
// before reaching the end. parse(view) parses a padded view into the caller's object and
// returns MaybeRefusal; when it refuses json and a complete object is followed by more bytes,
// this parses the object alone: if that is broken JSON too (malformed_json,
// invalid_encoding) its refusal stands, otherwise the refusal is trailing_data. After a
// refusal the caller's object holds whatever the parses left: ignore it. Costs nothing on
// the happy path.
template <typename Parse>
MaybeRefusal parse_distinguishing_trailing_data(simdjson::padded_string_view json, Parse&& parse);

// Implementation details.
Refusal trailing_data_at(std::size_t offset);
bool only_whitespace(std::string_view text);

template <typename Parse>
MaybeRefusal parse_distinguishing_trailing_data(simdjson::padded_string_view json, Parse&& parse) {
  MaybeRefusal refused = parse(json);
  if (!refused) {
    return refused;
  }
  const std::optional<std::size_t> end = find_root_object_end(json);
  if (!end || only_whitespace(std::string_view(json).substr(*end))) {
    return refused;
  }
  // The bytes after the object still belong to the same buffer, so the shorter view keeps
  // its padding.
  refused = parse(simdjson::padded_string_view(json.data(), *end, json.capacity()));
  if (refused && (refused->code == RefusalCode::malformed_json ||
                  refused->code == RefusalCode::invalid_encoding)) {
    return refused;
  }
  std::size_t offset = *end;
  while (offset < json.size() && (json[offset] == ' ' || json[offset] == '\t' ||
                                  json[offset] == '\n' || json[offset] == '\r')) {
    ++offset;
  }
  return trailing_data_at(offset);
}

}  // namespace gw::json
