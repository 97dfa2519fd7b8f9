// The index behind RouteTable::route(): finds the first rule, in file order, whose conditions
// all hold for a case, without testing every rule. docs/routing.md explains the design.
//
// Each rule is filed under one of its conditions (the one whose values the fewest rules
// share): under every value of that condition, in a hash table keyed by (condition, value).
// A case looks up only its own values, tests the rules filed there fully and in order, and
// stops a list as soon as its next rule cannot come before the best match so far. Rules
// filed under keywords are found with one pass of the keyword finder over title and
// description, run only when such a rule could still come first; rules with no indexable
// condition (only sources or urgencies, or nothing) are always tested.
//
// Keys are 64-bit hashes, never strings (route_keys.h): a hash collision only adds a
// candidate, and every candidate is tested fully, so it cannot change a decision. Each
// candidate carries its rule's signature, which rejects most candidates without reading the
// rule.
//
// Internal to gw_core. Immutable after construction; first_match() is safe on any number of
// threads and does not allocate.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "gateway/core/case.h"
#include "gateway/core/keyword_finder.h"
#include "gateway/core/route_conditions.h"
#include "gateway/core/route_keys.h"

namespace gw {

class RuleIndex {
 public:
  RuleIndex() = default;
  // rules must outlive the index and not move.
  explicit RuleIndex(std::span<const route_conditions::CompiledRule> rules);

  // Position of the first rule whose conditions all hold, or rules.size() when none does.
  std::size_t first_match(const Case& c) const;

  // Where a rule was filed (route_index_test.cpp checks the choice).
  enum class Filing : std::uint8_t {
    category,   // under each of its category prefixes
    grid,       // under each of its grid-code prefixes
    community,  // under each community name or code it names
    street,     // under each street name or code it names
    kind,       // under each kind
    unindexed,  // no indexable condition: tested for every case
    keyword,    // only keywords: found by the keyword finder
  };
  Filing filing(std::size_t rule) const { return filing_[rule]; }

 private:
  static constexpr std::size_t kHashedFilings = 5;  // category .. kind

  struct Posting {
    std::uint64_t signature;  // route_keys::rule_signature of the rule
    std::uint32_t rule;       // position in file order
  };
  struct Slot {
    std::uint64_t key = 0;  // 0: empty slot
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
  };

  void file_rule(std::uint32_t rule, Filing filing);
  void build_table(std::vector<std::pair<std::uint64_t, std::uint32_t>>& filed);
  void build_keywords();
  Posting posting(std::uint32_t rule) const;
  std::span<const Posting> lookup(std::uint64_t key) const;
  void test_candidates(std::span<const Posting> candidates, const Case& c,
                       std::uint64_t case_signature, std::uint32_t& best) const;
  void test_hashed(Filing filing, const Case& c, const route_keys::CaseKeys& keys,
                   std::uint32_t& best) const;
  void test_keyword_rules(const Case& c, std::uint64_t case_signature, std::uint32_t& best) const;

  std::span<const route_conditions::CompiledRule> rules_;
  std::vector<Filing> filing_;
  std::vector<std::uint64_t> signatures_;  // per rule

  std::vector<Slot> slots_;  // open addressing, linear probing, power-of-two size
  std::uint64_t slot_mask_ = 0;
  std::vector<Posting> postings_;                // ascending by rule within each slot
  std::vector<std::uint32_t> category_lengths_;  // prefix lengths (levels) rules use, ascending
  std::vector<std::uint32_t> grid_lengths_;      // prefix lengths (bytes) rules use, ascending
  std::array<bool, kHashedFilings> empty_value_filed_{};  // a rule named "" (matches empty)

  // Filings in the order of the first rule each holds, so that first_match() can stop as
  // soon as the next filing's first rule cannot precede the best match.
  std::array<std::uint32_t, 7> first_rule_of_{};
  std::array<Filing, 6> lookup_order_{};

  std::vector<Posting> unindexed_rules_;  // ascending
  std::vector<Posting> keyword_rules_;    // ascending
  KeywordFinder keywords_;
  std::vector<std::uint32_t> keyword_postings_begin_;  // per keyword id, into keyword_postings_
  std::vector<Posting> keyword_postings_;              // ascending by rule per keyword
};

}  // namespace gw
