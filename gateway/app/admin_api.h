// What the admin endpoints answer (docs/http-api.md, "Administration" and "Metrics"): the
// gateway's metrics in Prometheus text, the routing config in force, explain, reload, and
// readiness. The HTTP server (adapters/http) only routes and authenticates.
//
// Threads: GatewayMetrics is written from the pipelines' threads (latency), the HTTP workers
// (requests) and the main io thread (the pipelines' counters, refreshed each second), and
// read by /metrics: everything in it is atomic or behind its mutex.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/http/http_server.h"
#include "adapters/kafka/acked_producer.h"
#include "adapters/kafka/case_gateway.h"
#include "adapters/kafka/pipeline_counters.h"
#include "gateway/app/case_queries.h"
#include "gateway/app/route_reloader.h"
#include "gateway/core/gateway_config.h"
#include "gateway/metrics/latency_histogram.h"

namespace gw::app {

// The two stages' counters and lags, as the main io thread last copied them.
struct PipelineSnapshot {
  PipelineCounters intake;
  PipelineCounters routing;
  std::vector<PartitionLag> intake_lag;
  std::vector<PartitionLag> routing_lag;
  std::optional<LifecycleReport> lifecycle;  // when the lifecycle is on
};

class GatewayMetrics {
 public:
  // From the input's timestamp to the acknowledgement of its lead department's record.
  metrics::LatencyHistogram case_latency;

  void observe_http(std::string_view endpoint, int status, double seconds);
  void set_pipelines(PipelineSnapshot snapshot);

  // The exposition: inputs by source and transport, cases by department, dead letters by
  // reason, duplicates, latency, consumer lag, reloads, HTTP requests.
  std::string render(const GatewayConfig& gateway, const RoutingConfig& routing,
                     const http::WebhookCounts* webhooks, std::uint64_t reloads_ok,
                     std::uint64_t reloads_failed) const;

 private:
  mutable std::mutex mutex_;
  PipelineSnapshot pipelines_;
  std::map<std::pair<std::string, int>, std::uint64_t> http_requests_;
  std::map<std::string, std::unique_ptr<metrics::LatencyHistogram>, std::less<>> http_seconds_;
};

// Everything the admin handlers read. The pointers outlive the handlers.
struct AdminContext {
  const GatewayConfig* gateway = nullptr;
  RouteTableHolder* routes = nullptr;
  GatewayMetrics* metrics = nullptr;
  http::WebhookService* webhooks = nullptr;  // null when the gateway has no webhooks
  kafka::AckedProducer* producer = nullptr;  // for readiness
  // GET /v1/cases/{caseId} and GET /v1/stats; null: those answer 503 (no lifecycle).
  const CaseQueries* queries = nullptr;
};

http::AdminHandlers make_admin_handlers(const AdminContext& context);

// GET /v1/cases/{caseId} and GET /v1/stats over queries: 200 with the JSON answer; 404 for an
// unknown case; 400 `bad_query` for bad stats parameters; 429 when too many queries run;
// 503 `kafka_unavailable` when Kafka did not answer.
http::HttpReply case_view_reply(const CaseQueries& queries, std::string_view case_id);
http::HttpReply stats_reply(const CaseQueries& queries,
                            const std::multimap<std::string, std::string>& parameters);

// The routing config as GET /v1/routes shows it (with the last reload's outcome).
std::string routes_json(const RoutingConfig& routing, const ReloadOutcome& last);

}  // namespace gw::app
