// Every kind of problem gateway.yaml can have, each with its exact position, path and message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gateway/config/gateway_yaml.h"
#include "gateway/config/tests/config_error_matchers.h"

namespace gw {
namespace {

// One line; whatever is appended starts on line 2.
constexpr std::string_view kVersion = "version: 1\n";
constexpr std::string_view kOneInput = "inputs: [{topic: t, format: hotline}]\n";

std::string doc(std::string_view body) { return std::string(kVersion) + std::string(body); }

struct ErrorCase {
  const char* name;
  std::string yaml;
  std::vector<ExpectedError> expected;
};

class GatewayYamlErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(GatewayYamlErrorTest, ReportsExactlyTheseErrors) {
  const auto parsed = parse_gateway_config(GetParam().yaml, "gateway.yaml");
  ASSERT_TRUE(std::holds_alternative<std::vector<ConfigError>>(parsed));
  std::vector<testing::Matcher<const ConfigError&>> matchers;
  for (const auto& e : GetParam().expected) matchers.push_back(IsError(e));
  EXPECT_THAT(std::get<std::vector<ConfigError>>(parsed), testing::ElementsAreArray(matchers));
}

INSTANTIATE_TEST_SUITE_P(
    Table, GatewayYamlErrorTest,
    testing::Values(
        ErrorCase{"YamlSyntax",
                  doc("inputs: [\n"),
                  {{3, 1, "", "YAML syntax error: end of sequence flow not found"}}},
        ErrorCase{"NoInputs",
                  std::string(kVersion),
                  {{1, 1, "inputs", "missing required key \"inputs\""}}},
        ErrorCase{
            "EmptyInputs",
            doc("inputs: []\n"),
            {{2, 9, "inputs", "the list is empty: give at least one value or remove the key"}}},
        ErrorCase{"UnknownKeyWithSuggestion",
                  doc("kafak: {}\n") + std::string(kOneInput),
                  {{2, 1, "kafak", "unknown key \"kafak\" (did you mean \"kafka\"?)"}}},
        ErrorCase{
            "UnknownInputKey",
            doc("inputs: [{topic: t, format: grid, charest: gbk}]\n"),
            {{2, 35, "inputs[0].charest", "unknown key \"charest\" (did you mean \"charset\"?)"}}},
        ErrorCase{"UnsupportedVersion",
                  "version: 3\n" + std::string(kOneInput),
                  {{1, 10, "version", "unsupported version 3; this gateway reads version 1"}}},
        ErrorCase{"DuplicateInputTopic",
                  doc("inputs:\n  - {topic: t1, format: hotline}\n  - {topic: t1, format: grid}\n"),
                  {{4, 13, "inputs[1].topic", "duplicate input topic \"t1\" (first at line 3)"}}},
        ErrorCase{"InvalidInputTopic",
                  doc("inputs:\n  - {topic: hotline tickets, format: hotline}\n"),
                  {{3, 13, "inputs[0].topic",
                    "invalid Kafka topic \"hotline tickets\": use 1 to 249 of a-z A-Z 0-9 . _ -"}}},
        ErrorCase{"InvalidDeadLetterTopic",
                  doc("dead_letter_topic: \"dead/letters\"\n") + std::string(kOneInput),
                  {{2, 20, "dead_letter_topic",
                    "invalid Kafka topic \"dead/letters\": use 1 to 249 of a-z A-Z 0-9 . _ -"}}},
        ErrorCase{"DeadLetterTopicIsAnInput",
                  doc("dead_letter_topic: dlq\ninputs:\n  - {topic: dlq, format: grid}\n"),
                  {{4, 13, "inputs[0].topic",
                    "input topic \"dlq\" is also the dead_letter_topic: the gateway would read its "
                    "own dead letters"}}},
        ErrorCase{
            "DefaultDeadLetterTopicIsAnInput",
            doc("inputs:\n  - {topic: gateway.dead-letter, format: grid}\n"),
            {{3, 13, "inputs[0].topic",
              "input topic \"gateway.dead-letter\" is also the dead_letter_topic: the gateway "
              "would read its own dead letters"}}},
        ErrorCase{"InternalTopicIsAnInput",
                  doc("inputs:\n  - {topic: case-gateway.cases, format: grid}\n"),
                  {{3, 13, "inputs[0].topic",
                    "input topic \"case-gateway.cases\" is also the internal_topic: the gateway would "
                    "read its own internal records as input"}}},
        ErrorCase{"StateTopicSharesTheInternalTopic",
                  doc("internal_topic: mine\nstate_topic: mine\n") + std::string(kOneInput),
                  {{3, 14, "state_topic",
                    "state_topic \"mine\" is also the internal_topic: each needs its own topic"}}},
        ErrorCase{"GroupIdGivesNoValidInternalTopic",
                  doc("kafka: {group_id: \"district a/b\"}\n") + std::string(kOneInput),
                  {{1, 1, "",
                    "internal_topic: the default \"district a/b.cases\" (from kafka.group_id) is "
                    "not a valid Kafka topic; set internal_topic explicitly"},
                   {1, 1, "",
                    "state_topic: the default \"district a/b.case-state\" (from kafka.group_id) "
                    "is not a valid Kafka topic; set state_topic explicitly"}}},
        ErrorCase{"MissingFormat",
                  doc("inputs:\n  - topic: t\n"),
                  {{3, 5, "inputs[0].format", "missing required key \"format\""}}},
        ErrorCase{"BadFormatAndCharset",
                  doc("inputs:\n  - {topic: t, format: xml, charset: big5}\n"),
                  {{3, 24, "inputs[0].format", "unknown value \"xml\"; allowed: hotline, grid"},
                   {3, 38, "inputs[0].charset",
                    "unknown value \"big5\"; allowed: utf-8, utf8, gbk, gb18030"}}},
        ErrorCase{
            "MaxBytesOutOfRange",
            doc("inputs:\n  - {topic: a, format: grid, max_bytes: 0}\n"
                "  - {topic: b, format: grid, max_bytes: 67108865}\n"),
            {{3, 41, "inputs[0].max_bytes", "expected an integer from 1 to 67108864, got \"0\""},
             {4, 41, "inputs[1].max_bytes",
              "expected an integer from 1 to 67108864, got \"67108865\""}}},
        ErrorCase{"SeverityPriorityOnHotline",
                  doc("inputs:\n  - {topic: t, format: hotline, severity_priority: {4: urgent}}\n"),
                  {{3, 52, "inputs[0].severity_priority",
                    "severity_priority applies only to grid inputs (format: grid)"}}},
        ErrorCase{
            "BadSeverityPriority",
            doc("inputs:\n  - topic: t\n    format: grid\n"
                "    severity_priority: {5: urgent, 3: high}\n"),
            {{5, 25, "inputs[0].severity_priority.5", "severity must be 1, 2, 3 or 4, got \"5\""},
             {5, 39, "inputs[0].severity_priority.3",
              "unknown value \"high\"; allowed: normal, urgent, critical, 一般, 紧急, 特急"}}},
        ErrorCase{"BadLogLevel",
                  doc("log_level: verbose\n") + std::string(kOneInput),
                  {{2, 12, "log_level",
                    "unknown value \"verbose\"; allowed: trace, debug, info, warn, error"}}},
        ErrorCase{
            "KafkaNumbersOutOfRange",
            doc("kafka:\n  topic_partitions: 0\n  replication_factor: 17\n  group_id: \"\"\n") +
                std::string(kOneInput),
            {{3, 21, "kafka.topic_partitions", "expected an integer from 1 to 1000, got \"0\""},
             {4, 23, "kafka.replication_factor", "expected an integer from 1 to 16, got \"17\""},
             {5, 13, "kafka.group_id", "group_id must not be empty"}}},
        ErrorCase{"GatewayOwnedProperties",
                  doc("kafka:\n"
                      "  properties:\n"
                      "    acks: \"1\"\n"
                      "    bootstrap.servers: x:9092\n"
                      "  producer_properties: {enable.idempotence: false}\n"
                      "  consumer_properties: {group.id: g, enable.auto.commit: true, "
                      "enable.auto.offset.store: true}\n") +
                      std::string(kOneInput),
                  {{4, 5, "kafka.properties.acks",
                    "property \"acks\" cannot be set here: the gateway needs acks=all: an input is "
                    "committed only once its outputs are fully replicated"},
                   {5, 5, "kafka.properties.bootstrap.servers",
                    "property \"bootstrap.servers\" cannot be set here: use kafka.brokers instead"},
                   {6, 25, "kafka.producer_properties.enable.idempotence",
                    "property \"enable.idempotence\" cannot be set here: the gateway always "
                    "enables it, so that producer retries never publish a case twice"},
                   {7, 25, "kafka.consumer_properties.group.id",
                    "property \"group.id\" cannot be set here: use kafka.group_id instead"},
                   {7, 38, "kafka.consumer_properties.enable.auto.commit",
                    "property \"enable.auto.commit\" cannot be set here: the gateway decides when "
                    "offsets are committed"},
                   {7, 64, "kafka.consumer_properties.enable.auto.offset.store",
                    "property \"enable.auto.offset.store\" cannot be set here: the gateway stores "
                    "an input offset only after every output of that message is acknowledged"}}},
        ErrorCase{"PropertyValueNotAScalar",
                  doc("kafka:\n  properties: {ssl.ca.location: [a, b]}\n") + std::string(kOneInput),
                  {{3, 33, "kafka.properties.ssl.ca.location",
                    "expected a string, number or boolean value"}}},
        ErrorCase{"KafkaNotAMapping",
                  doc("kafka: localhost:9092\n") + std::string(kOneInput),
                  {{2, 8, "kafka", "expected a mapping, got \"localhost:9092\""}}},
        ErrorCase{"LifecycleUnknownKey",
                  doc("lifecycle: {sla_flie: s.yaml}\n") + std::string(kOneInput),
                  {{2, 13, "lifecycle.sla_flie",
                    "unknown key \"sla_flie\" (did you mean \"sla_file\"?)"}}},
        ErrorCase{"LifecycleNotAMapping",
                  doc("lifecycle: on\n") + std::string(kOneInput),
                  {{2, 12, "lifecycle", "expected a mapping, got \"on\""}}},
        ErrorCase{"LifecycleBadValues",
                  doc("lifecycle:\n"
                      "  sla_file: \"\"\n"
                      "  max_returns: 21\n"
                      "  resolve_clock: from_signing\n"
                      "  applied_ids_window: 0\n"
                      "  command_center: Command Center\n"
                      "  events_topic: case events\n") +
                      std::string(kOneInput),
                  {{3, 13, "lifecycle.sla_file", "sla_file must not be empty"},
                   {4, 16, "lifecycle.max_returns", "expected an integer from 0 to 20, got \"21\""},
                   {5, 18, "lifecycle.resolve_clock",
                    "unknown value \"from_signing\"; allowed: from_dispatch, from_sign_for"},
                   {6, 23, "lifecycle.applied_ids_window",
                    "expected an integer from 1 to 1024, got \"0\""},
                   {7, 19, "lifecycle.command_center",
                    "invalid department code \"Command Center\": use 1 to 64 of a-z 0-9 . _ -, "
                    "starting with a-z or 0-9; or \"\" for the routing file's default department"},
                   {8, 17, "lifecycle.events_topic",
                    "invalid Kafka topic \"case events\": use 1 to 249 of a-z A-Z 0-9 . _ -"}}},
        ErrorCase{"LifecycleTopicsShareTopics",
                  doc("updates_topic: u\n"
                      "lifecycle: {events_topic: u, supervision_topic: u}\n") +
                      std::string(kOneInput),
                  {{3, 27, "lifecycle.events_topic",
                    "lifecycle.events_topic \"u\" is also the updates_topic: each needs its own "
                    "topic"},
                   {3, 49, "lifecycle.supervision_topic",
                    "lifecycle.supervision_topic \"u\" is also the updates_topic: each needs its "
                    "own topic"},
                   {3, 49, "lifecycle.supervision_topic",
                    "lifecycle.supervision_topic \"u\" is also the lifecycle.events_topic: each "
                    "needs its own topic"}}},
        ErrorCase{"LifecycleDefaultTopicIsTaken",
                  doc("dead_letter_topic: case-events\nlifecycle: {}\n") + std::string(kOneInput),
                  {{3, 12, "lifecycle",
                    "lifecycle.events_topic \"case-events\" is also the dead_letter_topic: each "
                    "needs its own topic"}}},
        ErrorCase{"InputIsTheEventsTopic",
                  doc("lifecycle: {}\ninputs:\n  - {topic: case-supervision, format: grid}\n"),
                  {{4, 13, "inputs[0].topic",
                    "input topic \"case-supervision\" is also the lifecycle.supervision_topic: the "
                    "gateway would read its own internal records as input"}}}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace gw
