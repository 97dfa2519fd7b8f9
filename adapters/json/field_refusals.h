// Refusals for one field of an input, worded the same way by every adapter: the field's
// path, the problem, what was expected and what was found. Values are quoted only where the
// adapter says so (never a reporter's name or phone), cut to 40 bytes.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

#include "adapters/json/field_path.h"
#include "gateway/core/refusal.h"

namespace gw::json {

// Readers return gw::MaybeRefusal: empty when the field was fine, otherwise why the whole
// input is refused.
using gw::MaybeRefusal;

// Longest quoted value or key, in bytes (cut on a UTF-8 character boundary).
inline constexpr std::size_t kMaxQuotedBytes = 40;

// "string", "number", "object", "array", "boolean", "null".
std::string_view type_name(simdjson::ondemand::json_type t);

// Appends text cut to max_bytes on a character boundary, with '"', '\\' and control characters
// escaped as in JSON and "..." when it was cut. text must be valid UTF-8 (simdjson checked it).
void append_printable(std::string& out, std::string_view text, std::size_t max_bytes);

// "\"text\"", through append_printable.
std::string quote_value(std::string_view text);

Refusal missing_field(const FieldPath& path);
Refusal wrong_type(const FieldPath& path, std::string_view expected,
                   simdjson::ondemand::json_type found);
Refusal out_of_range(const FieldPath& path, std::string detail);
Refusal bad_time(const FieldPath& path, std::string detail);
Refusal duplicate_key(const FieldPath& path);
// Not JSON at all, or truncated, at or inside path (the root when the path is empty).
Refusal malformed_json(const FieldPath& path, simdjson::error_code error);

// What a time field accepts, for bad_time details.
inline constexpr std::string_view kAcceptedTimeForms =
    "expected \"YYYY-MM-DD HH:MM:SS\" or \"YYYY-MM-DDTHH:MM:SS\" (China time), "
    "\"YYYY-MM-DDTHH:MM:SS[.fff]\" with Z or an offset such as +08:00, "
    "or epoch milliseconds as an integer";

}  // namespace gw::json
