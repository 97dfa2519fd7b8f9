// The pipeline's consumer: one librdkafka consumer in the configured group, subscribed to the
// input topics. Offsets are stored by the owner only once a record's outputs are acknowledged
// (enable.auto.offset.store=false); librdkafka's auto-commit then commits stored offsets only.
//
// Rebalances are eager by default (range,roundrobin); cooperative-sticky also works when
// configured through partition.assignment.strategy: the callback detects the protocol and
// uses incremental assign/unassign. Either way the owner hears of revoked partitions BEFORE
// they are unassigned, to drain and commit them (docs/kafka.md).
//
// Every call, and every ConsumerEvents callback, happens on the owner's thread (the
// pipeline's io thread): librdkafka invokes the callbacks from poll() and close().
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/kafka/rdkafka_handles.h"
#include "gateway/core/gateway_config.h"
#include "gateway/pipeline/offset_tracker.h"

namespace gw::kafka {

struct PartitionOffset {
  TopicPartition tp;
  std::int64_t offset = 0;
};

class ConsumerEvents {
 public:
  virtual ~ConsumerEvents() = default;
  // The partitions are assigned; their records follow.
  virtual void on_assigned(const std::vector<TopicPartition>& partitions) = 0;
  // The partitions are being taken away and are still assigned: drain and commit them now.
  // lost: another member may already own them, so committing would be wrong.
  virtual void on_revoking(const std::vector<TopicPartition>& partitions, bool lost) = 0;
  // The group coordinator accepted these offsets (auto-commit or explicit commit).
  virtual void on_committed(const std::vector<PartitionOffset>& offsets) = 0;
  // librdkafka raised a fatal error: this consumer cannot go on.
  virtual void on_fatal_error(const std::string& reason) = 0;
};

struct Watermarks {
  std::int64_t low = 0;
  std::int64_t high = 0;  // the offset the next record will get
};

class KafkaSource {
 public:
  // Throws KafkaError (naming the property) when librdkafka rejects the configuration.
  KafkaSource(const KafkaSettings& settings, ConsumerEvents& events);
  ~KafkaSource();
  KafkaSource(const KafkaSource&) = delete;
  KafkaSource& operator=(const KafkaSource&) = delete;

  void subscribe(const std::vector<std::string>& topics);

  // The queue carrying records, rebalances and commit results, for QueueWakeup.
  rd_kafka_queue_t* queue() const { return queue_.get(); }

  // The next record, or null when none is ready. Serves rebalance and commit callbacks.
  MessageHandle poll();

  // The next offset the application will read from tp, if known.
  std::optional<std::int64_t> position(const TopicPartition& tp) const;
  // The watermarks of tp as of the last fetch response (no broker call); false if unknown.
  bool cached_watermarks(const TopicPartition& tp, std::int64_t& low, std::int64_t& high) const;

  // Marks offsets (the next offset to read) for the next auto-commit.
  void store(const std::vector<PartitionOffset>& offsets);
  // Commits the given offsets now and waits for the coordinator. False (and logged) on failure.
  bool commit_sync(const std::vector<PartitionOffset>& offsets);
  // Commits whatever is stored, without waiting.
  void commit_stored_async();

  // The group's committed offsets, asked of the coordinator (blocking, bounded by timeout).
  // A partition without a committed offset is absent. nullopt when the request failed.
  std::optional<std::map<TopicPartition, std::int64_t>> committed(
      const std::vector<TopicPartition>& partitions, std::chrono::milliseconds timeout);
  // Asks the partition leader (blocking, bounded by timeout).
  std::optional<Watermarks> query_watermarks(const TopicPartition& tp,
                                             std::chrono::milliseconds timeout);

  const std::vector<TopicPartition>& assignment() const { return assignment_; }

  // Revokes the assignment (through on_revoking), commits, leaves the group. Idempotent.
  void close();
  bool closed() const { return closed_; }

  rd_kafka_t* handle() const { return consumer_.get(); }

 private:
  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* partitions, void* opaque);
  static void on_offset_commit(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                               rd_kafka_topic_partition_list_t* offsets, void* opaque);
  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  void handle_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions);

  ConsumerEvents& events_;
  KafkaHandle consumer_;
  QueueHandle queue_;
  std::vector<TopicPartition> assignment_;
  bool closed_ = false;
};

// Conversions between the pipeline's partition names and librdkafka's lists.
std::vector<TopicPartition> to_partitions(const rd_kafka_topic_partition_list_t* list);
PartitionListHandle to_list(const std::vector<TopicPartition>& partitions);
PartitionListHandle to_list(const std::vector<PartitionOffset>& offsets);

}  // namespace gw::kafka
