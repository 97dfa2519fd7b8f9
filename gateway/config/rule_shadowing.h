// Finds rules that can never match: since the first matching rule wins, a rule is dead when
// an earlier rule accepts every case it would accept. Such a rule is almost always an
// admin's mistake (a catch-all placed before the specific rules), but not a reason to
// refuse the file, so these are warnings.
#pragma once

#include <vector>

#include "gateway/core/routing_config.h"

namespace gw::config {

// True when every case that satisfies `later` also satisfies `earlier`. Conservative: it
// only answers true when that follows from the conditions as written (a street written as a
// name in one rule and as a code in the other is not treated as the same street).
bool covers(const RuleMatch& earlier, const RuleMatch& later);

// One warning per dead rule, at the rule's position, path "routes[<i>]", naming the first
// earlier rule that covers it ("has the same conditions" or "is more general").
std::vector<ConfigError> find_shadowed_rules(const RoutingConfig& config);

}  // namespace gw::config
