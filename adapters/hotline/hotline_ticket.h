// The 12345 hotline ticket (工单) in its reference format (DOMAIN.md section 3,
// schemas/hotline-ticket.v1.schema.json) turned into a unified Case.
#pragma once

#include <simdjson.h>

#include "gateway/core/case.h"
#include "gateway/core/refusal.h"

namespace gw::hotline {

// The appeal types a ticket may carry, as the hotline writes them.
inline constexpr std::string_view kAppealTypes[] = {"咨询", "求助", "投诉", "举报",
                                                    "建议", "表扬", "感谢", "其他"};

// Parses one ticket. json must be UTF-8 (simdjson checks) with simdjson's padding after it;
// a BOM or another charset is the caller's to remove (adapters/intake does). The parser is
// reused between calls and is the caller's: not thread-safe, one per thread.
// received_at becomes Case::received_at.
Result<Case> parse_ticket(simdjson::ondemand::parser& parser, simdjson::padded_string_view json,
                          EpochMs received_at);
// The same, into a Case the caller reuses between inputs (reset first, so its strings keep
// their capacity): what the pipeline calls. After a refusal out holds leftovers: ignore it.
MaybeRefusal parse_ticket_into(simdjson::ondemand::parser& parser,
                               simdjson::padded_string_view json, EpochMs received_at, Case& out);

}  // namespace gw::hotline
