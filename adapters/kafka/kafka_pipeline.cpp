// The running loop: consuming, producing, delivery reports, retries, backpressure.
// Rebalances, draining, stop() and the caught-up check are in kafka_pipeline_lifecycle.cpp.
#include "adapters/kafka/kafka_pipeline.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <exception>
#include <utility>

#include "adapters/kafka/kafka_config.h"

namespace gw {
namespace {

EpochMs now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view bytes_of(const void* p, std::size_t n) {
  return p == nullptr ? std::string_view() : std::string_view(static_cast<const char*>(p), n);
}

bool names_brokers(const KafkaSettings& s) {
  return !s.brokers.empty() || s.properties.count("bootstrap.servers") != 0 ||
         (s.consumer_properties.count("bootstrap.servers") != 0 &&
          s.producer_properties.count("bootstrap.servers") != 0);
}

}  // namespace

KafkaPipeline::KafkaPipeline(boost::asio::io_context& io, const KafkaSettings& settings,
                             KafkaPipelineOptions options, Process process)
    : io_(io),
      options_(std::move(options)),
      process_(std::move(process)),
      tick_timer_(io),
      retry_timer_(io) {
  if (!names_brokers(settings)) {
    throw KafkaError(
        "kafka: no brokers configured (the embedded mode starts an EmbeddedCluster "
        "and passes its bootstrap address)");
  }
  if (options_.input_topics.empty()) {
    throw KafkaError("kafka: no input topics to consume");
  }
  options_.max_in_flight = std::max<std::size_t>(options_.max_in_flight, 1);
  options_.batch_size = std::max<std::size_t>(options_.batch_size, 1);
  options_.retry_backoff_initial =
      std::max(options_.retry_backoff_initial, std::chrono::milliseconds(1));
  options_.retry_backoff_max = std::max(options_.retry_backoff_max, options_.retry_backoff_initial);
  options_.tick = std::max(options_.tick, std::chrono::milliseconds(1));

  source_ = std::make_unique<kafka::KafkaSource>(settings, static_cast<ConsumerEvents&>(*this));
  sink_ = std::make_unique<kafka::KafkaSink>(settings, static_cast<ProducerEvents&>(*this));
  consumer_wakeup_ =
      std::make_unique<kafka::QueueWakeup>(io_, source_->queue(), [this] { serve_consumer(); });
  producer_wakeup_ =
      std::make_unique<kafka::QueueWakeup>(io_, sink_->queue(), [this] { serve_producer(); });
}

KafkaPipeline::~KafkaPipeline() {
  try {
    stop();
  } catch (const std::exception& e) {
    spdlog::error("kafka pipeline: stopping failed: {}", e.what());
  }
}

void KafkaPipeline::start() {
  if (started_ || stopped_) {
    return;
  }
  started_ = true;
  source_->subscribe(options_.input_topics);
  consumer_wakeup_->start();
  producer_wakeup_->start();
  arm_tick();
  post_turn();
  spdlog::info("kafka pipeline: consuming {} topics", options_.input_topics.size());
}

PipelineCounters KafkaPipeline::counters() const {
  PipelineCounters c = counters_;
  c.in_flight = outputs_.size();
  return c;
}

std::vector<PartitionLag> KafkaPipeline::lag() const {
  std::vector<PartitionLag> out;
  for (const auto& [tp, generation] : generation_) {
    PartitionLag l{tp.topic, tp.partition, -1};
    std::int64_t low = 0;
    std::int64_t high = 0;
    const std::optional<std::int64_t> position = source_->position(tp);
    if (position && *position >= 0 &&
        source_->cached_watermarks(tp, low, high) && high >= 0) {
      l.lag = std::max<std::int64_t>(0, high - *position);
    }
    out.push_back(std::move(l));
  }
  return out;
}

void KafkaPipeline::post_turn() {
  if (turn_posted_ || stopping_) {
    return;
  }
  turn_posted_ = true;
  boost::asio::post(io_, [this, alive = std::weak_ptr<int>(alive_)] {
    if (alive.expired()) {
      return;
    }
    turn_posted_ = false;
    serve_consumer();
  });
}

void KafkaPipeline::arm_tick() {
  tick_timer_.expires_after(options_.tick);
  tick_timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](boost::system::error_code ec) {
    if (ec || alive.expired() || stopping_) {
      return;
    }
    serve_consumer();
    check_caught_up();
    if (!stopping_) {
      arm_tick();
    }
  });
}

