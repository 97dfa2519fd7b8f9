#include "adapters/kafka/topic_scan.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>

#include "adapters/kafka/kafka_config.h"
#include "adapters/kafka/metadata_wait.h"
#include "adapters/kafka/rdkafka_handles.h"

namespace gw {
namespace {

using Clock = std::chrono::steady_clock;
using kafka::partition_count;
using kafka::remaining_ms;


// [start, end) of one partition.
struct Range {
  std::int64_t start = 0;
  std::int64_t end = 0;
};


// Offsets for `at` of the given partitions; -1 where the cluster knows no record stamped at or
// after it.
std::map<std::int32_t, std::int64_t> offsets_for_time(rd_kafka_t* rk, const std::string& topic,
                                                      const std::vector<std::int32_t>& partitions,
                                                      EpochMs at, Clock::time_point deadline) {
  kafka::PartitionListHandle list = kafka::make_partition_list(static_cast<int>(partitions.size()));
  for (std::int32_t p : partitions) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = at;
  }
  const rd_kafka_resp_err_t err =
      rd_kafka_offsets_for_times(rk, list.get(), std::max(1, remaining_ms(deadline)));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw KafkaError("kafka: offsets for times of \"" + topic + "\": " + rd_kafka_err2str(err));
  }
  std::map<std::int32_t, std::int64_t> out;
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& e = list->elems[i];
    if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw KafkaError("kafka: offsets for times of \"" + topic + "\" [" +
                       std::to_string(e.partition) + "]: " + rd_kafka_err2str(e.err));
    }
    out[e.partition] = e.offset;
  }
  return out;
}

// Moves each range's start to the first record stamped at or after `from`. A partition the
// cluster says has none is left out, unless the cluster does not look offsets up by time at
// all: it then says -1 even for the instant 0, before every record, and the partition is read
// from its oldest record.
void start_at_time(rd_kafka_t* rk, const std::string& topic, EpochMs from,
                   std::map<std::int32_t, Range>& ranges, ScanSummary& summary,
                   Clock::time_point deadline) {
  std::vector<std::int32_t> partitions;
  for (const auto& [p, range] : ranges) partitions.push_back(p);
  std::vector<std::int32_t> none_after;
  for (const auto& [p, offset] : offsets_for_time(rk, topic, partitions, from, deadline)) {
    auto it = ranges.find(p);
    if (it == ranges.end()) continue;
    if (offset >= 0) {
      it->second.start = std::clamp(offset, it->second.start, it->second.end);
    } else {
      none_after.push_back(p);
    }
  }
  if (none_after.empty()) return;
  for (const auto& [p, offset] : offsets_for_time(rk, topic, none_after, 0, deadline)) {
    auto it = ranges.find(p);
    if (it == ranges.end()) continue;
    if (offset >= 0) {
      it->second.start = it->second.end;  // the cluster answers by time: nothing at or after from
    } else {
      summary.read_from_oldest = true;
    }
  }
}

}  // namespace

ScanSummary scan_topic(const KafkaSettings& settings, const TopicScan& scan,
                       const std::function<void(const ScannedRecord&)>& on_record) {
  const Clock::time_point deadline = Clock::now() + scan.timeout;
  // librdkafka's consumer API needs a group id even with a manual assignment; this one never
  // joins (assign, not subscribe) and never commits.
  static std::atomic<int> scans{0};
  const std::string group =
      "case-gateway-query-" + std::to_string(::getpid()) + "-" + std::to_string(scans.fetch_add(1));
  kafka::KafkaHandle reader = kafka::make_client(
      kafka::make_conf(settings, kafka::ClientRole::reader, {{"group.id", group}}),
      kafka::ClientRole::reader);

  ScanSummary summary;
  summary.partitions = partition_count(reader.get(), scan.topic, deadline);
  if (summary.partitions == 0) return summary;
  std::vector<std::int32_t> chosen;
  if (scan.partitions) {
    chosen = scan.partitions(summary.partitions);
    std::erase_if(chosen, [&](std::int32_t p) { return p < 0 || p >= summary.partitions; });
    std::sort(chosen.begin(), chosen.end());
    chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
  } else {
    for (std::int32_t p = 0; p < summary.partitions; ++p) chosen.push_back(p);
  }

  std::map<std::int32_t, Range> ranges;
  for (std::int32_t p : chosen) {
    std::int64_t low = 0;
    std::int64_t high = 0;
    const rd_kafka_resp_err_t err =
        kafka::query_watermarks(reader.get(), scan.topic, p, low, high, deadline);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw KafkaError("kafka: end offsets of \"" + scan.topic + "\": " + rd_kafka_err2str(err));
    }
    if (high > low) ranges[p] = Range{low, high};
  }
  if (scan.from && !ranges.empty()) {
    start_at_time(reader.get(), scan.topic, *scan.from, ranges, summary, deadline);
  }
  std::erase_if(ranges, [](const auto& entry) { return entry.second.start >= entry.second.end; });
  if (ranges.empty()) return summary;

  kafka::PartitionListHandle assignment =
      kafka::make_partition_list(static_cast<int>(ranges.size()));
  for (const auto& [p, range] : ranges) {
    rd_kafka_topic_partition_list_add(assignment.get(), scan.topic.c_str(), p)->offset =
        range.start;
  }
  rd_kafka_assign(reader.get(), assignment.get());

  while (!ranges.empty()) {
    if (remaining_ms(deadline) == 0) {
      throw KafkaError("kafka: reading \"" + scan.topic + "\" timed out after " +
                       std::to_string(summary.records) + " records");
    }
    kafka::MessageHandle msg(rd_kafka_consumer_poll(reader.get(), 100));
    if (!msg) {
      // Transaction markers take offsets no record is read at: ask where the reader stands.
      kafka::PartitionListHandle positions = kafka::make_partition_list(1);
      for (const auto& [p, range] : ranges) {
        rd_kafka_topic_partition_list_add(positions.get(), scan.topic.c_str(), p);
      }
      rd_kafka_position(reader.get(), positions.get());
      for (int i = 0; i < positions->cnt; ++i) {
        const rd_kafka_topic_partition_t& e = positions->elems[i];
        if (e.offset >= 0 && e.offset >= ranges[e.partition].end) ranges.erase(e.partition);
      }
      continue;
    }
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      throw KafkaError("kafka: reading \"" + scan.topic +
                       "\": " + rd_kafka_message_errstr(msg.get()));
    }
    auto range = ranges.find(msg->partition);
    if (range == ranges.end() || msg->offset >= range->second.end) continue;
    if (summary.records == scan.max_records) {
      summary.limit_reached = true;  // this record is one too many
      break;
    }
    ScannedRecord r;
    r.partition = msg->partition;
    r.offset = msg->offset;
    if (msg->key != nullptr)
      r.key = std::string_view(static_cast<const char*>(msg->key), msg->key_len);
    if (msg->payload != nullptr) {
      r.value = std::string_view(static_cast<const char*>(msg->payload), msg->len);
    }
    r.tombstone = msg->payload == nullptr;
    rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    r.timestamp = rd_kafka_message_timestamp(msg.get(), &type);
    ++summary.records;
    on_record(r);
    if (msg->offset + 1 >= range->second.end) ranges.erase(range);
  }
  return summary;
}

}  // namespace gw
