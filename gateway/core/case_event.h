// What the lifecycle says happened to a case: the records of the case-events topic (keyed by
// case id), and, for warnings and breaches, of the supervision topic too.
//
// An event's id is a hash of what makes the event unique -- the case, the event type, the
// stage, the warning index or tier, and the update (or the clock start) that caused it --
// never a counter or a clock reading. Producing an event, crashing before the new state is
// stored, and producing it again after the restore gives the same id, so consumers drop the
// repeat; a counter or `now` would give the repeat a new id and count it twice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/case.h"
#include "gateway/core/case_state.h"
#include "gateway/core/refusal.h"
#include "gateway/core/sla_stage.h"

namespace gw {

// Values are persisted in the event's id derivation: add at the end, never renumber.
enum class EventType : std::uint8_t {
  created,
  routed,
  signed_for,
  progress,
  returned,
  redispatched,
  extension_requested,
  extension_approved,
  extension_refused,
  suspended,
  resumed,
  resolved,
  closed,
  callback,
  reopened,
  warned,
  breached,
  escalated,
};
inline constexpr std::size_t kEventTypeCount = 18;
std::string_view to_string(EventType t);

struct CaseEvent {
  std::string id;  // make_event_id(...)
  std::string case_id;
  EventType type = EventType::created;
  EpochMs at = 0;  // when it happened: the update's at, or the timer's instant (never `now`)
  // Per case, in production order; for display. Not an identity: a timer fired again after a
  // restore may reuse a seq another event took meanwhile.
  std::uint32_t seq = 0;
  // Who acted (updates); the new holder (routed, redispatched, reopened); who owes the stage
  // (warned, breached, escalated); empty for created, and for the resolved event of a
  // self-handled grid report (the grid worker resolved it, not a department).
  std::string department;
  LifecycleStatus status = LifecycleStatus::dispatched;  // the case's status after it
  std::string update_id;          // the update that caused it; empty for creation and timers
  std::optional<SlaStage> stage;  // the clock concerned (timers, extensions)
  std::optional<EpochMs> due;     // that clock's due instant
  int index = 0;                  // warned: 0-based warning; escalated: 1-based tier
  std::string tier;               // escalated: the tier's name ("street")
  std::string topic;              // escalated: the tier's topic
  std::string reason;  // returned, extension_refused, suspended, reopened: the given reason
  std::vector<std::string> co;      // routed, redispatched, reopened: the co-handlers
  std::optional<int> satisfaction;  // callback
  bool supervision = false;         // also for the supervision topic (warned, breached)

  bool operator==(const CaseEvent&) const = default;
};

// XXH3-64 of an update id: what a clock or an event remembers of the update that caused it.
std::uint64_t cause_of(std::string_view update_id);

// "EV-" + 32 lowercase hex digits: XXH3-128 over (case id, type, stage, index, cause).
std::string make_event_id(std::string_view case_id, EventType type, std::optional<SlaStage> stage,
                          int index, std::uint64_t cause);

// Appends the compact JSON of e: camelCase members, times in RFC 3339 +08:00, members without
// a value left out.
void append_event_json(std::string& out, const CaseEvent& e);

// The inverse of to_string(EventType); nothing for any other text.
std::optional<EventType> event_type_from_string(std::string_view name);

// The inverse of append_event_json, for the readers of the case-events topic (the queries,
// docs/http-api.md). Untrusted bytes: a refusal naming the member and what was expected, never
// a crash. id, caseId, type, at, seq, status and supervision are required; `warning` belongs
// to warned events and `tier` to escalated ones (required there, refused elsewhere). Members
// it does not know are ignored (a later writer may add some); a member given twice is
// malformed_json. Times take any form of time_format.h's parse_time. index is 0 for the types
// that carry none, as append_event_json leaves it out for them.
// Thread-safe: each thread parses with a parser of its own (kept between calls).
Result<CaseEvent> parse_event_json(std::string_view json);

}  // namespace gw
