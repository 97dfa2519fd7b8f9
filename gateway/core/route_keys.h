// Hash keys and signatures for the routing index (route_index.h). Internal to gw_core.
//
// Keys: a rule is filed under 64-bit hashes of its condition values; a case computes the same
// hashes of its own values. Each condition hashes with its own seed, so that a street and a
// kind spelled alike do not meet.
//
// Signatures: 8 bytes per rule, stored next to it in every candidate list, one byte per
// cheap condition (source, urgency, kind, street, community, first category level): the bits
// of the values the rule accepts, or all bits when it does not constrain that condition. A
// case sets, per byte, the bits of its own values. A rule can hold only if every byte of
// (rule & case) is nonzero, so most candidates are rejected without touching the rule
// itself, which with thousands of rules is likely a cache miss. A bit shared by chance only
// lets a candidate through to the full test, never rejects one that holds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "gateway/core/case.h"
#include "gateway/core/route_conditions.h"

namespace gw::route_keys {

// In the order of RuleIndex::Filing's first five values.
enum class KeySpace : std::uint8_t { category, grid, community, street, kind };

inline constexpr std::uint64_t kSeed[] = {
    0x9E3779B97F4A7C15ull, 0xC2B2AE3D27D4EB4Full, 0x165667B19E3779F9ull,
    0xD6E8FEB86659FD93ull, 0x27D4EB2F165667C5ull,
};

// Slot keys are never 0: 0 marks an empty slot in the index's table.
inline std::uint64_t slot_key(std::uint64_t hash) { return hash == 0 ? 1 : hash; }

inline std::uint64_t value_key(KeySpace space, std::string_view value) {
  return slot_key(
      XXH3_64bits_withSeed(value.data(), value.size(), kSeed[static_cast<std::size_t>(space)]));
}

// Category prefixes hash level by level, so a case hashes each of its levels once and gets
// the hashes of all its prefixes on the way; slot_key() of a prefix's hash is its key.
inline std::uint64_t category_hash_start() {
  return kSeed[static_cast<std::size_t>(KeySpace::category)];
}
inline std::uint64_t extend_category_hash(std::uint64_t hash, std::string_view level) {
  return XXH3_64bits_withSeed(level.data(), level.size(), hash);
}
inline std::uint64_t category_key(const std::vector<std::string>& prefix) {
  std::uint64_t hash = category_hash_start();
  for (const std::string& level : prefix) hash = extend_category_hash(hash, level);
  return slot_key(hash);
}

// A case's keys, computed once per route() and shared by the lookups and the signature.
struct CaseKeys {
  std::uint64_t kind = 0;
  std::uint64_t street_name = 0;
  std::uint64_t street_code = 0;
  std::uint64_t community_name = 0;
  std::uint64_t community_code = 0;
  std::uint64_t first_category_level = 0;  // extend_category_hash of level 1; 0: no category
  std::uint64_t signature = 0;
};
CaseKeys case_keys(const Case& c);

std::uint64_t rule_signature(const route_conditions::CompiledRule& rule);

inline bool signature_admits(std::uint64_t rule_signature, std::uint64_t case_signature) {
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full;
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  const std::uint64_t both = rule_signature & case_signature;
  // A byte's high bit ends up set iff the byte is nonzero; no carry crosses bytes.
  return ((((both & kLow7) + kLow7) | both) & kHigh) == kHigh;
}

}  // namespace gw::route_keys
