#include "gateway/config/gateway_yaml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gateway/config/tests/config_error_matchers.h"

namespace gw {
namespace {

using testing::ElementsAre;
using testing::Pair;

GatewayConfig parse_ok(std::string_view yaml, const std::string& file) {
  auto parsed = parse_gateway_config(yaml, file);
  if (auto* errors = std::get_if<std::vector<ConfigError>>(&parsed)) {
    for (const auto& e : *errors) ADD_FAILURE() << testing::PrintToString(e);
    return GatewayConfig{};
  }
  return std::get<GatewayConfig>(std::move(parsed));
}

TEST(GatewayYaml, ReadsEverySetting) {
  const GatewayConfig config = parse_ok(R"(version: 1
routing_file: ../routing/routes.yaml
log_level: debug
kafka:
  brokers: "kafka-1:9092,kafka-2:9092"
  group_id: gw-test
  topic_partitions: 12
  replication_factor: 3
  properties:
    security.protocol: SASL_SSL
    socket.keepalive.enable: true
    message.max.bytes: 2000000
  consumer_properties: {fetch.wait.max.ms: 50}
  producer_properties: {linger.ms: 5}
dead_letter_topic: gw.dlq
inputs:
  - topic: hotline.tickets
    format: hotline
    charset: gb18030
    max_bytes: 2097152
  - topic: grid.reports
    format: grid
    severity_priority: {1: normal, 2: 紧急, 4: urgent}
)",
                                        "/etc/gw/conf/gateway.yaml");
  EXPECT_EQ(config.file, "/etc/gw/conf/gateway.yaml");
  EXPECT_EQ(config.routing_file, "/etc/gw/routing/routes.yaml");
  EXPECT_EQ(config.log_level, "debug");
  EXPECT_EQ(config.kafka.brokers, "kafka-1:9092,kafka-2:9092");
  EXPECT_EQ(config.kafka.group_id, "gw-test");
  EXPECT_EQ(config.kafka.topic_partitions, 12);
  EXPECT_EQ(config.kafka.replication_factor, 3);
  // Numbers and booleans reach librdkafka as the text the admin wrote.
  EXPECT_THAT(config.kafka.properties, ElementsAre(Pair("message.max.bytes", "2000000"),
                                                   Pair("security.protocol", "SASL_SSL"),
                                                   Pair("socket.keepalive.enable", "true")));
  EXPECT_THAT(config.kafka.consumer_properties, ElementsAre(Pair("fetch.wait.max.ms", "50")));
  EXPECT_THAT(config.kafka.producer_properties, ElementsAre(Pair("linger.ms", "5")));
  EXPECT_EQ(config.dead_letter_topic, "gw.dlq");

