// The pipeline's producer: idempotent (enable.idempotence=true, acks=all), so librdkafka's
// own retries neither duplicate nor reorder records within a partition. Each record carries
// an opaque pointer that its delivery report hands back, which is how the pipeline finds
// the input (partition, offset) the output belongs to.
//
// Records are produced without copying: their bytes must stay valid until their delivery
// report, and until this object is destroyed (librdkafka's threads may still be sending
// them). Every call and every ProducerEvents callback happens on the owner's thread (the
// pipeline's io thread): librdkafka invokes the callbacks from poll() and flush().
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <map>
#include <string>

#include "adapters/kafka/rdkafka_handles.h"
#include "gateway/core/gateway_config.h"
#include "gateway/pipeline/case_processor.h"

namespace gw::kafka {

class ProducerEvents {
 public:
  virtual ~ProducerEvents() = default;
  // The broker acknowledged the record (err == NO_ERROR), or librdkafka gave up on it.
  virtual void on_delivery(void* opaque, rd_kafka_resp_err_t err) = 0;
  // The idempotent producer hit a fatal error: nothing more can be produced with it.
  virtual void on_fatal_error(const std::string& reason) = 0;
};

class KafkaSink {
 public:
  // Throws KafkaError (naming the property) when librdkafka rejects the configuration.
  KafkaSink(const KafkaSettings& settings, ProducerEvents& events);
  ~KafkaSink();
  KafkaSink(const KafkaSink&) = delete;
  KafkaSink& operator=(const KafkaSink&) = delete;

  // Queues the record. NO_ERROR means a delivery report will follow; any other value means
  // librdkafka refused it at once (e.g. _QUEUE_FULL, MSG_SIZE_TOO_LARGE) and none will.
  rd_kafka_resp_err_t produce(const OutRecord& record, void* opaque);

  // Serves delivery reports and errors that are ready; does not block.
  void poll() { poll_for(std::chrono::milliseconds(0)); }
  void poll_for(std::chrono::milliseconds timeout);

  // The queue delivery reports arrive on, for QueueWakeup.
  rd_kafka_queue_t* queue() const { return queue_.get(); }

  // Records queued or in flight to brokers.
  int queued() const { return rd_kafka_outq_len(producer_.get()); }

  // Drops queued records; their delivery reports come with _PURGE_QUEUE / _PURGE_INFLIGHT.
  void purge();

  bool fatal() const { return fatal_; }
  rd_kafka_t* handle() const { return producer_.get(); }

 private:
  static void on_delivery_report(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque);
  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  rd_kafka_topic_t* topic(const std::string& name);

  ProducerEvents& events_;
  KafkaHandle producer_;
  QueueHandle queue_;
  // Topic handles, looked up once per topic name instead of once per record.
  std::map<std::string, TopicHandle, std::less<>> topics_;
  bool fatal_ = false;
};

}  // namespace gw::kafka
