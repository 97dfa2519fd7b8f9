// Deadlines for librdkafka's blocking calls, and a topic's partition count from the cluster's
// metadata: shared by the topic readers (topic_io, topic_scan).
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace gw::kafka {

using SteadyClock = std::chrono::steady_clock;

// Milliseconds left until deadline, 0 when it passed: librdkafka's timeout arguments.
int remaining_ms(SteadyClock::time_point deadline);

// The topic's partition count; 0 when the cluster does not know the topic. Throws KafkaError
// when the metadata request fails.
int partition_count(rd_kafka_t* rk, const std::string& topic, SteadyClock::time_point deadline);

// rd_kafka_query_watermark_offsets, asked again while the partition's leader is moving or not
// yet elected (a topic created a moment ago, a broker failing over), until the deadline.
rd_kafka_resp_err_t query_watermarks(rd_kafka_t* rk, const std::string& topic,
                                     std::int32_t partition, std::int64_t& low, std::int64_t& high,
                                     SteadyClock::time_point deadline);

}  // namespace gw::kafka
