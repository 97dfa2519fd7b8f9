// What the Kafka pipeline has done since it started: for `gateway run`'s report and, later,
// metrics. A snapshot copied out on the pipeline's io thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace gw {

struct PipelineCounters {
  std::uint64_t records_consumed = 0;
  std::map<std::string, std::uint64_t> consumed_by_topic;
  // Records the brokers acknowledged, per output topic: department topics (and the state
  // topic) for the routing stage, the internal topic for intake.
  std::map<std::string, std::uint64_t> cases_produced;
  // Inputs refused, per refusal code (error.code), counted when the dead letter is made.
  std::map<std::string, std::uint64_t> dead_letters;
  std::uint64_t dead_letters_produced = 0;  // dead letters the brokers acknowledged
  // Inputs whose case was routed before (the routing stage): nothing produced for them.
  std::uint64_t duplicates = 0;
  // Partition offsets the group coordinator accepted, each one moving a partition forward.
  std::uint64_t offsets_committed = 0;
  // Failed deliveries and refused produce calls; each was retried, none skipped.
  std::uint64_t delivery_failures = 0;
  std::uint64_t in_flight = 0;   // outputs produced and not yet acknowledged, now
  std::uint64_t pauses = 0;      // times consumption paused because in_flight was too high
  std::uint64_t rebalances = 0;  // assignments received
};

// How far a consumer is behind on one of its assigned partitions, from the high watermark
// its last fetch saw (no broker round trip). lag is -1 when not known yet.
struct PartitionLag {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t lag = -1;
};

}  // namespace gw
