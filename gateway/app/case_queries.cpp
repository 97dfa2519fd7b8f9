#include "gateway/app/case_queries.h"

#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <span>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "adapters/kafka/topic_scan.h"
#include "gateway/core/case_id.h"
#include "gateway/core/case_json.h"
#include "gateway/core/time_format.h"
#include "gateway/pipeline/routed_cases.h"

namespace gw::app {

// Holds one of the max_concurrent places while a query runs.
class CaseQueries::Slot {
 public:
  explicit Slot(const CaseQueries& q) : q_(q) {
    if (q_.running_.fetch_add(1) >= q_.settings_.max_concurrent) {
      q_.running_.fetch_sub(1);
      throw QueriesBusy(std::to_string(q_.settings_.max_concurrent) +
                        " queries are running already");
    }
  }
  ~Slot() { q_.running_.fetch_sub(1); }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  const CaseQueries& q_;
};

namespace {

// A state record written before the lifecycle: JSON (state_record_value), not the binary
// encoding, whose first byte is its version.
bool is_legacy_record(std::string_view value) {
  const std::size_t first = value.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && value[first] == '{';
}

struct LegacyRecord {
  std::string status;
  std::string lead;
  std::optional<EpochMs> received_at;
};

// {"caseId":…,"status":"dispatched","lead":"housing",…,"receivedAt":"…"}; nothing when the
// record is not an object. Members missing or of another type are left empty.
std::optional<LegacyRecord> parse_legacy_record(std::string_view value) {
  simdjson::dom::parser parser;
  simdjson::dom::object root;
  if (parser.parse(value.data(), value.size(), true).get(root) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  LegacyRecord r;
  std::string_view s;
  if (root["status"].get_string().get(s) == simdjson::SUCCESS) r.status = s;
  if (root["lead"].get_string().get(s) == simdjson::SUCCESS) r.lead = s;
  if (root["receivedAt"].get_string().get(s) == simdjson::SUCCESS) r.received_at = parse_time(s);
  return r;
}

void add_scan(QueryScan& q, const ScanSummary& s) {
  q.records += s.records;
  q.complete = q.complete && !s.limit_reached;
  q.read_from_oldest = q.read_from_oldest || s.read_from_oldest;
}

std::size_t left_of(const QueryScan& q) { return q.limit > q.records ? q.limit - q.records : 0; }

// --- JSON ---

void member(std::string& out, std::string_view name) {
  if (out.back() != '{') out.push_back(',');
  out.push_back('"');
  out.append(name);
  out.append("\":");
}

void string_member(std::string& out, std::string_view name, std::string_view value) {
  member(out, name);
  append_json_string(out, value);
}

void append_time(std::string& out, EpochMs t) {
  out.push_back('"');
  append_rfc3339_china(out, t);
  out.push_back('"');
}

void time_member(std::string& out, std::string_view name, std::optional<EpochMs> t) {
  if (!t) return;
  member(out, name);
  append_time(out, *t);
}

void number_member(std::string& out, std::string_view name, std::uint64_t n) {
  member(out, name);
  out.append(std::to_string(n));
}

void bool_member(std::string& out, std::string_view name, bool b) {
  member(out, name);
  out.append(b ? "true" : "false");
}

void rate_member(std::string& out, std::string_view name, std::optional<double> rate) {
  member(out, name);
  if (!rate) {
    out.append("null");
    return;
  }
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *rate);
  out.append(buf, ec == std::errc() ? end : buf);
}

void strings_member(std::string& out, std::string_view name,
                    const std::vector<std::string>& items) {
  member(out, name);
  out.push_back('[');
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_json_string(out, items[i]);
  }
  out.push_back(']');
}

void times_member(std::string& out, std::string_view name, std::span<const EpochMs> times) {
  member(out, name);
  out.push_back('[');
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_time(out, times[i]);
  }
  out.push_back(']');
}

void scan_member(std::string& out, const QueryScan& s) {
  member(out, "scan");
  out.push_back('{');
  number_member(out, "records", s.records);
  number_member(out, "limit", s.limit);
  bool_member(out, "complete", s.complete);
  number_member(out, "unreadable", s.unreadable);
  bool_member(out, "readFromOldest", s.read_from_oldest);
  out.push_back('}');
}

void append_deadline(std::string& out, const StageClock& c) {
  out.push_back('{');
  string_member(out, "stage", sla_stage_name(c.stage));
  time_member(out, "start", c.deadline.start);
  time_member(out, "due", c.deadline.due);
  times_member(out, "warnings", c.deadline.warnings());
  number_member(out, "warningsFired", static_cast<unsigned>(std::popcount(c.warned)));
  bool_member(out, "breached", c.breached);
  times_member(out, "escalations", c.deadline.escalations());
  number_member(out, "tiersFired", c.tier);
  member(out, "pausedAt");
  if (c.paused_at) {
    append_time(out, *c.paused_at);
  } else {
    out.append("null");
  }
  out.push_back('}');
}