void KafkaPipeline::serve_consumer() {
  if (stopping_ || !started_) {
    return;
  }
  std::size_t handled = 0;
  while (handled < options_.batch_size && !stopping_ && !paused_) {
    kafka::MessageHandle msg = source_->poll();
    if (!msg) {
      break;
    }
    ++handled;
    handle_record(*msg);
  }
  serve_producer();
  // The eventfd fires only when the queue turns non-empty: come back while records remain.
  // While paused the tick serves the queue (records fetched before the pause wait there).
  if (!stopping_ && !paused_ && rd_kafka_queue_length(source_->queue()) > 0) {
    post_turn();
  }
}

void KafkaPipeline::serve_producer() {
  if (stopped_) {
    return;
  }
  sink_->poll();
  if (draining_) {
    return;
  }
  store_committable();
  resume_if_drained();
}

void KafkaPipeline::handle_record(const rd_kafka_message_t& msg) {
  if (msg.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    // Consumer-level errors (unknown topic, broker down): librdkafka keeps trying.
    if (msg.err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      spdlog::warn("kafka consumer: {}", rd_kafka_message_errstr(&msg));
    }
    return;
  }
  TopicPartition tp{rd_kafka_topic_name(msg.rkt), msg.partition};
  auto generation = generation_.find(tp);
  if (generation == generation_.end()) {
    return;  // no longer ours; the new owner reads it
  }

  InputRecord in;
  in.topic = tp.topic;
  in.partition = msg.partition;
  in.offset = msg.offset;
  in.key = bytes_of(msg.key, msg.key_len);
  in.value = bytes_of(msg.payload, msg.len);
  rd_kafka_timestamp_type_t ts_type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  in.timestamp = rd_kafka_message_timestamp(&msg, &ts_type);
  if (ts_type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || in.timestamp < 0) {
    in.timestamp = now_ms();
  }
  if (options_.read_headers) {
    kafka::for_each_header(msg, [&in](std::string_view name, std::string_view value) {
      in.headers.emplace_back(name, value);
    });
  }

  ProcessOutcome outcome;
  try {
    outcome = process_(in);
  } catch (const std::exception& e) {
    // The processor's contract is to refuse bad input, not to throw: a bug. Stop without
    // committing this record, so it is consumed again once fixed.
    fail("processing " + to_string(tp) + " offset " + std::to_string(msg.offset) +
         " threw: " + e.what());
    return;
  }
  ++counters_.records_consumed;
  ++counters_.consumed_by_topic[tp.topic];
  if (outcome.duplicate) {
    ++counters_.duplicates;
  }
  if (outcome.dead_lettered) {
    ++counters_.dead_letters[outcome.refusal ? std::string(to_string(outcome.refusal->code))
                                             : std::string("unknown")];
  }
  if (!tracker_.track(tp, msg.offset, outcome.records.size())) {
    spdlog::error(
        "kafka pipeline: {} offset {} arrived after a later one; its outputs are "
        "produced but this instance will not commit it",
        to_string(tp), msg.offset);
  }
  if (outcome.records.empty()) {
    acked_since_store_.insert(tp);
  }
  enqueue(outcome.records, tp, msg.offset, in.timestamp, generation->second,
          outcome.dead_lettered);
  pause_if_full();
}

