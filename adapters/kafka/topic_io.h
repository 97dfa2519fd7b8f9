// Small synchronous Kafka helpers for the command line (`gateway run --feed`, topic setup)
// and tests: create topics, produce a list of records and wait for acknowledgement, read a
// whole topic back. Each call makes its own short-lived client from the same KafkaSettings
// as the pipeline, so TLS and SASL apply here too. Callable from any thread; blocking.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/kafka/embedded_cluster.h"
#include "gateway/core/case.h"
#include "gateway/core/gateway_config.h"
#include "gateway/pipeline/case_processor.h"

namespace gw {

// Creates topics through the Admin API of a real cluster. A topic that already exists is
// left as it is and is not an error. Throws KafkaError naming the first topic that failed.
// (librdkafka's mock cluster does not serve CreateTopics: use the overload below for it.)
void create_topics(const KafkaSettings& settings, const std::vector<std::string>& topics,
                   int partitions, int replication,
                   std::chrono::milliseconds timeout = std::chrono::seconds(30));

// The same with topic configs (e.g. cleanup.policy=compact) for every topic created; an
// existing topic keeps its own.
void create_topics(const KafkaSettings& settings, const std::vector<std::string>& topics,
                   int partitions, int replication,
                   const std::map<std::string, std::string>& topic_config,
                   std::chrono::milliseconds timeout = std::chrono::seconds(30));

// The same for the embedded cluster, through the mock API (which keeps no topic configs:
// it neither compacts nor retains beyond its memory bound).
void create_topics(EmbeddedCluster& cluster, const std::vector<std::string>& topics, int partitions,
                   int replication = 1);

// Produces the (key, value) records in order (an empty key is sent as a null key) and
// waits until the brokers acknowledged every one. Throws KafkaError on the first failure
// or when the timeout passes first.
void produce_records(const KafkaSettings& settings, const std::string& topic,
                     const std::vector<std::pair<std::string, std::string>>& records,
                     std::chrono::milliseconds timeout = std::chrono::seconds(30));

struct ConsumedRecord {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::string value;
  Headers headers;
  EpochMs timestamp = 0;  // -1 when the record has none

  // The first header of that name, or nullptr.
  const std::string* header(std::string_view name) const;
};

// Every record of every partition of the topic, from the oldest still kept to the end offsets
// at the time of the call, ordered by partition then offset. A topic that does not exist
// reads as empty. Throws KafkaError when no record arrives for `timeout` (the cluster stopped
// answering; a long read that makes progress goes on).
std::vector<ConsumedRecord> read_topic(
    const KafkaSettings& settings, const std::string& topic,
    std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Every record of one partition from the oldest kept to the end offset at the time of the
// call, in offset order: key, value, and whether the value is null (a tombstone). The
// views die when on_record returns. A missing topic or partition reads as empty. The timeout
// is as read_topic's: without progress.
void read_partition(const KafkaSettings& settings, const std::string& topic,
                    std::int32_t partition,
                    const std::function<void(std::string_view key, std::string_view value,
                                             bool tombstone)>& on_record,
                    std::chrono::milliseconds timeout = std::chrono::seconds(60));

// The record at offset of one partition; nothing when no record is there any more (deleted
// by retention or compaction, or a transaction marker). Throws KafkaError when the cluster
// does not answer in time.
std::optional<ConsumedRecord> read_record(const KafkaSettings& settings, const std::string& topic,
                                          std::int32_t partition, std::int64_t offset,
                                          std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The topic's partition count; 0 when the cluster does not know the topic. Throws
// KafkaError when the cluster does not answer in time.
int topic_partitions(const KafkaSettings& settings, const std::string& topic,
                     std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace gw