  ASSERT_EQ(config.inputs.size(), 2u);
  const InputSpec& hotline = config.inputs[0];
  EXPECT_EQ(hotline.topic, "hotline.tickets");
  EXPECT_EQ(hotline.format, InputFormat::hotline);
  EXPECT_EQ(hotline.charset, Charset::gb18030);
  EXPECT_EQ(hotline.max_bytes, 2097152u);
  EXPECT_EQ(hotline.pos.line, 17);
  EXPECT_EQ(hotline.pos.column, 5);
  const InputSpec& grid = config.inputs[1];
  EXPECT_EQ(grid.format, InputFormat::grid);
  EXPECT_EQ(grid.charset, Charset::utf8);
  EXPECT_EQ(grid.grid.severity_priority[1], Priority::normal);
  EXPECT_EQ(grid.grid.severity_priority[2], Priority::urgent);
  EXPECT_EQ(grid.grid.severity_priority[3], Priority::urgent);  // default kept
  EXPECT_EQ(grid.grid.severity_priority[4], Priority::urgent);
}

TEST(GatewayYaml, InternalTopicsFollowTheGroupUnlessNamed) {
  const GatewayConfig derived = parse_ok(
      "version: 1\nkafka: {group_id: district-a}\ninputs: [{topic: t, format: grid}]\n", "g.yaml");
  EXPECT_EQ(derived.internal_topic, "district-a.cases");
  EXPECT_EQ(derived.state_topic, "district-a.case-state");
  const GatewayConfig named = parse_ok(
      "version: 1\ninternal_topic: i\nstate_topic: s\ninputs: [{topic: t, format: grid}]\n",
      "g.yaml");
  EXPECT_EQ(named.internal_topic, "i");
  EXPECT_EQ(named.state_topic, "s");
}

TEST(GatewayYaml, DefaultsForEverythingOptional) {
  const GatewayConfig config =
      parse_ok("version: 1\ninputs:\n  - {topic: hotline.tickets, format: hotline}\n",
               "config/gateway.yaml");
  EXPECT_EQ(config.routing_file, "config/routes.yaml");
  EXPECT_EQ(config.log_level, "info");
  EXPECT_EQ(config.kafka.brokers, "");  // the embedded mock cluster
  EXPECT_EQ(config.kafka.group_id, "case-gateway");
  EXPECT_EQ(config.kafka.topic_partitions, 6);
  EXPECT_EQ(config.kafka.replication_factor, 1);
  EXPECT_TRUE(config.kafka.properties.empty());
  EXPECT_EQ(config.dead_letter_topic, "gateway.dead-letter");
  EXPECT_EQ(config.internal_topic, "case-gateway.cases");
  EXPECT_EQ(config.state_topic, "case-gateway.case-state");
  ASSERT_EQ(config.inputs.size(), 1u);
  EXPECT_EQ(config.inputs[0].charset, Charset::utf8);
  EXPECT_EQ(config.inputs[0].max_bytes, 1u << 20);
  EXPECT_EQ(config.inputs[0].grid.severity_priority[4], Priority::critical);
}

TEST(GatewayYaml, ReadsTheLifecycleSection) {
  const GatewayConfig config = parse_ok(R"(version: 1
lifecycle:
  sla_file: ../policy/sla.yaml
  calendars: /srv/calendars
  events_topic: district.case-events
  supervision_topic: district.supervision
  max_returns: 0
  command_center: dispatch-center
  resolve_clock: from_sign_for
  applied_ids_window: 64
inputs: [{topic: t, format: grid}]
)",
                                        "/etc/gw/conf/gateway.yaml");
  ASSERT_TRUE(config.lifecycle.has_value());
  const LifecycleSettings& l = *config.lifecycle;
  EXPECT_EQ(l.sla_file, "/etc/gw/policy/sla.yaml");
  EXPECT_EQ(l.calendars, "/srv/calendars");
  EXPECT_EQ(l.events_topic, "district.case-events");
  EXPECT_EQ(l.supervision_topic, "district.supervision");
  EXPECT_EQ(l.max_returns, 0u);
  EXPECT_EQ(l.command_center, "dispatch-center");
  EXPECT_EQ(l.command_center_pos.line, 8);
  EXPECT_EQ(l.command_center_pos.column, 19);
  EXPECT_EQ(l.resolve_clock, ResolveClock::from_sign_for);
  EXPECT_EQ(l.applied_ids_window, 64u);
  EXPECT_EQ(l.pos.line, 3);
}

TEST(GatewayYaml, AnEmptyLifecycleSectionTurnsItOnWithDefaults) {
  const GatewayConfig config = parse_ok(
      "version: 1\nlifecycle: {command_center: \"\"}\ninputs: [{topic: t, format: grid}]\n",
      "config/gateway.yaml");
  ASSERT_TRUE(config.lifecycle.has_value());
  const LifecycleSettings& l = *config.lifecycle;
  EXPECT_EQ(l.sla_file, "config/sla.yaml");  // beside gateway.yaml, like routing_file
  EXPECT_EQ(l.calendars, "config/calendars");
  EXPECT_EQ(l.events_topic, "case-events");
  EXPECT_EQ(l.supervision_topic, "case-supervision");
  EXPECT_EQ(l.max_returns, 2u);
  EXPECT_EQ(l.command_center, "");  // the routing file's default department
  EXPECT_EQ(l.resolve_clock, ResolveClock::from_dispatch);
  EXPECT_EQ(l.applied_ids_window, 32u);
  EXPECT_EQ(to_string(ResolveClock::from_dispatch), "from_dispatch");
  EXPECT_EQ(to_string(ResolveClock::from_sign_for), "from_sign_for");
}

TEST(GatewayYaml, NoLifecycleSectionMeansNoLifecycle) {
  const GatewayConfig config =
      parse_ok("version: 1\ninputs: [{topic: t, format: grid}]\n", "config/gateway.yaml");
  EXPECT_FALSE(config.lifecycle.has_value());
}