void KafkaPipeline::enqueue(std::vector<OutRecord>& records, const TopicPartition& source,
                            std::int64_t offset, EpochMs timestamp, std::uint64_t generation,
                            bool dead_letter) {
  std::shared_ptr<HeldOutputs> held;
  const auto first = static_cast<std::size_t>(std::count_if(
      records.begin(), records.end(), [](const OutRecord& r) { return !r.after_others; }));
  if (first < records.size()) {
    held = std::make_shared<HeldOutputs>();
    held->waiting = first;
    held->source = source;
    held->generation = generation;
    held_order_[source].push_back(held);
  }
  for (OutRecord& r : records) {
    PendingOutput& out = outputs_.emplace_back();
    out.self = std::prev(outputs_.end());
    out.held = r.after_others;
    out.record = std::move(r);
    out.source = source;
    out.source_offset = offset;
    out.source_timestamp = timestamp;
    out.generation = generation;
    out.dead_letter = dead_letter;
    out.held_by = held;
    if (offset < 0) ++emitted_pending_[source];
    if (out.held) {
      held->outputs.push_back(&out);
    } else {
      produce(out);
    }
  }
  if (held && held->waiting == 0) {
    produce_ready_held(source);
  }
}

bool KafkaPipeline::emit(const TopicPartition& owner, std::vector<OutRecord> records,
                         EpochMs timestamp) {
  auto generation = generation_.find(owner);
  if (generation == generation_.end() || stopped_) {
    return false;
  }
  enqueue(records, owner, -1, timestamp, generation->second, false);
  pause_if_full();
  return true;
}

void KafkaPipeline::release_held(PendingOutput& acknowledged) {
  std::shared_ptr<HeldOutputs> group = acknowledged.held_by;
  if (!group || acknowledged.held || group->waiting == 0 || --group->waiting > 0) {
    return;
  }
  produce_ready_held(group->source);
}

void KafkaPipeline::produce_ready_held(const TopicPartition& source) {
  auto queue = held_order_.find(source);
  if (queue == held_order_.end()) {
    return;
  }
  while (!queue->second.empty() && queue->second.front()->waiting == 0) {
    std::shared_ptr<HeldOutputs> group = std::move(queue->second.front());
    queue->second.pop_front();
    for (PendingOutput* h : group->outputs) {
      h->held = false;
      produce(*h);
    }
  }
  if (queue->second.empty()) {
    held_order_.erase(queue);
  }
}

void KafkaPipeline::drop_stale_held() {
  // Held outputs are neither inside librdkafka nor in retries_: nothing else would ever
  // erase those of partitions that are no longer ours.
  for (auto it = held_order_.begin(); it != held_order_.end();) {
    auto generation = generation_.find(it->first);
    std::erase_if(it->second, [&](const std::shared_ptr<HeldOutputs>& g) {
      return generation == generation_.end() || generation->second != g->generation;
    });
    it = it->second.empty() ? held_order_.erase(it) : std::next(it);
  }
  for (auto it = outputs_.begin(); it != outputs_.end();) {
    auto next = std::next(it);
    if (it->held && stale(*it)) {
      erase(*it);
    }
    it = next;
  }
}

void KafkaPipeline::produce(PendingOutput& out) {
  rd_kafka_resp_err_t err = sink_->produce(out.record, &out);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    return;
  }
  if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
    ++counters_.delivery_failures;
    spdlog::warn("kafka producer: output of {} offset {} for topic {} refused: {}; will retry",
                 to_string(out.source), out.source_offset, out.record.topic, rd_kafka_err2str(err));
  }
  schedule_retry(out);
}

void KafkaPipeline::on_delivery(void* opaque, rd_kafka_resp_err_t err) {
  PendingOutput& out = *static_cast<PendingOutput*>(opaque);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (stale(out) || stopped_) {
      erase(out);  // its input is no longer ours to commit; the new owner redoes it
      return;
    }
    ++counters_.delivery_failures;
    spdlog::warn(
        "kafka producer: delivery of output of {} offset {} to topic {} failed: {} "
        "(attempt {}); producing it again",
        to_string(out.source), out.source_offset, out.record.topic, rd_kafka_err2str(err),
        out.attempts + 1);
    schedule_retry(out);
    return;
  }
  if (out.dead_letter) {
    ++counters_.dead_letters_produced;
  } else {
    ++counters_.cases_produced[out.record.topic];
  }
  if (options_.on_acknowledged) {
    options_.on_acknowledged(out.record, out.source_timestamp);
  }
  if (!stale(out)) {
    if (out.source_offset >= 0 && tracker_.ack(out.source, out.source_offset)) {
      acked_since_store_.insert(out.source);
    }
    release_held(out);
  }
  erase(out);
}

