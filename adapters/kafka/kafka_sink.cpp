#include "adapters/kafka/kafka_sink.h"

#include <spdlog/spdlog.h>

#include <array>
#include <exception>

#include "adapters/kafka/kafka_config.h"

namespace gw::kafka {

KafkaSink::KafkaSink(const KafkaSettings& settings, ProducerEvents& events) : events_(events) {
  ConfHandle conf = make_conf(settings, ClientRole::producer);
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &KafkaSink::on_delivery_report);
  rd_kafka_conf_set_error_cb(conf.get(), &KafkaSink::on_error);
  producer_ = make_client(std::move(conf), ClientRole::producer);
  queue_.reset(rd_kafka_queue_get_main(producer_.get()));
}

KafkaSink::~KafkaSink() {
  // No poll here: delivery reports would call into an owner that is being destroyed. The
  // owner purges and polls first when it wants the reports; rd_kafka_destroy drops the rest.
  topics_.clear();
  queue_.reset();
}

rd_kafka_topic_t* KafkaSink::topic(const std::string& name) {
  auto it = topics_.find(name);
  if (it != topics_.end()) {
    return it->second.get();
  }
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(producer_.get(), name.c_str(), nullptr);
  if (rkt == nullptr) {
    return nullptr;
  }
  topics_.emplace(name, TopicHandle(rkt));
  return rkt;
}

rd_kafka_resp_err_t KafkaSink::produce(const OutRecord& record, void* opaque) {
  rd_kafka_topic_t* rkt = topic(record.topic);
  if (rkt == nullptr) {
    return rd_kafka_last_error();
  }
  HeadersHandle headers;
  if (!record.headers.empty()) {
    headers.reset(rd_kafka_headers_new(record.headers.size()));
    for (const auto& [name, value] : record.headers) {
      rd_kafka_header_add(headers.get(), name.data(), static_cast<ssize_t>(name.size()),
                          value.data(), static_cast<ssize_t>(value.size()));
    }
  }
  // An empty key goes out as a null key, so the partitioner spreads such records.
  const void* key = record.key.empty() ? nullptr : record.key.data();
  rd_kafka_resp_err_t err = rd_kafka_producev(
      producer_.get(), RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_MSGFLAGS(0),
      RD_KAFKA_V_VALUE(const_cast<char*>(record.value.data()), record.value.size()),
      RD_KAFKA_V_KEY(key, record.key.size()), RD_KAFKA_V_HEADERS(headers.get()),
      RD_KAFKA_V_PARTITION(record.partition >= 0 ? record.partition : RD_KAFKA_PARTITION_UA),
      RD_KAFKA_V_TIMESTAMP(record.timestamp.value_or(0)), RD_KAFKA_V_OPAQUE(opaque),
      RD_KAFKA_V_END);
  // On success the record owns its headers; on failure they are still ours to free.
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    (void)headers.release();
  }
  return err;
}

void KafkaSink::poll_for(std::chrono::milliseconds timeout) {
  rd_kafka_poll(producer_.get(), static_cast<int>(timeout.count()));
}

void KafkaSink::purge() {
  if (!producer_) {
    return;
  }
  rd_kafka_purge(producer_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  poll();
}

void KafkaSink::on_delivery_report(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* self = static_cast<KafkaSink*>(opaque);
  try {
    self->events_.on_delivery(msg->_private, msg->err);
  } catch (const std::exception& e) {
    // librdkafka is C: nothing may unwind through it.
    spdlog::critical("kafka producer: delivery handling failed: {}", e.what());
  }
}

void KafkaSink::on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* self = static_cast<KafkaSink*>(opaque);
  if (err != RD_KAFKA_RESP_ERR__FATAL) {
    // Transport and broker errors: librdkafka reconnects and retries by itself.
    spdlog::warn("kafka producer: {}", reason);
    return;
  }
  std::array<char, 512> detail{};
  rd_kafka_fatal_error(rk, detail.data(), detail.size());
  spdlog::critical("kafka producer: fatal error: {}", detail.data());
  self->fatal_ = true;
  try {
    self->events_.on_fatal_error(detail.data());
  } catch (const std::exception& e) {
    spdlog::critical("kafka producer: fatal error handling failed: {}", e.what());
  }
}

}  // namespace gw::kafka
