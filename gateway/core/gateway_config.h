// The gateway's own configuration (config/gateway.yaml) after parsing and validation
// (gateway_yaml.h). Routing lives in its own file (routing_config.h), named here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/case.h"
#include "gateway/core/case_lifecycle.h"
#include "gateway/core/routing_config.h"

namespace gw {

enum class InputFormat : std::uint8_t { hotline, grid };
enum class Charset : std::uint8_t { utf8, gbk, gb18030 };
std::string_view to_string(InputFormat f);
std::string_view to_string(Charset c);

// How grid severities 1-4 map to priorities. DOMAIN.md does not fix the direction; the
// default reads 4 as the most severe and admins can change it.
struct GridOptions {
  Priority severity_priority[5] = {Priority::normal, Priority::normal, Priority::normal,
                                   Priority::urgent, Priority::critical};
};

// One input: a Kafka topic (or, later, a webhook) carrying one upstream format.
struct InputSpec {
  std::string topic;
  InputFormat format = InputFormat::hotline;
  Charset charset = Charset::utf8;
  std::size_t max_bytes = 1 << 20;  // larger inputs are refused as too_large
  GridOptions grid;
  SourcePos pos;
};

struct KafkaSettings {
  // Empty: start librdkafka's in-process mock cluster (the embedded mode).
  std::string brokers;
  std::string group_id = "case-gateway";
  // Passed to librdkafka as they are, e.g. security.protocol, sasl.mechanism, ssl.ca.location.
  std::map<std::string, std::string> properties;           // both consumer and producer
  std::map<std::string, std::string> consumer_properties;  // consumer only
  std::map<std::string, std::string> producer_properties;  // producer only
  int topic_partitions = 6;    // for topics the gateway creates
  int replication_factor = 1;  // for topics the gateway creates
};

// Who may post to the HTTP webhooks (docs/http-api.md). Each signs with its own secret.
struct HttpSender {
  std::string id;
  std::string secret;  // may hold ${NAME}: expanded from the environment at start
  bool may_post_hotline = false;
  bool may_post_grid = false;
  bool may_post_updates = false;
  // Set: this sender's status updates must name this department (a department's own system).
  std::string department;
  double rate_per_second = 0;  // 0: unlimited
  double burst = 0;            // bucket size; defaults to max(1, rate_per_second)
  SourcePos pos;
};

struct HttpSettings {
  // "host:port" to listen on; empty: no HTTP listener.
  std::string listen;
  std::string host;
  int port = 0;
  // Both set: serve HTTPS with this certificate chain and key (PEM files).
  std::string tls_certificate;
  std::string tls_private_key;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_batch_items = 500;
  int request_timeout_ms = 5000;  // wait for Kafka's acknowledgement at most this long
  int signature_window_s = 300;
  std::string admin_token;  // may hold ${NAME}; required when listening
  int threads = 64;         // worker threads: one per connection being served
  int linger_ms = 1;        // the webhook producer's linger.ms: each request waits for it
  GridOptions grid;         // how grid reports posted here map severities
  std::vector<HttpSender> senders;
};

// The case lifecycle and its SLA timers (docs/lifecycle.md): gateway.yaml's `lifecycle`
// section. The files it names are read by gateway/app/config_loading.h (check_lifecycle).
struct LifecycleSettings {
  // Both resolved like routing_file: absolute, or relative to the gateway config's folder.
  std::string sla_file;                                // the SLA policy (docs/sla.md)
  std::string calendars;                               // the folder of working-day calendar files
  std::string events_topic = "case-events";            // every change of every case
  std::string supervision_topic = "case-supervision";  // warnings and breaches
  std::size_t max_returns = 2;  // returns before the command center holds the case
  // A department code; empty: the routing file's default department.
  std::string command_center;
  ResolveClock resolve_clock = ResolveClock::from_dispatch;
  std::size_t applied_ids_window = 32;  // 1..kMaxAppliedIdsWindow
  SourcePos pos;                        // the section, for messages about the files it names
  SourcePos command_center_pos;         // checked against the routing file's departments
};

std::string_view to_string(ResolveClock c);  // "from_dispatch", "from_sign_for"

struct GatewayConfig {
  std::string file;          // where it was loaded from
  std::string routing_file;  // absolute, or relative to the gateway config's folder
  KafkaSettings kafka;
  std::vector<InputSpec> inputs;
  std::string dead_letter_topic = "gateway.dead-letter";
  // The gateway's own topics (docs/architecture.md, "Data flow: two stages"): decoded inputs keyed by
  // case id, from the intake stage to the routing stage; and the compacted record of what
  // was routed, with the same partition count. By default "<group_id>.cases" and
  // "<group_id>.case-state": one deployment (one consumer group) per pair, so two gateways
  // sharing a cluster never read each other's cases.
  std::string internal_topic;
  std::string state_topic;
  // Department status updates (Kafka or the HTTP endpoint), keyed by case id.
  std::string updates_topic = "case-updates";
  HttpSettings http;
  // Absent (no `lifecycle:` section): the lifecycle is off; cases are routed as before.
  std::optional<LifecycleSettings> lifecycle;
  std::string log_level = "info";
};

}  // namespace gw
