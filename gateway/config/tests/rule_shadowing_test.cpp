#include "gateway/config/rule_shadowing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "gateway/config/routes_yaml.h"
#include "gateway/config/tests/config_error_matchers.h"

namespace gw::config {
namespace {

using testing::ElementsAre;
using testing::IsEmpty;

struct CoverCase {
  const char* name;
  RuleMatch earlier;
  RuleMatch later;
  bool covers;
};

class CoversTest : public testing::TestWithParam<CoverCase> {};

TEST_P(CoversTest, DecidesWhetherTheEarlierRuleTakesEveryCase) {
  EXPECT_EQ(covers(GetParam().earlier, GetParam().later), GetParam().covers);
}

RuleMatch kinds(std::vector<std::string> k) {
  RuleMatch m;
  m.kinds = std::move(k);
  return m;
}
RuleMatch categories(std::vector<std::vector<std::string>> c) {
  RuleMatch m;
  m.category_prefixes = std::move(c);
  return m;
}
RuleMatch keywords(std::vector<std::string> k) {
  RuleMatch m;
  m.keywords = std::move(k);
  return m;
}
RuleMatch grids(std::vector<std::string> g) {
  RuleMatch m;
  m.grid_prefixes = std::move(g);
  return m;
}
RuleMatch with_source(RuleMatch m, Source s) {
  m.sources.push_back(s);
  return m;
}
RuleMatch with_urgency(RuleMatch m, Priority p) {
  m.urgencies.push_back(p);
  return m;
}
RuleMatch with_street(RuleMatch m, std::string s) {
  m.streets.push_back(std::move(s));
  return m;
}

INSTANTIATE_TEST_SUITE_P(
    Table, CoversTest,
    testing::Values(
        CoverCase{"Identical", kinds({"投诉"}), kinds({"投诉"}), true},
        CoverCase{"SameListOtherOrder", kinds({"投诉", "求助"}), kinds({"求助", "投诉"}), true},
        CoverCase{"SubsetOfKinds", kinds({"投诉", "求助"}), kinds({"投诉"}), true},
        CoverCase{"SupersetOfKinds", kinds({"投诉"}), kinds({"投诉", "求助"}), false},
        CoverCase{"DisjointKinds", kinds({"投诉"}), kinds({"举报"}), false},
        CoverCase{"FewerConditions", kinds({"投诉"}), with_source(kinds({"投诉"}), Source::hotline),
                  true},
        CoverCase{"MoreConditions", with_source(kinds({"投诉"}), Source::hotline), kinds({"投诉"}),
                  false},
        CoverCase{"ShorterCategoryPrefix", categories({{"住房保障"}}),
                  categories({{"住房保障", "物业管理"}}), true},
        CoverCase{"LongerCategoryPrefix", categories({{"住房保障", "物业管理"}}),
                  categories({{"住房保障"}}), false},
        CoverCase{"SiblingCategory", categories({{"住房保障", "物业管理"}}),
                  categories({{"住房保障", "房屋安全"}}), false},
        CoverCase{"CategoryLevelIsNotAStringPrefix", categories({{"城乡"}}),
                  categories({{"城乡建设"}}), false},
        CoverCase{"ShorterKeywordIsInsideLonger", keywords({"噪声"}), keywords({"施工噪声"}), true},
        CoverCase{"LongerKeywordDoesNotCoverShorter", keywords({"施工噪声"}), keywords({"噪声"}),
                  false},
        CoverCase{"EveryLaterKeywordNeedsCover", keywords({"噪声"}), keywords({"噪声", "扰民"}),
                  false},
        CoverCase{"GridPrefix", grids({"640202001"}), grids({"64020200100102"}), true},
        CoverCase{"OtherGrid", grids({"640202001"}), grids({"640202002"}), false},
        CoverCase{"Urgency", with_urgency(kinds({"投诉"}), Priority::urgent),
                  with_urgency(kinds({"投诉"}), Priority::critical), false},
        // A name and a code of the same street are not known to be the same here.
        CoverCase{"StreetNameVersusCode", with_street(RuleMatch{}, "长胜街道"),
                  with_street(RuleMatch{}, "640202002"), false}),
    [](const auto& info) { return info.param.name; });

constexpr std::string_view kDepartments = R"(version: 1
departments: [{code: a, name: A, topic: a}, {code: b, name: B, topic: b}]
default: a
)";

TEST(ShadowedRules, IdenticalEarlierRuleIsAWarningNotAnError) {
  const auto check = check_routing_config(std::string(kDepartments) + R"(routes:
  - {id: noise, match: {kind: 投诉, keywords: [噪声]}, to: a}
  - {id: noise-again, match: {keywords: 噪声, kind: [投诉]}, to: b}
)",
                                          "routes.yaml");
  EXPECT_THAT(check.errors, IsEmpty());
  ASSERT_TRUE(check.config.has_value());
  EXPECT_THAT(check.warnings,
              ElementsAre(IsError(6, 5, "routes[1]",
                                  "rule \"noise-again\" can never match: earlier rule \"noise\" "
                                  "(line 5) has the same conditions")));
}

TEST(ShadowedRules, MoreGeneralEarlierRule) {
  const auto check = check_routing_config(std::string(kDepartments) + R"(routes:
  - {match: {category: 环境保护}, to: a}
  - {match: {kind: 投诉}, to: a}
  - {match: {category: 环境保护/噪声污染, kind: 投诉}, to: b}
)",
                                          "routes.yaml");
  ASSERT_TRUE(check.config.has_value());
  EXPECT_THAT(check.warnings,
              ElementsAre(IsError(7, 5, "routes[2]",
                                  "rule \"rule-3\" can never match: earlier rule \"rule-1\" "
                                  "(line 5) is more general")));
}

TEST(ShadowedRules, SpecificBeforeGeneralIsFine) {
  const auto check = check_routing_config(std::string(kDepartments) + R"(routes:
  - {match: {category: 环境保护/噪声污染, kind: 投诉}, to: b}
  - {match: {category: 环境保护}, to: a}
)",
                                          "routes.yaml");
  ASSERT_TRUE(check.config.has_value());
  EXPECT_THAT(check.warnings, IsEmpty());
}

TEST(RoutesWarnings, UnknownKindAndPlacesOutsideTheDirectory) {
  const auto check = check_routing_config(std::string(kDepartments) + R"(regions:
  - street: 长胜街道
    code: "640202002"
    communities: [{name: 向阳社区, code: "640202002001"}]
routes:
  - match: {kind: 投述}
    to: a
  - match: {street: [长胜街道, 长城街道], community: "640202009001"}
    to: b
)",
                                          "routes.yaml");
  EXPECT_THAT(check.errors, IsEmpty());
  ASSERT_TRUE(check.config.has_value());
  EXPECT_THAT(
      check.warnings,
      ElementsAre(
          IsError(9, 19, "routes[0].match.kind",
                  "kind \"投述\" is not an appealType or eventType of the reference formats"),
          IsError(11, 28, "routes[1].match.street[1]",
                  "street \"长城街道\" is not in regions; only cases that name it exactly match"),
          IsError(11, 46, "routes[1].match.community",
                  "community \"640202009001\" is not in regions; only cases that name it exactly "
                  "match")));
}

}  // namespace
}  // namespace gw::config
