// Writes a routed case in its wire form, schemas/case.v1.schema.json. Hand-written rather
// than through a DOM: it is on the hot path (one call per department per case).
#pragma once

#include <string>

#include "gateway/core/case.h"
#include "gateway/core/route_table.h"
#include "gateway/core/routing_config.h"

namespace gw {

inline constexpr std::string_view kCaseSchemaVersion = "1.0";

// Appends the JSON of c as seen by a department with the given personal-data policy.
// Anonymous and whistleblowing reporters are never written, whatever the policy.
void append_case_json(std::string& out, const Case& c, const RouteDecision& decision,
                      PersonalDataPolicy policy);

// Appends s as a JSON string literal (quotes included), escaping as RFC 8259 requires.
void append_json_string(std::string& out, std::string_view s);

}  // namespace gw
