#include "adapters/kafka/topic_io.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <iterator>
#include <functional>
#include <map>

#include "adapters/kafka/kafka_config.h"
#include "adapters/kafka/metadata_wait.h"
#include "adapters/kafka/rdkafka_handles.h"

namespace gw {
namespace {

using Clock = std::chrono::steady_clock;
using kafka::partition_count;
using kafka::remaining_ms;


// Delivery bookkeeping of produce_records, reached through the client's opaque.
struct DeliveryTally {
  std::size_t acknowledged = 0;
  rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

void count_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* tally = static_cast<DeliveryTally*>(opaque);
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++tally->acknowledged;
  } else if (tally->first_error == RD_KAFKA_RESP_ERR_NO_ERROR) {
    tally->first_error = msg->err;
  }
}

// Partition count of a topic; 0 when the cluster does not know it.

ConsumedRecord to_record(const rd_kafka_message_t& msg) {
  ConsumedRecord r;
  r.topic = rd_kafka_topic_name(msg.rkt);
  r.partition = msg.partition;
  r.offset = msg.offset;
  if (msg.key != nullptr) {
    r.key.assign(static_cast<const char*>(msg.key), msg.key_len);
  }
  if (msg.payload != nullptr) {
    r.value.assign(static_cast<const char*>(msg.payload), msg.len);
  }
  rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  r.timestamp = rd_kafka_message_timestamp(&msg, &type);
  kafka::for_each_header(msg, [&r](std::string_view name, std::string_view value) {
    r.headers.emplace_back(name, value);
  });
  return r;
}

}  // namespace

const std::string* ConsumedRecord::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) {
      return &v;
    }
  }
  return nullptr;
}

void create_topics(const KafkaSettings& settings, const std::vector<std::string>& topics,
                   int partitions, int replication, std::chrono::milliseconds timeout) {
  create_topics(settings, topics, partitions, replication, {}, timeout);
}

void create_topics(const KafkaSettings& settings, const std::vector<std::string>& topics,
                   int partitions, int replication,
                   const std::map<std::string, std::string>& topic_config,
                   std::chrono::milliseconds timeout) {
  if (topics.empty()) {
    return;
  }
  std::string names;
  for (const std::string& t : topics) {
    names += (names.empty() ? "" : ", ") + t;
  }
  kafka::KafkaHandle admin = kafka::make_client(
      kafka::make_conf(settings, kafka::ClientRole::admin), kafka::ClientRole::admin);
  std::array<char, 512> err{};
  std::vector<kafka::NewTopicHandle> owned;
  std::vector<rd_kafka_NewTopic_t*> requests;
  for (const std::string& t : topics) {
    rd_kafka_NewTopic_t* nt =
        rd_kafka_NewTopic_new(t.c_str(), partitions, replication, err.data(), err.size());
    if (nt == nullptr) {
      throw KafkaError("kafka: topic \"" + t + "\": " + err.data());
    }
    for (const auto& [name, value] : topic_config) {
      if (rd_kafka_NewTopic_set_config(nt, name.c_str(), value.c_str()) !=
          RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw KafkaError("kafka: topic \"" + t + "\": config " + name + "=" + value);
      }
    }
    owned.emplace_back(nt);
    requests.push_back(nt);
  }
  kafka::AdminOptionsHandle options(
      rd_kafka_AdminOptions_new(admin.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS));
  rd_kafka_AdminOptions_set_operation_timeout(options.get(), static_cast<int>(timeout.count()),
                                              err.data(), err.size());
  rd_kafka_AdminOptions_set_request_timeout(options.get(), static_cast<int>(timeout.count()),
                                            err.data(), err.size());
  kafka::QueueHandle queue(rd_kafka_queue_new(admin.get()));
  rd_kafka_CreateTopics(admin.get(), requests.data(), requests.size(), options.get(), queue.get());
  // The request timeout makes librdkafka answer by then; the margin covers the hand-over.
  kafka::EventHandle event(
      rd_kafka_queue_poll(queue.get(), static_cast<int>(timeout.count()) + 5000));
  if (!event) {
    throw KafkaError("kafka: creating topics " + names + ": timed out");
  }
  if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw KafkaError("kafka: creating topics " + names + ": " +
                     rd_kafka_event_error_string(event.get()));
  }
  const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event.get());
  std::size_t n = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &n);
  for (std::size_t i = 0; i < n; ++i) {
    rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR || e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      continue;
    }
    const char* why = rd_kafka_topic_result_error_string(results[i]);
    throw KafkaError(std::string("kafka: creating topic \"") +
                     rd_kafka_topic_result_name(results[i]) +
                     "\": " + (why != nullptr ? why : rd_kafka_err2str(e)));
  }
}

