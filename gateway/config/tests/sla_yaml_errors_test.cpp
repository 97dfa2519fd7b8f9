// Every kind of problem sla.yaml can have, each with its exact position, path and message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gateway/config/sla_yaml.h"
#include "gateway/config/tests/config_error_matchers.h"

namespace gw {
namespace {

// Six lines; whatever is appended starts on line 7, inside `resolve` when indented by 4.
constexpr std::string_view kHead = R"(version: 1
stages:
  sign_for:
    limit: {amount: 1, unit: working_days}
  resolve:
    limit: {amount: 5, unit: working_days}
)";

std::string with_head(std::string_view tail) { return std::string(kHead) + std::string(tail); }

struct ErrorCase {
  const char* name;
  std::string yaml;
  std::vector<ExpectedError> expected;
};

class SlaYamlErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(SlaYamlErrorTest, ReportsExactlyTheseErrors) {
  const auto check = check_sla_policy(GetParam().yaml, "sla.yaml");
  EXPECT_FALSE(check.policy.has_value());
  std::vector<testing::Matcher<const ConfigError&>> matchers;
  for (const auto& e : GetParam().expected) matchers.push_back(IsError(e));
  EXPECT_THAT(check.errors, testing::ElementsAreArray(matchers));
  for (const auto& e : check.errors) EXPECT_EQ(e.pos.file, "sla.yaml");
}

const std::string kUnits =
    "allowed: natural_minutes, natural_hours, natural_days, working_hours, working_days";
const std::string kFraction = "expected a fraction of the time between 0 and 1, e.g. 0.75, got ";
const std::string kEmptyMatch =
    "empty match: give at least one condition (kind, category, urgency, department)";
const std::string kCodeSyntax = "use 1 to 64 of a-z 0-9 . _ -, starting with a-z or 0-9";
const std::string kLimit = "limit: {amount: 1, unit: working_days}";

INSTANTIATE_TEST_SUITE_P(
    Table, SlaYamlErrorTest,
    testing::Values(
        ErrorCase{"YamlSyntax",
                  with_head("    rules: [\n"),
                  {{8, 1, "", "YAML syntax error: end of sequence flow not found"}}},
        ErrorCase{"UnsupportedVersion",
                  "version: 2\n" + with_head("").substr(11),
                  {{1, 10, "version", "unsupported version 2; this gateway reads version 1"}}},
        ErrorCase{"UnknownTopLevelKey",
                  with_head("colour: red\n"),
                  {{7, 1, "colour",
                    "unknown key \"colour\"; known keys: version, warnings, escalation, stages"}}},
        ErrorCase{"UnknownStage",
                  with_head("  retrun:\n    " + kLimit + "\n"),
                  {{7, 3, "stages.retrun", "unknown key \"retrun\" (did you mean \"return\"?)"}}},
        ErrorCase{"MissingStages",
                  "version: 1\nstages:\n  close: {" + kLimit + "}\n",
                  {{3, 3, "stages.sign_for", "missing required key \"sign_for\""},
                   {3, 3, "stages.resolve", "missing required key \"resolve\""}}},
        ErrorCase{"MissingStagesKey",
                  "version: 1\n",
                  {{1, 1, "stages", "missing required key \"stages\""}}},
        ErrorCase{"StageWithoutLimit",
                  with_head("  close:\n    warnings: [0.5]\n"),
                  {{8, 5, "stages.close.limit", "missing required key \"limit\""}}},
        ErrorCase{"StageOfTheWrongType",
                  with_head("  close: 3 working days\n"),
                  {{7, 10, "stages.close", "expected a mapping, got \"3 working days\""}}},
        ErrorCase{"BadLimit",
                  with_head("    rules:\n      - match: {kind: 咨询}\n"
                            "        limit: {amount: 0, unit: working_day, start: next_day}\n"),
                  {{9, 25, "stages.resolve.rules[0].limit.amount",
                    "expected an integer from 1 to 527040, got \"0\""},
                   {9, 34, "stages.resolve.rules[0].limit.unit",
                    "unknown value \"working_day\" (did you mean \"working_days\"?); " + kUnits},
                   {9, 54, "stages.resolve.rules[0].limit.start",
                    "unknown value \"next_day\"; allowed: immediately, next_working_day"}}},
        ErrorCase{"AmountOutOfRangeForTheUnitOrQuoted",
                  with_head("    rules:\n"
                            "      - match: {kind: 咨询}\n"
                            "        limit: {amount: 9000, unit: natural_hours}\n"
                            "      - match: {kind: 求助}\n"
                            "        limit: {amount: \"5\", unit: working_days}\n"),
                  {{9, 25, "stages.resolve.rules[0].limit.amount",
                    "expected an integer from 1 to 8784, got \"9000\""},
                   {11, 25, "stages.resolve.rules[1].limit.amount",
                    "expected an integer from 1 to 250, got the quoted string \"5\""}}},
        ErrorCase{"LimitMissingKeysOrNotAMapping",
                  with_head("    rules:\n"
                            "      - match: {kind: 咨询}\n"
                            "        limit: {amount: 5}\n"
                            "      - match: {kind: 求助}\n"
                            "        limit: 5 working_days\n"),
                  {{9, 16, "stages.resolve.rules[0].limit.unit", "missing required key \"unit\""},
                   {11, 16, "stages.resolve.rules[1].limit",
                    "expected a mapping, got \"5 working_days\""}}},
        ErrorCase{"BadWarnings",
                  with_head("warnings: [1.5, abc, 0, \"0.6\"]\n"),
                  {{7, 12, "warnings[0]", kFraction + "\"1.5\""},
                   {7, 17, "warnings[1]", kFraction + "\"abc\""},
                   {7, 22, "warnings[2]", kFraction + "\"0\""},
                   {7, 25, "warnings[3]", kFraction + "the quoted string \"0.6\""}}},
        ErrorCase{"WarningsNotAscending",
                  with_head("warnings: [0.75, 0.5, 0.5]\n"),
                  {{7, 18, "warnings[1]",
                    "warnings must be in ascending order: 0.5 does not come after 0.75"},
                   {7, 23, "warnings[2]",
                    "warnings must be in ascending order: 0.5 does not come after 0.75"}}},
        ErrorCase{"TooManyWarnings",
                  with_head("    warnings: [0.1, 0.2, 0.3, 0.4, 0.5]\n"),
                  {{7, 15, "stages.resolve.warnings", "at most 4 warnings per time limit"}}},
        ErrorCase{"WarningsNotAList",
                  with_head("warnings: 0.5\n"),
                  {{7, 11, "warnings", "expected a list, got \"0.5\""}}},
        ErrorCase{
            "BadEscalation",
            with_head("escalation:\n"
                      "  - {tier: district, topic: supervision.district, " +
                      kLimit +
                      "}\n"
                      "  - {tier: street, topic: supervision.street, " +
                      kLimit +
                      "}\n"
                      "  - {tier: cty, topic: supervision city, "
                      "limit: {amount: 1, unit: working_days, start: immediately}}\n"
                      "  - {tier: city}\n"),
            {{9, 12, "escalation[1].tier",
              "tier \"street\" cannot follow \"district\": tiers go up (grid, community, street, "
              "district, city), each once"},
             {10, 12, "escalation[2].tier",
              "unknown value \"cty\" (did you mean \"city\"?); allowed: grid, community, street, "
              "district, city"},
             {10, 24, "escalation[2].topic",
              "invalid Kafka topic \"supervision city\": use 1 to 249 of a-z A-Z 0-9 . _ -"},
             {10, 81, "escalation[2].limit.start",
              "unknown key \"start\"; known keys: amount, unit"},
             {11, 5, "escalation[3].topic", "missing required key \"topic\""},
             {11, 5, "escalation[3].limit", "missing required key \"limit\""}}},
        ErrorCase{"EscalationNotAList",
                  with_head("    escalation: {tier: city}\n"),
                  {{7, 17, "stages.resolve.escalation", "expected a list, got a mapping"}}},
        ErrorCase{"MaxExtensionOutsideResolveOrMalformed",
                  "version: 1\nstages:\n  sign_for:\n    " + kLimit +
                      "\n    max_extension: {amount: 1, unit: working_days}\n"
                      "  resolve:\n    " +
                      kLimit + "\n    max_extension: never\n",
                  {{5, 20, "stages.sign_for.max_extension",
                    "max_extension applies to the resolve stage only (extensions move the resolve "
                    "deadline)"},
                   {8, 20, "stages.resolve.max_extension",
                    "expected none or a limit {amount, unit}, got \"never\""}}},
        ErrorCase{
            "BadRules",
            with_head(
                "    rules:\n"
                "      - match: {}\n"
                "        " +
                kLimit +
                "\n"
                "      - match:\n"
                "        " +
                kLimit +
                "\n"
                "      - match: {urgncy: urgent, category: 城乡建设//路灯, department: Police}\n"
                "        " +
                kLimit +
                "\n"
                "      - id: Consult\n"
                "        match: {kind: 咨询}\n"
                "      - match: {kind: 咨询}\n"),
            {{8, 16, "stages.resolve.rules[0].match", kEmptyMatch},
             {10, 9, "stages.resolve.rules[1].match", kEmptyMatch},
             {12, 17, "stages.resolve.rules[2].match.urgncy",
              "unknown key \"urgncy\" (did you mean \"urgency\"?)"},
             {12, 43, "stages.resolve.rules[2].match.category",
              "empty level in category \"城乡建设//路灯\" (levels are separated by '/')"},
             {12, 65, "stages.resolve.rules[2].match.department",
              "invalid department code \"Police\": " + kCodeSyntax},
             {14, 9, "stages.resolve.rules[3].limit", "missing required key \"limit\""},
             {14, 13, "stages.resolve.rules[3].id", "invalid rule id \"Consult\": " + kCodeSyntax},
             {16, 9, "stages.resolve.rules[4].limit", "missing required key \"limit\""}}},
        ErrorCase{
            "BadUrgency",
            with_head("    rules:\n      - match: {urgency: urgnt}\n        " + kLimit + "\n"),
            {{8, 26, "stages.resolve.rules[0].match.urgency",
              "unknown value \"urgnt\" (did you mean \"urgent\"?); allowed: normal, urgent, "
              "critical, 一般, 紧急, 特急"}}},
        ErrorCase{"DuplicateRuleIds",
                  with_head("    rules:\n"
                            "      - {id: consult, match: {kind: 咨询}, " +
                            kLimit +
                            "}\n"
                            "      - {id: consult, match: {kind: 求助}, " +
                            kLimit +
                            "}\n"
                            "      - {id: resolve-default, match: {kind: 投诉}, " +
                            kLimit +
                            "}\n"
                            "      - {id: resolve-5, match: {kind: 举报}, " +
                            kLimit +
                            "}\n"
                            "      - {match: {kind: 建议}, " +
                            kLimit + "}\n"),
                  {{9, 14, "stages.resolve.rules[1].id",
                    "duplicate rule id \"consult\" (first at line 8)"},
                   {10, 14, "stages.resolve.rules[2].id",
                    "duplicate rule id \"resolve-default\" (first at line 6)"},
                   {12, 9, "stages.resolve.rules[4].id",
                    "duplicate rule id \"resolve-5\" (first at line 11)"}}}),
    [](const testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

}  // namespace
}  // namespace gw
