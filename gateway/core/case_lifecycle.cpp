#include "gateway/core/case_lifecycle.h"

#include <algorithm>
#include <utility>

#include "gateway/core/time_format.h"

namespace gw {
namespace {

std::size_t window_size(const LifecycleOptions& o) {
  return std::clamp<std::size_t>(o.applied_ids_window, 1, kMaxAppliedIdsWindow);
}

Refusal refusal(std::string field, std::string detail,
                RefusalCode code = RefusalCode::out_of_range) {
  return Refusal{code, std::move(field), std::move(detail)};
}

std::string time_text(EpochMs t) { return format_rfc3339_china(t); }

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Warnings ascending; escalations ascending and never before the due instant, so that at
// one instant the breach fires before tier 1 (due_timers orders ties by kind).
Deadline normalized(Deadline d) {
  std::sort(d.warning_at.begin(), d.warning_at.begin() + d.warning_count);
  for (std::uint8_t i = 0; i < d.tier_count; ++i) {
    d.escalation_at[i] = std::max(d.escalation_at[i], d.due);
  }
  std::sort(d.escalation_at.begin(), d.escalation_at.begin() + d.tier_count);
  return d;
}

void stop_clock(CaseState& s, SlaStage stage) {
  std::erase_if(s.clocks, [stage](const StageClock& c) { return c.stage == stage; });
}

StageClock fresh_clock(SlaStage stage, const Deadline& d, std::uint64_t cause) {
  StageClock c;
  c.stage = stage;
  c.deadline = normalized(d);
  c.cause = cause;
  return c;
}

// Starts (or restarts) the clock of stage; no clock when the policy has no limit for it.
MaybeRefusal start_clock(CaseState& s, SlaStage stage, const std::string& department, EpochMs from,
                         std::uint64_t cause, const DeadlinePolicy& policy) {
  Result<std::optional<Deadline>> d = policy.start(stage, s.facts, department, from);
  if (!d) return d.refusal();
  stop_clock(s, stage);
  if (*d) s.clocks.push_back(fresh_clock(stage, **d, cause));
  return std::nullopt;
}

// Sends the case to lead with fresh clocks started at `at`.
MaybeRefusal dispatch(CaseState& s, std::string lead, std::vector<std::string> co, EpochMs at,
                      std::uint64_t cause, const DeadlinePolicy& policy,
                      const LifecycleOptions& o) {
  s.status = LifecycleStatus::dispatched;
  s.back_to = LifecycleStatus::signed_for;
  s.lead = std::move(lead);
  std::erase(co, s.lead);
  s.co = std::move(co);
  s.clocks.clear();
  s.requested_due.reset();
  s.return_until.reset();
  if (auto r = start_clock(s, SlaStage::sign_for, s.lead, at, cause, policy)) return r;
  if (o.resolve_clock == ResolveClock::from_dispatch) {
    if (auto r = start_clock(s, SlaStage::resolve, s.lead, at, cause, policy)) return r;
  }
  Result<std::optional<Deadline>> window =
      policy.start(SlaStage::return_misrouted, s.facts, s.lead, at);
  if (!window) return window.refusal();
  if (*window) s.return_until = (*window)->due;
  return std::nullopt;
}

std::vector<std::string> codes(const RouteDecision& d) {
  std::vector<std::string> out;
  for (const Department* dep : d.co) {
    if (dep != nullptr && !contains(out, dep->code)) out.push_back(dep->code);
  }
  return out;
}

// Builds a Transition on a copy of the state; events take the state's next seq and status.
class Step {
 public:
  explicit Step(const CaseState& s) { t_.state = s; }
  CaseState& state() { return t_.state; }

  // An event of a step: its id derives from the type and the cause (timers: case_timers.cpp).
  CaseEvent& emit(EventType type, EpochMs at, std::string department, std::uint64_t cause) {
    CaseEvent& e = t_.events.emplace_back();
    e.id = make_event_id(t_.state.case_id, type, std::nullopt, 0, cause);
    e.case_id = t_.state.case_id;
    e.type = type;
    e.at = at;
    e.seq = t_.state.event_seq++;
    e.department = std::move(department);
    e.status = t_.state.status;
    return e;
  }

