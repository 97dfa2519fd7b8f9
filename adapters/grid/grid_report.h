// The grid-worker report (网格事件) in its reference format (DOMAIN.md section 3,
// schemas/grid-report.v1.schema.json) turned into a unified Case.
#pragma once

#include <simdjson.h>

#include "gateway/core/case.h"
#include "gateway/core/gateway_config.h"
#include "gateway/core/refusal.h"

namespace gw::grid {

inline constexpr std::string_view kEventTypes[] = {"矛盾纠纷", "安全隐患", "城市管理", "民生服务",
                                                   "治安事件"};
inline constexpr std::string_view kCoordinateSystems[] = {"WGS-84", "GCJ-02", "BD-09"};

// The channel every grid report gets: grid workers report from the grid app.
inline constexpr std::string_view kGridChannel = "grid-app";

// Parses one report. json must be UTF-8 (simdjson checks) with simdjson's padding after it;
// a BOM or another charset is the caller's to remove (adapters/intake does). The parser is
// reused between calls and is the caller's: not thread-safe, one per thread.
// received_at becomes Case::received_at (and reported_at when the report has no time).
Result<Case> parse_report(simdjson::ondemand::parser& parser, simdjson::padded_string_view json,
                          EpochMs received_at, const GridOptions& options);
// The same, into a Case the caller reuses between inputs (reset first, so its strings keep
// their capacity): what the pipeline calls. After a refusal out holds leftovers: ignore it.
MaybeRefusal parse_report_into(simdjson::ondemand::parser& parser,
                               simdjson::padded_string_view json, EpochMs received_at,
                               const GridOptions& options, Case& out);

}  // namespace gw::grid
