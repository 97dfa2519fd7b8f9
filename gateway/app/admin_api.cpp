#include "gateway/app/admin_api.h"

#include <chrono>
#include <exception>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>

#include "adapters/http/media_type.h"
#include "adapters/http/problem_json.h"
#include "adapters/intake/input_decoders.h"
#include "gateway/app/explain.h"
#include "gateway/core/case_id.h"
#include "gateway/core/case_json.h"
#include "gateway/metrics/exposition.h"

namespace gw::app {
namespace {

constexpr std::string_view kExplainTopic = "(explain)";

http::HttpReply json_reply(int status, std::string body) {
  http::HttpReply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

void append_string_array(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, items[i]);
  }
  out += ']';
}

std::string_view source_of(InputFormat f) { return f == InputFormat::hotline ? "hotline" : "grid"; }

EpochMs now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Explain needs a processor per charset; admin traffic is light, so one of each behind a
// mutex serves every worker.
class Explainer {
 public:
  explicit Explainer(RouteTableHolder& routes) : routes_(routes) {}

  http::HttpReply explain(std::string_view content_type, std::string_view body) {
    const auto media_type = http::parse_json_content_type(content_type);
    if (const auto* refused = std::get_if<http::MediaTypeRefusal>(&media_type)) {
      return http::problem_reply(http::problem_for(415, "unsupported_media_type", refused->detail));
    }
    const Charset charset = std::get<Charset>(media_type);
    std::shared_ptr<const RouteTable> table = routes_.current();
    std::lock_guard lock(mutex_);
    CaseProcessor& processor = processor_for(charset);
    InputRecord in;
    in.topic = kExplainTopic;
    in.value = body;
    in.timestamp = now_ms();
    Result<Case> normalized = processor.normalize(in, *table);
    if (!normalized) {
      return http::problem_reply(http::problem_from_refusal(normalized.refusal()));
    }
    const RouteDecision decision = table->route(*normalized);
    std::ostringstream text;
    app::explain(text, body, processor, kExplainTopic, *table, in.timestamp, ExplainOptions{});
    std::string out = "{\"caseId\":";
    append_json_string(out, normalized->case_id);
    out += ",\"rule\":";
    if (decision.rule != nullptr) {
      append_json_string(out, decision.rule->id);
    } else {
      out += "null";
    }
    out += ",\"lead\":";
    append_json_string(out, decision.lead->code);
    std::vector<std::string> co;
    for (const Department* d : decision.co) co.push_back(d->code);
    out += ",\"coHandlers\":";
    append_string_array(out, co);
    out += ",\"explanation\":";
    append_json_string(out, text.str());
    out += '}';
    return json_reply(200, std::move(out));
  }

 private:
  CaseProcessor& processor_for(Charset charset) {
    auto& p = processors_[static_cast<int>(charset)];
    if (!p) {
      p = std::make_unique<CaseProcessor>([this] { return routes_.current(); }, "(dead letters)");
      p->add_input(std::string(kExplainTopic),
                   make_autodetect_decoder(charset, 64u << 20, GridOptions{}));
    }
    return *p;
  }

  RouteTableHolder& routes_;
  std::mutex mutex_;
  std::map<int, std::unique_ptr<CaseProcessor>> processors_;
};

}  // namespace

void GatewayMetrics::observe_http(std::string_view endpoint, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++http_requests_[{std::string(endpoint), status}];
  auto it = http_seconds_.find(endpoint);
  if (it == http_seconds_.end()) {
    it = http_seconds_.emplace(std::string(endpoint), std::make_unique<metrics::LatencyHistogram>())
             .first;
  }
  it->second->observe(seconds);
}

void GatewayMetrics::set_pipelines(PipelineSnapshot snapshot) {
  std::lock_guard lock(mutex_);
  pipelines_ = std::move(snapshot);
}