  // An event caused by update u.
  CaseEvent& emit(EventType type, const StatusUpdate& u, std::uint64_t cause) {
    CaseEvent& e = emit(type, u.at, u.department, cause);
    e.update_id = u.update_id;
    return e;
  }

  Transition take() { return std::move(t_); }

 private:
  Transition t_;
};

// --- who may send what, and when ------------------------------------------------------

enum class Sender : std::uint8_t { holder, holder_or_co, holder_or_center, center };

Sender sender_of(UpdateAction a) {
  switch (a) {
    case UpdateAction::sign_for:
    case UpdateAction::return_misrouted:
    case UpdateAction::request_extension:
    case UpdateAction::resolve:
      return Sender::holder;
    case UpdateAction::progress:
      return Sender::holder_or_co;
    case UpdateAction::suspend:
    case UpdateAction::resume:
      return Sender::holder_or_center;
    case UpdateAction::approve_extension:
    case UpdateAction::refuse_extension:
    case UpdateAction::close:
    case UpdateAction::callback:
    case UpdateAction::reopen:
      return Sender::center;
  }
  return Sender::center;
}

MaybeRefusal check_sender(const CaseState& s, const StatusUpdate& u, const LifecycleOptions& o) {
  const std::string& d = u.department;
  const bool holder = d == s.lead;
  const bool center = d == o.command_center;
  const std::string action(to_string(u.action));
  switch (sender_of(u.action)) {
    case Sender::holder:
    case Sender::holder_or_co: {
      if (holder) return std::nullopt;
      if (sender_of(u.action) == Sender::holder_or_co && contains(s.co, d)) return std::nullopt;
      std::string detail = "case " + s.case_id + " is held by " + s.lead + ", not " + d;
      if (contains(s.co, d)) {
        detail += " (" + d + " is a co-handler: it sends progress notes only)";
      } else if (contains(s.returned_by, d)) {
        detail += " (" + d + " returned it)";
      }
      return refusal("department", std::move(detail));
    }
    case Sender::holder_or_center:
      if (holder || center) return std::nullopt;
      return refusal("department", action + " comes from the holder (" + s.lead +
                                       ") or the command center (" + o.command_center + "), not " +
                                       d);
    case Sender::center:
      if (center) return std::nullopt;
      return refusal("department", action + " comes from the command center (" + o.command_center +
                                       "), not " + d);
  }
  return std::nullopt;
}

bool allowed(LifecycleStatus s, UpdateAction a) {
  using S = LifecycleStatus;
  using A = UpdateAction;
  switch (a) {
    case A::sign_for:
      return s == S::dispatched;
    case A::return_misrouted:
      return s == S::dispatched || s == S::signed_for || s == S::in_progress;
    case A::request_extension:
    case A::suspend:
      return s == S::signed_for || s == S::in_progress;
    case A::approve_extension:
    case A::refuse_extension:
      return s == S::extension_pending;
    case A::resume:
      return s == S::suspended;
    case A::progress:
      return s == S::signed_for || s == S::in_progress || s == S::extension_pending ||
             s == S::suspended;
    case A::resolve:
      return s == S::signed_for || s == S::in_progress || s == S::extension_pending;
    case A::close:
      return s == S::resolved;
    case A::callback:
    case A::reopen:
      return s == S::resolved || s == S::closed;
  }
  return false;
}

// What to do instead, for the refusal of action a in status s.
std::string_view hint(LifecycleStatus s, UpdateAction a) {
  using S = LifecycleStatus;
  using A = UpdateAction;
  switch (s) {
    case S::returned:
      return "it was returned and waits to be re-dispatched";
    case S::suspended:
      return a == A::suspend ? "it is already suspended" : "resume it first";
    case S::extension_pending:
      return a == A::request_extension ? "an extension is already pending"
                                       : "the command center decides the pending extension first";
    case S::resolved:
      return a == A::resolve ? "it is already resolved" : "it is resolved; reopen it first";
    case S::closed:
      return a == A::close ? "it is already closed" : "it is closed; reopen it first";
    case S::dispatched:
    case S::signed_for:
    case S::in_progress:
      break;
  }
  switch (a) {
    case A::approve_extension:
    case A::refuse_extension:
      return "no extension is pending";
    case A::resume:
      return "it is not suspended";
    case A::close:
    case A::callback:
      return "it is not resolved yet";
    case A::reopen:
      return "it is neither resolved nor closed";
    case A::sign_for:
      return "it is already signed for";
    default:
      return "sign for it first";
  }
}

// --- the transitions --------------------------------------------------------------------

MaybeRefusal apply_return(Step& step, const StatusUpdate& u, std::uint64_t h,
                          const DeadlinePolicy& policy, const LifecycleOptions& o) {
  CaseState& s = step.state();
  if (u.reason.empty()) {
    return refusal("reason", "a return needs the reason the case is not this department's",
                   RefusalCode::missing_field);
  }
  if (u.department == o.command_center) {
    return refusal("department",
                   "the command center cannot return a case it holds; it "
                   "dispatches it by hand");
  }
  if (s.return_until && u.at > *s.return_until) {
    return refusal("at", "returns were accepted until " + time_text(*s.return_until) +
                             "; ask the command center to re-dispatch it");
  }
  s.returned_by.push_back(s.lead);
  s.clocks.clear();
  s.requested_due.reset();
  s.return_until.reset();
  s.status = LifecycleStatus::returned;
  step.emit(EventType::returned, u, h).reason = u.reason;
  if (s.returns() < o.max_returns) return std::nullopt;  // the caller routes, then redispatch()
  if (auto r = dispatch(s, o.command_center, {}, u.at, h, policy, o)) return r;
  step.emit(EventType::redispatched, u.at, o.command_center, h).update_id = u.update_id;
  return std::nullopt;
}

MaybeRefusal apply_extension_request(Step& step, const StatusUpdate& u, std::uint64_t h,
                                     const DeadlinePolicy& policy, const LifecycleOptions& o) {
  CaseState& s = step.state();
  if (!u.extend_to) {
    return refusal("extendTo", "an extension request needs the instant asked for",
                   RefusalCode::missing_field);
  }
  const StageClock* resolve = s.clock(SlaStage::resolve);
  if (resolve == nullptr) {
    return refusal("extendTo", "case " + s.case_id + " has no resolve time limit to extend");
  }
  if (*u.extend_to <= resolve->deadline.due) {
    return refusal("extendTo", time_text(*u.extend_to) + " is not after the current due " +
                                   time_text(resolve->deadline.due));
  }
  Result<std::optional<EpochMs>> latest =
      policy.latest_extension(resolve->deadline, SlaStage::resolve, s.facts, s.lead);
  if (!latest) return latest.refusal();
  if (!*latest) {
    return refusal("action", "the resolve time limit of case " + s.case_id + " cannot be extended");
  }
  if (*u.extend_to > **latest) {
    return refusal("extendTo", time_text(*u.extend_to) +
                                   " is later than the longest extension allowed, " +
                                   time_text(**latest));
  }
  if (auto r = start_clock(s, SlaStage::extension_decision, o.command_center, u.at, h, policy)) {
    return r;
  }
  s.back_to = s.status;
  s.status = LifecycleStatus::extension_pending;
  s.requested_due = *u.extend_to;
  CaseEvent& e = step.emit(EventType::extension_requested, u, h);
  e.stage = SlaStage::resolve;
  e.due = *u.extend_to;
  return std::nullopt;
}

MaybeRefusal apply_extension_decision(Step& step, const StatusUpdate& u, std::uint64_t h,
                                      const DeadlinePolicy& policy) {
  CaseState& s = step.state();
  if (u.action == UpdateAction::approve_extension) {
    StageClock* resolve = s.clock(SlaStage::resolve);
    const std::optional<EpochMs> new_due = u.extend_to ? u.extend_to : s.requested_due;
    if (!new_due) {
      return refusal("extendTo", "no extendTo in the approval nor in the request",
                     RefusalCode::missing_field);
    }
    if (resolve == nullptr) {
      return refusal("action", "case " + s.case_id + " has no resolve time limit to extend");
    }
    if (*new_due <= resolve->deadline.due) {
      return refusal("extendTo", time_text(*new_due) + " is not after the current due " +
                                     time_text(resolve->deadline.due));
    }
    Result<Deadline> moved =
        policy.extend(resolve->deadline, SlaStage::resolve, s.facts, s.lead, *new_due);
    if (!moved) return moved.refusal();
    // A new deadline: its warnings may fire again, under ids derived from this approval.
    *resolve = fresh_clock(SlaStage::resolve, *moved, h);
  }
  stop_clock(s, SlaStage::extension_decision);
  s.status = s.back_to;
  s.requested_due.reset();
  if (u.action == UpdateAction::approve_extension) {
    CaseEvent& e = step.emit(EventType::extension_approved, u, h);
    e.stage = SlaStage::resolve;
    e.due = s.clock(SlaStage::resolve)->deadline.due;
  } else {
    step.emit(EventType::extension_refused, u, h).reason = u.reason;
  }
  return std::nullopt;
}

MaybeRefusal apply_resume(Step& step, const StatusUpdate& u, std::uint64_t h,
                          const DeadlinePolicy& policy, const LifecycleOptions& o) {
  CaseState& s = step.state();
  for (StageClock& c : s.clocks) {
    if (!c.paused_at) continue;
    Result<Deadline> shifted =
        policy.resume(c.deadline, c.stage, s.facts, stage_owner(s, c.stage, o), *c.paused_at, u.at);
    if (!shifted) return shifted.refusal();
    c.deadline = normalized(*shifted);  // what fired stays fired
    c.paused_at.reset();
  }
  s.status = s.back_to;
  step.emit(EventType::resumed, u, h);
  return std::nullopt;
}

MaybeRefusal transition(Step& step, const StatusUpdate& u, std::uint64_t h,
                        const DeadlinePolicy& policy, const LifecycleOptions& o) {
  CaseState& s = step.state();
  switch (u.action) {
    case UpdateAction::sign_for: {
      stop_clock(s, SlaStage::sign_for);
      if (o.resolve_clock == ResolveClock::from_sign_for) {
        if (auto r = start_clock(s, SlaStage::resolve, s.lead, u.at, h, policy)) return r;
      }
      s.status = LifecycleStatus::signed_for;
      CaseEvent& e = step.emit(EventType::signed_for, u, h);
      if (const StageClock* resolve = s.clock(SlaStage::resolve)) {
        e.stage = SlaStage::resolve;
        e.due = resolve->deadline.due;
      }
      return std::nullopt;
    }
    case UpdateAction::return_misrouted:
      return apply_return(step, u, h, policy, o);
    case UpdateAction::request_extension:
      return apply_extension_request(step, u, h, policy, o);
    case UpdateAction::approve_extension:
    case UpdateAction::refuse_extension:
      return apply_extension_decision(step, u, h, policy);
    case UpdateAction::suspend:
      for (StageClock& c : s.clocks) {
        if (!c.paused_at) c.paused_at = u.at;
      }
      s.back_to = s.status;
      s.status = LifecycleStatus::suspended;
      step.emit(EventType::suspended, u, h).reason = u.reason;
      return std::nullopt;
    case UpdateAction::resume:
      return apply_resume(step, u, h, policy, o);
    case UpdateAction::progress:
      if (s.status == LifecycleStatus::signed_for) s.status = LifecycleStatus::in_progress;
      // Waiting for a decision or suspended: it goes back to in progress afterwards.
      s.back_to = LifecycleStatus::in_progress;
      step.emit(EventType::progress, u, h);
      return std::nullopt;
    case UpdateAction::resolve:
      if (u.result.empty()) {
        return refusal("result", "a resolve needs the result", RefusalCode::missing_field);
      }
      s.clocks.clear();
      s.requested_due.reset();
      s.return_until.reset();
      if (auto r = start_clock(s, SlaStage::close, o.command_center, u.at, h, policy)) return r;
      s.status = LifecycleStatus::resolved;
      step.emit(EventType::resolved, u, h);
      return std::nullopt;
    case UpdateAction::close:
      s.clocks.clear();
      s.status = LifecycleStatus::closed;
      step.emit(EventType::closed, u, h);
      return std::nullopt;
    case UpdateAction::callback:
      if (!u.satisfaction) {
        return refusal("satisfaction", "a callback needs the satisfaction score",
                       RefusalCode::missing_field);
      }
      if (*u.satisfaction < kMinSatisfaction || *u.satisfaction > kMaxSatisfaction) {
        return refusal("satisfaction", "expected " + std::to_string(kMinSatisfaction) + " to " +
                                           std::to_string(kMaxSatisfaction) + ", found " +
                                           std::to_string(*u.satisfaction));
      }
      step.emit(EventType::callback, u, h).satisfaction = u.satisfaction;
      return std::nullopt;
    case UpdateAction::reopen: {
      if (auto r = dispatch(s, s.lead, s.co, u.at, h, policy, o)) return r;
      CaseEvent& e = step.emit(EventType::reopened, u, h);
      e.department = s.lead;  // who must handle it again; the center sent it
      e.co = s.co;
      e.reason = u.reason;
      return std::nullopt;
    }
  }
  return refusal("action", "unknown action");
}

void remember(CaseState& s, std::uint64_t h, EpochMs at, const LifecycleOptions& o) {
  if (s.last_at && *s.last_at == at) {
    if (s.same_at < UINT32_MAX) ++s.same_at;
  } else {
    s.last_at = at;
    s.same_at = 1;
  }
  s.applied.push_back(h);
  const std::size_t window = window_size(o);
  if (s.applied.size() > window) {
    s.applied.erase(s.applied.begin(),
                    s.applied.begin() + static_cast<std::ptrdiff_t>(s.applied.size() - window));
  }
}

ApplyResult refused(Refusal r) {
  ApplyResult result;
  result.outcome = ApplyOutcome::refused;
  result.refusal = std::move(r);
  return result;
}

}  // namespace

const std::string& stage_owner(const CaseState& s, SlaStage stage, const LifecycleOptions& o) {
  return stage == SlaStage::extension_decision || stage == SlaStage::close ? o.command_center
                                                                           : s.lead;
}

Result<Transition> create(const Case& c, const RouteDecision& decision,
                          const DeadlinePolicy& policy, const LifecycleOptions& options) {
  CaseState initial;
  initial.case_id = c.case_id;
  initial.facts = facts_of(c);
  initial.created_at = c.received_at;
  Step step(initial);
  CaseState& s = step.state();
  std::string lead = decision.lead != nullptr ? decision.lead->code : options.command_center;
  const bool self_handled = c.self_handled || c.status == CaseStatus::resolved;
  if (self_handled) {
    // Resolved by the grid worker: the routed lead holds it only if it is reopened.
    s.status = LifecycleStatus::resolved;
    s.lead = std::move(lead);
    s.co = codes(decision);
    std::erase(s.co, s.lead);
    if (auto r =
            start_clock(s, SlaStage::close, options.command_center, c.received_at, 0, policy)) {
      return *r;
    }
  } else if (auto r =
                 dispatch(s, std::move(lead), codes(decision), c.received_at, 0, policy, options)) {
    return *r;
  }
  step.emit(EventType::created, c.received_at, "", 0);
  CaseEvent& routed = step.emit(EventType::routed, c.received_at, s.lead, 0);
  routed.co = s.co;
  if (self_handled) {
    // No department: the grid worker resolved it on the spot.
    step.emit(EventType::resolved, c.handled_at.value_or(c.received_at), "", 0);
  }
  return step.take();
}

ApplyResult apply(const CaseState& state, const StatusUpdate& u, EpochMs now,
                  const DeadlinePolicy& policy, const LifecycleOptions& options) {
  if (u.case_id != state.case_id) {
    return refused(
        refusal("caseId", "update for " + u.case_id + " applied to case " + state.case_id));
  }
  if (u.update_id.empty()) {
    return refused(refusal("updateId", "an update needs its id", RefusalCode::missing_field));
  }
  const std::uint64_t h = cause_of(u.update_id);
  if (std::find(state.applied.begin(), state.applied.end(), h) != state.applied.end()) {
    ApplyResult dup;
    dup.outcome = ApplyOutcome::duplicate;
    return dup;
  }
  if (state.last_at && u.at < *state.last_at) {
    return refused(refusal("at", time_text(u.at) + " is before the last applied update (" +
                                     time_text(*state.last_at) + "): out of order"));
  }
  if (state.last_at && u.at == *state.last_at && state.same_at > state.applied.size()) {
    return refused(refusal("at", "more updates at " + time_text(u.at) +
                                     " than the window of applied ids holds: cannot tell a "
                                     "new one from a resend"));
  }
  if (u.at > now && static_cast<std::uint64_t>(u.at) - static_cast<std::uint64_t>(now) >
                        static_cast<std::uint64_t>(std::max<EpochMs>(options.max_clock_skew, 0))) {
    return refused(refusal("at", time_text(u.at) + " is ahead of the gateway's clock (" +
                                     time_text(now) + ") by more than the allowed skew"));
  }
  if (auto r = check_sender(state, u, options)) return refused(std::move(*r));
  if (!allowed(state.status, u.action)) {
    return refused(refusal("action", std::string(to_string(u.action)) +
                                         " is not allowed while the case is " +
                                         std::string(to_string(state.status)) + " (" +
                                         std::string(hint(state.status, u.action)) + ")"));
  }
  Step step(state);
  if (auto r = transition(step, u, h, policy, options)) return refused(std::move(*r));
  remember(step.state(), h, u.at, options);
  ApplyResult result;
  result.outcome = ApplyOutcome::applied;
  result.transition = step.take();
  if (result.transition.state.status == LifecycleStatus::returned) {
    result.transition.reroute = pending_reroute(result.transition.state);
  }
  return result;
}

std::optional<RerouteRequest> pending_reroute(const CaseState& state) {
  if (state.status != LifecycleStatus::returned) return std::nullopt;
  return RerouteRequest{state.returned_by};
}

Result<Transition> redispatch(const CaseState& state, const RouteDecision& decision,
                              const DeadlinePolicy& policy, const LifecycleOptions& options) {
  if (state.status != LifecycleStatus::returned) {
    return refusal("status", "case " + state.case_id + " is " +
                                 std::string(to_string(state.status)) +
                                 ", not returned: nothing to re-dispatch");
  }
  std::string lead = decision.lead != nullptr ? decision.lead->code : options.command_center;
  if (lead.empty() || contains(state.returned_by, lead)) lead = options.command_center;
  // The return is the last applied update (a returned case accepts none): its instant and
  // id start the new clocks, so a repeat after a crash gives the same state and event ids.
  const EpochMs at = state.last_at.value_or(state.created_at);
  const std::uint64_t cause = state.applied.empty() ? 0 : state.applied.back();
  Step step(state);
  if (auto r =
          dispatch(step.state(), std::move(lead), codes(decision), at, cause, policy, options)) {
    return *r;
  }
  CaseEvent& e = step.emit(EventType::redispatched, at, step.state().lead, cause);
  e.co = step.state().co;
  return step.take();
}

}  // namespace gw
