// The case lifecycle (docs/lifecycle.md, "The pure core", part 3): a state machine from
// dispatch to close, driven by department status updates and by SLA timers.
//
//   dispatched ─sign_for→ signed_for ─progress→ in_progress ─resolve→ resolved ─close→ closed
//   dispatched/signed_for/in_progress ─return→ returned ─redispatch→ dispatched (next holder)
//   signed_for/in_progress ─request_extension→ extension_pending ─approve/refuse→ (back)
//   signed_for/in_progress ─suspend→ suspended ─resume→ (back; the clocks did not run)
//   resolved/closed ─reopen→ dispatched (same holder, fresh clocks)
//
// Pure: no I/O, no clock. `now` is an argument; every instant the result carries comes from
// the inputs (an update's at, a timer's instant), so running a step again on the same state
// gives the same state and the same events. Deadlines come from a DeadlinePolicy (the SLA
// policy and the working calendar, implemented elsewhere; tests use a fake).
//
// Thread: none of its own. The owner of a case's partition calls these on its thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/case.h"
#include "gateway/core/case_event.h"
#include "gateway/core/case_state.h"
#include "gateway/core/refusal.h"
#include "gateway/core/route_table.h"
#include "gateway/core/sla_stage.h"
#include "gateway/core/status_update.h"

namespace gw {

// Where an overdue case escalates to at a tier.
struct EscalationTarget {
  std::string name;   // "community", "street", ...
  std::string topic;  // where the escalation record goes
};

// Deadline arithmetic as the lifecycle needs it. Implemented over sla_policy.h and
// working_calendar.h; must be pure (same arguments, same answer) for timers to be idempotent.
// A refusal (e.g. an instant outside every loaded calendar year) makes the step that needed
// the deadline refuse, and the state stays as it was.
class DeadlinePolicy {
 public:
  virtual ~DeadlinePolicy() = default;

  // The limit of stage for a case whose clock starts at `from` (dispatch, sign-for, request,
  // resolve), owed by department; nothing when no limit applies.
  virtual Result<std::optional<Deadline>> start(SlaStage stage, const CaseFacts& facts,
                                                std::string_view department,
                                                EpochMs from) const = 0;
  // The latest extendTo an extension of current may ask for; nothing when the limit cannot
  // be extended at all (the rule has no maximum extension).
  virtual Result<std::optional<EpochMs>> latest_extension(const Deadline& current, SlaStage stage,
                                                          const CaseFacts& facts,
                                                          std::string_view department) const = 0;
  // current moved to new_due (an approved extension), warnings and tiers recomputed.
  virtual Result<Deadline> extend(const Deadline& current, SlaStage stage, const CaseFacts& facts,
                                  std::string_view department, EpochMs new_due) const = 0;
  // A clock stopped at paused_at and started again at resumed_at: every instant of paused
  // shifted by the time paused as the stage counts it (working time for working-day limits).
  virtual Result<Deadline> resume(const Deadline& paused, SlaStage stage, const CaseFacts& facts,
                                  std::string_view department, EpochMs paused_at,
                                  EpochMs resumed_at) const = 0;
  // Escalation tier (1-based) of a stage overdue with department.
  virtual EscalationTarget escalation(SlaStage stage, const CaseFacts& facts,
                                      std::string_view department, int tier) const = 0;
};

// When the resolve clock starts. In most cities the time to resolve counts from dispatch
// (收到工单之日起), so signing for late gains nothing.
enum class ResolveClock : std::uint8_t { from_dispatch, from_sign_for };

struct LifecycleOptions {
  // The command center: the routing config's default department. It decides extensions,
  // closes, calls back and reopens; it holds a case returned max_returns times.
  std::string command_center = "command-center";
  std::size_t max_returns = 2;
  // How many applied update ids a case remembers (clamped to 1..kMaxAppliedIdsWindow).
  std::size_t applied_ids_window = 32;
  // An update's at may be ahead of `now` by this much (senders' clocks drift); further ahead
  // is refused: accepting it would make every later update look out of order.
  EpochMs max_clock_skew = EpochMs{5} * 60 * 1000;
  ResolveClock resolve_clock = ResolveClock::from_dispatch;
};

// What the state machine needs and does not do itself: route the case again without these
// departments (RouteTable with exclusions), then call redispatch().
struct RerouteRequest {
  std::vector<std::string> exclude;