std::string GatewayMetrics::render(const GatewayConfig& gateway, const RoutingConfig& routing,
                                   const http::WebhookCounts* webhooks, std::uint64_t reloads_ok,
                                   std::uint64_t reloads_failed) const {
  metrics::Exposition e;
  std::lock_guard lock(mutex_);
  const PipelineSnapshot& p = pipelines_;

  constexpr std::string_view kInputsHelp = "Inputs received, by source and transport.";
  std::map<std::string, double> kafka_inputs{{"hotline", 0}, {"grid", 0}};
  for (const InputSpec& in : gateway.inputs) {
    auto it = p.intake.consumed_by_topic.find(in.topic);
    if (it != p.intake.consumed_by_topic.end()) {
      kafka_inputs[std::string(source_of(in.format))] += static_cast<double>(it->second);
    }
  }
  for (const auto& [source, n] : kafka_inputs) {
    e.counter("gateway_inputs_total", kInputsHelp, {{"source", source}, {"via", "kafka"}}, n);
  }
  if (webhooks != nullptr) {
    const char* names[] = {"hotline", "grid", "updates"};
    for (int i = 0; i < 3; ++i) {
      e.counter("gateway_inputs_total", kInputsHelp, {{"source", names[i]}, {"via", "http"}},
                static_cast<double>(webhooks->received[i]));
    }
  }

  for (const Department& d : routing.departments) {
    auto it = p.routing.cases_produced.find(d.topic);
    e.counter("gateway_cases_total",
              "Case records acknowledged on each department's topic (lead and co-handlers).",
              {{"department", d.code}},
              it == p.routing.cases_produced.end() ? 0.0 : static_cast<double>(it->second));
  }

  std::map<std::string, std::uint64_t> dead;
  for (const auto& [code, n] : p.intake.dead_letters) dead[code] += n;
  for (const auto& [code, n] : p.routing.dead_letters) dead[code] += n;
  if (webhooks != nullptr) {
    for (const auto& [code, n] : webhooks->dead_letters) dead[code] += n;
  }
  for (const auto& [code, n] : dead) {
    e.counter("gateway_dead_letters_total", "Inputs refused and dead-lettered, by reason.",
              {{"reason", code}}, static_cast<double>(n));
  }
  e.counter("gateway_duplicates_total", "Cases not routed again because they were routed before.",
            {}, static_cast<double>(p.routing.duplicates));
  e.histogram("gateway_case_latency_seconds",
              "From an input's timestamp to the acknowledgement of its lead department's record.",
              {}, case_latency.snapshot());
  for (const auto& [stage, lags] :
       {std::pair{"intake", &p.intake_lag}, std::pair{"routing", &p.routing_lag}}) {
    for (const PartitionLag& l : *lags) {
      if (l.lag < 0) continue;
      e.gauge("gateway_consumer_lag", "Records behind the end of each assigned partition.",
              {{"stage", stage}, {"topic", l.topic}, {"partition", std::to_string(l.partition)}},
              static_cast<double>(l.lag));
    }
  }
  if (p.lifecycle) {
    const LifecycleCounters& c = p.lifecycle->counters;
    e.gauge("gateway_lifecycle_cases", "Cases whose lifecycle this instance tracks (its partitions).",
            {}, static_cast<double>(p.lifecycle->tracked_cases));
    e.gauge("gateway_lifecycle_timed_cases", "Tracked cases with a running SLA clock.", {},
            static_cast<double>(p.lifecycle->timed_cases));
    e.gauge("gateway_lifecycle_memory_bytes",
            "Estimated memory of the tracked cases' states and timers.", {},
            static_cast<double>(p.lifecycle->book_bytes));
    for (const auto& [result, n] : {std::pair{"applied", c.updates_applied},
                                    std::pair{"duplicate", c.updates_duplicate},
                                    std::pair{"refused", c.updates_refused}}) {
      e.counter("gateway_lifecycle_updates_total",
                "Department status updates, by result (refused ones are dead-lettered).",
                {{"result", result}}, static_cast<double>(n));
    }
    e.counter("gateway_lifecycle_timers_fired_total",
              "Cases for which SLA timers fired (warnings, breaches, escalations).", {},
              static_cast<double>(c.timers_fired));
    e.counter("gateway_lifecycle_events_total", "Case events written.", {},
              static_cast<double>(c.events));
    e.counter("gateway_lifecycle_rerouted_total", "Returned cases routed again.", {},
              static_cast<double>(c.rerouted));
    for (const auto& [kind, n] : {std::pair{"untracked", c.cases_untracked},
                                  std::pair{"reroute_failed", c.reroute_failures},
                                  std::pair{"restore_refused", c.restore_refused},
                                  std::pair{"timer_stuck", c.timers_stuck}}) {
      e.counter("gateway_lifecycle_problems_total",
                "Lifecycle problems, by kind (the log names the latest): cases routed without "
                "clocks, returns not routed again, state records that did not decode, timers "
                "the policy refused to fire.",
                {{"kind", kind}}, static_cast<double>(n));
    }
  }
  e.counter("gateway_config_reloads_total", "Routing config reloads, by result.",
            {{"result", "ok"}}, static_cast<double>(reloads_ok));
  e.counter("gateway_config_reloads_total", "Routing config reloads, by result.",
            {{"result", "failed"}}, static_cast<double>(reloads_failed));
  if (webhooks != nullptr) {
    for (const auto& [code, n] : webhooks->rejected) {
      e.counter("gateway_http_rejected_total",
                "Webhook requests or inputs refused before their content was read, or not "
                "written to Kafka, by reason.",
                {{"reason", code}}, static_cast<double>(n));
    }
  }
  for (const auto& [key, n] : http_requests_) {
    e.counter("gateway_http_requests_total", "HTTP requests, by endpoint and status.",
              {{"endpoint", key.first}, {"status", std::to_string(key.second)}},
              static_cast<double>(n));
  }
  for (const auto& [endpoint, histogram] : http_seconds_) {
    e.histogram("gateway_http_request_seconds", "Time to answer an HTTP request, by endpoint.",
                {{"endpoint", endpoint}}, histogram->snapshot());
  }
  return e.str();
}

