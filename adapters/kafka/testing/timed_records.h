// Test support: produce records to chosen partitions with chosen timestamps (and null values,
// for tombstones), as the gateway's own writers do. Not linked into any library.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "adapters/kafka/kafka_config.h"
#include "adapters/kafka/rdkafka_handles.h"
#include "gateway/core/case.h"
#include "gateway/core/gateway_config.h"

namespace gw::testing {

struct TimedRecord {
  std::int32_t partition = 0;
  std::string key;
  std::optional<std::string> value;  // nothing: a tombstone
  EpochMs timestamp = 0;
};

// Produces the records in order and waits for every acknowledgement; throws KafkaError.
inline void produce_timed(const KafkaSettings& settings, const std::string& topic,
                          const std::vector<TimedRecord>& records) {
  struct Tally {
    std::size_t acknowledged = 0;
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
  } tally;
  kafka::ConfHandle conf = kafka::make_conf(settings, kafka::ClientRole::producer);
  rd_kafka_conf_set_opaque(conf.get(), &tally);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), [](rd_kafka_t*, const rd_kafka_message_t* m, void* o) {
    auto* t = static_cast<Tally*>(o);
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++t->acknowledged;
    } else {
      t->error = m->err;
    }
  });
  kafka::KafkaHandle producer = kafka::make_client(std::move(conf), kafka::ClientRole::producer);
  for (const TimedRecord& r : records) {
    // librdkafka's macros cast their arguments unparenthesised: plain variables only.
    void* value = r.value ? const_cast<char*>(r.value->data()) : nullptr;
    const std::size_t size = r.value ? r.value->size() : 0;
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(r.partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(r.key.data(), r.key.size()),
        RD_KAFKA_V_VALUE(value, size), RD_KAFKA_V_TIMESTAMP(r.timestamp), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw KafkaError(std::string("produce_timed: ") + rd_kafka_err2str(err));
    }
  }
  rd_kafka_flush(producer.get(), 30000);
  if (tally.error != RD_KAFKA_RESP_ERR_NO_ERROR || tally.acknowledged != records.size()) {
    throw KafkaError(std::string("produce_timed: ") + rd_kafka_err2str(tally.error) + ", " +
                     std::to_string(tally.acknowledged) + " of " + std::to_string(records.size()) +
                     " acknowledged");
  }
}

}  // namespace gw::testing
