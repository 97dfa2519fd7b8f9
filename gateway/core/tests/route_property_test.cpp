// Randomized agreement: for thousands of random rule sets and cases, the indexed route(),
// the rule-by-rule explain() and a naive reference written here from the spec all choose
// the same rule. Small vocabularies make values collide, prefixes overlap and keywords
// overlap, so that every path of the index is taken (long candidate lists, the keyword
// automaton, rules with no indexable condition, empty values).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gateway/core/case.h"
#include "gateway/core/route_table.h"
#include "gateway/core/routing_config.h"

namespace gw {
namespace {

// ---- The reference: the routing semantics, spelled out as plainly as possible. ----

bool any_equal(const std::vector<std::string>& values, const std::string& a, const std::string& b) {
  for (const std::string& v : values) {
    if (v == a || v == b) return true;
  }
  return false;
}

bool reference_holds(const RuleMatch& m, const Case& c) {
  if (!m.sources.empty() &&
      std::find(m.sources.begin(), m.sources.end(), c.source) == m.sources.end()) {
    return false;
  }
  if (!m.kinds.empty() && !any_equal(m.kinds, c.kind, c.kind)) return false;
  if (!m.category_prefixes.empty()) {
    bool any = false;
    for (const auto& prefix : m.category_prefixes) {
      any = any || (prefix.size() <= c.category.size() &&
                    std::equal(prefix.begin(), prefix.end(), c.category.begin()));
    }
    if (!any) return false;
  }
  if (!m.streets.empty() && !any_equal(m.streets, c.region.street, c.region.street_code)) {
    return false;
  }
  if (!m.communities.empty() &&
      !any_equal(m.communities, c.region.community, c.region.community_code)) {
    return false;
  }
  if (!m.grid_prefixes.empty()) {
    bool any = false;
    for (const std::string& p : m.grid_prefixes) {
      const std::string& code = c.region.grid_code;
      any = any || (p.size() <= code.size() && code.compare(0, p.size(), p) == 0);
    }
    if (!any) return false;
  }
  if (!m.urgencies.empty() &&
      std::find(m.urgencies.begin(), m.urgencies.end(), c.priority) == m.urgencies.end()) {
    return false;
  }
  if (!m.keywords.empty()) {
    bool any = false;
    for (const std::string& k : m.keywords) {
      any =
          any || c.title.find(k) != std::string::npos || c.description.find(k) != std::string::npos;
    }
    if (!any) return false;
  }
  return true;
}

// route(c, exclude): the first rule that holds and whose lead is not excluded; its co-handlers
// without the lead, repeats and the excluded; else the default unless excluded; else nothing.
std::vector<std::string> reference_route_excluding(const RoutingConfig& config, const Case& c,
                                                   const std::vector<std::string>& exclude) {
  const auto excluded = [&](const std::string& code) {
    return std::find(exclude.begin(), exclude.end(), code) != exclude.end();
  };
  for (const Rule& r : config.rules) {
    if (!reference_holds(r.match, c) || excluded(r.lead)) continue;
    std::vector<std::string> out = {r.id, r.lead};
    for (const std::string& co : r.co) {
      if (co != r.lead && !excluded(co) && std::find(out.begin() + 2, out.end(), co) == out.end()) {
        out.push_back(co);
      }
    }
    return out;
  }
  if (excluded(config.default_department)) return {};
  return {"default", config.default_department};
}

const Rule* reference_route(const RoutingConfig& config, const Case& c) {
  for (const Rule& r : config.rules) {
    if (reference_holds(r.match, c)) return &r;
  }
  return nullptr;
}

// ---- Random rule sets and cases. ----

class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed), special_rules_rare_(seed % 2 == 0) {}

  RoutingConfig config(std::size_t rule_count) {
    RoutingConfig config;
    for (const char* code : {"a", "b", "c", "d", "manual"}) {
      config.departments.push_back({code, code, std::string("dept.") + code, {}, {}});
    }
    config.default_department = "manual";
    for (std::size_t i = 0; i < rule_count; ++i) {
      Rule r;
      r.id = "rule-" + std::to_string(i + 1);
      r.match = rule_match();
      r.lead = pick(kDepartments);
      for (int n = below(3); n > 0; --n) r.co.push_back(pick(kDepartments));
      config.rules.push_back(std::move(r));
    }
    return config;
  }