void create_topics(EmbeddedCluster& cluster, const std::vector<std::string>& topics, int partitions,
                   int replication) {
  for (const std::string& t : topics) {
    cluster.create_topic(t, partitions, replication);
  }
}

void produce_records(const KafkaSettings& settings, const std::string& topic,
                     const std::vector<std::pair<std::string, std::string>>& records,
                     std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  DeliveryTally tally;
  kafka::ConfHandle conf = kafka::make_conf(settings, kafka::ClientRole::producer);
  rd_kafka_conf_set_opaque(conf.get(), &tally);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &count_delivery);
  kafka::KafkaHandle producer = kafka::make_client(std::move(conf), kafka::ClientRole::producer);
  for (const auto& [key, value] : records) {
    for (;;) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        break;
      }
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || remaining_ms(deadline) == 0) {
        throw KafkaError("kafka: producing to \"" + topic + "\": " + rd_kafka_err2str(err));
      }
      rd_kafka_poll(producer.get(), 10);  // let deliveries free queue space
    }
  }
  rd_kafka_flush(producer.get(), remaining_ms(deadline));
  if (tally.first_error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw KafkaError("kafka: producing to \"" + topic +
                     "\": " + rd_kafka_err2str(tally.first_error));
  }
  if (tally.acknowledged != records.size()) {
    throw KafkaError("kafka: producing to \"" + topic +
                     "\": " + std::to_string(records.size() - tally.acknowledged) +
                     " records not acknowledged in time");
  }
}

namespace {

// Reads the given partitions of topic (all of them when `only` is empty) from the oldest
// record kept to their end offsets at the time of the call, handing each record to
// on_record in offset order per partition (partitions interleave).
void read_partitions(const KafkaSettings& settings, const std::string& topic,
                     const std::vector<std::int32_t>& only,
                     const std::function<void(const rd_kafka_message_t&)>& on_record,
                     std::chrono::milliseconds timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  // librdkafka's consumer API needs a group id even with a manual assignment; this one never
  // joins (assign, not subscribe) and never commits.
  static std::atomic<int> readers{0};
  const std::string group = "case-gateway-reader-" + std::to_string(::getpid()) + "-" +
                            std::to_string(readers.fetch_add(1));
  kafka::KafkaHandle reader = kafka::make_client(
      kafka::make_conf(settings, kafka::ClientRole::reader, {{"group.id", group}}),
      kafka::ClientRole::reader);
  std::vector<std::int32_t> partitions = only;
  if (partitions.empty()) {
    const int n = partition_count(reader.get(), topic, deadline);
    for (std::int32_t p = 0; p < n; ++p) partitions.push_back(p);
  }

  std::map<std::int32_t, std::int64_t> end_of;  // partitions with records still to read
  kafka::PartitionListHandle assignment =
      kafka::make_partition_list(static_cast<int>(partitions.size()));
  for (std::int32_t p : partitions) {
    std::int64_t low = 0;
    std::int64_t high = 0;
    rd_kafka_resp_err_t err = kafka::query_watermarks(reader.get(), topic, p, low, high, deadline);
    if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART && !only.empty()) {
      continue;  // a topic (or partition) that does not exist reads as empty
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw KafkaError("kafka: end offsets of \"" + topic + "\": " + rd_kafka_err2str(err));
    }
    if (high <= low) {
      continue;
    }
    end_of[p] = high;
    rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), p)->offset = low;
  }
  if (end_of.empty()) {
    return;
  }
  rd_kafka_assign(reader.get(), assignment.get());

  while (!end_of.empty()) {
    if (remaining_ms(deadline) == 0) {
      throw KafkaError("kafka: reading \"" + topic + "\" timed out");
    }
    kafka::MessageHandle msg(rd_kafka_consumer_poll(reader.get(), 100));
    if (!msg) {
      // Transaction markers take offsets no record is read at: ask where the reader stands.
      kafka::PartitionListHandle positions = kafka::make_partition_list(1);
      for (const auto& [p, end] : end_of) {
        rd_kafka_topic_partition_list_add(positions.get(), topic.c_str(), p);
      }
      rd_kafka_position(reader.get(), positions.get());
      for (int i = 0; i < positions->cnt; ++i) {
        const rd_kafka_topic_partition_t& e = positions->elems[i];
        if (e.offset >= 0 && e.offset >= end_of[e.partition]) {
          end_of.erase(e.partition);
        }
      }
      continue;
    }
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        continue;
      }
      throw KafkaError("kafka: reading \"" + topic + "\": " + rd_kafka_message_errstr(msg.get()));
    }
    auto end = end_of.find(msg->partition);
    if (end == end_of.end()) {
      continue;
    }
    if (msg->offset < end->second) {
      on_record(*msg);
      // The timeout is for a cluster that stops answering, not for a long read: a partition
      // of millions of records takes longer than that to read and process.
      deadline = Clock::now() + timeout;
    }
    if (msg->offset + 1 >= end->second) {
      end_of.erase(end);
    }
  }
}

}  // namespace

