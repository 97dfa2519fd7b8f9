#include "adapters/kafka/kafka_source.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <exception>

#include "adapters/kafka/kafka_config.h"

namespace gw::kafka {

std::vector<TopicPartition> to_partitions(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> out;
  if (list == nullptr) {
    return out;
  }
  out.reserve(static_cast<std::size_t>(list->cnt));
  for (int i = 0; i < list->cnt; ++i) {
    out.push_back(TopicPartition{list->elems[i].topic, list->elems[i].partition});
  }
  return out;
}

PartitionListHandle to_list(const std::vector<TopicPartition>& partitions) {
  PartitionListHandle list = make_partition_list(static_cast<int>(partitions.size()));
  for (const TopicPartition& tp : partitions) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
  }
  return list;
}

PartitionListHandle to_list(const std::vector<PartitionOffset>& offsets) {
  PartitionListHandle list = make_partition_list(static_cast<int>(offsets.size()));
  for (const PartitionOffset& po : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), po.tp.topic.c_str(), po.tp.partition)->offset =
        po.offset;
  }
  return list;
}

KafkaSource::KafkaSource(const KafkaSettings& settings, ConsumerEvents& events) : events_(events) {
  ConfHandle conf = make_conf(settings, ClientRole::consumer);
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_rebalance_cb(conf.get(), &KafkaSource::on_rebalance);
  rd_kafka_conf_set_offset_commit_cb(conf.get(), &KafkaSource::on_offset_commit);
  rd_kafka_conf_set_error_cb(conf.get(), &KafkaSource::on_error);
  consumer_ = make_client(std::move(conf), ClientRole::consumer);
  // One queue for everything (records, rebalances, commit results, errors): one wakeup source.
  rd_kafka_poll_set_consumer(consumer_.get());
  queue_.reset(rd_kafka_queue_get_consumer(consumer_.get()));
}

KafkaSource::~KafkaSource() {
  try {
    close();
  } catch (const std::exception& e) {
    spdlog::error("kafka consumer: closing failed: {}", e.what());
  }
  queue_.reset();  // before the client it belongs to
}

void KafkaSource::subscribe(const std::vector<std::string>& topics) {
  PartitionListHandle list = make_partition_list(static_cast<int>(topics.size()));
  for (const std::string& t : topics) {
    rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  }
  rd_kafka_resp_err_t err = rd_kafka_subscribe(consumer_.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw KafkaError(std::string("kafka consumer: subscribe: ") + rd_kafka_err2str(err));
  }
}

MessageHandle KafkaSource::poll() {
  if (closed_) {
    return nullptr;
  }
  return MessageHandle(rd_kafka_consumer_poll(consumer_.get(), 0));
}

std::optional<std::int64_t> KafkaSource::position(const TopicPartition& tp) const {
  if (closed_) {
    return std::nullopt;
  }
  PartitionListHandle list = to_list(std::vector<TopicPartition>{tp});
  if (rd_kafka_position(consumer_.get(), list.get()) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      list->elems[0].err != RD_KAFKA_RESP_ERR_NO_ERROR || list->elems[0].offset < 0) {
    return std::nullopt;
  }
  return list->elems[0].offset;
}

bool KafkaSource::cached_watermarks(const TopicPartition& tp, std::int64_t& low,
                                    std::int64_t& high) const {
  return !closed_ && rd_kafka_get_watermark_offsets(consumer_.get(), tp.topic.c_str(),
                                                    tp.partition, &low,
                                                    &high) == RD_KAFKA_RESP_ERR_NO_ERROR;
}

void KafkaSource::store(const std::vector<PartitionOffset>& offsets) {
  if (offsets.empty() || closed_) {
    return;
  }
  PartitionListHandle list = to_list(offsets);
  rd_kafka_resp_err_t err = rd_kafka_offsets_store(consumer_.get(), list.get());
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    return;
  }
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& e = list->elems[i];
    if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      // _STATE: no longer assigned; the new owner reconsumes from the committed offset.
      spdlog::warn("kafka consumer: storing offset {} of {}[{}]: {}", e.offset, e.topic,
                   e.partition, rd_kafka_err2str(e.err));
    }
  }
}

bool KafkaSource::commit_sync(const std::vector<PartitionOffset>& offsets) {
  if (offsets.empty()) {
    return true;
  }
  PartitionListHandle list = to_list(offsets);
  rd_kafka_resp_err_t err = rd_kafka_commit(consumer_.get(), list.get(), 0 /* wait */);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    spdlog::error("kafka consumer: committing {} offsets: {}", offsets.size(),
                  rd_kafka_err2str(err));
    return false;
  }
  std::vector<PartitionOffset> accepted;
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& e = list->elems[i];
    if (e.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      accepted.push_back(PartitionOffset{{e.topic, e.partition}, e.offset});
    }
  }
  events_.on_committed(accepted);
  return accepted.size() == offsets.size();
}

void KafkaSource::commit_stored_async() {
  if (closed_) {
    return;
  }
  rd_kafka_resp_err_t err = rd_kafka_commit(consumer_.get(), nullptr, 1 /* async */);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    spdlog::warn("kafka consumer: commit: {}", rd_kafka_err2str(err));
  }
}

