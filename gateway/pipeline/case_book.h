// What the routing stage keeps of the cases it tracks (docs/lifecycle.md, "Where the state
// lives"): each case's lifecycle state, encoded as on the state topic, and one timer per case
// with a running clock (the earliest of its warnings, breaches and escalations). Kept per
// partition of the internal topic, because a partition is the unit an instance owns:
// rebuilt from the compacted state topic when the partition is assigned, dropped when it is
// revoked. Pure: no Kafka, no clock (instants are arguments).
//
// Memory: a case costs its encoded state (about 240 bytes open, less closed) plus about 60
// bytes of index, and a case with a running clock one 16-byte heap entry more. The timer
// state proper (the heap entry and the case's next instant) is 24 bytes per open case;
// docs/performance.md has the measured totals.
//
// Lives on the routing thread; not thread-safe.
#pragma once

#include <cstddef>
#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gateway/core/case.h"
#include "gateway/core/case_state.h"
#include "gateway/core/refusal.h"
#include "gateway/pipeline/routed_cases.h"

namespace gw {

class CaseBook {
 public:
  // A case whose next timer is due: where it lives, and its id.
  struct DueCase {
    std::int32_t partition = 0;
    std::string case_id;

    bool operator==(const DueCase&) const = default;
  };

  // Stores a case's state (replacing what was there); `encoded` must be
  // encode_case_state(state). Ignores a state whose case_id is not a case id.
  void put(std::int32_t partition, const CaseState& state, std::string encoded);
  // A state record read back from the state topic: decoded to find its next timer. A record
  // that does not decode is refused (the caller logs it; the case is not tracked).
  MaybeRefusal restore(std::int32_t partition, std::string_view case_id, std::string_view encoded);
  void remove(std::string_view case_id);
  // Drops a partition's cases (revoked, or about to be restored afresh).
  void forget(std::int32_t partition);

  // The encoded state of a tracked case; null otherwise. Valid until the next change.
  const std::string* find(std::string_view case_id) const;
  std::optional<std::int32_t> partition_of(std::string_view case_id) const;

  // The earliest timer of every tracked case.
  std::optional<EpochMs> next_due();
  // Takes the cases whose timer is at or before now, earliest first, at most `limit`. Their
  // timers are consumed: put() the state after firing, which arms the next one.
  std::vector<DueCase> take_due(EpochMs now, std::size_t limit = SIZE_MAX);

  std::size_t size() const { return index_.size(); }
  std::size_t size(std::int32_t partition) const;
  // Cases with an armed timer.
  std::size_t timed() const { return timed_; }
  // Bytes held by the book's own structures, estimated from their sizes (the allocator adds
  // its overhead on top): for the metrics and the memory benchmark.
  std::size_t approximate_bytes() const;

 private:
  static constexpr EpochMs kNoTimer = INT64_MIN;

  struct Entry {
    std::string encoded;
    PackedCaseId key;
    EpochMs next_at = kNoTimer;  // the armed timer, if any
    std::int32_t partition = 0;
    std::uint32_t generation = 0;  // bumped when next_at changes: older heap entries are stale
    bool live = false;
  };
  struct HeapItem {
    EpochMs at = 0;
    std::uint32_t slot = 0;
    std::uint32_t generation = 0;
  };

  std::uint32_t slot_for(const PackedCaseId& key, std::int32_t partition);
  void arm(std::uint32_t slot, std::optional<EpochMs> at);
  void release(std::uint32_t slot);
  bool current(const HeapItem& item) const;
  void pop_stale();
  void compact_heap();

  std::unordered_map<PackedCaseId, std::uint32_t, PackedCaseIdHash> index_;
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> free_;
  std::vector<HeapItem> heap_;  // a min-heap on at; stale items are dropped lazily
  std::unordered_map<std::int32_t, std::size_t> per_partition_;
  std::size_t timed_ = 0;
};

}  // namespace gw