std::string routes_json(const RoutingConfig& routing, const ReloadOutcome& last) {
  std::string out = "{\"file\":";
  append_json_string(out, routing.file);
  out += ",\"departments\":[";
  for (std::size_t i = 0; i < routing.departments.size(); ++i) {
    const Department& d = routing.departments[i];
    if (i > 0) out += ',';
    out += "{\"code\":";
    append_json_string(out, d.code);
    out += ",\"name\":";
    append_json_string(out, d.name);
    out += ",\"topic\":";
    append_json_string(out, d.topic);
    out += ",\"personalData\":";
    append_json_string(out, to_string(d.personal_data));
    out += '}';
  }
  out += "],\"rules\":[";
  for (std::size_t i = 0; i < routing.rules.size(); ++i) {
    const Rule& r = routing.rules[i];
    if (i > 0) out += ',';
    out += "{\"id\":";
    append_json_string(out, r.id);
    out += ",\"line\":" + std::to_string(r.pos.line) + ",\"lead\":";
    append_json_string(out, r.lead);
    out += ",\"coHandlers\":";
    append_string_array(out, r.co);
    const RuleMatch& m = r.match;
    out += ",\"match\":{\"sources\":";
    std::vector<std::string> sources;
    for (Source s : m.sources) sources.emplace_back(to_string(s));
    append_string_array(out, sources);
    out += ",\"kinds\":";
    append_string_array(out, m.kinds);
    std::vector<std::string> categories;
    for (const auto& prefix : m.category_prefixes) {
      std::string joined;
      for (const std::string& level : prefix) joined += (joined.empty() ? "" : "/") + level;
      categories.push_back(joined);
    }
    out += ",\"categories\":";
    append_string_array(out, categories);
    out += ",\"streets\":";
    append_string_array(out, m.streets);
    out += ",\"communities\":";
    append_string_array(out, m.communities);
    out += ",\"gridPrefixes\":";
    append_string_array(out, m.grid_prefixes);
    std::vector<std::string> urgencies;
    for (Priority u : m.urgencies) urgencies.emplace_back(to_string(u));
    out += ",\"urgencies\":";
    append_string_array(out, urgencies);
    out += ",\"keywords\":";
    append_string_array(out, m.keywords);
    out += "}}";
  }
  out += "],\"default\":";
  append_json_string(out, routing.default_department);
  out += ",\"lastReload\":{\"result\":";
  append_json_string(out, last.ok ? "ok" : "failed");
  out += ",\"trigger\":";
  append_json_string(out, last.trigger);
  out += ",\"at\":";
  append_json_string(out, last.at);
  out += ",\"errors\":";
  append_string_array(out, last.errors);
  out += "}}";
  return out;
}

