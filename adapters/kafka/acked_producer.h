// A Kafka producer for threads that must wait for the acknowledgement of what they write:
// the HTTP webhooks answer 202 only once Kafka holds the case (acks=all, idempotent).
//
// Thread-safe: any thread may call write() and reachable(). A thread of its own serves
// librdkafka's delivery reports and wakes the writers. Records are copied into librdkafka,
// so a writer that gave up waiting (deadline passed) leaves nothing dangling: the late
// report only updates a batch the writer no longer looks at.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/kafka/kafka_config.h"
#include "gateway/pipeline/case_processor.h"

namespace gw::kafka {

enum class WriteStatus : std::uint8_t {
  acknowledged,  // in Kafka, replicated as acks=all requires
  failed,        // refused or not delivered (error says why); safe to try again later
  timed_out,     // no answer before the deadline; may still arrive: a retry is safe (same key)
};

struct WriteResult {
  WriteStatus status = WriteStatus::timed_out;
  std::string error;  // set when failed
};

class AckedProducer {
 public:
  // The producer uses settings' properties and producer_properties, with linger.ms set to
  // linger_ms (each writer waits for it) and message.timeout.ms to delivery_timeout.
  // Throws KafkaError when librdkafka refuses the configuration.
  AckedProducer(const KafkaSettings& settings, int linger_ms,
                std::chrono::milliseconds delivery_timeout);
  // Waits up to 5 s for records still in flight, then drops them.
  ~AckedProducer();
  AckedProducer(const AckedProducer&) = delete;
  AckedProducer& operator=(const AckedProducer&) = delete;

  // Produces every record (copied) and waits until each is acknowledged or failed, or until
  // the deadline. One result per record, in order.
  std::vector<WriteResult> write(const std::vector<OutRecord>& records,
                                 std::chrono::steady_clock::time_point deadline);

  // Whether a broker answered a metadata request within timeout. Cached for cache_for, so
  // that probes do not load the cluster.
  bool reachable(std::chrono::milliseconds timeout,
                 std::chrono::milliseconds cache_for = std::chrono::milliseconds(2000));

 private:
  struct Batch;
  static void on_delivery_report(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque);
  static void on_error(rd_kafka_t*, int err, const char* reason, void* opaque);
  void serve();

  KafkaHandle producer_;
  std::atomic<bool> stopping_{false};
  std::thread poller_;

  std::mutex reachable_mutex_;
  std::chrono::steady_clock::time_point reachable_checked_{};
  bool reachable_ = false;
};

}  // namespace gw::kafka
