// Telling a grid report from a hotline ticket by its top-level keys, for inputs whose format
// is not configured (`gateway explain`, `gateway replay`).
#pragma once

#include <simdjson.h>

#include "gateway/core/gateway_config.h"

namespace gw::intake {

// grid when the root object has a "reportId" or "gridCode" key, hotline otherwise (including
// when json is not a readable object: the ticket adapter then says what is wrong with it).
InputFormat detect_format(simdjson::ondemand::parser& parser, simdjson::padded_string_view json);

}  // namespace gw::intake
