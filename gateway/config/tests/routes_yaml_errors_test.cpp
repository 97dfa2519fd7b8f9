// Every kind of problem routes.yaml can have, each with its exact position, path and message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gateway/config/routes_yaml.h"
#include "gateway/config/tests/config_error_matchers.h"

namespace gw {
namespace {

// Ten lines; whatever is appended starts on line 11.
constexpr std::string_view kHead = R"(version: 1
departments:
  - code: housing
    name: 住建局
    topic: dept.housing
  - code: center
    name: 指挥中心
    topic: dept.center
    personal_data: clear
default: center
)";

std::string with_head(std::string_view tail) { return std::string(kHead) + std::string(tail); }

struct ErrorCase {
  const char* name;
  std::string yaml;
  std::vector<ExpectedError> expected;
};

class RoutesYamlErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(RoutesYamlErrorTest, ReportsExactlyTheseErrors) {
  const auto check = check_routing_config(GetParam().yaml, "routes.yaml");
  EXPECT_FALSE(check.config.has_value());
  std::vector<testing::Matcher<const ConfigError&>> matchers;
  for (const auto& e : GetParam().expected) matchers.push_back(IsError(e));
  EXPECT_THAT(check.errors, testing::ElementsAreArray(matchers));
  for (const auto& e : check.errors) EXPECT_EQ(e.pos.file, "routes.yaml");
}

const std::string kEmptyMatch =
    "empty match: give at least one condition (source, kind, category, street, community, grid, "
    "urgency, keywords)";
const std::string kCodeSyntax = "use 1 to 64 of a-z 0-9 . _ -, starting with a-z or 0-9";

INSTANTIATE_TEST_SUITE_P(
    Table, RoutesYamlErrorTest,
    testing::Values(
        ErrorCase{"YamlSyntax",
                  with_head("  x: 1\n"),
                  {{11, 4, "", "YAML syntax error: illegal map value"}}},
        ErrorCase{"UnknownKeyWithSuggestion",
                  with_head("routes:\n  - match:\n      catgory: 住房保障\n    to: housing\n"),
                  {{13, 7, "routes[0].match.catgory",
                    "unknown key \"catgory\" (did you mean \"category\"?)"}}},
        ErrorCase{"UnknownKeyWithoutSuggestion",
                  with_head("colour: red\n"),
                  {{11, 1, "colour",
                    "unknown key \"colour\"; known keys: version, departments, default, regions, "
                    "routes"}}},
        ErrorCase{"WrongTypeForList",
                  "version: 1\ndepartments: housing\ndefault: housing\n",
                  {{2, 14, "departments", "expected a list, got \"housing\""},
                   {3, 10, "default", "unknown department \"housing\""}}},
        ErrorCase{"WrongTypeForListOrSingle",
                  with_head("routes:\n  - match: {keywords: {噪声: 1}}\n    to: housing\n"),
                  {{12, 23, "routes[0].match.keywords",
                    "expected a list or a single value, got a mapping"}}},
        ErrorCase{"EmptyValue",
                  with_head("routes:\n  - match: {kind: 投诉}\n    to:\n"),
                  {{13, 5, "routes[0].to", "expected a string, got an empty value"}}},
        ErrorCase{"EmptyList",
                  with_head("routes:\n  - match: {kind: []}\n    to: housing\n"),
                  {{12, 19, "routes[0].match.kind",
                    "the list is empty: give at least one value or remove the key"}}},
        ErrorCase{
            "MissingRequiredKey",
            "version: 1\ndepartments:\n  - code: housing\n    name: 住建局\ndefault: housing\n",
            {{3, 5, "departments[0].topic", "missing required key \"topic\""}}},
        ErrorCase{"MissingTopLevelKeys",
                  "routes: []\n",
                  {{1, 1, "version", "missing required key \"version\""},
                   {1, 1, "departments", "missing required key \"departments\""},
                   {1, 1, "default", "missing required key \"default\""}}},
        ErrorCase{
            "RootNotAMapping", "- version: 1\n", {{1, 1, "", "expected a mapping, got a list"}}},
        ErrorCase{"BadPersonalDataPolicy",
                  "version: 1\ndepartments:\n"
                  "  - {code: housing, name: 住建局, topic: dept.housing, personal_data: hidden}\n"
                  "default: housing\n",
                  {{3, 68, "departments[0].personal_data",
                    "unknown value \"hidden\"; allowed: clear, masked, omit"}}},
        ErrorCase{"BadUrgency",
                  with_head("routes:\n  - match: {urgency: [urgent, urgnt]}\n    to: housing\n"),
                  {{12, 31, "routes[0].match.urgency[1]",
                    "unknown value \"urgnt\" (did you mean \"urgent\"?); allowed: normal, urgent, "
                    "critical, 一般, 紧急, 特急"}}},
        ErrorCase{"BadSource",
                  with_head("routes:\n  - match: {source: phone}\n    to: housing\n"),
                  {{12, 21, "routes[0].match.source",
                    "unknown value \"phone\"; allowed: hotline, grid"}}},
        ErrorCase{
            "UnknownDepartmentInTo",
            with_head("routes:\n  - match: {kind: 投诉}\n    to: housng\n"),
            {{13, 9, "routes[0].to", "unknown department \"housng\" (did you mean \"housing\"?)"}}},
        ErrorCase{"UnknownDepartmentInCo",
                  with_head("routes:\n  - match: {kind: 投诉}\n    to: housing\n"
                            "    co: [center, police]\n"),
                  {{14, 18, "routes[0].co[1]", "unknown department \"police\""}}},
        ErrorCase{
            "UnknownDefault",
            std::string(kHead.substr(0, kHead.find("default:"))) + "default: centre\n",
            {{10, 10, "default", "unknown department \"centre\" (did you mean \"center\"?)"}}},
        ErrorCase{"DuplicateDepartmentCodeAndTopic",
                  "version: 1\ndepartments:\n"
                  "  - {code: housing, name: 住建局, topic: dept.housing}\n"
                  "  - {code: housing, name: 住建局2, topic: dept.housing}\n"
                  "default: housing\n",
                  {{4, 12, "departments[1].code",
                    "duplicate department code \"housing\" (first at line 3)"},
                   {4, 40, "departments[1].topic",
                    "duplicate department topic \"dept.housing\" (first at line 3)"}}},
        ErrorCase{"DuplicateRuleId",
                  with_head("routes:\n"
                            "  - {id: noise, match: {kind: 投诉}, to: housing}\n"
                            "  - {id: noise, match: {kind: 求助}, to: housing}\n"),
                  {{13, 10, "routes[1].id", "duplicate rule id \"noise\" (first at line 12)"}}},
        ErrorCase{
            "RuleIdTakesAnotherRulesDefaultId",
            with_head("routes:\n"
                      "  - {match: {kind: 投诉}, to: housing}\n"
                      "  - {id: rule-1, match: {kind: 求助}, to: housing}\n"),
            {{13, 10, "routes[1].id",
              "duplicate rule id \"rule-1\" (the default id of routes[0], which has no id)"}}},
        ErrorCase{"DefaultIdTakenByAnEarlierRule",
                  with_head("routes:\n"
                            "  - {id: rule-2, match: {kind: 投诉}, to: housing}\n"
                            "  - {match: {kind: 求助}, to: housing}\n"),
                  {{13, 5, "routes[1].id", "duplicate rule id \"rule-2\" (first at line 12)"}}},
        ErrorCase{
            "InvalidCodeAndTopic",
            "version: 1\ndepartments:\n"
            "  - {code: Housing, name: 住建局, topic: dept housing}\n"
            "default: Housing\n",
            {{3, 12, "departments[0].code", "invalid department code \"Housing\": " + kCodeSyntax},
             {3, 39, "departments[0].topic",
              "invalid Kafka topic \"dept housing\": use 1 to 249 of a-z A-Z 0-9 . _ -"}}},
        ErrorCase{"InvalidRuleId",
                  with_head("routes:\n  - {id: Heating Rule, match: {kind: 投诉}, to: housing}\n"),
                  {{12, 10, "routes[0].id", "invalid rule id \"Heating Rule\": " + kCodeSyntax}}},
        ErrorCase{"EmptyMatch",
                  with_head("routes:\n  - match: {}\n    to: housing\n"),
                  {{12, 12, "routes[0].match", kEmptyMatch}}},
        ErrorCase{"NullMatch",
                  with_head("routes:\n  - match:\n    to: housing\n"),
                  {{12, 5, "routes[0].match", kEmptyMatch}}},
        ErrorCase{"EmptyKeyword",
                  with_head("routes:\n  - match: {keywords: [噪声, \"\"]}\n    to: housing\n"),
                  {{12, 28, "routes[0].match.keywords[1]", "keyword must not be empty"}}},
        ErrorCase{"EmptyCategoryLevel",
                  with_head("routes:\n  - match: {category: 住房保障//供暖}\n    to: housing\n"),
                  {{12, 23, "routes[0].match.category",
                    "empty level in category \"住房保障//供暖\" (levels are separated by '/')"}}},
        ErrorCase{"CategoryTooDeep",
                  with_head("routes:\n  - match: {category: [a/b/c/d]}\n    to: housing\n"),
                  {{12, 24, "routes[0].match.category[0]",
                    "category \"a/b/c/d\" has 4 levels; categories have at most 3"}}},
        ErrorCase{
            "BadStreetCodeAndGridPrefix",
            with_head("routes:\n  - match: {street: \"6402020\", grid: \"64a\"}\n"
                      "    to: housing\n"),
            {{12, 21, "routes[0].match.street",
              "street code \"6402020\" must be 9 digits (or write the street's name)"},
             {12, 38, "routes[0].match.grid", "grid-code prefix \"64a\" must be 1 to 14 digits"}}},
        ErrorCase{"BadCommunityCodeInMatch",
                  with_head("routes:\n  - match: {community: \"64020200100\"}\n    to: housing\n"),
                  {{12, 24, "routes[0].match.community",
                    "community code \"64020200100\" must be 12 digits (or write the community's "
                    "name)"}}},
        ErrorCase{"BadRegionCodes",
                  with_head("regions:\n"
                            "  - street: 长胜街道\n"
                            "    code: \"64020200\"\n"
                            "    communities:\n"
                            "      - {name: 向阳社区, code: \"640202001\"}\n"
                            "  - street: 朝阳街道\n"
                            "    code: \"640202003\"\n"
                            "    communities:\n"
                            "      - {name: 朝阳社区, code: \"640202002001\"}\n"),
                  {{13, 11, "regions[0].code", "street code \"64020200\" must be 9 digits"},
                   {15, 28, "regions[0].communities[0].code",
                    "community code \"640202001\" must be 12 digits"},
                   {19, 28, "regions[1].communities[0].code",
                    "community code \"640202002001\" does not start with its street's code "
                    "\"640202003\""}}},
        ErrorCase{
            "DuplicateRegions",
            with_head("regions:\n"
                      "  - {street: 长胜街道, code: \"640202002\"}\n"
                      "  - {street: 长胜街道, code: \"640202002\"}\n"),
            {{13, 14, "regions[1].street", "duplicate street name \"长胜街道\" (first at line 12)"},
             {13, 26, "regions[1].code",
              "duplicate street code \"640202002\" (first at line 12)"}}},
        ErrorCase{"UnsupportedVersion",
                  "version: 2\n" + std::string(kHead.substr(kHead.find('\n') + 1)),
                  {{1, 10, "version", "unsupported version 2; this gateway reads version 1"}}},
        ErrorCase{"QuotedVersion",
                  "version: \"1\"\n" + std::string(kHead.substr(kHead.find('\n') + 1)),
                  {{1, 10, "version",
                    "expected a version number (this gateway reads version 1), got the quoted "
                    "string \"1\""}}},
        ErrorCase{"DuplicateKey",
                  with_head("routes:\n  - match: {kind: 投诉}\n    to: housing\n    to: center\n"),
                  {{14, 5, "routes[0].to", "duplicate key \"to\" (first at line 13)"}}}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace gw
