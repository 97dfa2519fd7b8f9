// The meaning of each routing condition, in one place: RouteTable::route() (through the
// index) and RouteTable::explain() (walking every rule) both decide with these functions, so
// they cannot drift apart. Internal to gw_core.
//
// Each "matching_*" function returns the rule value that holds for the case, or nullptr when
// none does; callers treat an empty list as "no constraint" before asking.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/case.h"
#include "gateway/core/routing_config.h"

namespace gw::route_conditions {

// A rule reduced to what the hot path tests first: sources and urgencies as bit masks.
struct CompiledRule {
  const Rule* rule = nullptr;
  std::uint8_t source_mask = 0;   // bit (1 << Source); 0 = any source
  std::uint8_t urgency_mask = 0;  // bit (1 << Priority); 0 = any urgency
};

CompiledRule compile(const Rule& rule);

inline std::uint8_t bit(Source s) { return static_cast<std::uint8_t>(1u << static_cast<int>(s)); }
inline std::uint8_t bit(Priority p) { return static_cast<std::uint8_t>(1u << static_cast<int>(p)); }

// Level-wise: {"城乡建设", "市政设施"} is a prefix of 城乡建设/市政设施/井盖, not of 城乡建设.
bool category_starts_with(const std::vector<std::string>& category,
                          const std::vector<std::string>& prefix);

const std::string* matching_kind(const RuleMatch& m, const Case& c);
const std::vector<std::string>* matching_category_prefix(const RuleMatch& m, const Case& c);
const std::string* matching_street(const RuleMatch& m, const Region& r);
const std::string* matching_community(const RuleMatch& m, const Region& r);
const std::string* matching_grid_prefix(const RuleMatch& m, const Region& r);

struct KeywordHit {
  const std::string* keyword = nullptr;  // nullptr: no keyword occurs
  bool in_title = false;                 // else in the description
};
// Byte-wise substring search on UTF-8: a keyword, being valid UTF-8 itself, can only match
// at a character boundary of valid UTF-8 text.
KeywordHit matching_keyword(const RuleMatch& m, const Case& c);

// Every condition of the rule holds. keywords_known_to_hold skips the keyword search when
// the caller already found one of the rule's keywords in the case's text.
bool holds(const CompiledRule& r, const Case& c, bool keywords_known_to_hold = false);

}  // namespace gw::route_conditions