void KafkaPipeline::schedule_retry(PendingOutput& out) {
  ++out.attempts;
  auto delay = options_.retry_backoff_initial;
  for (int i = 1; i < out.attempts && delay < options_.retry_backoff_max; ++i) {
    delay *= 2;
  }
  delay = std::min(delay, options_.retry_backoff_max);
  retries_.emplace(Clock::now() + delay, &out);
  arm_retry_timer();
}

void KafkaPipeline::arm_retry_timer() {
  if (retries_.empty() || stopped_) {
    return;
  }
  retry_timer_.expires_at(retries_.begin()->first);
  retry_timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](boost::system::error_code ec) {
    if (ec || alive.expired() || stopped_) {
      return;
    }
    run_due_retries();
    arm_retry_timer();
  });
}

void KafkaPipeline::run_due_retries() {
  const Clock::time_point now = Clock::now();
  while (!retries_.empty() && retries_.begin()->first <= now) {
    PendingOutput* out = retries_.begin()->second;
    retries_.erase(retries_.begin());
    if (stale(*out)) {
      erase(*out);
    } else {
      produce(*out);  // on refusal it is rescheduled, later than now
    }
  }
}

void KafkaPipeline::erase(PendingOutput& out) {
  if (out.source_offset < 0 && !stale(out)) {
    auto it = emitted_pending_.find(out.source);
    if (it != emitted_pending_.end() && --it->second == 0) emitted_pending_.erase(it);
  }
  outputs_.erase(out.self);
}

bool KafkaPipeline::stale(const PendingOutput& out) const {
  auto it = generation_.find(out.source);
  return it == generation_.end() || it->second != out.generation;
}

void KafkaPipeline::store_committable() {
  if (acked_since_store_.empty()) {
    return;
  }
  std::vector<kafka::PartitionOffset> offsets;
  for (const TopicPartition& tp : acked_since_store_) {
    std::optional<std::int64_t> next = tracker_.committable(tp);
    if (!next) {
      continue;
    }
    auto [stored, inserted] = stored_.try_emplace(tp, -1);
    if (*next <= stored->second) {
      continue;
    }
    stored->second = *next;
    offsets.push_back(kafka::PartitionOffset{tp, *next});
  }
  acked_since_store_.clear();
  source_->store(offsets);
}

// Backpressure stops taking records from the consumer's queue; it does not pause the
// partitions. librdkafka bounds what it prefetches (queued.max.messages.kbytes), and
// rd_kafka_pause_partitions would purge that prefetch and, in librdkafka 2.0.2, leave the
// partitions unfetched for about a second after the resume: measured with gw_kafka_bench,
// a pipeline that paused every 10,000 records spent most of its time waiting.
void KafkaPipeline::pause_if_full() {
  if (paused_ || outputs_.size() <= options_.max_in_flight) {
    return;
  }
  paused_ = true;
  ++counters_.pauses;
  spdlog::debug("kafka pipeline: {} outputs in flight, holding consumption", outputs_.size());
}

void KafkaPipeline::resume_if_drained() {
  if (!paused_ || stopping_ || outputs_.size() > options_.max_in_flight / 2) {
    return;
  }
  paused_ = false;
  spdlog::debug("kafka pipeline: {} outputs in flight, consuming again", outputs_.size());
  post_turn();
}

void KafkaPipeline::fail(const std::string& reason) {
  if (!failure_.empty()) {
    return;
  }
  failure_ = reason;
  stopping_ = true;  // consume nothing more: nothing after a failed record may be committed
  spdlog::critical("kafka pipeline: stopping: {}", reason);
  boost::asio::post(io_, [this, alive = std::weak_ptr<int>(alive_)] {
    if (alive.expired()) {
      return;
    }
    stop();
    if (options_.on_fatal_error) {
      options_.on_fatal_error(failure_);
    }
  });
}

void KafkaPipeline::on_fatal_error(const std::string& reason) { fail("kafka: " + reason); }

}  // namespace gw
