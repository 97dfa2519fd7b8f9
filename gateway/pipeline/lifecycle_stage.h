// The routing stage with the case lifecycle (docs/lifecycle.md): routes new cases and starts
// their clocks, applies department status updates, and fires due SLA timers. Turns each
// into records to write: case records for departments, events (case-events topic, and the
// supervision topic for warnings and breaches), escalation records for the tier's topic, and
// the case's new state (the compacted state topic, produced after the others).
//
// Pure: no Kafka, no clock. `now` is an argument; reading a forwarded record back from the
// internal topic (a returned case is routed again from its input) is an injected function.
// The owner of the internal topic's partitions calls it on its thread; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "gateway/core/case_lifecycle.h"
#include "gateway/pipeline/case_book.h"
#include "gateway/pipeline/case_processor.h"
#include "gateway/pipeline/routed_cases.h"

namespace gw {

struct LifecycleTopics {
  std::string state;
  std::string events;
  std::int32_t events_partitions = 1;  // events go to internal_partition(case id, this)
  std::string supervision;
};

// A record of the internal topic, read back (owned bytes).
struct StoredRecord {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::string value;
  EpochMs timestamp = 0;
  Headers headers;

  InputRecord view() const;  // valid while this StoredRecord lives
};
// Reads the record at (partition, offset) of the internal topic; a refusal when it cannot.
using ForwardedReader = std::function<Result<StoredRecord>(std::int32_t partition, std::int64_t offset)>;

struct LifecycleCounters {
  std::size_t cases_tracked = 0;       // lifecycles created
  std::size_t cases_untracked = 0;     // routed, but the policy refused to start the clocks
  std::size_t updates_applied = 0;
  std::size_t updates_duplicate = 0;
  std::size_t updates_refused = 0;
  std::size_t timers_fired = 0;        // cases for which at least one timer fired
  std::size_t events = 0;
  std::size_t rerouted = 0;
  std::size_t reroute_failures = 0;    // the input could not be read back: sent to the center
  std::size_t restore_refused = 0;     // state records that did not decode
  std::size_t timers_stuck = 0;        // due, but the policy refused to fire them
  std::string last_problem;            // the latest of the problems counted above, for the log
};

class LifecycleStage {
 public:
  // cases: the routing stage's processor (its decoders, update parsers and route table).
  LifecycleStage(CaseProcessor& cases, std::shared_ptr<const DeadlinePolicy> policy,
                 LifecycleOptions options, LifecycleTopics topics, ForwardedReader read_forwarded);

  // One record of the internal topic: a forwarded case (routed; its lifecycle starts) or a
  // forwarded status update (applied to its case). Dead letters name the original input.
  ProcessOutcome process(const InputRecord& in, RoutedCases& routed, EpochMs now);

  // The outputs of one case whose timers fired.
  struct Fired {
    std::int32_t partition = 0;
    std::vector<OutRecord> records;
  };
  // Fires the timers due at now, at most `limit` cases' worth.
  std::vector<Fired> fire_due(EpochMs now, std::size_t limit = 1000);
  std::optional<EpochMs> next_due() { return book_.next_due(); }

  // A record of the state topic read back on assignment (tombstone: value empty). Records
  // from before the lifecycle (JSON) mark the case routed only.
  void restore(std::int32_t partition, std::string_view case_id, std::string_view value,
               bool tombstone, RoutedCases& routed);
  void forget(std::int32_t partition) { book_.forget(partition); }

  const CaseBook& book() const { return book_; }
  const LifecycleCounters& counters() const { return counters_; }

 private:
  void write_created(const Case& c, const RouteDecision& decision, const InputRecord& forwarded,
                     ProcessOutcome& outcome);
  ProcessOutcome apply_update(const InputRecord& in, EpochMs now);
  // Routes a returned case again (reading its input back) and dispatches it.
  Result<Transition> reroute(const CaseState& state, const RerouteRequest& request,
                             std::int32_t partition, ProcessOutcome& outcome);
  // Reads the case's input back and routes it without `exclude`; false (the problem noted)
  // when it cannot.
  bool read_input(const CaseState& state, std::int32_t partition,
                  std::span<const std::string> exclude, std::shared_ptr<const RouteTable>& table,
                  RouteDecision& decision);
  // The case records of the case read back, for the state's holder and co-handlers.
  void deliver(const CaseState& state, const RouteTable& table, const Rule* rule,
               ProcessOutcome& outcome);
  // Appends the events' records and the state record; stores the state.
  void write_transition(const Transition& t, std::int32_t partition, ProcessOutcome& outcome);
  void append_events(const std::vector<CaseEvent>& events, std::vector<OutRecord>& out) const;

  CaseProcessor& cases_;
  std::shared_ptr<const DeadlinePolicy> policy_;
  LifecycleOptions options_;
  LifecycleTopics topics_;
  ForwardedReader read_forwarded_;
  RoutedCaseWriter write_created_;
  CaseBook book_;
  LifecycleCounters counters_;
};

}  // namespace gw
