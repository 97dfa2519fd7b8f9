// The SLA timers of the lifecycle (case_lifecycle.h): which are due, and firing them.
#include <algorithm>
#include <utility>

#include "gateway/core/case_lifecycle.h"

namespace gw {

std::string_view to_string(TimerKind k) {
  switch (k) {
    case TimerKind::warn:
      return "warn";
    case TimerKind::breach:
      return "breach";
    case TimerKind::escalate:
      return "escalate";
  }
  return "unknown";
}

std::string_view to_string(FireOutcome o) {
  switch (o) {
    case FireOutcome::fired:
      return "fired";
    case FireOutcome::already_fired:
      return "already_fired";
    case FireOutcome::stale:
      return "stale";
    case FireOutcome::not_due:
      return "not_due";
  }
  return "unknown";
}

std::vector<Timer> due_timers(const CaseState& state) {
  std::vector<Timer> out;
  for (const StageClock& c : state.clocks) {
    if (c.paused_at) continue;
    const Deadline& d = c.deadline;
    for (std::uint8_t i = 0; i < d.warning_count; ++i) {
      if ((c.warned & (1u << i)) == 0)
        out.push_back({d.warning_at[i], c.stage, TimerKind::warn, i});
    }
    if (!c.breached) out.push_back({d.due, c.stage, TimerKind::breach, 0});
    for (int tier = c.tier + 1; tier <= d.tier_count; ++tier) {
      out.push_back({d.escalation_at[tier - 1], c.stage, TimerKind::escalate, tier});
    }
  }
  std::sort(out.begin(), out.end(), [](const Timer& a, const Timer& b) {
    if (a.at != b.at) return a.at < b.at;
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.stage != b.stage) return a.stage < b.stage;
    return a.index < b.index;
  });
  return out;
}

std::optional<Timer> next_timer(const CaseState& state) {
  std::vector<Timer> timers = due_timers(state);
  if (timers.empty()) return std::nullopt;
  return timers.front();
}

FireResult fire(const CaseState& state, const Timer& timer, EpochMs now,
                const DeadlinePolicy& policy, const LifecycleOptions& options) {
  FireResult result;
  const StageClock* clock = state.clock(timer.stage);
  if (clock == nullptr || clock->paused_at) return result;  // stale
  const Deadline& d = clock->deadline;
  // The timer must be one of this clock's as it is now: a heap entry for a moved or restarted
  // deadline is stale.
  switch (timer.kind) {
    case TimerKind::warn:
      if (timer.index < 0 || timer.index >= d.warning_count ||
          d.warning_at[static_cast<std::size_t>(timer.index)] != timer.at) {
        return result;
      }
      if ((clock->warned & (1u << timer.index)) != 0) {
        result.outcome = FireOutcome::already_fired;
        return result;
      }
      break;
    case TimerKind::breach:
      if (d.due != timer.at) return result;
      if (clock->breached) {
        result.outcome = FireOutcome::already_fired;
        return result;
      }
      break;
    case TimerKind::escalate:
      if (timer.index < 1 || timer.index > d.tier_count ||
          d.escalation_at[static_cast<std::size_t>(timer.index - 1)] != timer.at) {
        return result;
      }
      if (clock->tier >= timer.index) {
        result.outcome = FireOutcome::already_fired;
        return result;
      }
      if (!clock->breached || clock->tier + 1 != timer.index) {
        result.outcome = FireOutcome::not_due;  // the breach or an earlier tier first
        return result;
      }
      break;
  }
  if (now < timer.at) {
    result.outcome = FireOutcome::not_due;
    return result;
  }

  result.outcome = FireOutcome::fired;
  Transition& t = result.transition;
  t.state = state;
  StageClock& c = *t.state.clock(timer.stage);
  EventType type = EventType::warned;
  switch (timer.kind) {
    case TimerKind::warn:
      c.warned = static_cast<std::uint8_t>(c.warned | (1u << timer.index));
      break;
    case TimerKind::breach:
      c.breached = true;
      type = EventType::breached;
      break;
    case TimerKind::escalate:
      c.tier = static_cast<std::uint8_t>(timer.index);
      type = EventType::escalated;
      break;
  }
  CaseEvent& e = t.events.emplace_back();
  // From the clock's cause, never from now: a repeat after a restore has the same id.
  e.id = make_event_id(state.case_id, type, timer.stage, timer.index, c.cause);
  e.case_id = state.case_id;
  e.type = type;
  e.at = timer.at;
  e.seq = t.state.event_seq++;
  e.department = stage_owner(t.state, timer.stage, options);
  e.status = t.state.status;
  e.stage = timer.stage;
  e.due = c.deadline.due;
  e.index = timer.index;
  if (timer.kind == TimerKind::escalate) {
    EscalationTarget target =
        policy.escalation(timer.stage, t.state.facts, e.department, timer.index);
    e.tier = std::move(target.name);
    e.topic = std::move(target.topic);
  } else {
    e.supervision = true;  // warnings and breaches also go to the supervision topic
  }
  return result;
}

Transition fire_due(const CaseState& state, EpochMs now, const DeadlinePolicy& policy,
                    const LifecycleOptions& options) {
  Transition out;
  out.state = state;
  // In instant order the breach precedes its tiers and tier n precedes tier n+1.
  for (const Timer& t : due_timers(state)) {
    if (t.at > now) break;
    FireResult r = fire(out.state, t, now, policy, options);
    if (r.outcome != FireOutcome::fired) continue;
    out.state = std::move(r.transition.state);
    for (CaseEvent& e : r.transition.events) out.events.push_back(std::move(e));
  }
  return out;
}

}  // namespace gw
