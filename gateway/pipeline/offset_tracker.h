// Which input offsets may be committed. A consumed record may cause several outputs (one
// case per department, or one dead letter); their delivery reports arrive out of order,
// across topics. An input offset is committable only when every output of that record and
// of every earlier record of its partition is acknowledged: committing further would lose
// the unacknowledged ones on a crash (at-least-once, FIELD-NOTES.md "Kafka").
//
// Pure bookkeeping, no Kafka. Not thread-safe: the pipeline uses it on its io thread only.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gw {

struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;

  auto operator<=>(const TopicPartition&) const = default;
  bool operator==(const TopicPartition&) const = default;
};

// "hotline.tickets[3]", for logs.
std::string to_string(const TopicPartition& tp);

class OffsetTracker {
 public:
  // A record was read and caused n_outputs outputs (0 means nothing to wait for). A consumer
  // reads a partition in increasing offsets; an offset not above the last tracked one of its
  // partition is refused (returns false) and changes nothing.
  bool track(const TopicPartition& tp, std::int64_t offset, std::size_t n_outputs);

  // One output of the record at offset was acknowledged. Returns false, changing nothing, when
  // that record is not tracked or has no output left to acknowledge (e.g. a delivery report
  // arriving after forget()).
  bool ack(const TopicPartition& tp, std::int64_t offset);

  // Offset + 1 of the last record such that it and every earlier tracked record of the
  // partition are fully acknowledged: the offset a consumer commits. nullopt when no record
  // qualifies since tracking began or since forget().
  std::optional<std::int64_t> committable(const TopicPartition& tp) const;

  // Outputs not yet acknowledged, for one partition or for all.
  std::size_t pending_outputs(const TopicPartition& tp) const;
  std::size_t pending_outputs() const { return pending_total_; }

  // Records tracked and not yet committable (waiting for their own or earlier outputs).
  std::size_t pending_records(const TopicPartition& tp) const;

  // Drops everything known about the partition (it was revoked).
  void forget(const TopicPartition& tp);

  std::vector<TopicPartition> partitions() const;

 private:
  struct Record {
    std::int64_t offset;
    std::size_t unacknowledged;
  };
  struct Partition {
    std::deque<Record> records;  // increasing offsets; front is the oldest not yet committable
    std::optional<std::int64_t> committable;
    std::int64_t last_tracked = -1;
    std::size_t pending_outputs = 0;
  };

  std::map<TopicPartition, Partition> partitions_;
  std::size_t pending_total_ = 0;
};

}  // namespace gw