void append_state_members(std::string& out, const CaseState& s) {
  strings_member(out, "coHandlers", s.co);
  strings_member(out, "returnedBy", s.returned_by);
  string_member(out, "source", to_string(s.facts.source));
  string_member(out, "kind", s.facts.kind);
  strings_member(out, "category", s.facts.category);
  string_member(out, "priority", to_string(s.facts.priority));
  member(out, "streetCode");
  if (s.facts.street_code.empty()) {
    out.append("null");
  } else {
    append_json_string(out, s.facts.street_code);
  }
  time_member(out, "createdAt", s.created_at);
  time_member(out, "sourceDeadline", s.facts.source_deadline);
  if (s.status == LifecycleStatus::suspended || s.status == LifecycleStatus::extension_pending) {
    string_member(out, "backTo", to_string(s.back_to));
  }
  time_member(out, "requestedDue", s.requested_due);
  time_member(out, "returnUntil", s.return_until);
}

void append_figures(std::string& out, const StatsFigures& f) {
  number_member(out, "dispatched", f.dispatched);
  number_member(out, "signedFor", f.signed_for);
  number_member(out, "returned", f.returned);
  number_member(out, "resolved", f.resolved);
  number_member(out, "resolvedOnTime", f.resolved_on_time);
  number_member(out, "open", f.open);
  number_member(out, "overdue", f.overdue);
  number_member(out, "selfHandled", f.self_handled);
  rate_member(out, "signForRate", f.sign_for_rate());
  rate_member(out, "onTimeCompletionRate", f.on_time_completion_rate());
  rate_member(out, "returnRate", f.return_rate());
  rate_member(out, "completionRate", f.completion_rate());
}

}  // namespace

CaseQueries::CaseQueries(KafkaSettings kafka, CaseQuerySettings settings)
    : kafka_(std::move(kafka)), settings_(std::move(settings)) {}

void order_timeline(std::vector<CaseEvent>& events) {
  std::stable_sort(events.begin(), events.end(), [](const CaseEvent& a, const CaseEvent& b) {
    return std::tie(a.seq, a.at) < std::tie(b.seq, b.at);
  });
  std::unordered_set<std::string> seen;
  std::erase_if(events, [&seen](const CaseEvent& e) { return !seen.insert(e.id).second; });
}

CaseView CaseQueries::case_view(std::string_view case_id) const {
  CaseView v;
  v.case_id = case_id;
  v.scan.limit = settings_.max_records;
  if (!is_case_id(case_id)) return v;
  Slot slot(*this);

  // The state: the last record of the key in its partition (compaction keeps at least that).
  std::optional<std::string> value;
  TopicScan state;
  state.topic = settings_.state_topic;
  state.partitions = [case_id](std::int32_t n) {
    return std::vector<std::int32_t>{internal_partition(case_id, n)};
  };
  state.max_records = settings_.max_records;
  state.timeout = settings_.timeout;
  add_scan(v.scan, scan_topic(kafka_, state, [&](const ScannedRecord& r) {
             if (r.key != case_id) return;
             if (r.tombstone) {
               value.reset();
             } else {
               value.emplace(r.value);
             }
           }));
  if (!value) return v;
  v.found = true;

  // Every event of the case is written after its created event, which is stamped with the
  // creation instant: the events are read from the first record stamped at or after it.
  std::optional<EpochMs> events_from;
  if (is_legacy_record(*value)) {
    v.legacy = true;
    if (std::optional<LegacyRecord> legacy = parse_legacy_record(*value)) {
      v.legacy_status = std::move(legacy->status);
      v.legacy_lead = std::move(legacy->lead);
      events_from = legacy->received_at;
    } else {
      v.state_error = "the state record is neither JSON nor the lifecycle's encoding";
    }
  } else if (Result<CaseState> decoded = decode_case_state(*value)) {
    events_from = decoded->created_at;
    v.state = std::move(*decoded);
  } else {
    v.state_error = decoded.refusal().message();
  }

  if (left_of(v.scan) == 0) {
    v.scan.complete = false;
    return v;
  }
  TopicScan events;
  events.topic = settings_.events_topic;
  events.partitions = state.partitions;
  events.from = events_from;
  events.max_records = left_of(v.scan);
  events.timeout = settings_.timeout;
  add_scan(v.scan, scan_topic(kafka_, events, [&](const ScannedRecord& r) {
             if (r.key != case_id || r.tombstone) return;
             if (Result<CaseEvent> e = parse_event_json(r.value); e && e->case_id == case_id) {
               v.timeline.push_back(std::move(*e));
             } else {
               ++v.scan.unreadable;
             }
           }));
  order_timeline(v.timeline);
  return v;
}