  Case case_() {
    Case c;
    c.source = chance(2) ? Source::hotline : Source::grid;
    c.kind = pick(kKinds);
    for (int n = below(5); n > 0; --n) c.category.push_back(pick(kLevels));
    c.region.street = pick(kStreetNames);
    c.region.street_code = pick(kStreetCodes);
    c.region.community = pick(kCommunityNames);
    c.region.community_code = pick(kCommunityCodes);
    c.region.grid_code = digits(below(15));
    c.priority = static_cast<Priority>(below(3));
    c.title = text(below(8));
    c.description = text(below(20));
    return c;
  }

 private:
  static inline const std::vector<std::string> kDepartments = {"a", "b", "c", "d"};
  static inline const std::vector<std::string> kKinds = {"投诉", "举报", "咨询", "求助", ""};
  static inline const std::vector<std::string> kLevels = {"城乡建设", "市政设施", "A", "B", ""};
  static inline const std::vector<std::string> kStreetNames = {"长胜街道", "人民路街道", ""};
  static inline const std::vector<std::string> kStreetCodes = {"640202001", "640202002", ""};
  static inline const std::vector<std::string> kCommunityNames = {"向阳社区", "工人街社区", ""};
  static inline const std::vector<std::string> kCommunityCodes = {"640202001001", "640202001002",
                                                                  ""};
  static inline const std::vector<std::string> kKeywords = {"ab",   "b",  "abc", "噪声", "噪",
                                                            "声扰", "xa", "bab", "民c"};
  static inline const std::vector<std::string> kTextPieces = {"a",  "b",  "c", "噪", "声",
                                                              "扰", "民", "x", " "};

  int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool chance(int one_in) { return below(one_in) == 0; }
  const std::string& pick(const std::vector<std::string>& from) {
    return from[static_cast<std::size_t>(below(static_cast<int>(from.size())))];
  }
  std::string digits(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('0' + below(3));
    return s;
  }
  std::string text(int pieces) {
    std::string s;
    for (int i = 0; i < pieces; ++i) s += pick(kTextPieces);
    return s;
  }
  // Lists of 1-3 values; now and then one value matches everything or nothing special.
  std::vector<std::string> some(const std::vector<std::string>& from) {
    std::vector<std::string> out;
    for (int n = 1 + below(3); n > 0; --n) out.push_back(pick(from));
    return out;
  }

  RuleMatch rule_match() {
    RuleMatch m;
    // Rules that match often (no condition, or only source or urgency) are rare in half the
    // rule sets, so that many cases match late or not at all.
    switch (below(special_rules_rare_ ? 128 : 16)) {
      case 0:  // unconstrained
        return m;
      case 1:  // keywords only (rarely with an empty keyword, which matches every text)
        m.keywords = {pick(kKeywords)};
        if (chance(20)) m.keywords.push_back("");
        return m;
      case 2:  // only conditions that cannot be indexed
        if (chance(2)) m.sources = {chance(2) ? Source::hotline : Source::grid};
        m.urgencies = {static_cast<Priority>(below(3))};
        return m;
      default:
        break;
    }
    // Typical rules: several conditions each, so that many fail and matches come late.
    if (chance(4)) m.sources = {chance(2) ? Source::hotline : Source::grid};
    if (chance(2)) m.kinds = some(kKinds);
    if (chance(2)) {
      for (int n = 1 + below(2); n > 0; --n) {
        std::vector<std::string> prefix;
        for (int levels = chance(30) ? 0 : 1 + below(3); levels > 0; --levels) {
          prefix.push_back(pick(kLevels));
        }
        m.category_prefixes.push_back(prefix);
      }
    }
    if (chance(3)) m.streets = some(chance(2) ? kStreetNames : kStreetCodes);
    if (chance(3)) m.communities = some(chance(2) ? kCommunityNames : kCommunityCodes);
    if (chance(3)) {
      for (int n = 1 + below(2); n > 0; --n) m.grid_prefixes.push_back(digits(below(6)));
    }
    if (chance(3)) m.urgencies = {static_cast<Priority>(below(3)), static_cast<Priority>(below(3))};
    if (chance(3)) m.keywords = some(kKeywords);
    return m;
  }

