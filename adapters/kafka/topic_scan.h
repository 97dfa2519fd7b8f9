// Bounded reads of a topic for the queries (gateway/app/case_queries.h): some or all
// partitions, from the first record stamped at or after an instant (the brokers' offsets for
// times) or from the oldest record kept, to each partition's end offset at the time of the
// call, and never more than a given number of records.
//
// Each call makes its own short-lived client (a consumer that never joins its group nor
// commits) from the same KafkaSettings as the pipeline, so TLS and SASL apply. Callable from
// any thread, concurrently; blocking.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/case.h"
#include "gateway/core/gateway_config.h"

namespace gw {

struct ScannedRecord {
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string_view key;    // empty for a null key
  std::string_view value;  // empty for a tombstone (and for an empty value)
  bool tombstone = false;  // the value is null
  EpochMs timestamp = -1;  // -1 when the record has none
};

struct TopicScan {
  std::string topic;
  // Which partitions to read, given the topic's partition count; unset: every partition.
  std::function<std::vector<std::int32_t>(std::int32_t partitions)> partitions;
  // Start at each partition's first record stamped at or after this instant (Kafka's
  // ListOffsets by timestamp: every earlier offset holds an earlier timestamp, later ones may
  // too). Unset: the oldest record kept.
  std::optional<EpochMs> from;
  std::size_t max_records = 1'000'000;
  std::chrono::milliseconds timeout{30'000};
};

struct ScanSummary {
  std::int32_t partitions = 0;  // the topic's partition count; 0: the topic does not exist
  std::size_t records = 0;      // handed to on_record
  // Stopped after max_records with records left before some partition's end.
  bool limit_reached = false;
  // The cluster does not look offsets up by time (librdkafka's mock cluster answers -1 for
  // every timestamp): the partitions concerned were read from their oldest record instead,
  // which is correct but reads more.
  bool read_from_oldest = false;
};

// Hands every record of the chosen range to on_record, in offset order per partition
// (partitions interleave). The views die when on_record returns. A topic that does not exist
// reads as empty. Throws KafkaError when the cluster does not answer within the timeout.
ScanSummary scan_topic(const KafkaSettings& settings, const TopicScan& scan,
                       const std::function<void(const ScannedRecord&)>& on_record);

}  // namespace gw
