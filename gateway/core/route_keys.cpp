#include "gateway/core/route_keys.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gw::route_keys {

namespace {

enum SignatureByte { kSource, kUrgency, kKind, kStreet, kCommunity, kCategory };

constexpr std::uint64_t kUnconstrained = 0xFF;

std::uint64_t bloom_bit(std::uint64_t key) { return std::uint64_t{1} << (key >> 61); }

std::uint64_t at_byte(SignatureByte byte, std::uint64_t bits) { return bits << (8 * byte); }

std::uint64_t value_bits(KeySpace space, const std::vector<std::string>& values) {
  if (values.empty()) return kUnconstrained;
  std::uint64_t bits = 0;
  for (const std::string& v : values) bits |= bloom_bit(value_key(space, v));
  return bits;
}

}  // namespace

CaseKeys case_keys(const Case& c) {
  CaseKeys keys;
  const Region& r = c.region;
  keys.kind = value_key(KeySpace::kind, c.kind);
  keys.street_name = value_key(KeySpace::street, r.street);
  keys.street_code = value_key(KeySpace::street, r.street_code);
  keys.community_name = value_key(KeySpace::community, r.community);
  keys.community_code = value_key(KeySpace::community, r.community_code);
  if (!c.category.empty()) {
    keys.first_category_level = extend_category_hash(category_hash_start(), c.category.front());
  }
  keys.signature =
      at_byte(kSource, route_conditions::bit(c.source)) |
      at_byte(kUrgency, route_conditions::bit(c.priority)) | at_byte(kKind, bloom_bit(keys.kind)) |
      at_byte(kStreet, bloom_bit(keys.street_name) | bloom_bit(keys.street_code)) |
      at_byte(kCommunity, bloom_bit(keys.community_name) | bloom_bit(keys.community_code)) |
      // Without a category the byte cannot tell rules apart (a prefix of no levels holds).
      at_byte(kCategory,
              c.category.empty() ? kUnconstrained : bloom_bit(keys.first_category_level)) |
      0xFFFF'0000'0000'0000ull;  // bytes no condition uses
  return keys;
}

std::uint64_t rule_signature(const route_conditions::CompiledRule& rule) {
  const RuleMatch& m = rule.rule->match;
  std::uint64_t category = m.category_prefixes.empty() ? kUnconstrained : 0;
  for (const std::vector<std::string>& prefix : m.category_prefixes) {
    category |= prefix.empty() ? kUnconstrained
                               : bloom_bit(extend_category_hash(category_hash_start(), prefix[0]));
  }
  return at_byte(kSource, rule.source_mask == 0 ? kUnconstrained : rule.source_mask) |
         at_byte(kUrgency, rule.urgency_mask == 0 ? kUnconstrained : rule.urgency_mask) |
         at_byte(kKind, value_bits(KeySpace::kind, m.kinds)) |
         at_byte(kStreet, value_bits(KeySpace::street, m.streets)) |
         at_byte(kCommunity, value_bits(KeySpace::community, m.communities)) |
         at_byte(kCategory, category) | 0xFFFF'0000'0000'0000ull;
}

}  // namespace gw::route_keys
