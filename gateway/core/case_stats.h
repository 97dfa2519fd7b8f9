// The figures GET /v1/stats answers (docs/http-api.md, "Queries"): per department or per
// street, over a period, from the events of the case-events topic.
//
// The unit counted is a *dispatch*: a case handed to a department by a routed, redispatched
// or reopened event whose `at` falls in the period. A dispatch lasts until the case's next
// dispatch; what happened to it is read from the case's events between the two, in
// production order (seq, then at), up to the period's end:
//   signed for   a signed_for event
//   returned     a returned event (the dispatch ends there)
//   resolved     a resolved event; on time when no resolve-stage breached event came before it
//   open         neither resolved nor returned by the period's end
//   overdue      open, and its resolve clock breached, or its sign-for clock breached while
//                still not signed for
//   self-handled resolved by the grid worker (a resolved event without a department) before
//                any sign-for: counted apart, and in no other figure
// Events are deduplicated by id (the topic is written at least once), and may be fed in any
// order. Events not in the period are fed too: a dispatch in the period may be followed by an
// event stamped earlier (a self-handled report's handledAt) or later (it is ignored then).
//
// Streets: events do not carry the street. The caller joins by case id with the state topic
// (CaseState::facts.street_code) for the cases dispatched_cases() names.
//
// Pure: no I/O, no clock. Memory: ~60 bytes per kept event (only the event types above are
// kept) plus the case id per case.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gateway/core/case.h"
#include "gateway/core/case_event.h"
#include "gateway/core/refusal.h"

namespace gw {

// [from, to), epoch milliseconds.
struct StatsPeriod {
  EpochMs from = 0;
  EpochMs to = 0;

  bool contains(EpochMs t) const { return t >= from && t < to; }
  bool operator==(const StatsPeriod&) const = default;
};

enum class StatsGrouping : std::uint8_t { department, street };
std::string_view to_string(StatsGrouping g);

struct StatsQuery {
  StatsPeriod period;
  StatsGrouping by = StatsGrouping::department;

  bool operator==(const StatsQuery&) const = default;
};

// GET /v1/stats's parameters as sent (nothing: absent). from and to are RFC 3339 with an
// offset ("2025-09-01T00:00:00+08:00", "...Z"), from before to, both from 2000 to 2099; by is
// "department" (the default) or "street". The refusal names the parameter.
Result<StatsQuery> parse_stats_query(std::optional<std::string_view> from,
                                     std::optional<std::string_view> to,
                                     std::optional<std::string_view> by);

struct StatsFigures {
  std::uint64_t dispatched = 0;  // self-handled ones excluded
  std::uint64_t signed_for = 0;
  std::uint64_t returned = 0;
  std::uint64_t resolved = 0;
  std::uint64_t resolved_on_time = 0;
  std::uint64_t open = 0;
  std::uint64_t overdue = 0;
  std::uint64_t self_handled = 0;

  // Nothing when the denominator is 0.
  std::optional<double> sign_for_rate() const;            // signed_for / dispatched
  std::optional<double> on_time_completion_rate() const;  // resolved_on_time / resolved
  std::optional<double> return_rate() const;              // returned / dispatched
  std::optional<double> completion_rate() const;          // resolved / dispatched

  StatsFigures& operator+=(const StatsFigures& other);
  bool operator==(const StatsFigures&) const = default;
};

struct StatsGroup {
  std::string key;  // the department code, or the street code ("" when unknown)
  StatsFigures figures;

  bool operator==(const StatsGroup&) const = default;
};

struct StatsReport {
  StatsQuery query;
  std::vector<StatsGroup> groups;  // ordered by key; only groups with a dispatch
  StatsFigures total;
};

// Accumulates events, then reports. Not thread-safe; one per query.
class CaseStatsAggregator {
 public:
  explicit CaseStatsAggregator(StatsPeriod period);

  void add(const CaseEvent& e);
  // Events kept (the types the figures use), duplicates included.
  std::size_t kept() const { return kept_; }
  // The cases with a dispatch in the period, sorted.
  std::vector<std::string> dispatched_cases() const;
  // street_of maps a case id to its street code; a case it lacks goes to the "" group. Unused
  // when grouping by department.
  StatsReport report(StatsGrouping by,
                     const std::unordered_map<std::string, std::string>& street_of = {}) const;

 private:
  // What the figures need of one event.
  struct Step {
    std::uint64_t id_hash = 0;
    EpochMs at = 0;
    std::uint32_t seq = 0;
    std::uint32_t department = 0;  // index into departments_
    EventType type = EventType::created;
    std::uint8_t stage = 0xFF;  // SlaStage, 0xFF: none
  };
  // One dispatch's outcome, as the walk over a case's steps finds it.
  struct Dispatch {
    std::uint32_t department = 0;
    bool signed_for = false;
    bool returned = false;
    bool resolved = false;
    bool self_handled = false;
    bool sign_for_breached = false;
    bool resolve_breached = false;
  };

  std::uint32_t department_index(const std::string& code);
  std::vector<Step> ordered_steps(const std::vector<Step>& steps) const;
  std::vector<Dispatch> dispatches_of(const std::vector<Step>& steps) const;

  StatsPeriod period_;
  std::unordered_map<std::string, std::vector<Step>> cases_;
  std::vector<std::string> departments_;
  std::unordered_map<std::string, std::uint32_t> department_ids_;
  std::size_t kept_ = 0;
};

}  // namespace gw
