// Where the index files each rule: under the condition whose values the fewest rules share,
// by keyword only when nothing else is indexable, and nowhere when nothing is.
#include "gateway/core/route_index.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gateway/core/case.h"
#include "gateway/core/route_conditions.h"
#include "gateway/core/routing_config.h"

namespace gw {
namespace {

using Filing = RuleIndex::Filing;

std::vector<Filing> filings(const std::vector<RuleMatch>& matches) {
  std::vector<Rule> rules;
  for (const RuleMatch& m : matches) rules.push_back(Rule{"r", m, "lead", {}, {}});
  std::vector<route_conditions::CompiledRule> compiled;
  for (const Rule& r : rules) compiled.push_back(route_conditions::compile(r));
  RuleIndex index(compiled);
  std::vector<Filing> out;
  for (std::size_t i = 0; i < rules.size(); ++i) out.push_back(index.filing(i));
  return out;
}

TEST(RouteIndexTest, FilesUnderTheLeastSharedCondition) {
  // Four rules share the kind 投诉; each names its own category, so the category wins.
  std::vector<RuleMatch> matches;
  for (const char* category : {"住房保障", "城乡建设", "公共安全", "环境保护"}) {
    matches.push_back({.kinds = {"投诉"}, .category_prefixes = {{category}}});
  }
  // Here the category is the shared one and the street is not.
  matches.push_back({.category_prefixes = {{"住房保障"}}, .streets = {"长胜街道"}});
  matches.push_back({.category_prefixes = {{"住房保障"}}, .grid_prefixes = {"640202002"}});
  EXPECT_EQ(filings(matches),
            (std::vector<Filing>{Filing::category, Filing::category, Filing::category,
                                 Filing::category, Filing::street, Filing::grid}));
}

TEST(RouteIndexTest, TiesGoToTheMoreSpecificCondition) {
  EXPECT_EQ(filings({{.kinds = {"投诉"}, .category_prefixes = {{"住房保障"}}},
                     {.communities = {"向阳社区"}, .grid_prefixes = {"6402020010"}},
                     {.kinds = {"举报"}, .streets = {"640202001"}}}),
            (std::vector<Filing>{Filing::category, Filing::grid, Filing::street}));
}

TEST(RouteIndexTest, KeywordsOnlyWhenNothingElseIsIndexable) {
  EXPECT_EQ(filings({{.keywords = {"噪声"}},
                     {.sources = {Source::grid},
                      .urgencies = {Priority::urgent},
                      .keywords = {"噪声", "扰民"}},
                     {.kinds = {"投诉"}, .keywords = {"噪声"}},
                     {.keywords = {"噪声", ""}},
                     {.sources = {Source::hotline}, .urgencies = {Priority::critical}},
                     {}}),
            (std::vector<Filing>{Filing::keyword, Filing::keyword, Filing::kind, Filing::unindexed,
                                 Filing::unindexed, Filing::unindexed}));
}

TEST(RouteIndexTest, EmptyIndexMatchesNothing) {
  RuleIndex index(std::span<const route_conditions::CompiledRule>{});
  EXPECT_EQ(index.first_match(Case{}), 0u);
}

}  // namespace
}  // namespace gw
