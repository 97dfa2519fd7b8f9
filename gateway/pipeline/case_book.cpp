#include "gateway/pipeline/case_book.h"

#include <algorithm>
#include <functional>

#include "gateway/core/case_lifecycle.h"

namespace gw {
namespace {

// std::push_heap and friends build a max-heap: "greater" puts the earliest on top.
struct Later {
  template <typename Item>
  bool operator()(const Item& a, const Item& b) const {
    return a.at > b.at;
  }
};

}  // namespace

std::uint32_t CaseBook::slot_for(const PackedCaseId& key, std::int32_t partition) {
  auto [it, inserted] = index_.try_emplace(key, 0);
  if (!inserted) {
    Entry& e = entries_[it->second];
    if (e.partition != partition) {
      --per_partition_[e.partition];
      ++per_partition_[partition];
      e.partition = partition;
    }
    return it->second;
  }
  std::uint32_t slot = 0;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(entries_.size());
    entries_.emplace_back();
  }
  it->second = slot;
  Entry& e = entries_[slot];
  e.key = key;
  e.partition = partition;
  e.live = true;
  ++per_partition_[partition];
  return slot;
}

void CaseBook::arm(std::uint32_t slot, std::optional<EpochMs> at) {
  Entry& e = entries_[slot];
  const EpochMs next = at.value_or(kNoTimer);
  if (next == e.next_at) return;
  if (e.next_at != kNoTimer) --timed_;
  ++e.generation;
  e.next_at = next;
  if (next == kNoTimer) return;
  ++timed_;
  heap_.push_back(HeapItem{next, slot, e.generation});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
  // Stale items pile up when timers move often; keep them below the live ones.
  if (heap_.size() > 64 && heap_.size() > 2 * timed_) compact_heap();
}

void CaseBook::put(std::int32_t partition, const CaseState& state, std::string encoded) {
  const std::optional<PackedCaseId> key = pack_case_id(state.case_id);
  if (!key) return;
  const std::uint32_t slot = slot_for(*key, partition);
  entries_[slot].encoded = std::move(encoded);
  const std::optional<Timer> timer = next_timer(state);
  arm(slot, timer ? std::optional<EpochMs>(timer->at) : std::nullopt);
}

MaybeRefusal CaseBook::restore(std::int32_t partition, std::string_view case_id,
                               std::string_view encoded) {
  Result<CaseState> state = decode_case_state(encoded);
  if (!state) return state.refusal();
  if (state->case_id != case_id) {
    return Refusal{RefusalCode::out_of_range, "caseId",
                   "the state of " + state->case_id + " is stored under the key " +
                       std::string(case_id)};
  }
  if (!pack_case_id(case_id)) {
    return Refusal{RefusalCode::out_of_range, "caseId", "not a case id"};
  }
  put(partition, *state, std::string(encoded));
  return std::nullopt;
}

void CaseBook::release(std::uint32_t slot) {
  Entry& e = entries_[slot];
  if (e.next_at != kNoTimer) --timed_;
  --per_partition_[e.partition];
  index_.erase(e.key);
  ++e.generation;  // its heap items are stale now
  e.next_at = kNoTimer;
  e.encoded = std::string();
  e.live = false;
  free_.push_back(slot);
}

void CaseBook::remove(std::string_view case_id) {
  const std::optional<PackedCaseId> key = pack_case_id(case_id);
  if (!key) return;
  auto it = index_.find(*key);
  if (it != index_.end()) release(it->second);
}

void CaseBook::forget(std::int32_t partition) {
  for (std::uint32_t slot = 0; slot < entries_.size(); ++slot) {
    if (entries_[slot].live && entries_[slot].partition == partition) release(slot);
  }
  per_partition_.erase(partition);
  compact_heap();
}

const std::string* CaseBook::find(std::string_view case_id) const {
  const std::optional<PackedCaseId> key = pack_case_id(case_id);
  if (!key) return nullptr;
  auto it = index_.find(*key);
  return it == index_.end() ? nullptr : &entries_[it->second].encoded;
}

std::optional<std::int32_t> CaseBook::partition_of(std::string_view case_id) const {
  const std::optional<PackedCaseId> key = pack_case_id(case_id);
  if (!key) return std::nullopt;
  auto it = index_.find(*key);
  if (it == index_.end()) return std::nullopt;
  return entries_[it->second].partition;
}

bool CaseBook::current(const HeapItem& item) const {
  const Entry& e = entries_[item.slot];
  return e.live && e.generation == item.generation && e.next_at == item.at;
}

void CaseBook::pop_stale() {
  while (!heap_.empty() && !current(heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
  }
}

void CaseBook::compact_heap() {
  std::erase_if(heap_, [this](const HeapItem& item) { return !current(item); });
  std::make_heap(heap_.begin(), heap_.end(), Later{});
}

std::optional<EpochMs> CaseBook::next_due() {
  pop_stale();
  if (heap_.empty()) return std::nullopt;
  return heap_.front().at;
}

std::vector<CaseBook::DueCase> CaseBook::take_due(EpochMs now, std::size_t limit) {
  std::vector<DueCase> due;
  while (due.size() < limit) {
    pop_stale();
    if (heap_.empty() || heap_.front().at > now) break;
    const HeapItem item = heap_.front();
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
    Entry& e = entries_[item.slot];
    due.push_back(DueCase{e.partition, unpack_case_id(e.key)});
    // Consumed: the caller fires it and put()s the new state, which arms the next timer.
    ++e.generation;
    e.next_at = kNoTimer;
    --timed_;
  }
  return due;
}

std::size_t CaseBook::size(std::int32_t partition) const {
  auto it = per_partition_.find(partition);
  return it == per_partition_.end() ? 0 : it->second;
}

std::size_t CaseBook::approximate_bytes() const {
  std::size_t bytes = entries_.capacity() * sizeof(Entry) +
                      heap_.capacity() * sizeof(HeapItem) +
                      free_.capacity() * sizeof(std::uint32_t);
  // An unordered_map node: the value, the next pointer and the cached hash; plus a bucket.
  bytes += index_.size() * (sizeof(std::pair<const PackedCaseId, std::uint32_t>) + 16) +
           index_.bucket_count() * sizeof(void*);
  for (const Entry& e : entries_) {
    if (e.encoded.capacity() > 15) bytes += e.encoded.capacity() + 1;
  }
  return bytes;
}

}  // namespace gw
