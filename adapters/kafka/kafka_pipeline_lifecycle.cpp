// The pipeline's lifecycle: partitions assigned and revoked, draining, stop(), and the
// caught-up check. The running loop is in kafka_pipeline.cpp.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "adapters/kafka/kafka_pipeline.h"

namespace gw {
namespace {

// Bounds the broker round trips of the caught-up check, which runs on the io thread.
constexpr std::chrono::milliseconds kQueryTimeout{2000};

}  // namespace

void KafkaPipeline::on_assigned(const std::vector<TopicPartition>& partitions) {
  ++counters_.rebalances;
  for (const TopicPartition& tp : partitions) {
    generation_[tp] = ++next_generation_;
    tracker_.forget(tp);
    stored_.erase(tp);
  }
  if (options_.on_assigned) {
    options_.on_assigned(partitions);
  }
}

void KafkaPipeline::on_revoking(const std::vector<TopicPartition>& partitions, bool lost) {
  // A lost partition belongs to another member already: committing it would be wrong.
  if (!lost && !stopping_) {
    if (!drain(partitions, Clock::now() + options_.drain_timeout)) {
      spdlog::warn("kafka pipeline: revoked partitions not drained within {} ms",
                   options_.drain_timeout.count());
    }
    source_->commit_sync(committable_of(partitions));
  } else if (!lost && !stop_report_.committed) {
    // stop() drained already, but its commit failed (e.g. a rebalance was under way): last try.
    stop_report_.committed = source_->commit_sync(committable_of(partitions));
  }
  std::size_t abandoned = 0;
  for (const TopicPartition& tp : partitions) {
    abandoned += tracker_.pending_outputs(tp);
    tracker_.forget(tp);
    generation_.erase(tp);
    stored_.erase(tp);
    acked_since_store_.erase(tp);
    emitted_pending_.erase(tp);
  }
  // Outputs waiting for a retry now belong to no assignment: drop them. Those still inside
  // librdkafka are dropped when their delivery report comes.
  for (auto it = retries_.begin(); it != retries_.end();) {
    if (stale(*it->second)) {
      erase(*it->second);
      it = retries_.erase(it);
    } else {
      ++it;
    }
  }
  drop_stale_held();
  if (options_.on_revoked) {
    options_.on_revoked(partitions);
  }
  if (abandoned > 0) {
    spdlog::warn(
        "kafka pipeline: {} outputs of revoked partitions unacknowledged; their "
        "inputs stay uncommitted and will be consumed again",
        abandoned);
  }
  if (!draining_) {
    resume_if_drained();
  }
}

void KafkaPipeline::on_committed(const std::vector<kafka::PartitionOffset>& offsets) {
  for (const kafka::PartitionOffset& po : offsets) {
    auto [last, inserted] = committed_.try_emplace(po.tp, -1);
    if (po.offset > last->second) {
      last->second = po.offset;
      ++counters_.offsets_committed;
    }
  }
}

std::vector<kafka::PartitionOffset> KafkaPipeline::committable_of(
    const std::vector<TopicPartition>& partitions) {
  std::vector<kafka::PartitionOffset> offsets;
  for (const TopicPartition& tp : partitions) {
    std::optional<std::int64_t> next = tracker_.committable(tp);
    if (next) {
      offsets.push_back(kafka::PartitionOffset{tp, *next});
    }
  }
  return offsets;
}

bool KafkaPipeline::drain(const std::vector<TopicPartition>& partitions,
                          Clock::time_point deadline) {
  auto pending = [&] {
    std::size_t n = 0;
    for (const TopicPartition& tp : partitions) {
      n += tracker_.pending_outputs(tp);
      auto emitted = emitted_pending_.find(tp);
      if (emitted != emitted_pending_.end()) n += emitted->second;
    }
    return n;
  };
  // Blocks the io thread: delivery reports and retries are served right here, since no
  // asio handler can run meanwhile.
  draining_ = true;
  while (pending() > 0 && !sink_->fatal()) {
    const Clock::time_point now = Clock::now();
    if (now >= deadline) {
      break;
    }
    Clock::time_point until = std::min(deadline, now + std::chrono::milliseconds(50));
    if (!retries_.empty()) {
      until = std::min(until, retries_.begin()->first);
    }
    sink_->poll_for(std::chrono::duration_cast<std::chrono::milliseconds>(until - now));
    run_due_retries();
  }
  draining_ = false;
  store_committable();
  return pending() == 0;
}

StopReport KafkaPipeline::stop() {
  if (stopped_) {
    return stop_report_;
  }
  stopping_ = true;
  consumer_wakeup_->stop();
  producer_wakeup_->stop();
  tick_timer_.cancel();
  if (started_) {
    const std::vector<TopicPartition> assigned = source_->assignment();
    stop_report_.drained = drain(assigned, Clock::now() + options_.drain_timeout);
    stop_report_.committed = source_->commit_sync(committable_of(assigned));
    stop_report_.abandoned = tracker_.pending_outputs();
  }
  // Revokes (on_revoking: nothing left to drain), leaves the group.
  source_->close();
  // Whatever is still queued has been given up on: its inputs were not committed.
  sink_->purge();
  for (auto& [due, out] : retries_) {
    erase(*out);
  }
  retries_.clear();
  retry_timer_.cancel();
  stopped_ = true;
  caught_up_waiters_.clear();
  spdlog::info("kafka pipeline: stopped ({}; {} outputs abandoned; final commit {})",
               stop_report_.drained ? "drained" : "NOT drained", stop_report_.abandoned,
               stop_report_.committed ? "succeeded" : "FAILED");
  return stop_report_;
}

void KafkaPipeline::when_caught_up(std::function<void()> handler) {
  caught_up_waiters_.push_back(std::move(handler));
}

void KafkaPipeline::check_caught_up() {
  if (caught_up_waiters_.empty() || stopping_) {
    return;
  }
  const std::vector<TopicPartition>& assigned = source_->assignment();
  if (assigned.empty() || !outputs_.empty()) {
    return;
  }
  std::optional<std::map<TopicPartition, std::int64_t>> committed =
      source_->committed(assigned, kQueryTimeout);
  if (!committed) {
    return;
  }
  bool caught_up = true;
  bool commit_now = false;
  for (const TopicPartition& tp : assigned) {
    std::optional<kafka::Watermarks> marks = source_->query_watermarks(tp, kQueryTimeout);
    if (!marks) {
      caught_up = false;
      continue;
    }
    auto c = committed->find(tp);
    // A partition nothing was ever committed for is done only if it holds no records.
    const bool done = c != committed->end() ? c->second >= marks->high : marks->low == marks->high;
    if (done) {
      continue;
    }
    caught_up = false;
    auto s = stored_.find(tp);
    if (s != stored_.end() && s->second >= marks->high) {
      commit_now = true;
    }
  }
  // Everything is stored but auto-commit has not run yet: no need to wait for it.
  if (commit_now) {
    source_->commit_stored_async();
  }
  if (!caught_up) {
    return;
  }
  std::vector<std::function<void()>> waiters = std::move(caught_up_waiters_);
  caught_up_waiters_.clear();
  for (auto& w : waiters) {
    w();
  }
}

}  // namespace gw
