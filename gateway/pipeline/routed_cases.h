// What the routing stage remembers between inputs, restarts and instances: which cases it
// has routed. Kept per partition of the internal topic, because a partition is the unit an
// instance owns: restored from the compacted state topic when the partition is assigned,
// dropped when it is revoked (docs/architecture.md, "Data flow: two stages"). Pure: no Kafka here.
//
// Lives on the pipeline's io thread; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "gateway/core/case.h"
#include "gateway/core/route_table.h"

namespace gw {

// A case id packed into 16 bytes, losslessly: its 96 bits of hex and the source prefix. The
// routing stage's memories key their maps with it (no string per case).
struct PackedCaseId {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  bool operator==(const PackedCaseId&) const = default;
};
struct PackedCaseIdHash {
  std::size_t operator()(const PackedCaseId& k) const {
    return k.high ^ (k.low * 0x9E3779B97F4A7C15ULL);
  }
};
// Nothing for anything that is not a case id (case_id.h).
std::optional<PackedCaseId> pack_case_id(std::string_view case_id);
// The case id pack_case_id() packed.
std::string unpack_case_id(const PackedCaseId& packed);

class RoutedCases {
 public:
  // False for anything that is not a case id (case_id.h): such keys are never routed.
  bool contains(std::int32_t partition, std::string_view case_id) const;
  // Ignores anything that is not a case id.
  void add(std::int32_t partition, std::string_view case_id);
  void remove(std::int32_t partition, std::string_view case_id);
  // Drops a partition's cases (revoked, or about to be restored afresh).
  void forget(std::int32_t partition);
  std::size_t size() const;
  std::size_t size(std::int32_t partition) const;

 private:
  // About 40 bytes per case in the set, so a year of a district's cases (~1 million) takes
  // ~40 MB.
  using Key = PackedCaseId;
  using KeyHash = PackedCaseIdHash;
  std::unordered_map<std::int32_t, std::unordered_set<Key, KeyHash>> by_partition_;
};

// The internal-topic partition of a case: the same for every instance whatever its producer
// settings (librdkafka's partitioner is configurable, this is not). partitions >= 1.
std::int32_t internal_partition(std::string_view case_id, std::int32_t partitions);

// The state record's value (key: the case id): what was decided, for operators and for the
// lifecycle state later issues add. JSON:
//   {"caseId":"HL-…","version":1,"status":"dispatched","lead":"housing","rule":"r1",
//    "receivedAt":"2025-09-21T10:22:00+08:00"}   ("rule": null for the default department)
std::string state_record_value(const Case& c, const RouteDecision& d);

}  // namespace gw
