// A department's status update (DOMAIN.md section 3, schemas/status-update.v1.schema.json)
// read from JSON into a StatusUpdate, and the canonical JSON the gateway writes of one to its
// updates topic.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "gateway/core/refusal.h"
#include "gateway/core/status_update.h"

namespace gw::updates {

// The schemaVersion member of the canonical JSON.
inline constexpr std::string_view kStatusUpdateSchemaVersion = "status-update.v1";

// Limits, in bytes.
inline constexpr std::size_t kMaxUpdateIdBytes = 128;
inline constexpr std::size_t kMaxDepartmentBytes = 64;
inline constexpr std::size_t kMaxNoteBytes = 4000;

// Parses one update. json must be UTF-8 (simdjson checks) with simdjson's padding after it;
// a BOM or another charset is the caller's to remove (adapters/intake does for tickets). The
// parser is reused between calls and is the caller's: not thread-safe, one per thread.
Result<StatusUpdate> parse_status_update(simdjson::ondemand::parser& parser,
                                         simdjson::padded_string_view json);
// The same, into a StatusUpdate the caller reuses between inputs (reset first, so its strings
// keep their capacity). After a refusal out holds leftovers: ignore it.
MaybeRefusal parse_status_update_into(simdjson::ondemand::parser& parser,
                                      simdjson::padded_string_view json, StatusUpdate& out);

// Appends the canonical JSON of u: camelCase members, "schemaVersion" first, the action in
// its wire spelling, times in RFC 3339 with +08:00, members without a value left out.
// parse_status_update reads it back to an equal StatusUpdate.
void append_status_update_json(std::string& out, const StatusUpdate& u);

}  // namespace gw::updates
