// The answers of GET /v1/cases/{caseId} and GET /v1/stats (docs/http-api.md, "Queries"),
// read from Kafka: the compacted state topic (key = case id, value = encode_case_state, or
// the JSON of a case routed before the lifecycle) and the case-events topic (key = case id,
// value = append_event_json, record timestamp = the event's at).
//
// Cost: nothing is kept in memory between queries. A case query reads one partition of the
// state topic from its oldest record (the compacted topic: about the number of cases of that
// partition, more before compaction catches up) and one partition of the events topic from
// the case's creation to its end. A stats query reads every partition of the events topic
// from the period's start to its end at the time of the query (events are written late:
// updates applied late, timers fired after a restart), and for by=street the partitions of
// the state topic that hold the period's cases. Every query stops after max_records records
// and says so in its answer; at most max_concurrent run at once.
//
// Threads: called from the HTTP workers, concurrently; each query makes its own Kafka client.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/case_event.h"
#include "gateway/core/case_state.h"
#include "gateway/core/case_stats.h"
#include "gateway/core/gateway_config.h"

namespace gw::app {

struct CaseQuerySettings {
  std::string state_topic;                    // GatewayConfig::state_topic
  std::string events_topic;                   // LifecycleSettings::events_topic
  std::size_t max_records = 1'000'000;        // per query, over every topic it reads
  std::chrono::milliseconds timeout{20'000};  // per topic read
  int max_concurrent = 2;                     // queries running at once; more are refused
};

// How much a query read.
struct QueryScan {
  std::size_t records = 0;        // records read, every topic together
  std::size_t limit = 0;          // CaseQuerySettings::max_records
  bool complete = true;           // false: stopped at the limit; the answer covers less
  std::size_t unreadable = 0;     // records of the case (or period) that could not be decoded
  bool read_from_oldest = false;  // the cluster could not find offsets by time (mock cluster)
};

struct CaseView {
  std::string case_id;
  // The state topic has a record for the case (not a tombstone). When false, only case_id and
  // scan are set (scan.complete false: the record may lie beyond the limit).
  bool found = false;
  // The lifecycle's state; nothing for a record written before the lifecycle (legacy) or one
  // that could not be decoded (state_error).
  std::optional<CaseState> state;
  bool legacy = false;
  std::string legacy_status;  // a legacy record's status and lead
  std::string legacy_lead;
  std::string state_error;  // why the state record could not be read
  // The case's events, in production order (seq, then at), each id once.
  std::vector<CaseEvent> timeline;
  QueryScan scan;
};

struct StatsAnswer {
  StatsReport report;
  QueryScan scan;
};

// More than max_concurrent queries at once: answer 429 with Retry-After.
class QueriesBusy : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CaseQueries {
 public:
  CaseQueries(KafkaSettings kafka, CaseQuerySettings settings);

  // found is false when the case id is not one (case_id.h; nothing is read then) or the state
  // topic has no record for it (never routed, or deleted). Throws KafkaError when Kafka does
  // not answer in time, and QueriesBusy.
  CaseView case_view(std::string_view case_id) const;
  // Throws KafkaError and QueriesBusy.
  StatsAnswer stats(const StatsQuery& query) const;

  const CaseQuerySettings& settings() const { return settings_; }

 private:
  class Slot;

  KafkaSettings kafka_;
  CaseQuerySettings settings_;
  mutable std::atomic<int> running_{0};
};

// Orders events by (seq, at) and drops repeated ids (the topic is written at least once).
void order_timeline(std::vector<CaseEvent>& events);

// The JSON answers (schemas/openapi.yaml: CaseView, Stats).
std::string case_view_json(const CaseView& view);
std::string stats_json(const StatsAnswer& answer);

}  // namespace gw::app
