// The files in config/ load cleanly, agree with each other, and the catalogue sends each kind
// of sample case (see /config/samples) to the department an admin would expect.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "gateway/config/calendar_yaml.h"
#include "gateway/config/gateway_yaml.h"
#include "gateway/config/routes_yaml.h"
#include "gateway/config/sla_yaml.h"
#include "gateway/config/tests/config_error_matchers.h"
#include "gateway/core/route_table.h"

namespace gw {
namespace {

using testing::ElementsAre;
using testing::IsEmpty;

const std::string kConfigDir = std::string(GW_SOURCE_DIR) + "/config";

TEST(ShippedConfig, RoutesYamlLoadsWithoutErrorsOrWarnings) {
  const auto check = check_routing_config_file(kConfigDir + "/routes.yaml");
  EXPECT_THAT(check.errors, IsEmpty());
  EXPECT_THAT(check.warnings, IsEmpty());
  ASSERT_TRUE(check.config.has_value());
  EXPECT_EQ(check.config->default_department, "command-center");
  EXPECT_EQ(check.config->department("command-center")->personal_data, PersonalDataPolicy::clear);
  EXPECT_GE(check.config->departments.size(), 10u);
  EXPECT_GE(check.config->rules.size(), 20u);
}

TEST(ShippedConfig, GatewayYamlLoadsAndAgreesWithTheRoutes) {
  const auto loaded = load_gateway_config(kConfigDir + "/gateway.yaml");
  if (const auto* errors = std::get_if<std::vector<ConfigError>>(&loaded)) {
    for (const auto& e : *errors) ADD_FAILURE() << testing::PrintToString(e);
    return;
  }
  const GatewayConfig& gateway = std::get<GatewayConfig>(loaded);
  EXPECT_EQ(gateway.routing_file, kConfigDir + "/routes.yaml");
  EXPECT_TRUE(gateway.kafka.brokers.empty());  // the embedded mode out of the box
  // One input per folder of config/samples.
  std::vector<std::string> topics;
  for (const auto& input : gateway.inputs) topics.push_back(input.topic);
  EXPECT_THAT(topics, ElementsAre("hotline.tickets", "hotline.legacy", "grid.reports"));
  EXPECT_EQ(gateway.inputs[1].charset, Charset::gb18030);

  const auto routing = load_routing_config(gateway.routing_file);
  ASSERT_TRUE(std::holds_alternative<RoutingConfig>(routing));
  EXPECT_THAT(check_topics_against_routing(gateway, std::get<RoutingConfig>(routing)), IsEmpty());
}

TEST(ShippedConfig, TheLifecycleIsOnAndItsFilesAgreeWithTheRoutes) {
  const auto loaded = load_gateway_config(kConfigDir + "/gateway.yaml");
  ASSERT_TRUE(std::holds_alternative<GatewayConfig>(loaded));
  const GatewayConfig& gateway = std::get<GatewayConfig>(loaded);
  ASSERT_TRUE(gateway.lifecycle.has_value());
  EXPECT_EQ(gateway.lifecycle->sla_file, kConfigDir + "/sla.yaml");
  EXPECT_EQ(gateway.lifecycle->calendars, kConfigDir + "/calendars");
  EXPECT_EQ(gateway.lifecycle->command_center, "");  // the routing file's default

  const SlaPolicyCheck sla = check_sla_policy_file(gateway.lifecycle->sla_file);
  EXPECT_THAT(sla.errors, IsEmpty());
  EXPECT_THAT(sla.warnings, IsEmpty());
  const CalendarCheck calendar = load_calendar_folder(gateway.lifecycle->calendars);
  EXPECT_THAT(calendar.errors, IsEmpty());
  const auto routing = load_routing_config(gateway.routing_file);
  ASSERT_TRUE(std::holds_alternative<RoutingConfig>(routing));
  ASSERT_TRUE(sla.policy.has_value());
  EXPECT_THAT(check_sla_departments(*sla.policy, std::get<RoutingConfig>(routing)), IsEmpty());
}

// The facts of a sample that routing looks at.
struct SampleCase {
  const char* name;
  Source source;
  std::string kind;
  std::vector<std::string> category;
  Priority priority;
  std::string street;     // hotline tickets carry names
  std::string grid_code;  // grid reports carry a grid code
  std::string text;       // title and description
  std::string rule;       // expected rule id; empty: the default
  std::string lead;
  std::vector<std::string> co;
};

class ShippedRoutingTest : public testing::TestWithParam<SampleCase> {
 protected:
  static void SetUpTestSuite() {
    auto loaded = load_routing_config(kConfigDir + "/routes.yaml");
    ASSERT_TRUE(std::holds_alternative<RoutingConfig>(loaded));
    table_ = new RouteTable(std::make_shared<const RoutingConfig>(std::get<RoutingConfig>(loaded)));
  }
  static void TearDownTestSuite() {
    delete table_;
    table_ = nullptr;
  }
  static RouteTable* table_;
};
RouteTable* ShippedRoutingTest::table_ = nullptr;

TEST_P(ShippedRoutingTest, GoesWhereAnAdminExpects) {
  ASSERT_NE(table_, nullptr);
  const SampleCase& s = GetParam();
  Case c;
  c.source = s.source;
  c.kind = s.kind;
  c.category = s.category;
  c.priority = s.priority;
  c.region.street = s.street;
  c.region.grid_code = s.grid_code;
  c.title = s.text;
  enrich_region(table_->config(), c.region);
  const RouteDecision decision = table_->route(c);
  ASSERT_NE(decision.lead, nullptr);
  EXPECT_EQ(decision.rule == nullptr ? "" : decision.rule->id, s.rule);
  EXPECT_EQ(decision.lead->code, s.lead);
  std::vector<std::string> co;
  for (const Department* d : decision.co) co.push_back(d->code);
  EXPECT_EQ(co, s.co);
}

const Source H = Source::hotline;
const Source G = Source::grid;
const Priority N = Priority::normal;
const Priority U = Priority::urgent;
const Priority C = Priority::critical;

INSTANTIATE_TEST_SUITE_P(
    Samples, ShippedRoutingTest,
    testing::Values(
        SampleCase{"Heating",
                   H,
                   "投诉",
                   {"住房保障", "物业管理", "供暖"},
                   U,
                   "长胜街道",
                   "",
                   "暖气不热",
                   "heating",
                   "housing",
                   {}},
        SampleCase{"EbikeWhistleblowing",
                   H,
                   "举报",
                   {"公共安全", "消防安全", "电动车充电"},
                   N,
                   "人民路街道",
                   "",
                   "楼道电动车充电",
                   "fire-safety",
                   "fire",
                   {"emergency"}},
        SampleCase{"ConstructionNoise",
                   H,
                   "投诉",
                   {"环境保护", "噪声污染", "施工噪声"},
                   U,
                   "人民路街道",
                   "",
                   "夜间施工噪声扰民",
                   "construction-noise",
                   "env",
                   {"city-management"}},
        SampleCase{"MedicalInsurance",
                   H,
                   "咨询",
                   {"政务服务", "社会保障", "医保"},
                   N,
                   "青山街道",
                   "",
                   "医保异地备案咨询",
                   "medical-insurance",
                   "medical-insurance",
                   {}},
        SampleCase{"UnpaidWages",
                   H,
                   "求助",
                   {"劳动保障", "工资拖欠", "建筑工地"},
                   N,
                   "锦林街道",
                   "",
                   "农民工工资拖欠",
                   "wage-arrears-construction",
                   "human-resources",
                   {"housing"}},
        SampleCase{"UnlicensedRestaurant",
                   H,
                   "举报",
                   {"市场监管", "食品安全", "餐饮"},
                   N,
                   "人民路街道",
                   "",
                   "无证餐饮店卫生差",
                   "market",
                   "market",
                   {}},
        SampleCase{"Garbage",
                   H,
                   "投诉",
                   {"城乡建设", "市容环境", "垃圾清运"},
                   N,
                   "朝阳街道",
                   "",
                   "垃圾未及时清运",
                   "cityscape",
                   "city-management",
                   {}},
        SampleCase{"StreetLight",
                   H,
                   "求助",
                   {"城乡建设", "市政设施", "路灯"},
                   N,
                   "朝阳街道",
                   "",
                   "路灯不亮",
                   "cityscape",
                   "city-management",
                   {}},
        SampleCase{"MissingManholeCritical",
                   H,
                   "投诉",
                   {"城乡建设", "市政设施", "井盖"},
                   C,
                   "长胜街道",
                   "",
                   "窨井盖缺失",
                   "manhole-urgent",
                   "city-management",
                   {"emergency"}},
        SampleCase{"BusStopSuggestion",
                   H,
                   "建议",
                   {"交通运输", "公共交通"},
                   N,
                   "人民路街道",
                   "",
                   "增设公交站台",
                   "transport",
                   "transport",
                   {}},
        SampleCase{"SquareDanceNoise",
                   H,
                   "投诉",
                   {"其他"},
                   N,
                   "",
                   "",
                   "广场舞噪音扰民",
                   "noise-keywords",
                   "env",
                   {}},
        SampleCase{
            "NothingMatches", H, "咨询", {"其他"}, N, "", "", "办事指南", "", "command-center", {}},
        SampleCase{"BlockedFireExit",
                   G,
                   "安全隐患",
                   {"安全隐患", "消防通道堵塞"},
                   N,
                   "",
                   "64020200200202",
                   "小区消防通道被私家车长期占用。",
                   "fire-safety",
                   "fire",
                   {"emergency"}},
        SampleCase{"GasLeak",
                   G,
                   "安全隐患",
                   {"安全隐患", "燃气泄漏"},
                   U,
                   "",
                   "64020200200202",
                   "闻到燃气味",
                   "grid-safety-hazard",
                   "emergency",
                   {}},
        SampleCase{"ElderlyLivingAlone",
                   G,
                   "民生服务",
                   {"民生服务", "独居老人帮扶"},
                   U,
                   "",
                   "64020200100311",
                   "独居老人家中水管冻裂，需要帮助维修。",
                   "livelihood",
                   "civil-affairs",
                   {}},
        SampleCase{"CrackedManholeSevere",
                   G,
                   "城市管理",
                   {"城市管理", "井盖破损"},
                   C,
                   "",
                   "64020200100306",
                   "青山路一处窨井盖开裂破损，需更换。",
                   "manhole-urgent",
                   "city-management",
                   {"emergency"}},
        SampleCase{"StreetVending",
                   G,
                   "城市管理",
                   {"城市管理", "占道经营"},
                   N,
                   "",
                   "64020200400204",
                   "人行道上有商贩占道摆摊",
                   "grid-city-management",
                   "city-management",
                   {}},
        SampleCase{"SuspiciousPerson",
                   G,
                   "治安事件",
                   {"治安事件", "可疑人员"},
                   N,
                   "",
                   "64020200100112",
                   "形迹可疑",
                   "public-order",
                   "police",
                   {}},
        SampleCase{"DisputeRenminlu",
                   G,
                   "矛盾纠纷",
                   {"矛盾纠纷", "物业纠纷"},
                   N,
                   "",
                   "64020200100102",
                   "停车费纠纷",
                   "disputes-renminlu",
                   "street-renminlu",
                   {"justice"}},
        SampleCase{"DisputeChangsheng",
                   G,
                   "矛盾纠纷",
                   {"矛盾纠纷", "邻里纠纷"},
                   N,
                   "",
                   "64020200200112",
                   "漏水争吵",
                   "disputes-changsheng",
                   "street-changsheng",
                   {"justice"}},
        SampleCase{"DisputeChaoyang",
                   G,
                   "矛盾纠纷",
                   {"矛盾纠纷", "物业纠纷"},
                   U,
                   "",
                   "64020200300109",
                   "停车费纠纷",
                   "disputes-chaoyang",
                   "street-chaoyang",
                   {"justice"}},
        SampleCase{"DisputeQingshan",
                   G,
                   "矛盾纠纷",
                   {"矛盾纠纷", "邻里纠纷"},
                   N,
                   "",
                   "64020200400105",
                   "漏水争吵",
                   "disputes-qingshan",
                   "street-qingshan",
                   {"justice"}},
        SampleCase{"DisputeJinlin",
                   G,
                   "矛盾纠纷",
                   {"矛盾纠纷", "物业纠纷"},
                   N,
                   "",
                   "64020200600205",
                   "停车费纠纷",
                   "disputes-jinlin",
                   "street-jinlin",
                   {"justice"}},
        SampleCase{"DisputeElsewhere",
                   G,
                   "矛盾纠纷",
                   {"矛盾纠纷", "邻里纠纷"},
                   N,
                   "",
                   "64020200900101",
                   "漏水争吵",
                   "disputes",
                   "justice",
                   {}}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace gw
