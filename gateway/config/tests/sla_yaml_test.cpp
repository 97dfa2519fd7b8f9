// config/sla.yaml: the shipped policy loads, agrees with routes.yaml and gives sample cases
// the limits DOMAIN.md describes; how stages and rules inherit and default.
#include "gateway/config/sla_yaml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gateway/config/calendar_yaml.h"
#include "gateway/config/routes_yaml.h"
#include "gateway/config/tests/config_error_matchers.h"
#include "gateway/core/tests/china_calendar_fixture.h"
#include "gateway/core/time_format.h"

namespace gw {
namespace {

using testing::ElementsAre;
using testing::IsEmpty;
using testing_calendar::cst;

const std::string kConfigDir = std::string(GW_SOURCE_DIR) + "/config";

std::string dump(const std::vector<ConfigError>& errors) {
  std::string out;
  for (const ConfigError& e : errors) out += testing::PrintToString(e) + "\n";
  return out;
}

SlaPolicy load_shipped() {
  const SlaPolicyCheck check = check_sla_policy_file(kConfigDir + "/sla.yaml");
  EXPECT_THAT(check.errors, IsEmpty()) << dump(check.errors);
  EXPECT_THAT(check.warnings, IsEmpty()) << dump(check.warnings);
  return check.policy.value_or(SlaPolicy{});
}

std::vector<std::string> rule_ids(const StagePolicy& stage) {
  std::vector<std::string> ids;
  for (const SlaRule& r : stage.rules) ids.push_back(r.id);
  return ids;
}

std::vector<SupervisionTier> tiers_of(const SlaRule& rule) {
  std::vector<SupervisionTier> tiers;
  for (const EscalationTier& t : rule.escalation) tiers.push_back(t.tier);
  return tiers;
}

// --- The shipped policy -----------------------------------------------------------------------

TEST(ShippedSla, LoadsWithoutErrorsOrWarnings) {
  const SlaPolicy policy = load_shipped();
  for (const SlaStage stage : {SlaStage::sign_for, SlaStage::return_misrouted,
                               SlaStage::extension_decision, SlaStage::resolve, SlaStage::close}) {
    EXPECT_NE(policy.stage(stage), nullptr) << to_string(stage);
  }
  const StagePolicy* resolve = policy.stage(SlaStage::resolve);
  ASSERT_NE(resolve, nullptr);
  EXPECT_THAT(rule_ids(*resolve),
              ElementsAre("life-or-property-at-risk", "urgent-safety", "exposed-garbage", "consult",
                          "help-and-suggestion", "complaint-and-whistleblowing", "grid-events"));
  // DOMAIN.md section 4.
  EXPECT_EQ(resolve->fallback.limit,
            (Limit{5, LimitUnit::working_days, StartConvention::next_working_day}));
  EXPECT_EQ(resolve->fallback.max_extension,
            (Limit{10, LimitUnit::working_days, StartConvention::immediately}));
  EXPECT_EQ(resolve->fallback.warnings, (std::vector<double>{0.5, 0.75}));
  EXPECT_EQ(resolve->rules[0].limit,
            (Limit{2, LimitUnit::natural_hours, StartConvention::immediately}));
  EXPECT_EQ(resolve->rules[0].max_extension, std::nullopt);
  EXPECT_EQ(resolve->rules[2].limit,
            (Limit{4, LimitUnit::working_hours, StartConvention::immediately}));
  EXPECT_EQ(resolve->rules[3].limit.amount, 2);
  EXPECT_EQ(resolve->rules[4].limit.amount, 10);
  EXPECT_EQ(resolve->rules[5].limit.amount, 15);
  EXPECT_EQ(resolve->rules[5].max_extension, resolve->fallback.max_extension);  // inherited
  EXPECT_THAT(
      tiers_of(resolve->rules[6]),
      ElementsAre(SupervisionTier::grid, SupervisionTier::community, SupervisionTier::street,
                  SupervisionTier::district, SupervisionTier::city));
  EXPECT_EQ(resolve->rules[6].escalation[0].topic, "supervision.grid");
  EXPECT_THAT(
      tiers_of(resolve->fallback),
      ElementsAre(SupervisionTier::street, SupervisionTier::district, SupervisionTier::city));

  const StagePolicy* sign_for = policy.stage(SlaStage::sign_for);
  ASSERT_NE(sign_for, nullptr);
  EXPECT_EQ(sign_for->fallback.limit,
            (Limit{1, LimitUnit::working_days, StartConvention::next_working_day}));
  EXPECT_EQ(policy.stage(SlaStage::return_misrouted)->fallback.limit.amount, 2);
  EXPECT_THAT(policy.stage(SlaStage::return_misrouted)->fallback.warnings, IsEmpty());
  EXPECT_THAT(policy.stage(SlaStage::close)->fallback.escalation, IsEmpty());
}

TEST(ShippedSla, AgreesWithTheRoutes) {
  const SlaPolicy policy = load_shipped();
  const auto routing = load_routing_config(kConfigDir + "/routes.yaml");
  ASSERT_TRUE(std::holds_alternative<RoutingConfig>(routing));
  EXPECT_THAT(check_sla_departments(policy, std::get<RoutingConfig>(routing)), IsEmpty());
}

struct SampleRow {
  const char* name;
  std::string kind;
  std::vector<std::string> category;
  Priority urgency;
  std::string department;
  SlaStage stage;
  const char* received;
  const char* rule;
  const char* due;
};

TEST(ShippedSla, SampleCasesGetTheLimitsAnAdminWouldExpect) {
  const SlaPolicy policy = load_shipped();
  const CalendarCheck calendar = load_calendar_folder(kConfigDir + "/calendars");
  ASSERT_TRUE(calendar.calendar.has_value()) << dump(calendar.errors);
  const SampleRow rows[] = {
      // Received Friday: 9/28 (make-up Sunday), 9/29 -> the end of 9/29.
      {"consult",
       "咨询",
       {"政务服务", "社会保障", "医保"},
       Priority::normal,
       "medical-insurance",
       SlaStage::resolve,
       "2025-09-26 16:20",
       "consult",
       "2025-09-30T00:00:00+08:00"},
      // DOMAIN.md's worked example: 5 working days.
      {"default",
       "其他",
       {},
       Priority::normal,
       "housing",
       SlaStage::resolve,
       "2025-09-26 16:20",
       "resolve-default",
       "2025-10-11T00:00:00+08:00"},
      {"help",
       "求助",
       {"城乡建设", "市政设施", "路灯"},
       Priority::normal,
       "city-management",
       SlaStage::resolve,
       "2025-09-26 16:20",
       "help-and-suggestion",
       "2025-10-17T00:00:00+08:00"},
      // Garbage: 4 working hours from 13:43: 14:30-18:00, then 30 min of Friday.
      {"garbage",
       "投诉",
       {"城乡建设", "市容环境", "垃圾清运"},
       Priority::normal,
       "city-management",
       SlaStage::resolve,
       "2025-10-09 13:43",
       "exposed-garbage",
       "2025-10-10T09:00:00+08:00"},
      {"critical",
       "安全隐患",
       {"安全隐患", "消防通道堵塞"},
       Priority::critical,
       "fire",
       SlaStage::resolve,
       "2025-10-02 23:30",
       "life-or-property-at-risk",
       "2025-10-03T01:30:00+08:00"},
      {"dispute",
       "矛盾纠纷",
       {"矛盾纠纷", "邻里纠纷"},
       Priority::normal,
       "street-changsheng",
       SlaStage::resolve,
       "2025-12-30 09:00",
       "grid-events",
       "2026-01-08T00:00:00+08:00"},
      {"sign for",
       "投诉",
       {"住房保障", "物业管理", "供暖"},
       Priority::normal,
       "housing",
       SlaStage::sign_for,
       "2025-09-30 17:00",
       "sign_for-default",
       "2025-10-10T00:00:00+08:00"},
      {"sign for urgent",
       "投诉",
       {"住房保障", "物业管理", "供暖"},
       Priority::urgent,
       "housing",
       SlaStage::sign_for,
       "2025-10-01 08:00",
       "sign-for-urgent",
       "2025-10-01T08:30:00+08:00"},
      {"sign for police",
       "治安事件",
       {"治安事件", "可疑人员"},
       Priority::normal,
       "police",
       SlaStage::sign_for,
       "2025-10-01 22:00",
       "sign-for-round-the-clock",
       "2025-10-01T23:00:00+08:00"},
  };
  for (const SampleRow& row : rows) {
    Case c;
    c.kind = row.kind;
    c.category = row.category;
    c.priority = row.urgency;
    const SlaRule* rule = find_sla_rule(policy, row.stage, sla_subject(c, row.department));
    ASSERT_NE(rule, nullptr) << row.name;
    EXPECT_EQ(rule->id, row.rule) << row.name;
    const auto d = compute_deadline(*rule, cst(row.received), *calendar.calendar);
    ASSERT_TRUE(d.ok()) << row.name;
    EXPECT_EQ(format_rfc3339_china(d->due), row.due) << row.name;
  }
}

// --- Defaults and inheritance ----------------------------------------------------------------

constexpr std::string_view kPolicy = R"(version: 1
warnings: [0.5, 0.75]
escalation:
  - {tier: street, topic: supervision.street, limit: {amount: 1, unit: working_days}}
stages:
  sign_for:
    limit: {amount: 1, unit: working_days}
    warnings: []
  resolve:
    limit: {amount: 5, unit: working_days, start: immediately}
    max_extension: {amount: 10, unit: working_days}
    escalation:
      - {tier: district, topic: supervision.district, limit: {amount: 4, unit: working_hours}}
    rules:
      - match: {urgency: [紧急, critical], department: [fire, police]}
        limit: {amount: 2, unit: natural_hours, start: next_working_day}
        max_extension: none
      - id: garbage
        match: {category: 城乡建设 / 市容环境, kind: 投诉}
        limit: {amount: 3, unit: natural_days}
        warnings: [0.9]
        escalation: []
)";

TEST(SlaYaml, DefaultsAndInheritance) {
  const SlaPolicyCheck check = check_sla_policy(kPolicy, "sla.yaml");
  ASSERT_TRUE(check.policy.has_value()) << dump(check.errors);
  EXPECT_THAT(check.warnings, IsEmpty());
  const SlaPolicy& policy = *check.policy;
  EXPECT_EQ(policy.file, "sla.yaml");
  EXPECT_EQ(policy.stage(SlaStage::close), nullptr);

  const SlaRule& sign_for = policy.stage(SlaStage::sign_for)->fallback;
  EXPECT_EQ(sign_for.id, "sign_for-default");
  EXPECT_EQ(sign_for.limit.start, StartConvention::next_working_day);  // days: next day
  EXPECT_THAT(sign_for.warnings, IsEmpty());                           // the stage's []
  EXPECT_EQ(tiers_of(sign_for), (std::vector<SupervisionTier>{SupervisionTier::street}));
  EXPECT_EQ(sign_for.max_extension, std::nullopt);
  EXPECT_EQ(sign_for.pos.line, 7);  // a block mapping starts at its first key

  const StagePolicy& resolve = *policy.stage(SlaStage::resolve);
  EXPECT_EQ(resolve.fallback.limit.start, StartConvention::immediately);  // as written
  EXPECT_EQ(resolve.fallback.warnings, (std::vector<double>{0.5, 0.75}));
  EXPECT_EQ(tiers_of(resolve.fallback), (std::vector<SupervisionTier>{SupervisionTier::district}));
  EXPECT_EQ(resolve.fallback.escalation[0].limit,
            (Limit{4, LimitUnit::working_hours, StartConvention::immediately}));
  ASSERT_EQ(resolve.rules.size(), 2u);

  const SlaRule& urgent = resolve.rules[0];
  EXPECT_EQ(urgent.id, "resolve-1");
  EXPECT_EQ(urgent.pos.line, 15);
  EXPECT_EQ(urgent.limit, (Limit{2, LimitUnit::natural_hours, StartConvention::next_working_day}));
  EXPECT_EQ(urgent.match.urgencies, (std::vector<Priority>{Priority::urgent, Priority::critical}));
  EXPECT_EQ(urgent.match.departments, (std::vector<std::string>{"fire", "police"}));
  ASSERT_EQ(urgent.department_at.size(), 2u);
  EXPECT_EQ(urgent.department_at[1].path, "stages.resolve.rules[0].match.department[1]");
  EXPECT_EQ(urgent.department_at[1].pos.line, 15);
  EXPECT_EQ(urgent.department_at[1].pos.column, 61);
  EXPECT_EQ(urgent.max_extension, std::nullopt);  // none
  EXPECT_EQ(tiers_of(urgent), tiers_of(resolve.fallback));

  const SlaRule& garbage = resolve.rules[1];
  EXPECT_EQ(garbage.id, "garbage");
  EXPECT_EQ(garbage.match.category_prefixes,
            (std::vector<std::vector<std::string>>{{"城乡建设", "市容环境"}}));
  EXPECT_EQ(garbage.match.kinds, (std::vector<std::string>{"投诉"}));
  EXPECT_EQ(garbage.limit, (Limit{3, LimitUnit::natural_days, StartConvention::next_working_day}));
  EXPECT_EQ(garbage.warnings, (std::vector<double>{0.9}));
  EXPECT_THAT(garbage.escalation, IsEmpty());
  EXPECT_EQ(garbage.max_extension, resolve.fallback.max_extension);
}

TEST(SlaYaml, AnUnknownKindIsAWarning) {
  const SlaPolicyCheck check = check_sla_policy(
      "version: 1\nstages:\n  sign_for: {limit: {amount: 1, unit: working_days}}\n"
      "  resolve:\n    limit: {amount: 5, unit: working_days}\n"
      "    rules:\n      - {match: {kind: [咨询, 投拆]}, limit: {amount: 2, unit: working_days}}\n",
      "sla.yaml");
  EXPECT_TRUE(check.policy.has_value()) << dump(check.errors);
  EXPECT_THAT(check.warnings,
              ElementsAre(IsError(7, 29, "stages.resolve.rules[0].match.kind[1]",
                                  "kind \"投拆\" is not an appealType or eventType of the "
                                  "reference formats")));
}

TEST(SlaYaml, DepartmentsAreCheckedAgainstTheRoutes) {
  const SlaPolicyCheck check = check_sla_policy(kPolicy, "sla.yaml");
  ASSERT_TRUE(check.policy.has_value()) << dump(check.errors);
  RoutingConfig routing;
  routing.file = "routes.yaml";
  routing.departments = {{"fire", "消防", "dept.fire", {}, {}},
                         {"polices", "公安", "dept.police", {}, {}}};
  EXPECT_THAT(check_sla_departments(*check.policy, routing),
              ElementsAre(IsError(15, 61, "stages.resolve.rules[0].match.department[1]",
                                  "unknown department \"police\" (did you mean \"polices\"?): not "
                                  "a department of routes.yaml")));
  routing.departments[1].code = "police";
  EXPECT_THAT(check_sla_departments(*check.policy, routing), IsEmpty());
}

TEST(SlaYaml, AFileThatCannotBeReadIsOneError) {
  const SlaPolicyCheck check = check_sla_policy_file(kConfigDir + "/no-such-sla.yaml");
  EXPECT_FALSE(check.policy.has_value());
  ASSERT_EQ(check.errors.size(), 1u);
  EXPECT_THAT(check.errors[0].message, testing::StartsWith("cannot open: "));
}

}  // namespace
}  // namespace gw
