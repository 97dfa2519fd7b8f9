#include "adapters/kafka/acked_producer.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <memory>

namespace gw::kafka {

// What the writers of one write() wait on. Each record in librdkafka holds a shared_ptr to
// it (through its opaque), so it lives until the last report, however long the writer waits.
struct AckedProducer::Batch {
  std::mutex mutex;
  std::condition_variable done;
  std::size_t outstanding = 0;
  std::vector<WriteResult> results;
};

namespace {

struct Slot {
  std::shared_ptr<void> batch;  // keeps the Batch alive; typed below
  std::size_t index = 0;
};

}  // namespace

AckedProducer::AckedProducer(const KafkaSettings& settings, int linger_ms,
                             std::chrono::milliseconds delivery_timeout) {
  Properties extra{{"linger.ms", std::to_string(linger_ms)},
                   {"message.timeout.ms", std::to_string(delivery_timeout.count())}};
  ConfHandle conf = make_conf(settings, ClientRole::producer, extra);
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &AckedProducer::on_delivery_report);
  rd_kafka_conf_set_error_cb(conf.get(), &AckedProducer::on_error);
  producer_ = make_client(std::move(conf), ClientRole::producer);
  poller_ = std::thread([this] { serve(); });
}

AckedProducer::~AckedProducer() {
  rd_kafka_flush(producer_.get(), 5000);
  stopping_ = true;
  poller_.join();
  rd_kafka_purge(producer_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_poll(producer_.get(), 0);  // the purged records' reports free their slots
}

void AckedProducer::serve() {
  while (!stopping_) {
    rd_kafka_poll(producer_.get(), 50);
  }
}

std::vector<WriteResult> AckedProducer::write(const std::vector<OutRecord>& records,
                                              std::chrono::steady_clock::time_point deadline) {
  auto batch = std::make_shared<Batch>();
  batch->results.resize(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const OutRecord& r = records[i];
    HeadersHandle headers;
    if (!r.headers.empty()) {
      headers.reset(rd_kafka_headers_new(r.headers.size()));
      for (const auto& [name, value] : r.headers) {
        rd_kafka_header_add(headers.get(), name.data(), static_cast<ssize_t>(name.size()),
                            value.data(), static_cast<ssize_t>(value.size()));
      }
    }
    auto slot = std::make_unique<Slot>(Slot{batch, i});
    {
      std::lock_guard lock(batch->mutex);
      ++batch->outstanding;
    }
    const void* key = r.key.empty() ? nullptr : r.key.data();
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        producer_.get(), RD_KAFKA_V_TOPIC(r.topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_VALUE(const_cast<char*>(r.value.data()), r.value.size()),
        RD_KAFKA_V_KEY(key, r.key.size()), RD_KAFKA_V_HEADERS(headers.get()),
        RD_KAFKA_V_PARTITION(r.partition >= 0 ? r.partition : RD_KAFKA_PARTITION_UA),
        RD_KAFKA_V_TIMESTAMP(r.timestamp.value_or(0)), RD_KAFKA_V_OPAQUE(slot.get()),
        RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      (void)headers.release();  // the record owns them now
      (void)slot.release();     // freed by the delivery report
    } else {
      std::lock_guard lock(batch->mutex);
      --batch->outstanding;
      batch->results[i] = WriteResult{WriteStatus::failed, rd_kafka_err2str(err)};
    }
  }
  std::unique_lock lock(batch->mutex);
  batch->done.wait_until(lock, deadline, [&] { return batch->outstanding == 0; });
  return batch->results;  // those still outstanding stay timed_out
}

void AckedProducer::on_delivery_report(rd_kafka_t*, const rd_kafka_message_t* msg, void*) {
  std::unique_ptr<Slot> slot(static_cast<Slot*>(msg->_private));
  if (!slot) {
    return;
  }
  auto* batch = static_cast<Batch*>(slot->batch.get());
  std::lock_guard lock(batch->mutex);
  batch->results[slot->index] =
      msg->err == RD_KAFKA_RESP_ERR_NO_ERROR
          ? WriteResult{WriteStatus::acknowledged, {}}
          : WriteResult{WriteStatus::failed, rd_kafka_err2str(msg->err)};
  if (--batch->outstanding == 0) {
    batch->done.notify_all();
  }
}

void AckedProducer::on_error(rd_kafka_t*, int err, const char* reason, void*) {
  // Transport errors: librdkafka reconnects by itself; writers see timeouts meanwhile.
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    spdlog::critical("kafka webhook producer: fatal error: {}", reason);
  } else {
    spdlog::warn("kafka webhook producer: {}", reason);
  }
}

bool AckedProducer::reachable(std::chrono::milliseconds timeout,
                              std::chrono::milliseconds cache_for) {
  std::lock_guard lock(reachable_mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (reachable_checked_ != std::chrono::steady_clock::time_point{} &&
      now - reachable_checked_ < cache_for) {
    return reachable_;
  }
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(producer_.get(), 0, nullptr, &md,
                                                    static_cast<int>(timeout.count()));
  MetadataHandle holder(md);
  reachable_ = err == RD_KAFKA_RESP_ERR_NO_ERROR && md != nullptr && md->broker_cnt > 0;
  reachable_checked_ = std::chrono::steady_clock::now();
  return reachable_;
}

}  // namespace gw::kafka