  bool operator==(const RerouteRequest&) const = default;
};

// A step's result: the state to store, then the events to produce (events first, then the
// state record: a crash in between repeats the step with the same event ids).
struct Transition {
  CaseState state;
  std::vector<CaseEvent> events;
  std::optional<RerouteRequest> reroute;
};

// A routed case becomes a lifecycle: dispatched to decision's lead with the sign-for clock
// (and the resolve clock, from_dispatch) started at c.received_at; events created, routed.
// A self-handled grid report arrives resolved: no sign-for or resolve clock, the close clock
// if the policy has one; events created, routed, resolved.
Result<Transition> create(const Case& c, const RouteDecision& decision,
                          const DeadlinePolicy& policy, const LifecycleOptions& options);

enum class ApplyOutcome : std::uint8_t {
  applied,
  // The update id was applied before: an idempotent no-op, not an error (not dead-lettered;
  // count it). The sender resent it; the first copy's effects stand.
  duplicate,
  // Out of order, from a department that may not send it, not allowed in the status, or
  // missing what the action needs: dead-letter it with the refusal. The state is unchanged.
  refused,
};

struct ApplyResult {
  ApplyOutcome outcome = ApplyOutcome::refused;
  Transition transition;           // applied only
  std::optional<Refusal> refusal;  // refused only
};

// Applies a department's (or the center's) status update. In this order:
//  1. caseId must be this case's;
//  2. an id in the window of applied ids is a duplicate;
//  3. an update whose at is before the last applied update's at is refused as out of order.
//     This is what makes a bounded window safe: ids leave the window oldest first and at
//     never decreases, so a resend older than the window is older than the last applied at
//     and refused here -- it can never be applied twice. Updates may share an at (senders
//     with second precision), so a new id with at equal to the last is accepted only while
//     every id applied at that instant is still in the window (same_at <= window);
//  4. at more than max_clock_skew ahead of now is refused;
//  5. the sender must be allowed: the holder (sign_for, return, request_extension, resolve),
//     the holder or a co-handler (progress), the holder or the center (suspend, resume), the
//     center (approve/refuse_extension, close, callback, reopen);
//  6. the action must be allowed in the status, with what it needs (reason, extendTo,
//     result, satisfaction).
// Refusals use RefusalCode::out_of_range (missing_field for an absent reason etc.) and name
// the field: "action: resolve is not allowed while the case is dispatched (sign for it first)".
ApplyResult apply(const CaseState& state, const StatusUpdate& update, EpochMs now,
                  const DeadlinePolicy& policy, const LifecycleOptions& options);

// The department that owes a stage: the holder, or the command center for its own duties
// (extension_decision, close). Warnings, breaches and escalations name it.
const std::string& stage_owner(const CaseState& state, SlaStage stage,
                               const LifecycleOptions& options);

// A returned case waiting to be routed again (also after a restore); nothing otherwise.
std::optional<RerouteRequest> pending_reroute(const CaseState& state);

// Dispatches a returned case to decision's lead with fresh clocks started at the return's at
// (not now: a repeat after a crash gives the same state). A lead that already returned the
// case, or an empty decision, sends it to the command center. Refused unless returned.
Result<Transition> redispatch(const CaseState& state, const RouteDecision& decision,
                              const DeadlinePolicy& policy, const LifecycleOptions& options);

// --- timers (case_timers.cpp) ---

enum class TimerKind : std::uint8_t { warn, breach, escalate };
std::string_view to_string(TimerKind k);

struct Timer {
  EpochMs at = 0;
  SlaStage stage = SlaStage::sign_for;
  TimerKind kind = TimerKind::breach;
  int index = 0;  // warn: 0-based warning; escalate: 1-based tier; breach: 0

  bool operator==(const Timer&) const = default;
};

// Every timer not yet fired of every running (not paused) clock, by instant; at one instant
// warnings before the breach before escalations.
std::vector<Timer> due_timers(const CaseState& state);
// The earliest of them: what the owner's min-heap holds for the case.
std::optional<Timer> next_timer(const CaseState& state);

enum class FireOutcome : std::uint8_t {
  fired,          // new state and events
  already_fired,  // the state says it fired: nothing to do (a repeat after the state was stored)
  stale,          // the clock ended, moved or is paused: a leftover heap entry, nothing to do
  not_due,        // now is before the timer's instant, or an earlier one has not fired yet
};
std::string_view to_string(FireOutcome o);

struct FireResult {
  FireOutcome outcome = FireOutcome::stale;
  Transition transition;  // fired only
};

// Fires one timer: warned (and the supervision topic), breached (likewise), escalated (with
// the tier's name and topic from the policy). Event ids derive from the clock's cause, so
// firing the same timer on the same state twice gives the same events and the same state.
FireResult fire(const CaseState& state, const Timer& timer, EpochMs now,
                const DeadlinePolicy& policy, const LifecycleOptions& options);
// Fires every timer due at now, in order; the state unchanged and no events when none is.
Transition fire_due(const CaseState& state, EpochMs now, const DeadlinePolicy& policy,
                    const LifecycleOptions& options);

}  // namespace gw