std::vector<ConsumedRecord> read_topic(const KafkaSettings& settings, const std::string& topic,
                                       std::chrono::milliseconds timeout) {
  std::map<std::int32_t, std::vector<ConsumedRecord>> by_partition;
  read_partitions(
      settings, topic, {},
      [&](const rd_kafka_message_t& msg) { by_partition[msg.partition].push_back(to_record(msg)); },
      timeout);
  std::vector<ConsumedRecord> out;
  for (auto& [p, records] : by_partition) {
    std::move(records.begin(), records.end(), std::back_inserter(out));
  }
  return out;
}

void read_partition(const KafkaSettings& settings, const std::string& topic,
                    std::int32_t partition,
                    const std::function<void(std::string_view key, std::string_view value,
                                             bool tombstone)>& on_record,
                    std::chrono::milliseconds timeout) {
  read_partitions(
      settings, topic, {partition},
      [&](const rd_kafka_message_t& msg) {
        on_record(std::string_view(static_cast<const char*>(msg.key), msg.key == nullptr ? 0 : msg.key_len),
                  std::string_view(static_cast<const char*>(msg.payload), msg.payload == nullptr ? 0 : msg.len),
                  msg.payload == nullptr);
      },
      timeout);
}

std::optional<ConsumedRecord> read_record(const KafkaSettings& settings, const std::string& topic,
                                          std::int32_t partition, std::int64_t offset,
                                          std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  static std::atomic<int> readers{0};
  const std::string group = "case-gateway-record-reader-" + std::to_string(::getpid()) + "-" +
                            std::to_string(readers.fetch_add(1));
  kafka::KafkaHandle reader = kafka::make_client(
      kafka::make_conf(settings, kafka::ClientRole::reader, {{"group.id", group}}),
      kafka::ClientRole::reader);
  std::int64_t low = 0;
  std::int64_t high = 0;
  const rd_kafka_resp_err_t err =
      kafka::query_watermarks(reader.get(), topic, partition, low, high, deadline);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw KafkaError("kafka: offsets of \"" + topic + "\" partition " + std::to_string(partition) +
                     ": " + rd_kafka_err2str(err));
  }
  if (offset < low || offset >= high) {
    return std::nullopt;
  }
  kafka::PartitionListHandle assignment = kafka::make_partition_list(1);
  rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), partition)->offset = offset;
  rd_kafka_assign(reader.get(), assignment.get());
  while (remaining_ms(deadline) > 0) {
    kafka::MessageHandle msg(rd_kafka_consumer_poll(reader.get(), 100));
    if (!msg) continue;
    if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return std::nullopt;
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw KafkaError("kafka: reading \"" + topic + "\": " + rd_kafka_message_errstr(msg.get()));
    }
    // A compacted-away or marker offset: the first record after it comes instead.
    if (msg->offset != offset) return std::nullopt;
    return to_record(*msg);
  }
  throw KafkaError("kafka: reading \"" + topic + "\" partition " + std::to_string(partition) +
                   " offset " + std::to_string(offset) + " timed out");
}

int topic_partitions(const KafkaSettings& settings, const std::string& topic,
                     std::chrono::milliseconds timeout) {
  kafka::KafkaHandle client = kafka::make_client(
      kafka::make_conf(settings, kafka::ClientRole::admin), kafka::ClientRole::admin);
  return partition_count(client.get(), topic, Clock::now() + timeout);
}

}  // namespace gw