TEST(TopicsAgainstRouting, ADepartmentMayNotReceiveTheLifecycleTopics) {
  const GatewayConfig gateway =
      parse_ok("version: 1\nlifecycle: {}\ninputs: [{topic: t, format: grid}]\n", "gateway.yaml");
  RoutingConfig routing;
  routing.departments.push_back(
      Department{.code = "x", .topic = "case-events", .pos = {"routes.yaml", 4, 5}});
  EXPECT_THAT(check_topics_against_routing(gateway, routing),
              ElementsAre(IsError(4, 5, "departments[0].topic",
                                  "topic \"case-events\" is the lifecycle.events_topic of "
                                  "gateway.yaml: the department would receive the gateway's own "
                                  "records")));
}

struct RoutingFileCase {
  std::string config_file;
  std::string routing_file;
  std::string resolved;
};

class RoutingFileTest : public testing::TestWithParam<RoutingFileCase> {};

TEST_P(RoutingFileTest, IsRelativeToTheGatewayConfigFolder) {
  const auto& c = GetParam();
  const GatewayConfig config = parse_ok(
      "version: 1\nrouting_file: " + c.routing_file + "\ninputs: [{topic: t, format: grid}]\n",
      c.config_file);
  EXPECT_EQ(config.routing_file, c.resolved);
}

INSTANTIATE_TEST_SUITE_P(
    Table, RoutingFileTest,
    testing::Values(
        RoutingFileCase{"gateway.yaml", "routes.yaml", "routes.yaml"},
        RoutingFileCase{"config/gateway.yaml", "routes.yaml", "config/routes.yaml"},
        RoutingFileCase{"/srv/gw/gateway.yaml", "./r/routes.yaml", "/srv/gw/r/routes.yaml"},
        RoutingFileCase{"/srv/gw/gateway.yaml", "/etc/routes.yaml", "/etc/routes.yaml"}));

TEST(GatewayYaml, UnreadableFileIsOneError) {
  const auto loaded = load_gateway_config("/nonexistent/gateway.yaml");
  ASSERT_TRUE(std::holds_alternative<std::vector<ConfigError>>(loaded));
  EXPECT_THAT(std::get<std::vector<ConfigError>>(loaded),
              ElementsAre(IsError(0, 0, "", "cannot open: No such file or directory")));
}

TEST(GatewayYaml, EnumNames) {
  EXPECT_EQ(to_string(InputFormat::hotline), "hotline");
  EXPECT_EQ(to_string(InputFormat::grid), "grid");
  EXPECT_EQ(to_string(Charset::utf8), "utf-8");
  EXPECT_EQ(to_string(Charset::gbk), "gbk");
  EXPECT_EQ(to_string(Charset::gb18030), "gb18030");
}

TEST(TopicsAgainstRouting, DepartmentTopicMustNotBeAnInputOrTheDeadLetterTopic) {
  GatewayConfig gateway;
  gateway.file = "gateway.yaml";
  gateway.inputs.push_back(InputSpec{.topic = "hotline.tickets", .pos = {"gateway.yaml", 17, 5}});
  gateway.dead_letter_topic = "gateway.dead-letter";
  RoutingConfig routing;
  routing.departments.push_back(Department{
      "housing", "住建局", "dept.housing", PersonalDataPolicy::masked, {"routes.yaml", 3, 5}});
  EXPECT_TRUE(check_topics_against_routing(gateway, routing).empty());

  routing.departments.push_back(Department{
      "loop", "环", "hotline.tickets", PersonalDataPolicy::masked, {"routes.yaml", 7, 5}});
  routing.departments.push_back(Department{
      "dlq", "死信", "gateway.dead-letter", PersonalDataPolicy::masked, {"routes.yaml", 11, 5}});
  EXPECT_THAT(
      check_topics_against_routing(gateway, routing),
      ElementsAre(IsError(7, 5, "departments[1].topic",
                          "topic \"hotline.tickets\" is also an input of gateway.yaml (line 17): "
                          "the gateway would read back the cases it routes"),
                  IsError(11, 5, "departments[2].topic",
                          "topic \"gateway.dead-letter\" is the dead_letter_topic of "
                          "gateway.yaml: the department would receive the gateway's own "
                          "records")));
  routing.departments.resize(1);
  gateway.state_topic = "gateway.case-state";
  routing.departments.push_back(Department{
      "state", "状态", "gateway.case-state", PersonalDataPolicy::masked, {"routes.yaml", 13, 5}});
  EXPECT_THAT(check_topics_against_routing(gateway, routing),
              ElementsAre(IsError(13, 5, "departments[1].topic",
                                  "topic \"gateway.case-state\" is the state_topic of "
                                  "gateway.yaml: the department would receive the gateway's own "
                                  "records")));
}

}  // namespace
}  // namespace gw
