// RouteTable::route() and explain(): each condition, rule order, the default, co-handlers.
// The randomized agreement with a naive reference is in route_property_test.cpp.
#include "gateway/core/route_table.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gateway/core/case.h"
#include "gateway/core/routing_config.h"

namespace gw {
namespace {

Department department(const std::string& code) {
  return Department{code, code + " office", "dept." + code, PersonalDataPolicy::masked, {}};
}

Rule rule(const std::string& id, RuleMatch match, const std::string& lead,
          std::vector<std::string> co = {}) {
  return Rule{id, std::move(match), lead, std::move(co), {}};
}

std::shared_ptr<const RoutingConfig> config_with(std::vector<Rule> rules) {
  auto config = std::make_shared<RoutingConfig>();
  config->file = "routes.yaml";
  for (const char* code : {"housing", "env", "city", "fire", "manual"}) {
    config->departments.push_back(department(code));
  }
  config->rules = std::move(rules);
  config->default_department = "manual";
  return config;
}

// The first sample ticket, with the codes an enriched region would carry.
Case heating_ticket() {
  Case c;
  c.source = Source::hotline;
  c.kind = "投诉";
  c.category = {"住房保障", "物业管理", "供暖"};
  c.title = "暖气不热";
  c.description = "向阳社区小区暖气温度只有十几度，多次找物业无果。";
  c.region.street = "长胜街道";
  c.region.street_code = "640202001";
  c.region.community = "向阳社区";
  c.region.community_code = "640202001002";
  c.region.grid_code = "64020200100203";
  c.priority = Priority::urgent;
  c.reporter.name = "王先生";
  c.reporter.phone = "13830166131";
  return c;
}

struct ConditionRow {
  const char* name;
  RuleMatch match;
  bool holds;
  std::function<void(Case&)> adjust = [](Case&) {};
};

std::vector<ConditionRow> condition_rows() {
  return {
      {"source given", {.sources = {Source::hotline}}, true},
      {"source other", {.sources = {Source::grid}}, false},
      {"source any of", {.sources = {Source::grid, Source::hotline}}, true},
      {"kind equal", {.kinds = {"投诉"}}, true},
      {"kind other", {.kinds = {"咨询", "举报"}}, false},
      {"kind empty value", {.kinds = {""}}, false},
      {"category one level", {.category_prefixes = {{"住房保障"}}}, true},
      {"category two levels", {.category_prefixes = {{"住房保障", "物业管理"}}}, true},
      {"category whole path", {.category_prefixes = {{"住房保障", "物业管理", "供暖"}}}, true},
      {"category longer than case",
       {.category_prefixes = {{"住房保障", "物业管理", "供暖", "锅炉"}}},
       false},
      {"category level partly equal", {.category_prefixes = {{"住房保障", "物业"}}}, false},
      {"category not at start", {.category_prefixes = {{"物业管理"}}}, false},
      {"category any of", {.category_prefixes = {{"城乡建设"}, {"住房保障"}}}, true},
      {"category of case without one",
       {.category_prefixes = {{"住房保障"}}},
       false,
       [](Case& c) { c.category.clear(); }},
      {"street by name", {.streets = {"长胜街道"}}, true},
      {"street by code", {.streets = {"640202001"}}, true},
      {"street other", {.streets = {"人民路街道", "640202002"}}, false},
      {"street unknown to case",
       {.streets = {"长胜街道"}},
       false,
       [](Case& c) { c.region.street.clear(), c.region.street_code.clear(); }},
      {"community by name", {.communities = {"向阳社区"}}, true},
      {"community by code", {.communities = {"640202001002"}}, true},
      {"community other", {.communities = {"工人街社区"}}, false},
      {"grid prefix", {.grid_prefixes = {"6402020010"}}, true},
      {"grid whole code", {.grid_prefixes = {"64020200100203"}}, true},
      {"grid other", {.grid_prefixes = {"640202002"}}, false},
      {"grid longer than code", {.grid_prefixes = {"640202001002031"}}, false},
      {"grid any of", {.grid_prefixes = {"640202002", "640202001"}}, true},
      {"urgency given", {.urgencies = {Priority::urgent}}, true},
      {"urgency other", {.urgencies = {Priority::normal, Priority::critical}}, false},
      {"keyword in title", {.keywords = {"暖气"}}, true},
      {"keyword in description", {.keywords = {"物业"}}, true},
      {"keyword absent", {.keywords = {"噪声", "扰民"}}, false},
      {"keyword longer than text", {.keywords = {"暖气不热了"}}, false},
      {"keyword across title and description", {.keywords = {"不热向阳"}}, false},
      {"all given conditions hold",
       {.kinds = {"投诉"}, .category_prefixes = {{"住房保障"}}, .streets = {"长胜街道"}},
       true},
      {"one of several fails",
       {.kinds = {"投诉"}, .category_prefixes = {{"住房保障"}}, .streets = {"人民路街道"}},
       false},
      {"no conditions", {}, true},
  };
}

TEST(RouteTableTest, EachConditionHoldsOrNot) {
  for (const ConditionRow& row : condition_rows()) {
    SCOPED_TRACE(row.name);
    RouteTable table(config_with({rule("r1", row.match, "housing")}));
    Case c = heating_ticket();
    row.adjust(c);
    RouteDecision d = table.route(c);
    EXPECT_EQ(d.lead->code, row.holds ? "housing" : "manual");
    EXPECT_EQ(d.rule, row.holds ? &table.config().rules[0] : nullptr);
    Explanation e = table.explain(c);
    ASSERT_EQ(e.verdicts.size(), 1u);
    EXPECT_EQ(e.verdicts[0].matched, row.holds) << e.verdicts[0].reason;
  }
}

TEST(RouteTableTest, FirstMatchingRuleWins) {
  RouteTable table(config_with({
      rule("consult", {.kinds = {"咨询"}}, "city"),
      rule("heating", {.category_prefixes = {{"住房保障", "物业管理", "供暖"}}}, "housing"),
      rule("property", {.category_prefixes = {{"住房保障"}}}, "env"),
      rule("changsheng", {.streets = {"长胜街道"}}, "fire"),
  }));
  RouteDecision d = table.route(heating_ticket());
  ASSERT_NE(d.rule, nullptr);
  EXPECT_EQ(d.rule->id, "heating");
  EXPECT_EQ(d.lead->code, "housing");
}

TEST(RouteTableTest, EarlierRuleFiledElsewhereStillWins) {
  // The street rule comes first though the category rule is the more specific one.
  RouteTable table(config_with({
      rule("unrelated", {.category_prefixes = {{"公共安全"}}}, "fire"),
      rule("changsheng", {.streets = {"长胜街道"}}, "city"),
      rule("heating", {.category_prefixes = {{"住房保障"}}}, "housing"),
  }));
  EXPECT_EQ(table.route(heating_ticket()).rule->id, "changsheng");
}

TEST(RouteTableTest, NoMatchGoesToTheDefaultDepartment) {
  for (std::vector<Rule> rules :
       {std::vector<Rule>{}, std::vector<Rule>{rule("noise", {.keywords = {"噪声"}}, "env")}}) {
    RouteTable table(config_with(rules));
    RouteDecision d = table.route(heating_ticket());
    EXPECT_EQ(d.rule, nullptr);
    ASSERT_NE(d.lead, nullptr);
    EXPECT_EQ(d.lead->code, "manual");
    EXPECT_TRUE(d.co.empty());
  }
}

TEST(RouteTableTest, CoHandlersWithoutLeadOrRepeatsInRuleOrder) {
  RouteTable table(config_with(
      {rule("heating", {.kinds = {"投诉"}}, "housing", {"city", "housing", "env", "city"})}));
  RouteDecision d = table.route(heating_ticket());
  ASSERT_EQ(d.co.size(), 2u);
  EXPECT_EQ(d.co[0]->code, "city");
  EXPECT_EQ(d.co[1]->code, "env");
  EXPECT_EQ(d.lead->code, "housing");
}

// A case returned (退单) is routed again without the departments that returned it.
std::vector<std::string> codes_of(const RouteDecision& d) {
  std::vector<std::string> out;
  out.push_back(d.lead != nullptr ? d.lead->code : "(none)");
  for (const Department* co : d.co) out.push_back("+" + co->code);
  return out;
}

TEST(RouteTableTest, ExcludedLeadsDoNotMatchAndTheNextMatchingRuleWins) {
  RouteTable table(config_with({
      rule("consult", {.kinds = {"咨询"}}, "city"),
      rule("heating", {.category_prefixes = {{"住房保障", "物业管理"}}}, "housing",
           {"city", "env"}),
      rule("property", {.category_prefixes = {{"住房保障"}}}, "env", {"housing", "city"}),
      rule("noise", {.keywords = {"噪声"}}, "fire"),
      rule("changsheng", {.streets = {"长胜街道"}}, "fire", {"env"}),
  }));
  const Case c = heating_ticket();
  using V = std::vector<std::string>;
  struct Row {
    V exclude;
    const char* rule;  // nullptr: the default, or nothing
    V decision;
  };
  const Row rows[] = {
      {{}, "heating", {"housing", "+city", "+env"}},
      {{"police"}, "heating", {"housing", "+city", "+env"}},  // not a department: no effect
      {{"housing"}, "property", {"env", "+city"}},            // housing dropped as co too
      {{"housing", "env"}, "changsheng", {"fire"}},
      {{"env", "housing", "fire"}, nullptr, {"manual"}},
      {{"housing", "env", "fire", "manual"}, nullptr, {"(none)"}},  // empty: the center's
      {{"manual"}, "heating", {"housing", "+city", "+env"}},
  };
  for (const Row& row : rows) {
    const RouteDecision d = table.route(c, row.exclude);
    EXPECT_EQ(codes_of(d), row.decision) << testing::PrintToString(row.exclude);
    if (row.rule != nullptr) {
      ASSERT_NE(d.rule, nullptr) << testing::PrintToString(row.exclude);
      EXPECT_EQ(d.rule->id, row.rule);
    } else {
      EXPECT_EQ(d.rule, nullptr);
    }
  }
  // The rule list walked past an excluded match only: a later rule that does not hold for
  // the case (noise) is never chosen.
  EXPECT_EQ(table.route(c, V{"housing", "env"}).rule->id, "changsheng");
}

TEST(RouteTableTest, ExcludedCoHandlersAreLeftOut) {
  RouteTable table(
      config_with({rule("heating", {.kinds = {"投诉"}}, "housing", {"city", "env", "fire"})}));
  const std::vector<std::string> exclude = {"env", "fire"};
  EXPECT_EQ(codes_of(table.route(heating_ticket(), exclude)),
            (std::vector<std::string>{"housing", "+city"}));
  // Without exclusions, the same decision as route(c).
  const RouteDecision plain = table.route(heating_ticket());
  const RouteDecision none = table.route(heating_ticket(), std::span<const std::string>());
  EXPECT_EQ(none.rule, plain.rule);
  EXPECT_EQ(none.lead, plain.lead);
  EXPECT_EQ(none.co, plain.co);
}

TEST(RouteTableTest, DecisionPointsIntoTheTablesConfig) {
  auto config = config_with({rule("heating", {.kinds = {"投诉"}}, "housing")});
  RouteTable table(config);
  config.reset();  // the table keeps its config alive
  RouteTable moved = std::move(table);
  RouteDecision d = moved.route(heating_ticket());
  EXPECT_EQ(d.rule, &moved.config().rules[0]);
  EXPECT_EQ(d.lead, moved.config().department("housing"));
}

TEST(RouteTableTest, RoutesFromSeveralThreadsAtOnce) {
  std::vector<Rule> rules;
  for (int i = 0; i < 200; ++i) {
    rules.push_back(
        rule("noise-" + std::to_string(i),
             {.urgencies = {Priority::critical}, .keywords = {"噪声" + std::to_string(i) + "号"}},
             "env"));
  }
  rules.push_back(rule("heating", {.category_prefixes = {{"住房保障"}}}, "housing"));
  RouteTable table(config_with(rules));
  std::vector<Case> cases(8, heating_ticket());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    cases[i].priority = Priority::critical;
    cases[i].description = "噪声" + std::to_string(i * 20) + "号";
  }
  std::vector<const Rule*> expected;
  for (const Case& c : cases) expected.push_back(table.route(c).rule);
  std::vector<int> disagreements(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < disagreements.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 2000; ++round) {
        const std::size_t i = (round + t) % cases.size();
        if (table.route(cases[i]).rule != expected[i]) ++disagreements[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(expected[1]->id, "noise-20");
  for (int d : disagreements) EXPECT_EQ(d, 0);
}

struct ReasonRow {
  const char* name;
  RuleMatch match;
  bool matched;
  std::string reason;
};

TEST(RouteTableTest, ExplainSaysWhichConditionFailedWithTheCasesValue) {
  const std::vector<ReasonRow> rows = {
      {"kind", {.kinds = {"咨询", "举报"}}, false, "kind 投诉 is not one of 咨询, 举报"},
      {"kind single", {.kinds = {"咨询"}}, false, "kind 投诉 is not 咨询"},
      {"source", {.sources = {Source::grid}}, false, "source hotline is not grid"},
      {"category",
       {.category_prefixes = {{"城乡建设", "市政设施"}}},
       false,
       "category 住房保障/物业管理/供暖 does not start with 城乡建设/市政设施"},
      {"categories",
       {.category_prefixes = {{"城乡建设", "市政设施"}, {"公共安全"}}},
       false,
       "category 住房保障/物业管理/供暖 does not start with any of 城乡建设/市政设施, 公共安全"},
      {"street",
       {.streets = {"人民路街道", "640202002"}},
       false,
       "street 长胜街道 (640202001) is not one of 人民路街道, 640202002"},
      {"community",
       {.communities = {"工人街社区"}},
       false,
       "community 向阳社区 (640202001002) is not 工人街社区"},
      {"grid",
       {.grid_prefixes = {"640202002"}},
       false,
       "grid code 64020200100203 does not start with 640202002"},
      {"urgency",
       {.urgencies = {Priority::normal, Priority::critical}},
       false,
       "urgency urgent is not one of normal, critical"},
      {"keywords",
       {.keywords = {"噪声", "扰民"}},
       false,
       "no keyword of 噪声, 扰民 in title or description"},
      {"keyword", {.keywords = {"噪声"}}, false, "keyword 噪声 is not in title or description"},
      {"first failing condition is named",
       {.kinds = {"投诉"}, .category_prefixes = {{"公共安全"}}, .streets = {"人民路街道"}},
       false,
       "category 住房保障/物业管理/供暖 does not start with 公共安全"},
      {"matched lists what held",
       {.kinds = {"咨询", "投诉"},
        .category_prefixes = {{"公共安全"}, {"住房保障", "物业管理"}},
        .streets = {"640202001"},
        .keywords = {"噪声", "物业"}},
       true,
       "kind 投诉; category starts with 住房保障/物业管理; street 640202001; keyword 物业 in "
       "description"},
      {"matched in title",
       {.sources = {Source::hotline}, .urgencies = {Priority::urgent}, .keywords = {"暖气"}},
       true,
       "source hotline; urgency urgent; keyword 暖气 in title"},
      {"matched region",
       {.communities = {"向阳社区"}, .grid_prefixes = {"6402020010"}},
       true,
       "community 向阳社区; grid code starts with 6402020010"},
      {"unconstrained", {}, true, "no conditions: matches every case"},
  };
  for (const ReasonRow& row : rows) {
    SCOPED_TRACE(row.name);
    RouteTable table(config_with({rule("r1", row.match, "housing")}));
    Explanation e = table.explain(heating_ticket());
    ASSERT_EQ(e.verdicts.size(), 1u);
    EXPECT_EQ(e.verdicts[0].rule, &table.config().rules[0]);
    EXPECT_EQ(e.verdicts[0].matched, row.matched);
    EXPECT_EQ(e.verdicts[0].reason, row.reason);
  }
}

TEST(RouteTableTest, ExplainShowsMissingAndOverlongCaseValues) {
  RouteTable table(config_with({
      rule("street", {.streets = {"长胜街道"}}, "city"),
      rule("kind", {.kinds = {"投诉"}}, "city"),
  }));
  Case c = heating_ticket();
  c.region.street.clear();
  c.region.street_code.clear();
  c.kind = std::string(40, 'k') + std::string(30, 'x');  // 70 bytes
  Explanation e = table.explain(c);
  ASSERT_EQ(e.verdicts.size(), 2u);
  EXPECT_EQ(e.verdicts[0].reason, "street (none) is not 长胜街道");
  EXPECT_EQ(e.verdicts[1].reason,
            "kind " + std::string(40, 'k') + std::string(24, 'x') + "… is not 投诉");
}

TEST(RouteTableTest, ExplainWalksRulesUpToTheMatchAndAgreesWithRoute) {
  RouteTable table(config_with({
      rule("consult", {.kinds = {"咨询"}}, "city"),
      rule("noise", {.keywords = {"噪声"}}, "env"),
      rule("heating", {.category_prefixes = {{"住房保障"}}}, "housing", {"city"}),
      rule("anything", {}, "fire"),
  }));
  Explanation e = table.explain(heating_ticket());
  ASSERT_EQ(e.verdicts.size(), 3u);
  EXPECT_FALSE(e.verdicts[0].matched);
  EXPECT_FALSE(e.verdicts[1].matched);
  EXPECT_TRUE(e.verdicts[2].matched);
  RouteDecision routed = table.route(heating_ticket());
  EXPECT_EQ(e.decision.rule, routed.rule);
  EXPECT_EQ(e.decision.lead, routed.lead);
  EXPECT_EQ(e.decision.co, routed.co);
}

TEST(RouteTableTest, ExplainNeverNamesTheReporter) {
  Case c = heating_ticket();
  c.title = "王先生 13830166131 暖气";
  std::vector<Rule> rules;
  for (const RuleMatch& m : std::vector<RuleMatch>{
           {.kinds = {"咨询"}},
           {.keywords = {"噪声"}},
           {.category_prefixes = {{"公共安全"}}},
           {.streets = {"人民路街道"}},
           {.communities = {"工人街社区"}},
           {.grid_prefixes = {"9"}},
           {.urgencies = {Priority::urgent}, .keywords = {"暖气"}},
       }) {
    rules.push_back(rule("r" + std::to_string(rules.size() + 1), m, "housing"));
  }
  RouteTable table(config_with(rules));
  Explanation e = table.explain(c);
  ASSERT_EQ(e.verdicts.size(), rules.size());
  for (const RuleVerdict& v : e.verdicts) {
    EXPECT_EQ(v.reason.find("王先生"), std::string::npos) << v.reason;
    EXPECT_EQ(v.reason.find("13830166131"), std::string::npos) << v.reason;
  }
}

}  // namespace
}  // namespace gw
