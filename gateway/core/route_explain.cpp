#include "gateway/core/route_explain.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/route_conditions.h"

namespace gw {

namespace {

namespace rc = route_conditions;

// Case values come from senders: keep a reason one line long whatever they sent.
constexpr std::size_t kMaxValueBytes = 64;

std::string shown(std::string_view value) {
  if (value.empty()) return "(none)";
  if (value.size() <= kMaxValueBytes) return std::string(value);
  std::size_t cut = kMaxValueBytes;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  return std::string(value.substr(0, cut)) + "…";
}

std::string path(const std::vector<std::string>& levels) {
  std::string out;
  for (const std::string& level : levels) {
    if (!out.empty()) out += '/';
    out += level;
  }
  return out;
}

template <typename T, typename Show>
std::string joined(const std::vector<T>& values, Show show) {
  std::string out;
  for (const T& v : values) {
    if (!out.empty()) out += ", ";
    out += show(v);
  }
  return out;
}

std::string as_is(const std::string& s) { return s; }
std::string text(const std::string& s) { return s; }
std::string text(Source s) { return std::string(to_string(s)); }
std::string text(Priority p) { return std::string(to_string(p)); }

// "is not 投诉" or "is not one of 投诉, 举报".
template <typename T>
std::string is_not_one_of(const std::vector<T>& values) {
  auto show = [](const T& v) { return text(v); };
  return (values.size() == 1 ? "is not " : "is not one of ") + joined(values, show);
}

// A region level as the case carries it: "长胜街道 (640202001)", either part alone, or
// "(none)".
std::string region_value(const std::string& name, const std::string& code) {
  if (!name.empty() && !code.empty() && name != code) {
    return shown(name) + " (" + shown(code) + ")";
  }
  return shown(name.empty() ? code : name);
}

std::string category_failure(const RuleMatch& m, const Case& c) {
  const auto& prefixes = m.category_prefixes;
  return "category " + shown(path(c.category)) +
         (prefixes.size() == 1 ? " does not start with " : " does not start with any of ") +
         joined(prefixes, path);
}

std::string grid_failure(const RuleMatch& m, const Region& r) {
  const auto& prefixes = m.grid_prefixes;
  return "grid code " + shown(r.grid_code) +
         (prefixes.size() == 1 ? " does not start with " : " does not start with any of ") +
         joined(prefixes, as_is);
}

std::string keyword_failure(const RuleMatch& m) {
  return (m.keywords.size() == 1 ? "keyword " + m.keywords.front() + " is not"
                                 : "no keyword of " + joined(m.keywords, as_is)) +
         " in title or description";
}

// Walks the conditions in the order RuleMatch declares them; returns false at the first
// that fails, with out set to why; else out lists what held.
bool explain_conditions(const RuleMatch& m, const Case& c, std::string& out) {
  std::vector<std::string> held;
  auto fail = [&](std::string why) {
    out = std::move(why);
    return false;
  };
  if (!m.sources.empty()) {
    if (std::find(m.sources.begin(), m.sources.end(), c.source) == m.sources.end()) {
      return fail("source " + text(c.source) + " " + is_not_one_of(m.sources));
    }
    held.push_back("source " + text(c.source));
  }
  if (!m.kinds.empty()) {
    if (rc::matching_kind(m, c) == nullptr) {
      return fail("kind " + shown(c.kind) + " " + is_not_one_of(m.kinds));
    }
    held.push_back("kind " + shown(c.kind));
  }
  if (!m.category_prefixes.empty()) {
    const auto* prefix = rc::matching_category_prefix(m, c);
    if (prefix == nullptr) return fail(category_failure(m, c));
    held.push_back("category starts with " + path(*prefix));
  }
  const Region& r = c.region;
  if (!m.streets.empty()) {
    const std::string* street = rc::matching_street(m, r);
    if (street == nullptr) {
      return fail("street " + region_value(r.street, r.street_code) + " " +
                  is_not_one_of(m.streets));
    }
    held.push_back("street " + shown(*street));
  }
  if (!m.communities.empty()) {
    const std::string* community = rc::matching_community(m, r);
    if (community == nullptr) {
      return fail("community " + region_value(r.community, r.community_code) + " " +
                  is_not_one_of(m.communities));
    }
    held.push_back("community " + shown(*community));
  }
  if (!m.grid_prefixes.empty()) {
    const std::string* prefix = rc::matching_grid_prefix(m, r);
    if (prefix == nullptr) return fail(grid_failure(m, r));
    held.push_back("grid code starts with " + *prefix);
  }
  if (!m.urgencies.empty()) {
    if (std::find(m.urgencies.begin(), m.urgencies.end(), c.priority) == m.urgencies.end()) {
      return fail("urgency " + text(c.priority) + " " + is_not_one_of(m.urgencies));
    }
    held.push_back("urgency " + text(c.priority));
  }
  if (!m.keywords.empty()) {
    rc::KeywordHit hit = rc::matching_keyword(m, c);
    if (hit.keyword == nullptr) return fail(keyword_failure(m));
    held.push_back("keyword " + *hit.keyword + (hit.in_title ? " in title" : " in description"));
  }
  if (held.empty()) {
    out = "no conditions: matches every case";
    return true;
  }
  out.clear();
  for (const std::string& h : held) {
    if (!out.empty()) out += "; ";
    out += h;
  }
  return true;
}

}  // namespace

RuleVerdict explain_rule(const Rule& rule, const Case& c) {
  RuleVerdict verdict;
  verdict.rule = &rule;
  verdict.matched = explain_conditions(rule.match, c, verdict.reason);
  return verdict;
}

}  // namespace gw
