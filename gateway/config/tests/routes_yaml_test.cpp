#include "gateway/config/routes_yaml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "gateway/config/tests/config_error_matchers.h"

namespace gw {
namespace {

using testing::ElementsAre;
using testing::IsEmpty;

constexpr std::string_view kFullConfig = R"(version: 1
departments:
  - code: housing
    name: 住房和城乡建设局
    topic: dept.housing
  - code: street-changsheng
    name: 长胜街道办事处
    topic: street.changsheng
    personal_data: omit
  - code: center
    name: 指挥中心
    topic: dept.center
    personal_data: clear
default: center
regions:
  - street: 长胜街道
    code: "640202002"
    communities:
      - {name: 向阳社区, code: "640202002001"}
      - {name: 长胜社区, code: "640202002002"}
routes:
  - id: heating
    match:
      source: hotline
      kind: [投诉, 求助]
      category: 住房保障/物业管理/供暖
      street: 长胜街道
      community: [向阳社区, "640202002002"]
      grid: "6402020020"
      urgency: [紧急, critical]
      keywords: [暖气, 供暖]
    to: housing
    co: [street-changsheng, housing, street-changsheng]
  - match: {source: grid}
    to: street-changsheng
)";

TEST(RoutesYaml, MapsEveryFieldOntoTheRoutingConfig) {
  const auto check = check_routing_config(kFullConfig, "routes.yaml");
  EXPECT_THAT(check.errors, IsEmpty());
  EXPECT_THAT(check.warnings, IsEmpty());
  ASSERT_TRUE(check.config.has_value());
  const RoutingConfig& config = *check.config;
  EXPECT_EQ(config.file, "routes.yaml");
  EXPECT_EQ(config.default_department, "center");

  ASSERT_EQ(config.departments.size(), 3u);
  const Department& housing = config.departments[0];
  EXPECT_EQ(housing.code, "housing");
  EXPECT_EQ(housing.name, "住房和城乡建设局");
  EXPECT_EQ(housing.topic, "dept.housing");
  EXPECT_EQ(housing.personal_data, PersonalDataPolicy::masked);  // the default
  EXPECT_EQ(housing.pos.file, "routes.yaml");
  EXPECT_EQ(housing.pos.line, 3);
  EXPECT_EQ(housing.pos.column, 5);
  EXPECT_EQ(config.departments[1].personal_data, PersonalDataPolicy::omit);
  EXPECT_EQ(config.departments[2].personal_data, PersonalDataPolicy::clear);

  ASSERT_EQ(config.streets.size(), 1u);
  EXPECT_EQ(config.streets[0].name, "长胜街道");
  EXPECT_EQ(config.streets[0].code, "640202002");
  ASSERT_EQ(config.streets[0].communities.size(), 2u);
  EXPECT_EQ(config.streets[0].communities[1].name, "长胜社区");
  EXPECT_EQ(config.streets[0].communities[1].code, "640202002002");

  ASSERT_EQ(config.rules.size(), 2u);
  const Rule& heating = config.rules[0];
  EXPECT_EQ(heating.id, "heating");
  EXPECT_EQ(heating.pos.line, 22);
  EXPECT_EQ(heating.pos.column, 5);
  EXPECT_THAT(heating.match.sources, ElementsAre(Source::hotline));
  EXPECT_THAT(heating.match.kinds, ElementsAre("投诉", "求助"));
  ASSERT_EQ(heating.match.category_prefixes.size(), 1u);
  EXPECT_THAT(heating.match.category_prefixes[0], ElementsAre("住房保障", "物业管理", "供暖"));
  EXPECT_THAT(heating.match.streets, ElementsAre("长胜街道"));
  EXPECT_THAT(heating.match.communities, ElementsAre("向阳社区", "640202002002"));
  EXPECT_THAT(heating.match.grid_prefixes, ElementsAre("6402020020"));
  EXPECT_THAT(heating.match.urgencies, ElementsAre(Priority::urgent, Priority::critical));
  EXPECT_THAT(heating.match.keywords, ElementsAre("暖气", "供暖"));
  EXPECT_EQ(heating.lead, "housing");
  // The lead and the repeat are dropped from the co-handlers.
  EXPECT_THAT(heating.co, ElementsAre("street-changsheng"));

  const Rule& grid = config.rules[1];
  EXPECT_EQ(grid.id, "rule-2");  // no id: named by its 1-based position
  EXPECT_EQ(grid.pos.line, 34);
  EXPECT_THAT(grid.match.sources, ElementsAre(Source::grid));
  EXPECT_TRUE(grid.match.kinds.empty());
  EXPECT_EQ(grid.lead, "street-changsheng");
  EXPECT_TRUE(grid.co.empty());
}

TEST(RoutesYaml, ParseAndCheckAgree) {
  const auto parsed = parse_routing_config(kFullConfig, "routes.yaml");
  ASSERT_TRUE(std::holds_alternative<RoutingConfig>(parsed));
  EXPECT_EQ(std::get<RoutingConfig>(parsed).rules.size(), 2u);

  const auto refused = parse_routing_config("version: 2\n", "routes.yaml");
  ASSERT_TRUE(std::holds_alternative<std::vector<ConfigError>>(refused));
  const auto& errors = std::get<std::vector<ConfigError>>(refused);
  const auto checked = check_routing_config("version: 2\n", "routes.yaml").errors;
  ASSERT_EQ(errors.size(), checked.size());
  for (std::size_t i = 0; i < errors.size(); ++i) {
    EXPECT_EQ(testing::PrintToString(errors[i]), testing::PrintToString(checked[i]));
  }
  EXPECT_GE(errors.size(), 3u);  // version, departments, default
}

TEST(RoutesYaml, CategoryLevelsAreTrimmed) {
  const auto check = check_routing_config(R"(version: 1
departments: [{code: a, name: A, topic: a}]
default: a
routes:
  - match: {category: [" 住房保障 / 物业管理 ", 城乡建设]}
    to: a
)",
                                          "routes.yaml");
  ASSERT_TRUE(check.config.has_value());
  EXPECT_THAT(check.config->rules[0].match.category_prefixes,
              ElementsAre(ElementsAre("住房保障", "物业管理"), ElementsAre("城乡建设")));
}