StatsAnswer CaseQueries::stats(const StatsQuery& query) const {
  Slot slot(*this);
  StatsAnswer answer;
  answer.scan.limit = settings_.max_records;
  CaseStatsAggregator aggregator(query.period);
  TopicScan events;
  events.topic = settings_.events_topic;
  events.from = query.period.from;
  events.max_records = settings_.max_records;
  events.timeout = settings_.timeout;
  add_scan(answer.scan, scan_topic(kafka_, events, [&](const ScannedRecord& r) {
             if (r.tombstone) return;
             if (Result<CaseEvent> e = parse_event_json(r.value)) {
               aggregator.add(*e);
             } else {
               ++answer.scan.unreadable;
             }
           }));

  // Events carry no street: join the period's cases with their state records.
  std::unordered_map<std::string, std::string> streets;
  const std::vector<std::string> cases = query.by == StatsGrouping::street
                                             ? aggregator.dispatched_cases()
                                             : std::vector<std::string>{};
  if (!cases.empty() && left_of(answer.scan) == 0) {
    answer.scan.complete = false;
  } else if (!cases.empty()) {
    const std::unordered_set<std::string_view> wanted(cases.begin(), cases.end());
    TopicScan state;
    state.topic = settings_.state_topic;
    state.partitions = [&cases](std::int32_t n) {
      std::vector<std::int32_t> out;
      for (const std::string& id : cases) out.push_back(internal_partition(id, n));
      return out;
    };
    state.max_records = left_of(answer.scan);
    state.timeout = settings_.timeout;
    add_scan(answer.scan, scan_topic(kafka_, state, [&](const ScannedRecord& r) {
               if (!wanted.contains(r.key)) return;
               const std::string key(r.key);
               if (r.tombstone || is_legacy_record(r.value)) {
                 streets.erase(key);  // a legacy record names no street
               } else if (Result<CaseState> s = decode_case_state(r.value)) {
                 streets[key] = std::move(s->facts.street_code);
               } else {
                 ++answer.scan.unreadable;
               }
             }));
  }
  answer.report = aggregator.report(query.by, streets);
  return answer;
}

std::string case_view_json(const CaseView& v) {
  std::string out = "{";
  string_member(out, "caseId", v.case_id);
  if (v.state) {
    string_member(out, "status", to_string(v.state->status));
    string_member(out, "lead", v.state->lead);
  } else {
    string_member(out, "status",
                  v.legacy && !v.legacy_status.empty() ? v.legacy_status : "unknown");
    string_member(out, "lead", v.legacy_lead);
  }
  bool_member(out, "legacy", v.legacy);
  if (!v.state_error.empty()) string_member(out, "stateError", v.state_error);
  if (v.state) append_state_members(out, *v.state);
  member(out, "deadlines");
  out.push_back('[');
  if (v.state) {
    for (std::size_t i = 0; i < v.state->clocks.size(); ++i) {
      if (i > 0) out.push_back(',');
      append_deadline(out, v.state->clocks[i]);
    }
  }
  out.push_back(']');
  member(out, "timeline");
  out.push_back('[');
  for (std::size_t i = 0; i < v.timeline.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_event_json(out, v.timeline[i]);
  }
  out.push_back(']');
  scan_member(out, v.scan);
  out.push_back('}');
  return out;
}

std::string stats_json(const StatsAnswer& a) {
  const StatsReport& r = a.report;
  std::string out = "{";
  time_member(out, "from", r.query.period.from);
  time_member(out, "to", r.query.period.to);
  string_member(out, "by", to_string(r.query.by));
  member(out, "groups");
  out.push_back('[');
  for (std::size_t i = 0; i < r.groups.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('{');
    member(out, "key");
    if (r.groups[i].key.empty()) {
      out.append("null");  // a street unknown (no street code, or no state record)
    } else {
      append_json_string(out, r.groups[i].key);
    }
    append_figures(out, r.groups[i].figures);
    out.push_back('}');
  }
  out.push_back(']');
  member(out, "total");
  out.push_back('{');
  append_figures(out, r.total);
  out.push_back('}');
  scan_member(out, a.scan);
  out.push_back('}');
  return out;
}

}  // namespace gw::app
