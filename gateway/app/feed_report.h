// The report `gateway run --feed` prints once the fed samples have gone through: per
// department, the cases routed there; then the dead letters with their reasons. It reads
// what is on the topics (not what the gateway meant to write), so it shows the real outcome.
// No personal data: cases are listed by id, kind, title and source reference.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "adapters/kafka/topic_io.h"
#include "gateway/core/routing_config.h"
#include "gateway/pipeline/case_processor.h"

namespace gw::app {

// The feed keys each sample record by its origin ("grid.reports/bad-date.json"), and a dead
// letter keeps the original key, so dead letters are named by their sample file.
void print_feed_report(std::ostream& out, const RoutingConfig& routing, std::size_t fed,
                       const std::vector<ConsumedRecord>& department_records,
                       const std::vector<ConsumedRecord>& dead_letters, std::size_t repeats = 0);

}  // namespace gw::app
