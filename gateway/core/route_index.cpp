#include "gateway/core/route_index.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gateway/core/route_keys.h"

namespace gw {

namespace {

using route_conditions::CompiledRule;
using route_keys::KeySpace;
using Filing = RuleIndex::Filing;

// With this few keyword rules left to beat, testing them one by one (a substring search per
// keyword) is cheaper than a pass over title and description with the keyword finder.
constexpr std::size_t kDirectKeywordTests = 2;

// Keywords already handled during one scan; repeats of a keyword in a long text would only
// retest rules that already failed. Past this many distinct keywords they are retested,
// which costs time, never correctness.
constexpr std::size_t kRememberedKeywords = 32;

constexpr std::size_t index_of(Filing f) { return static_cast<std::size_t>(f); }
constexpr KeySpace space_of(Filing f) { return static_cast<KeySpace>(f); }

std::vector<std::uint64_t> keys_of(const RuleMatch& m, Filing f) {
  std::vector<std::uint64_t> keys;
  auto add_values = [&](const std::vector<std::string>& values) {
    for (const std::string& v : values) keys.push_back(route_keys::value_key(space_of(f), v));
  };
  switch (f) {
    case Filing::category:
      for (const auto& prefix : m.category_prefixes) {
        keys.push_back(route_keys::category_key(prefix));
      }
      break;
    case Filing::grid:
      add_values(m.grid_prefixes);
      break;
    case Filing::community:
      add_values(m.communities);
      break;
    case Filing::street:
      add_values(m.streets);
      break;
    case Filing::kind:
      add_values(m.kinds);
      break;
    case Filing::unindexed:
    case Filing::keyword:
      break;
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

void sort_unique(std::vector<std::uint32_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

bool any_empty(const std::vector<std::string>& values) {
  return std::any_of(values.begin(), values.end(), [](const std::string& v) { return v.empty(); });
}

}  // namespace

RuleIndex::RuleIndex(std::span<const CompiledRule> rules)
    : rules_(rules), filing_(rules.size(), Filing::unindexed), signatures_(rules.size()) {
  const auto n = static_cast<std::uint32_t>(rules.size());
  for (std::uint32_t r = 0; r < n; ++r) signatures_[r] = route_keys::rule_signature(rules[r]);

  // How many rules name each value: a value many rules share makes a long candidate list.
  std::vector<std::array<std::vector<std::uint64_t>, kHashedFilings>> keys(n);
  std::unordered_map<std::uint64_t, std::uint32_t> sharing;
  for (std::uint32_t r = 0; r < n; ++r) {
    for (std::size_t f = 0; f < kHashedFilings; ++f) {
      keys[r][f] = keys_of(rules[r].rule->match, static_cast<Filing>(f));
      for (std::uint64_t k : keys[r][f]) ++sharing[k];
    }
  }

  std::vector<std::pair<std::uint64_t, std::uint32_t>> filed;
  for (std::uint32_t r = 0; r < n; ++r) {
    // The condition whose values the fewest rules share; on a tie the earlier filing, which
    // is the more specific one in a typical catalogue (category before kind).
    std::size_t chosen = kHashedFilings;
    std::uint64_t chosen_cost = std::numeric_limits<std::uint64_t>::max();
    for (std::size_t f = 0; f < kHashedFilings; ++f) {
      if (keys[r][f].empty()) continue;
      std::uint64_t cost = 0;
      for (std::uint64_t k : keys[r][f]) cost += sharing[k];
      if (cost < chosen_cost) {
        chosen = f;
        chosen_cost = cost;
      }
    }
    if (chosen < kHashedFilings) {
      file_rule(r, static_cast<Filing>(chosen));
      for (std::uint64_t k : keys[r][chosen]) filed.emplace_back(k, r);
      continue;
    }
    const auto& words = rules[r].rule->match.keywords;
    // An empty keyword occurs in every text: such a rule cannot be found by keyword.
    if (!words.empty() && !any_empty(words)) {
      filing_[r] = Filing::keyword;
      keyword_rules_.push_back(posting(r));
    } else {
      unindexed_rules_.push_back(posting(r));
    }
  }
  sort_unique(category_lengths_);
  sort_unique(grid_lengths_);
  build_table(filed);
  build_keywords();

  first_rule_of_.fill(n);
  for (std::uint32_t r = n; r-- > 0;) first_rule_of_[index_of(filing_[r])] = r;
  lookup_order_ = {Filing::category, Filing::grid, Filing::community,
                   Filing::street,   Filing::kind, Filing::unindexed};
  std::stable_sort(lookup_order_.begin(), lookup_order_.end(), [&](Filing a, Filing b) {
    return first_rule_of_[index_of(a)] < first_rule_of_[index_of(b)];
  });
}

RuleIndex::Posting RuleIndex::posting(std::uint32_t rule) const {
  return Posting{signatures_[rule], rule};
}

void RuleIndex::file_rule(std::uint32_t rule, Filing filing) {
  filing_[rule] = filing;
  const RuleMatch& m = rules_[rule].rule->match;
  switch (filing) {
    case Filing::category:
      for (const auto& prefix : m.category_prefixes) {
        category_lengths_.push_back(static_cast<std::uint32_t>(prefix.size()));
      }
      break;
    case Filing::grid:
      for (const auto& prefix : m.grid_prefixes) {
        grid_lengths_.push_back(static_cast<std::uint32_t>(prefix.size()));
      }
      break;
    case Filing::community:
      if (any_empty(m.communities)) empty_value_filed_[index_of(filing)] = true;
      break;
    case Filing::street:
      if (any_empty(m.streets)) empty_value_filed_[index_of(filing)] = true;
      break;
    case Filing::kind:
      if (any_empty(m.kinds)) empty_value_filed_[index_of(filing)] = true;
      break;
    case Filing::unindexed:
    case Filing::keyword:
      break;
  }
}

void RuleIndex::build_table(std::vector<std::pair<std::uint64_t, std::uint32_t>>& filed) {
  std::sort(filed.begin(), filed.end());
  filed.erase(std::unique(filed.begin(), filed.end()), filed.end());
  std::size_t distinct = 0;
  for (std::size_t i = 0; i < filed.size(); ++i) {
    if (i == 0 || filed[i].first != filed[i - 1].first) ++distinct;
  }
  std::size_t size = 2;  // at least one slot stays empty, so every probe ends
  while (size < 2 * distinct) size *= 2;
  slots_.assign(size, Slot{});
  slot_mask_ = size - 1;
  postings_.reserve(filed.size());
  for (std::size_t i = 0; i < filed.size();) {
    Slot slot{filed[i].first, static_cast<std::uint32_t>(postings_.size()), 0};
    for (; i < filed.size() && filed[i].first == slot.key; ++i) {
      postings_.push_back(posting(filed[i].second));
    }
    slot.end = static_cast<std::uint32_t>(postings_.size());
    std::size_t at = slot.key & slot_mask_;
    while (slots_[at].key != 0) at = (at + 1) & slot_mask_;
    slots_[at] = slot;
  }
}

void RuleIndex::build_keywords() {
  std::unordered_map<std::string_view, std::uint32_t> ids;
  std::vector<std::string_view> words;
  std::vector<std::vector<std::uint32_t>> rules_of;
  for (const Posting& p : keyword_rules_) {
    for (const std::string& w : rules_[p.rule].rule->match.keywords) {
      auto [it, added] = ids.try_emplace(w, static_cast<std::uint32_t>(words.size()));
      if (added) {
        words.push_back(w);
        rules_of.emplace_back();
      }
      auto& list = rules_of[it->second];
      if (list.empty() || list.back() != p.rule) list.push_back(p.rule);
    }
  }
  keyword_postings_begin_.assign(1, 0);
  for (const auto& list : rules_of) {
    for (std::uint32_t r : list) keyword_postings_.push_back(posting(r));
    keyword_postings_begin_.push_back(static_cast<std::uint32_t>(keyword_postings_.size()));
  }
  keywords_ = KeywordFinder(words);
}

std::span<const RuleIndex::Posting> RuleIndex::lookup(std::uint64_t key) const {
  for (std::size_t at = key & slot_mask_;; at = (at + 1) & slot_mask_) {
    const Slot& slot = slots_[at];
    if (slot.key == key) return {postings_.data() + slot.begin, slot.end - slot.begin};
    if (slot.key == 0) return {};
  }
}

void RuleIndex::test_candidates(std::span<const Posting> candidates, const Case& c,
                                std::uint64_t case_signature, std::uint32_t& best) const {
  for (const Posting& p : candidates) {
    if (p.rule >= best) return;  // ascending: nothing further in this list can come first
    if (!route_keys::signature_admits(p.signature, case_signature)) continue;
    if (route_conditions::holds(rules_[p.rule], c)) {
      best = p.rule;
      return;
    }
  }
}

void RuleIndex::test_hashed(Filing filing, const Case& c, const route_keys::CaseKeys& keys,
                            std::uint32_t& best) const {
  auto test_key = [&](std::uint64_t key) { test_candidates(lookup(key), c, keys.signature, best); };
  // An empty name is looked up only if some rule names "" (it would match an empty field).
  auto test_value = [&](const std::string& value, std::uint64_t key) {
    if (!value.empty() || empty_value_filed_[index_of(filing)]) test_key(key);
  };
  const Region& region = c.region;
  switch (filing) {
    case Filing::category: {
      std::uint64_t hash = route_keys::category_hash_start();
      std::size_t levels = 0;
      for (std::uint32_t length : category_lengths_) {
        if (length > c.category.size()) break;
        for (; levels < length; ++levels) {
          hash = levels == 0 ? keys.first_category_level
                             : route_keys::extend_category_hash(hash, c.category[levels]);
        }
        test_key(route_keys::slot_key(hash));
      }
      break;
    }
    case Filing::grid:
      for (std::uint32_t length : grid_lengths_) {
        if (length > region.grid_code.size()) break;
        test_key(route_keys::value_key(KeySpace::grid,
                                       std::string_view(region.grid_code).substr(0, length)));
      }
      break;
    case Filing::community:
      test_value(region.community, keys.community_name);
      if (region.community_code != region.community) {
        test_value(region.community_code, keys.community_code);
      }
      break;
    case Filing::street:
      test_value(region.street, keys.street_name);
      if (region.street_code != region.street) test_value(region.street_code, keys.street_code);
      break;
    case Filing::kind:
      test_value(c.kind, keys.kind);
      break;
    case Filing::unindexed:
    case Filing::keyword:
      break;
  }
}

void RuleIndex::test_keyword_rules(const Case& c, std::uint64_t case_signature,
                                   std::uint32_t& best) const {
  const auto preceding = static_cast<std::size_t>(
      std::lower_bound(keyword_rules_.begin(), keyword_rules_.end(), best,
                       [](const Posting& p, std::uint32_t rule) { return p.rule < rule; }) -
      keyword_rules_.begin());
  if (preceding <= kDirectKeywordTests) {
    test_candidates({keyword_rules_.data(), preceding}, c, case_signature, best);
    return;
  }
  const std::uint32_t first_keyword_rule = keyword_rules_.front().rule;
  std::array<std::uint32_t, kRememberedKeywords> handled;
  std::size_t handled_count = 0;
  auto on_keyword = [&](std::uint32_t keyword) {
    const auto handled_end = handled.begin() + static_cast<std::ptrdiff_t>(handled_count);
    if (std::find(handled.begin(), handled_end, keyword) != handled_end) return true;
    if (handled_count < handled.size()) handled[handled_count++] = keyword;
    // The keyword occurs, so each of its rules has its keyword condition met already.
    for (std::uint32_t i = keyword_postings_begin_[keyword];
         i < keyword_postings_begin_[keyword + 1]; ++i) {
      const Posting& p = keyword_postings_[i];
      if (p.rule >= best) break;
      if (!route_keys::signature_admits(p.signature, case_signature)) continue;
      if (route_conditions::holds(rules_[p.rule], c, /*keywords_known_to_hold=*/true)) {
        best = p.rule;
        break;
      }
    }
    return best > first_keyword_rule;  // else no keyword rule can come first any more
  };
  if (keywords_.scan(c.title, on_keyword)) keywords_.scan(c.description, on_keyword);
}

std::size_t RuleIndex::first_match(const Case& c) const {
  auto best = static_cast<std::uint32_t>(rules_.size());
  if (best == 0) return 0;
  const route_keys::CaseKeys keys = route_keys::case_keys(c);
  for (Filing filing : lookup_order_) {
    if (first_rule_of_[index_of(filing)] >= best) break;  // sorted by that first rule
    if (filing == Filing::unindexed) {
      test_candidates(unindexed_rules_, c, keys.signature, best);
    } else {
      test_hashed(filing, c, keys, best);
    }
  }
  if (first_rule_of_[index_of(Filing::keyword)] < best) {
    test_keyword_rules(c, keys.signature, best);
  }
  return best;
}

}  // namespace gw
