// gateway.yaml: where the gateway reads from, where dead letters go, how it talks to Kafka.
#include "gateway/config/gateway_yaml.h"

#include <array>
#include <filesystem>
#include <map>

#include "gateway/config/charset_spellings.h"
#include "gateway/config/http_yaml.h"
#include "gateway/config/lifecycle_yaml.h"
#include "gateway/config/name_syntax.h"
#include "gateway/config/priority_spellings.h"
#include "gateway/config/yaml_reader.h"

namespace gw {
namespace {

using config::Diagnostics;
using config::EnumSpelling;
using config::Field;
using config::MapReader;

constexpr int kSupportedVersion = 1;
constexpr std::int64_t kMaxInputBytes = 64 << 20;

// The level names spdlog knows, so that the app can hand the text straight to it.
constexpr std::array<EnumSpelling<std::string_view>, 5> kLogLevels{{
    {"trace", "trace"},
    {"debug", "debug"},
    {"info", "info"},
    {"warn", "warn"},
    {"error", "error"},
}};

constexpr std::array<EnumSpelling<InputFormat>, 2> kFormats{{
    {"hotline", InputFormat::hotline},
    {"grid", InputFormat::grid},
}};

// librdkafka properties whose value the gateway's delivery guarantee depends on.
struct OwnedProperty {
  std::string_view name;
  std::string_view why;
};
constexpr std::array<OwnedProperty, 7> kOwnedProperties{{
    {"enable.idempotence",
     "the gateway always enables it, so that producer retries never "
     "publish a case twice"},
    {"acks",
     "the gateway needs acks=all: an input is committed only once its outputs are "
     "fully replicated"},
    {"enable.auto.offset.store",
     "the gateway stores an input offset only after every output "
     "of that message is acknowledged"},
    {"enable.auto.commit", "the gateway decides when offsets are committed"},
    {"group.id", "use kafka.group_id instead"},
    {"bootstrap.servers", "use kafka.brokers instead"},
    {"metadata.broker.list", "use kafka.brokers instead"},
}};

std::map<std::string, std::string> read_properties(Diagnostics& diag, const Field& at) {
  std::map<std::string, std::string> properties;
  const auto entries = config::read_map_entries(diag, at);
  if (!entries) {
    return properties;
  }
  for (const auto& entry : *entries) {
    const auto owned = std::find_if(kOwnedProperties.begin(), kOwnedProperties.end(),
                                    [&](const OwnedProperty& p) { return p.name == entry.key; });
    if (owned != kOwnedProperties.end()) {
      diag.error(diag.pos(entry.value.key_mark), entry.value.path,
                 "property \"" + entry.key + "\" cannot be set here: " + std::string(owned->why));
      continue;
    }
    // librdkafka takes every value as text; YAML's 5000 or true are passed as written.
    if (!entry.value.value.IsScalar()) {
      diag.error(entry.value, "expected a string, number or boolean value");
      continue;
    }
    properties.emplace(entry.key, entry.value.value.Scalar());
  }
  return properties;
}

KafkaSettings read_kafka(Diagnostics& diag, const Field& at) {
  KafkaSettings kafka;
  MapReader map(diag, at,
                {"brokers", "group_id", "topic_partitions", "replication_factor", "properties",
                 "consumer_properties", "producer_properties"});
  if (!map.is_map()) {
    return kafka;
  }
  if (const auto f = map.optional("brokers")) {
    // A null value ("brokers:") means the same as an empty one: the embedded mock cluster.
    if (!f->value.IsNull()) {
      if (auto brokers = config::read_string(diag, *f)) {
        kafka.brokers = std::move(*brokers);
      }
    }
  }
  if (const auto f = map.optional("group_id")) {
    if (auto id = config::read_nonempty_string(diag, *f, "group_id")) {
      kafka.group_id = std::move(*id);
    }
  }
  if (const auto f = map.optional("topic_partitions")) {
    if (const auto n = config::read_int(diag, *f, 1, 1000)) {
      kafka.topic_partitions = int(*n);
    }
  }
  if (const auto f = map.optional("replication_factor")) {
    if (const auto n = config::read_int(diag, *f, 1, 16)) {
      kafka.replication_factor = int(*n);
    }
  }
  if (const auto f = map.optional("properties")) {
    kafka.properties = read_properties(diag, *f);
  }
  if (const auto f = map.optional("consumer_properties")) {
    kafka.consumer_properties = read_properties(diag, *f);
  }
  if (const auto f = map.optional("producer_properties")) {
    kafka.producer_properties = read_properties(diag, *f);
  }
  return kafka;
}

std::optional<std::string> read_topic(Diagnostics& diag, const Field& at) {
  auto topic = config::read_nonempty_string(diag, at, "topic");
  if (topic && !config::is_valid_kafka_topic(*topic)) {
    diag.error(at, "invalid Kafka topic \"" + *topic + "\": use 1 to 249 of a-z A-Z 0-9 . _ -");
    return std::nullopt;
  }
  return topic;
}

struct InputRead {
  InputSpec spec;
  std::optional<Field> topic_field;  // to point at when a later check involves the topic
};

InputRead read_input(Diagnostics& diag, const Field& at) {
  InputRead read;
  read.spec.pos = diag.pos(at);
  MapReader map(diag, at, {"topic", "format", "charset", "max_bytes", "severity_priority"});
  if (!map.is_map()) {
    return read;
  }
  if (const auto f = map.required("topic")) {
    if (auto topic = read_topic(diag, *f)) {
      read.spec.topic = std::move(*topic);
      read.topic_field = *f;
    }
  }
  std::optional<InputFormat> format;
  if (const auto f = map.required("format")) {
    format = config::read_enum<InputFormat>(diag, *f, kFormats);
    if (format) {
      read.spec.format = *format;
    }
  }
  if (const auto f = map.optional("charset")) {
    if (const auto c = config::read_enum<Charset>(diag, *f, config::kCharsetSpellings)) {
      read.spec.charset = *c;
    }
  }
  if (const auto f = map.optional("max_bytes")) {
    if (const auto n = config::read_int(diag, *f, 1, kMaxInputBytes)) {
      read.spec.max_bytes = static_cast<std::size_t>(*n);
    }
  }
  if (const auto f = map.optional("severity_priority")) {
    if (format == InputFormat::hotline) {
      diag.error(*f, "severity_priority applies only to grid inputs (format: grid)");
    } else {
      config::read_severity_priority(diag, *f, read.spec.grid);
    }
  }
  return read;
}

// The topics the gateway writes for itself, by their key in gateway.yaml.
std::vector<std::pair<std::string_view, const std::string*>> own_topics(const GatewayConfig& g) {
  std::vector<std::pair<std::string_view, const std::string*>> own = {
      {"dead_letter_topic", &g.dead_letter_topic},
      {"internal_topic", &g.internal_topic},
      {"state_topic", &g.state_topic},
      {"updates_topic", &g.updates_topic}};
  if (g.lifecycle) {
    own.emplace_back("lifecycle.events_topic", &g.lifecycle->events_topic);
    own.emplace_back("lifecycle.supervision_topic", &g.lifecycle->supervision_topic);
  }
  return own;
}

std::string_view why_not_shared(std::string_view own) {
  if (own == "dead_letter_topic") return "the gateway would read its own dead letters";
  if (own == "updates_topic") return "status updates are not tickets or reports";
  return "the gateway would read its own internal records as input";
}

void read_inputs(Diagnostics& diag, const Field& at, const GatewayConfig& gateway,
                 std::vector<InputSpec>& inputs) {
  const auto items = config::read_list(diag, at, config::ListShape::list_only, false);
  if (!items) {
    return;
  }
  std::map<std::string, int, std::less<>> first_lines;
  for (const auto& item : *items) {
    InputRead read = read_input(diag, item);
    if (read.topic_field) {
      const auto [it, inserted] = first_lines.emplace(read.spec.topic, read.spec.pos.line);
      if (!inserted) {
        diag.error(*read.topic_field, "duplicate input topic \"" + read.spec.topic +
                                          "\" (first at line " + std::to_string(it->second) + ")");
      }
      for (const auto& [key, topic] : own_topics(gateway)) {
        if (read.spec.topic == *topic) {
          diag.error(*read.topic_field, "input topic \"" + read.spec.topic + "\" is also the " +
                                            std::string(key) + ": " +
                                            std::string(why_not_shared(key)));
        }
      }
    }
    inputs.push_back(std::move(read.spec));
  }
}

// routing_file (and the lifecycle's files) are relative to the folder of the gateway config,
// not to the working directory, so that the files can be moved together.
std::string resolve_beside_config(const std::string& file, const std::string& config_file) {
  const std::filesystem::path path(file);
  if (path.is_absolute()) {
    return path.lexically_normal().string();
  }
  return (std::filesystem::path(config_file).parent_path() / path).lexically_normal().string();
}

}  // namespace

std::variant<GatewayConfig, std::vector<ConfigError>> parse_gateway_config(
    std::string_view yaml_text, const std::string& file_name) {
  Diagnostics diag(file_name);
  const auto root = config::parse_yaml_document(yaml_text, diag);
  if (!root) {
    return diag.take_errors();
  }
  GatewayConfig gateway;
  gateway.file = file_name;
  const MapReader top(
      diag, Field::root(*root),
      {"version", "routing_file", "log_level", "kafka", "dead_letter_topic", "internal_topic",
       "state_topic", "updates_topic", "http", "lifecycle", "inputs"});
  if (!top.is_map()) {
    return diag.take_errors();
  }
  config::check_format_version(diag, top, kSupportedVersion);
  std::string routing_file = "routes.yaml";
  if (const auto f = top.optional("routing_file")) {
    if (auto file = config::read_nonempty_string(diag, *f, "routing_file")) {
      routing_file = *file;
    }
  }
  gateway.routing_file = resolve_beside_config(routing_file, file_name);
  if (const auto f = top.optional("log_level")) {
    if (const auto level = config::read_enum<std::string_view>(diag, *f, kLogLevels)) {
      gateway.log_level = std::string(*level);
    }
  }
  if (const auto f = top.optional("kafka")) {
    gateway.kafka = read_kafka(diag, *f);
  }
  if (const auto f = top.optional("dead_letter_topic")) {
    if (auto topic = read_topic(diag, *f)) {
      gateway.dead_letter_topic = std::move(*topic);
    }
  }
  gateway.internal_topic = gateway.kafka.group_id + ".cases";
  gateway.state_topic = gateway.kafka.group_id + ".case-state";
  // Later keys may not reuse an earlier key's topic.
  std::vector<std::string_view> own_keys_read = {"dead_letter_topic"};
  for (auto [key, out] : {std::pair{"internal_topic", &gateway.internal_topic},
                          std::pair{"state_topic", &gateway.state_topic},
                          std::pair{"updates_topic", &gateway.updates_topic}}) {
    const auto f = top.optional(key);
    if (f) {
      if (auto topic = read_topic(diag, *f)) *out = std::move(*topic);
    } else if (!config::is_valid_kafka_topic(*out)) {
      // A group id may hold characters a topic may not.
      diag.error(top.field(), std::string(key) + ": the default \"" + *out +
                                  "\" (from kafka.group_id) is not a valid Kafka topic; set " +
                                  std::string(key) + " explicitly");
    }
    for (const auto& [other, topic] : own_topics(gateway)) {
      if (other != key && *topic == *out &&
          std::find(own_keys_read.begin(), own_keys_read.end(), other) != own_keys_read.end()) {
        diag.error(f ? *f : top.field(), std::string(key) + " \"" + *out + "\" is also the " +
                                             std::string(other) + ": each needs its own topic");
      }
    }
    own_keys_read.push_back(key);
  }
  if (const auto f = top.optional("lifecycle")) {
    std::vector<config::TakenTopic> taken;
    for (const auto& [key, topic] : own_topics(gateway)) taken.emplace_back(key, *topic);
    LifecycleSettings lifecycle = config::read_lifecycle(diag, *f, taken);
    lifecycle.sla_file = resolve_beside_config(lifecycle.sla_file, file_name);
    lifecycle.calendars = resolve_beside_config(lifecycle.calendars, file_name);
    gateway.lifecycle = std::move(lifecycle);
  }
  if (const auto f = top.optional("http")) {
    gateway.http = config::read_http(diag, *f);
  }
  if (const auto f = top.required("inputs")) {
    read_inputs(diag, *f, gateway, gateway.inputs);
  }
  if (diag.has_errors()) {
    return diag.take_errors();
  }
  return gateway;
}

std::variant<GatewayConfig, std::vector<ConfigError>> load_gateway_config(const std::string& path) {
  Diagnostics diag(path);
  const auto text = config::read_config_file(path, diag);
  if (!text) {
    return diag.take_errors();
  }
  return parse_gateway_config(*text, path);
}

std::vector<ConfigError> check_topics_against_routing(const GatewayConfig& gateway,
                                                      const RoutingConfig& routing) {
  std::vector<ConfigError> errors;
  for (std::size_t i = 0; i < routing.departments.size(); ++i) {
    const Department& department = routing.departments[i];
    const std::string path = config::index_path("departments", i) + ".topic";
    for (const InputSpec& input : gateway.inputs) {
      if (input.topic == department.topic) {
        errors.push_back(ConfigError{department.pos, path,
                                     "topic \"" + department.topic + "\" is also an input of " +
                                         gateway.file + " (line " + std::to_string(input.pos.line) +
                                         "): the gateway would read back the cases it routes"});
      }
    }
    for (const auto& [key, topic] : own_topics(gateway)) {
      if (department.topic == *topic) {
        errors.push_back(ConfigError{
            department.pos, path,
            "topic \"" + department.topic + "\" is the " + std::string(key) + " of " +
                gateway.file + ": the department would receive the gateway's own records"});
      }
    }
  }
  return errors;
}

}  // namespace gw
