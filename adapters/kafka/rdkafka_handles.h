// Owning handles for librdkafka's C objects, so every exit path releases them.
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string_view>

namespace gw::kafka {

struct KafkaDeleter {
  void operator()(rd_kafka_t* p) const { rd_kafka_destroy(p); }
  void operator()(rd_kafka_conf_t* p) const { rd_kafka_conf_destroy(p); }
  void operator()(rd_kafka_queue_t* p) const { rd_kafka_queue_destroy(p); }
  void operator()(rd_kafka_topic_t* p) const { rd_kafka_topic_destroy(p); }
  void operator()(rd_kafka_topic_partition_list_t* p) const {
    rd_kafka_topic_partition_list_destroy(p);
  }
  void operator()(rd_kafka_message_t* p) const { rd_kafka_message_destroy(p); }
  void operator()(rd_kafka_event_t* p) const { rd_kafka_event_destroy(p); }
  void operator()(rd_kafka_headers_t* p) const { rd_kafka_headers_destroy(p); }
  void operator()(rd_kafka_AdminOptions_t* p) const { rd_kafka_AdminOptions_destroy(p); }
  void operator()(rd_kafka_NewTopic_t* p) const { rd_kafka_NewTopic_destroy(p); }
  void operator()(const rd_kafka_metadata_t* p) const { rd_kafka_metadata_destroy(p); }
};

using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;
using ConfHandle = std::unique_ptr<rd_kafka_conf_t, KafkaDeleter>;
using QueueHandle = std::unique_ptr<rd_kafka_queue_t, KafkaDeleter>;
using TopicHandle = std::unique_ptr<rd_kafka_topic_t, KafkaDeleter>;
using PartitionListHandle = std::unique_ptr<rd_kafka_topic_partition_list_t, KafkaDeleter>;
using MessageHandle = std::unique_ptr<rd_kafka_message_t, KafkaDeleter>;
using EventHandle = std::unique_ptr<rd_kafka_event_t, KafkaDeleter>;
using HeadersHandle = std::unique_ptr<rd_kafka_headers_t, KafkaDeleter>;
using AdminOptionsHandle = std::unique_ptr<rd_kafka_AdminOptions_t, KafkaDeleter>;
using NewTopicHandle = std::unique_ptr<rd_kafka_NewTopic_t, KafkaDeleter>;
using MetadataHandle = std::unique_ptr<const rd_kafka_metadata_t, KafkaDeleter>;

inline PartitionListHandle make_partition_list(int size_hint = 0) {
  return PartitionListHandle(rd_kafka_topic_partition_list_new(size_hint));
}

// Calls on_header(name, value) for each header of msg, in order. The views point into msg;
// a null value is an empty view.
template <typename OnHeader>
void for_each_header(const rd_kafka_message_t& msg, OnHeader&& on_header) {
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(&msg, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  const char* name = nullptr;
  const void* value = nullptr;
  std::size_t size = 0;
  for (std::size_t i = 0;
       rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    on_header(std::string_view(name),
              value == nullptr ? std::string_view()
                               : std::string_view(static_cast<const char*>(value), size));
  }
}

}  // namespace gw::kafka
