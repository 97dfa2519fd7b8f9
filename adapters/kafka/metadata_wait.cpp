#include "adapters/kafka/metadata_wait.h"

#include <algorithm>
#include <cstdint>
#include <thread>

#include "adapters/kafka/kafka_config.h"
#include "adapters/kafka/rdkafka_handles.h"

namespace gw::kafka {

int remaining_ms(SteadyClock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

int partition_count(rd_kafka_t* rk, const std::string& topic, SteadyClock::time_point deadline) {
  TopicHandle rkt(rd_kafka_topic_new(rk, topic.c_str(), nullptr));
  const rd_kafka_metadata_t* raw = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt.get(), &raw, remaining_ms(deadline));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw KafkaError("kafka: metadata of topic \"" + topic + "\": " + rd_kafka_err2str(err));
  }
  MetadataHandle md(raw);
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (topic == t.topic && t.err == RD_KAFKA_RESP_ERR_NO_ERROR) return t.partition_cnt;
  }
  return 0;
}

rd_kafka_resp_err_t query_watermarks(rd_kafka_t* rk, const std::string& topic,
                                     std::int32_t partition, std::int64_t& low, std::int64_t& high,
                                     SteadyClock::time_point deadline) {
  while (true) {
    const rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
        rk, topic.c_str(), partition, &low, &high, std::max(1, remaining_ms(deadline)));
    const bool moving = err == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION ||
                        err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE;
    if (!moving || remaining_ms(deadline) <= 100) return err;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace gw::kafka
