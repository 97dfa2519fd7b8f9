// Synthetic routing catalogues (派单目录) of a given size for benchmarks: mostly category
// rules, as a city catalogue is, plus street, community, grid-prefix, keyword and
// unconstrained rules. The rule that matches the benchmark ticket is placed last, so a
// linear scan would pay for every rule before it.
#pragma once

#include <memory>

#include "gateway/core/routing_config.h"

namespace gw::bench {

std::shared_ptr<const RoutingConfig> make_catalogue(int rules);

// A ~1 KB hotline ticket in the reference format (UTF-8) that the catalogue's last rule matches.
std::string sample_ticket_1kb();

}  // namespace gw::bench