  std::mt19937 rng_;
  bool special_rules_rare_;
};

TEST(RoutePropertyTest, IndexExplainAndReferenceAgree) {
  constexpr int kRuleSets = 3000;
  constexpr int kCasesPerSet = 30;
  std::size_t matched = 0;
  std::size_t defaulted = 0;
  std::size_t matched_late = 0;  // past the tenth rule: the index skipped many
  for (int set = 0; set < kRuleSets; ++set) {
    Generator gen(static_cast<unsigned>(set));
    const std::size_t rule_count = set % 25 == 0 ? 300 : static_cast<std::size_t>(set % 40);
    auto config = std::make_shared<const RoutingConfig>(gen.config(rule_count));
    RouteTable table(config);
    for (int i = 0; i < kCasesPerSet; ++i) {
      const Case c = gen.case_();
      const Rule* expected = reference_route(*config, c);
      const RouteDecision routed = table.route(c);
      ASSERT_EQ(routed.rule, expected) << "rule set " << set << ", case " << i << ": route chose "
                                       << (routed.rule ? routed.rule->id : "default")
                                       << ", reference " << (expected ? expected->id : "default");
      const Explanation explained = table.explain(c);
      ASSERT_EQ(explained.decision.rule, routed.rule) << "rule set " << set << ", case " << i;
      ASSERT_EQ(explained.decision.lead, routed.lead);
      ASSERT_EQ(explained.decision.co, routed.co);
      const std::size_t walked = expected
                                     ? static_cast<std::size_t>(expected - config->rules.data()) + 1
                                     : config->rules.size();
      ASSERT_EQ(explained.verdicts.size(), walked);
      for (std::size_t v = 0; v + 1 < walked; ++v) ASSERT_FALSE(explained.verdicts[v].matched);
      if (expected) {
        ASSERT_TRUE(explained.verdicts.back().matched);
        ASSERT_EQ(routed.lead, config->department(expected->lead));
        ++matched;
        if (walked > 10) ++matched_late;
      } else {
        ASSERT_EQ(routed.lead, config->department("manual"));
        ++defaulted;
      }
    }
  }
  // The generator must exercise both outcomes substantially, or the test proves little.
  EXPECT_GT(matched, 30000u);
  EXPECT_GT(defaulted, 10000u);
  EXPECT_GT(matched_late, 5000u);
}

TEST(RoutePropertyTest, ExclusionsAgreeWithTheReference) {
  const std::vector<std::string> departments = {"a", "b", "c", "d", "manual"};
  std::size_t skipped_to_a_later_rule = 0;
  std::size_t empty = 0;
  for (int set = 0; set < 600; ++set) {
    Generator gen(static_cast<unsigned>(set) + 100000u);
    auto config =
        std::make_shared<const RoutingConfig>(gen.config(static_cast<std::size_t>(set % 40)));
    RouteTable table(config);
    std::mt19937 rng(static_cast<unsigned>(set));
    for (int i = 0; i < 20; ++i) {
      const Case c = gen.case_();
      std::vector<std::string> exclude;
      for (const std::string& d : departments) {
        if (rng() % 3 == 0) exclude.push_back(d);
      }
      const std::vector<std::string> expected = reference_route_excluding(*config, c, exclude);
      const RouteDecision routed = table.route(c, exclude);
      std::vector<std::string> got;
      if (routed.lead != nullptr) {
        got = {routed.rule != nullptr ? routed.rule->id : "default", routed.lead->code};
        for (const Department* co : routed.co) got.push_back(co->code);
      }
      ASSERT_EQ(got, expected) << "rule set " << set << ", case " << i;
      const RouteDecision first = table.route(c);
      if (routed.rule != nullptr && routed.rule != first.rule) ++skipped_to_a_later_rule;
      if (routed.lead == nullptr) ++empty;
    }
  }
  EXPECT_GT(skipped_to_a_later_rule, 500u);
  EXPECT_GT(empty, 100u);
}

}  // namespace
}  // namespace gw
