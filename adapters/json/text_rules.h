// Rules on the text of a field that both formats share: lengths, fixed-width digit codes,
// closed sets of values, source ids. Each returns the refusal naming the field, or nothing.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "adapters/json/field_path.h"
#include "adapters/json/field_refusals.h"

namespace gw::json {

// Longest accepted ticketNo / reportId, in bytes: ids are keys and headers, not prose.
inline constexpr std::size_t kMaxSourceRefBytes = 64;

// A string field copied into out; null or absent leaves out as it was.
MaybeRefusal read_string_into(simdjson::ondemand::value& v, const FieldPath& path,
                              std::string& out);

// ticketNo / reportId: a string of 1 to kMaxSourceRefBytes bytes. Null leaves out empty.
MaybeRefusal read_source_ref(simdjson::ondemand::value& v, const FieldPath& path, std::string& out);

// A string that must be one of allowed (exactly, as the sender spells it). Null leaves out
// as it was. The refusal lists the allowed values and quotes what was found.
MaybeRefusal read_one_of(simdjson::ondemand::value& v, const FieldPath& path,
                         std::span<const std::string_view> allowed, std::string& out);

// text is min_bytes to max_bytes long.
MaybeRefusal check_length(std::string_view text, std::size_t min_bytes, std::size_t max_bytes,
                          const FieldPath& path);

// text is exactly `count` ASCII digits (administrative division and grid codes).
MaybeRefusal check_digits(std::string_view text, std::size_t count, const FieldPath& path);

}  // namespace gw::json
