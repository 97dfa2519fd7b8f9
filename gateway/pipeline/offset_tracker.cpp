#include "gateway/pipeline/offset_tracker.h"

#include <algorithm>

namespace gw {

std::string to_string(const TopicPartition& tp) {
  return tp.topic + "[" + std::to_string(tp.partition) + "]";
}

bool OffsetTracker::track(const TopicPartition& tp, std::int64_t offset, std::size_t n_outputs) {
  if (offset < 0) {
    return false;
  }
  Partition& p = partitions_[tp];
  if (offset <= p.last_tracked) {
    return false;
  }
  p.last_tracked = offset;
  if (n_outputs == 0 && p.records.empty()) {
    p.committable = offset + 1;
    return true;
  }
  p.records.push_back(Record{offset, n_outputs});
  p.pending_outputs += n_outputs;
  pending_total_ += n_outputs;
  return true;
}

bool OffsetTracker::ack(const TopicPartition& tp, std::int64_t offset) {
  auto it = partitions_.find(tp);
  if (it == partitions_.end()) {
    return false;
  }
  Partition& p = it->second;
  auto rec = std::lower_bound(p.records.begin(), p.records.end(), offset,
                              [](const Record& r, std::int64_t o) { return r.offset < o; });
  if (rec == p.records.end() || rec->offset != offset || rec->unacknowledged == 0) {
    return false;
  }
  --rec->unacknowledged;
  --p.pending_outputs;
  --pending_total_;
  while (!p.records.empty() && p.records.front().unacknowledged == 0) {
    p.committable = p.records.front().offset + 1;
    p.records.pop_front();
  }
  return true;
}

std::optional<std::int64_t> OffsetTracker::committable(const TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  if (it == partitions_.end()) {
    return std::nullopt;
  }
  return it->second.committable;
}

std::size_t OffsetTracker::pending_outputs(const TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? 0 : it->second.pending_outputs;
}

std::size_t OffsetTracker::pending_records(const TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? 0 : it->second.records.size();
}

void OffsetTracker::forget(const TopicPartition& tp) {
  auto it = partitions_.find(tp);
  if (it == partitions_.end()) {
    return;
  }
  pending_total_ -= it->second.pending_outputs;
  partitions_.erase(it);
}

std::vector<TopicPartition> OffsetTracker::partitions() const {
  std::vector<TopicPartition> out;
  out.reserve(partitions_.size());
  for (const auto& [tp, p] : partitions_) {
    out.push_back(tp);
  }
  return out;
}

}  // namespace gw
