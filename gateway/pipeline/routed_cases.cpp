#include "gateway/pipeline/routed_cases.h"

#include <xxhash.h>

#include "gateway/core/case_id.h"
#include "gateway/core/case_json.h"
#include "gateway/core/time_format.h"

namespace gw {
namespace {

std::uint64_t hex_value(std::string_view hex) {
  std::uint64_t v = 0;
  for (char c : hex) v = v << 4 | static_cast<std::uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  return v;
}

}  // namespace

std::optional<PackedCaseId> pack_case_id(std::string_view case_id) {
  if (!is_case_id(case_id)) return std::nullopt;
  // "HL-" + 16 hex digits + 8 hex digits; the source goes above the low 32 bits.
  const std::uint64_t source = case_id[0] == 'H' ? 1 : 2;
  return PackedCaseId{hex_value(case_id.substr(3, 16)),
                      source << 32 | hex_value(case_id.substr(19, 8))};
}

std::string unpack_case_id(const PackedCaseId& packed) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = (packed.low >> 32) == 1 ? "HL-" : "GR-";
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(packed.high >> shift) & 0xF]);
  for (int shift = 28; shift >= 0; shift -= 4) out.push_back(kHex[(packed.low >> shift) & 0xF]);
  return out;
}

bool RoutedCases::contains(std::int32_t partition, std::string_view case_id) const {
  const std::optional<Key> key = pack_case_id(case_id);
  if (!key) return false;
  auto it = by_partition_.find(partition);
  return it != by_partition_.end() && it->second.count(*key) != 0;
}

void RoutedCases::add(std::int32_t partition, std::string_view case_id) {
  if (const std::optional<Key> key = pack_case_id(case_id)) by_partition_[partition].insert(*key);
}

void RoutedCases::remove(std::int32_t partition, std::string_view case_id) {
  const std::optional<Key> key = pack_case_id(case_id);
  auto it = by_partition_.find(partition);
  if (key && it != by_partition_.end()) it->second.erase(*key);
}

void RoutedCases::forget(std::int32_t partition) { by_partition_.erase(partition); }

std::size_t RoutedCases::size() const {
  std::size_t n = 0;
  for (const auto& [partition, cases] : by_partition_) n += cases.size();
  return n;
}

std::size_t RoutedCases::size(std::int32_t partition) const {
  auto it = by_partition_.find(partition);
  return it == by_partition_.end() ? 0 : it->second.size();
}

std::int32_t internal_partition(std::string_view case_id, std::int32_t partitions) {
  if (partitions <= 1) return 0;
  return static_cast<std::int32_t>(XXH3_64bits(case_id.data(), case_id.size()) %
                                   static_cast<std::uint64_t>(partitions));
}

std::string state_record_value(const Case& c, const RouteDecision& d) {
  std::string v;
  v.reserve(160);
  v.append("{\"caseId\":");
  append_json_string(v, c.case_id);
  v.append(",\"version\":1,\"status\":\"");
  v.append(to_string(c.status));
  v.append("\",\"lead\":");
  append_json_string(v, d.lead->code);
  v.append(",\"rule\":");
  if (d.rule != nullptr) {
    append_json_string(v, d.rule->id);
  } else {
    v.append("null");
  }
  v.append(",\"receivedAt\":\"");
  append_rfc3339_china(v, c.received_at);
  v.append("\"}");
  return v;
}

}  // namespace gw