std::optional<std::map<TopicPartition, std::int64_t>> KafkaSource::committed(
    const std::vector<TopicPartition>& partitions, std::chrono::milliseconds timeout) {
  PartitionListHandle list = to_list(partitions);
  rd_kafka_resp_err_t err =
      rd_kafka_committed(consumer_.get(), list.get(), static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::nullopt;
  }
  std::map<TopicPartition, std::int64_t> out;
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& e = list->elems[i];
    if (e.err == RD_KAFKA_RESP_ERR_NO_ERROR && e.offset >= 0) {
      out[TopicPartition{e.topic, e.partition}] = e.offset;
    }
  }
  return out;
}

std::optional<Watermarks> KafkaSource::query_watermarks(const TopicPartition& tp,
                                                        std::chrono::milliseconds timeout) {
  Watermarks w;
  rd_kafka_resp_err_t err =
      rd_kafka_query_watermark_offsets(consumer_.get(), tp.topic.c_str(), tp.partition, &w.low,
                                       &w.high, static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::nullopt;
  }
  return w;
}

void KafkaSource::close() {
  if (closed_ || !consumer_) {
    return;
  }
  closed_ = true;
  // Triggers on_rebalance(REVOKE) on this thread, then leaves the group.
  rd_kafka_resp_err_t err = rd_kafka_consumer_close(consumer_.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::warn("kafka consumer: close: {}", rd_kafka_err2str(err));
  }
  assignment_.clear();
}

void KafkaSource::on_rebalance(rd_kafka_t*, rd_kafka_resp_err_t err,
                               rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  try {
    static_cast<KafkaSource*>(opaque)->handle_rebalance(err, partitions);
  } catch (const std::exception& e) {
    // librdkafka is C: nothing may unwind through it.
    spdlog::critical("kafka consumer: rebalance handling failed: {}", e.what());
  }
}

void KafkaSource::handle_rebalance(rd_kafka_resp_err_t err,
                                   rd_kafka_topic_partition_list_t* partitions) {
  rd_kafka_t* rk = consumer_.get();
  const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
  std::vector<TopicPartition> changed = to_partitions(partitions);

  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    if (cooperative) {
      if (rd_kafka_error_t* e = rd_kafka_incremental_assign(rk, partitions)) {
        spdlog::error("kafka consumer: assign: {}", rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
      }
    } else {
      rd_kafka_assign(rk, partitions);
      assignment_.clear();
    }
    for (const TopicPartition& tp : changed) {
      assignment_.push_back(tp);
    }
    if (!changed.empty()) {
      spdlog::info("kafka consumer: assigned {} partitions ({} in all)", changed.size(),
                   assignment_.size());
    }
    events_.on_assigned(changed);
    return;
  }

  if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    const bool lost = rd_kafka_assignment_lost(rk) != 0;
    spdlog::info("kafka consumer: {} {} partitions", lost ? "lost" : "revoking", changed.size());
    events_.on_revoking(changed, lost);
    if (cooperative) {
      if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, partitions)) {
        spdlog::error("kafka consumer: unassign: {}", rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
      }
    } else {
      rd_kafka_assign(rk, nullptr);
    }
    std::erase_if(assignment_, [&changed](const TopicPartition& tp) {
      return std::find(changed.begin(), changed.end(), tp) != changed.end();
    });
    return;
  }

  spdlog::error("kafka consumer: rebalance failed: {}", rd_kafka_err2str(err));
  events_.on_revoking(assignment_, true);
  if (cooperative) {
    rd_kafka_incremental_unassign(rk, partitions);
  } else {
    rd_kafka_assign(rk, nullptr);
  }
  assignment_.clear();
}

void KafkaSource::on_offset_commit(rd_kafka_t*, rd_kafka_resp_err_t err,
                                   rd_kafka_topic_partition_list_t* offsets, void* opaque) {
  auto* self = static_cast<KafkaSource*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__NO_OFFSET) {
    return;  // nothing new was stored
  }
  std::vector<PartitionOffset> accepted;
  for (int i = 0; offsets != nullptr && i < offsets->cnt; ++i) {
    const rd_kafka_topic_partition_t& e = offsets->elems[i];
    if (e.err == RD_KAFKA_RESP_ERR_NO_ERROR && e.offset >= 0) {
      accepted.push_back(PartitionOffset{{e.topic, e.partition}, e.offset});
    } else if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      spdlog::warn("kafka consumer: commit of {}[{}] failed: {}", e.topic, e.partition,
                   rd_kafka_err2str(e.err));
    }
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::warn("kafka consumer: commit failed: {}", rd_kafka_err2str(err));
  }
  try {
    self->events_.on_committed(accepted);
  } catch (const std::exception& e) {
    spdlog::critical("kafka consumer: commit handling failed: {}", e.what());
  }
}

void KafkaSource::on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* self = static_cast<KafkaSource*>(opaque);
  if (err != RD_KAFKA_RESP_ERR__FATAL) {
    // Transport and broker errors: librdkafka reconnects and retries by itself.
    spdlog::warn("kafka consumer: {}", reason);
    return;
  }
  std::array<char, 512> detail{};
  rd_kafka_fatal_error(rk, detail.data(), detail.size());
  spdlog::critical("kafka consumer: fatal error: {}", detail.data());
  try {
    self->events_.on_fatal_error(detail.data());
  } catch (const std::exception& e) {
    spdlog::critical("kafka consumer: fatal error handling failed: {}", e.what());
  }
}

}  // namespace gw::kafka
