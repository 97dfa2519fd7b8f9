#include "gateway/core/route_conditions.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/substring.h"

namespace gw::route_conditions {

CompiledRule compile(const Rule& rule) {
  CompiledRule out;
  out.rule = &rule;
  for (Source s : rule.match.sources) out.source_mask |= bit(s);
  for (Priority p : rule.match.urgencies) out.urgency_mask |= bit(p);
  return out;
}

bool category_starts_with(const std::vector<std::string>& category,
                          const std::vector<std::string>& prefix) {
  if (prefix.size() > category.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (category[i] != prefix[i]) return false;
  }
  return true;
}

const std::string* matching_kind(const RuleMatch& m, const Case& c) {
  for (const std::string& k : m.kinds) {
    if (k == c.kind) return &k;
  }
  return nullptr;
}

const std::vector<std::string>* matching_category_prefix(const RuleMatch& m, const Case& c) {
  for (const std::vector<std::string>& prefix : m.category_prefixes) {
    if (category_starts_with(c.category, prefix)) return &prefix;
  }
  return nullptr;
}

// A rule names a street (community) by name or by code, whichever the admin knows; the
// case may carry either or both, so a value matches when it equals one of them.
const std::string* matching_street(const RuleMatch& m, const Region& r) {
  for (const std::string& s : m.streets) {
    if (s == r.street || s == r.street_code) return &s;
  }
  return nullptr;
}

const std::string* matching_community(const RuleMatch& m, const Region& r) {
  for (const std::string& s : m.communities) {
    if (s == r.community || s == r.community_code) return &s;
  }
  return nullptr;
}

const std::string* matching_grid_prefix(const RuleMatch& m, const Region& r) {
  for (const std::string& p : m.grid_prefixes) {
    if (std::string_view(r.grid_code).starts_with(p)) return &p;
  }
  return nullptr;
}

KeywordHit matching_keyword(const RuleMatch& m, const Case& c) {
  for (const std::string& k : m.keywords) {
    if (contains_bytes(c.title, k)) return {&k, true};
    if (contains_bytes(c.description, k)) return {&k, false};
  }
  return {};
}

bool holds(const CompiledRule& r, const Case& c, bool keywords_known_to_hold) {
  // Cheapest tests first: most candidates fail on source, urgency or kind.
  if (r.source_mask != 0 && (r.source_mask & bit(c.source)) == 0) return false;
  if (r.urgency_mask != 0 && (r.urgency_mask & bit(c.priority)) == 0) return false;
  const RuleMatch& m = r.rule->match;
  if (!m.kinds.empty() && matching_kind(m, c) == nullptr) return false;
  if (!m.category_prefixes.empty() && matching_category_prefix(m, c) == nullptr) return false;
  if (!m.streets.empty() && matching_street(m, c.region) == nullptr) return false;
  if (!m.communities.empty() && matching_community(m, c.region) == nullptr) return false;
  if (!m.grid_prefixes.empty() && matching_grid_prefix(m, c.region) == nullptr) return false;
  if (!keywords_known_to_hold && !m.keywords.empty() && matching_keyword(m, c).keyword == nullptr) {
    return false;
  }
  return true;
}

}  // namespace gw::route_conditions
