// What the Kafka benchmarks share: a process's CPU time from /proc (the broker's, measured
// from outside), and the clean-up of a run's topics.
#pragma once

#include <string>
#include <vector>

#include "gateway/core/gateway_config.h"

namespace gw::bench {

// User + system CPU seconds of process pid so far; 0 when pid <= 0 or unreadable.
double process_cpu_seconds(int pid);

// Deletes a run's topics, so that runs do not pile up partitions on a shared broker (with
// thousands of partitions, a busy single-node KRaft controller fences its own broker). Best
// effort: reports each failure on stderr and carries on; true when every topic was deleted.
bool delete_topics(const KafkaSettings& settings, const std::vector<std::string>& topics);

}  // namespace gw::bench
