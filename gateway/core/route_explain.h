// Says in plain words whether one rule holds for a case and why: the first condition that
// failed, with the case's value, or every condition that held. RouteTable::explain() walks
// the rules with it. Internal to gw_core.
//
// Reasons name only routing values (source, kind, category, region, urgency, keywords):
// never the reporter, nor the text of title or description.
#pragma once

#include "gateway/core/case.h"
#include "gateway/core/route_table.h"
#include "gateway/core/routing_config.h"

namespace gw {

RuleVerdict explain_rule(const Rule& rule, const Case& c);

}  // namespace gw