TEST(RoutesYaml, NoRoutesSendsEverythingToTheDefault) {
  const auto check = check_routing_config(
      "version: 1\ndepartments: [{code: a, name: A, topic: a}]\ndefault: a\n", "routes.yaml");
  ASSERT_TRUE(check.config.has_value());
  EXPECT_TRUE(check.config->rules.empty());
}

TEST(RoutesYaml, ReadsFromFile) {
  const std::string path = testing::TempDir() + "/routes_yaml_test_routes.yaml";
  std::ofstream(path) << kFullConfig;
  const auto loaded = load_routing_config(path);
  std::remove(path.c_str());
  ASSERT_TRUE(std::holds_alternative<RoutingConfig>(loaded));
  const auto& config = std::get<RoutingConfig>(loaded);
  EXPECT_EQ(config.file, path);
  EXPECT_EQ(config.rules[0].pos.file, path);
}

TEST(RoutesYaml, UnreadableFileIsOneError) {
  const auto loaded = load_routing_config("/nonexistent/routes.yaml");
  ASSERT_TRUE(std::holds_alternative<std::vector<ConfigError>>(loaded));
  EXPECT_THAT(std::get<std::vector<ConfigError>>(loaded),
              ElementsAre(IsError(0, 0, "", "cannot open: No such file or directory")));
}

TEST(RoutesYaml, ReportsEveryProblemAtOnce) {
  const auto check = check_routing_config(R"(version: 1
departments:
  - {code: housing, name: 住建局, topic: dept.housing, personal_data: hidden}
  - {code: env, name: 生态环境局}
default: centre
regions:
  - {street: 长胜街道, code: "64020200"}
routes:
  - match: {catgory: 供暖}
    to: housing
  - match: {}
    to: police
)",
                                          "routes.yaml");
  EXPECT_FALSE(check.config.has_value());
  EXPECT_THAT(
      check.errors,
      ElementsAre(
          IsError(3, 68, "departments[0].personal_data",
                  "unknown value \"hidden\"; allowed: clear, masked, omit"),
          IsError(4, 5, "departments[1].topic", "missing required key \"topic\""),
          IsError(5, 10, "default", "unknown department \"centre\""),
          IsError(7, 26, "regions[0].code", "street code \"64020200\" must be 9 digits"),
          IsError(9, 13, "routes[0].match.catgory",
                  "unknown key \"catgory\" (did you mean \"category\"?)"),
          IsError(11, 12, "routes[1].match",
                  "empty match: give at least one condition (source, kind, category, street, "
                  "community, grid, urgency, keywords)"),
          IsError(12, 9, "routes[1].to", "unknown department \"police\"")));
}

}  // namespace
}  // namespace gw