http::AdminHandlers make_admin_handlers(const AdminContext& c) {
  http::AdminHandlers h;
  h.readyz = [c] {
    if (c.producer != nullptr && !c.producer->reachable(std::chrono::milliseconds(1000))) {
      http::Problem p = http::problem_for(503, "kafka_unavailable",
                                          "no Kafka broker answered a metadata request");
      p.retry_after_seconds = 5;
      return http::problem_reply(p);
    }
    return json_reply(200, "{\"status\":\"ready\",\"kafka\":\"reachable\",\"config\":\"loaded\"}");
  };
  h.metrics = [c] {
    http::HttpReply r;
    r.content_type = std::string(metrics::Exposition::kContentType);
    std::optional<http::WebhookCounts> webhooks;
    if (c.webhooks != nullptr) webhooks = c.webhooks->snapshot();
    const std::shared_ptr<const RouteTable> table = c.routes->current();
    r.body = c.metrics->render(*c.gateway, table->config(), webhooks ? &*webhooks : nullptr,
                               c.routes->reloads_ok(), c.routes->reloads_failed());
    return r;
  };
  h.routes = [c] {
    const std::shared_ptr<const RouteTable> table = c.routes->current();
    return json_reply(200, routes_json(table->config(), c.routes->last()));
  };
  auto explainer = std::make_shared<Explainer>(*c.routes);
  h.explain = [explainer](std::string_view content_type, std::string_view body) {
    return explainer->explain(content_type, body);
  };
  h.reload = [c] {
    const ReloadOutcome outcome = c.routes->reload("admin API");
    if (!outcome.ok) {
      http::Problem p = http::problem_for(
          422, "invalid_config",
          "the routing file was not loaded; the running config stays (" +
              std::to_string(outcome.errors.size()) + " problems)");
      p.errors = outcome.errors;
      return http::problem_reply(p);
    }
    return json_reply(200, "{\"result\":\"ok\",\"rules\":" + std::to_string(outcome.rules) +
                               ",\"departments\":" + std::to_string(outcome.departments) + "}");
  };
  if (c.queries != nullptr) {
    const CaseQueries* queries = c.queries;
    h.case_view = [queries](std::string_view case_id) {
      return case_view_reply(*queries, case_id);
    };
    h.stats = [queries](const std::multimap<std::string, std::string>& parameters) {
      return stats_reply(*queries, parameters);
    };
  }
  return h;
}

namespace {

// What a query that could not run answers.
http::HttpReply query_failure(const std::exception& e) {
  if (dynamic_cast<const QueriesBusy*>(&e) != nullptr) {
    http::Problem p = http::problem_for(429, "rate_limited", e.what());
    p.retry_after_seconds = 1;
    return http::problem_reply(p);
  }
  http::Problem p = http::problem_for(503, "kafka_unavailable", e.what());
  p.retry_after_seconds = 5;
  return http::problem_reply(p);
}

// The parameter's only value; a repeated one is a refusal.
MaybeRefusal single_parameter(const std::multimap<std::string, std::string>& parameters,
                              const std::string& name, std::optional<std::string_view>& out) {
  const auto [first, last] = parameters.equal_range(name);
  if (first == last) return std::nullopt;
  if (std::next(first) != last) {
    return Refusal{RefusalCode::out_of_range, name, "given more than once"};
  }
  out = first->second;
  return std::nullopt;
}

}  // namespace

http::HttpReply case_view_reply(const CaseQueries& queries, std::string_view case_id) {
  try {
    const CaseView view = queries.case_view(case_id);
    if (!view.found) {
      // The path is echoed only when it is a case id: anything else may not even be UTF-8.
      std::string detail = is_case_id(case_id)
                               ? "no case " + std::string(case_id) + " on the state topic"
                               : std::string(
                                     "not a case id (HL- or GR- and 24 lowercase hex "
                                     "digits), so no such case");
      if (!view.scan.complete) {
        detail += " (the first " + std::to_string(view.scan.limit) + " records were read)";
      }
      return http::problem_reply(http::problem_for(404, "not_found", std::move(detail)));
    }
    return json_reply(200, case_view_json(view));
  } catch (const std::exception& e) {
    return query_failure(e);
  }
}

http::HttpReply stats_reply(const CaseQueries& queries,
                            const std::multimap<std::string, std::string>& parameters) {
  std::optional<std::string_view> from;
  std::optional<std::string_view> to;
  std::optional<std::string_view> by;
  MaybeRefusal refused = single_parameter(parameters, "from", from);
  if (!refused) refused = single_parameter(parameters, "to", to);
  if (!refused) refused = single_parameter(parameters, "by", by);
  Result<StatsQuery> query =
      refused ? Result<StatsQuery>(*refused) : parse_stats_query(from, to, by);
  if (!query) {
    http::Problem p = http::problem_for(400, "bad_query", query.refusal().message());
    p.field = query.refusal().field;
    return http::problem_reply(p);
  }
  try {
    return json_reply(200, stats_json(queries.stats(*query)));
  } catch (const std::exception& e) {
    return query_failure(e);
  }
}

}  // namespace gw::app
