// Test doubles for the lifecycle: a DeadlinePolicy over natural time with round numbers, the
// departments of a small district, and builders for cases and status updates.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/core/case.h"
#include "gateway/core/case_id.h"
#include "gateway/core/case_lifecycle.h"
#include "gateway/core/route_table.h"
#include "gateway/core/status_update.h"

namespace gw::testing {

inline constexpr EpochMs kMinute = 60'000;
inline constexpr EpochMs kHour = 60 * kMinute;
inline constexpr EpochMs kDay = 24 * kHour;
// 2025-09-22 09:00:00 +08:00, a Monday.
inline constexpr EpochMs kT0 = 1758502800000;

// Natural-time limits, warnings at 50% and 75%, escalation tier 1 at the breach and each next
// tier a day later. Counts its calls, and can be told to fail (a calendar year not loaded).
class FakePolicy : public DeadlinePolicy {
 public:
  std::map<SlaStage, EpochMs> limits = {
      {SlaStage::sign_for, 2 * kHour},
      {SlaStage::resolve, 5 * kDay},
      {SlaStage::return_misrouted, 2 * kDay},
      {SlaStage::extension_decision, 1 * kDay},
      {SlaStage::close, 3 * kDay},
  };
  std::vector<double> warning_fractions = {0.5, 0.75};
  int tiers = 3;
  EpochMs tier_limit = kDay;
  std::optional<EpochMs> max_extension = 10 * kDay;  // nothing: not extendable
  std::optional<EpochMs> fail_from;  // start/extend/resume refuse at or after this instant
  mutable int resume_calls = 0;

  Deadline make(EpochMs from, EpochMs limit, EpochMs original_due) const {
    Deadline d;
    d.start = from;
    d.due = from + limit;
    for (double f : warning_fractions) d.add_warning(from + static_cast<EpochMs>(f * limit));
    for (int k = 0; k < tiers; ++k) d.add_escalation(d.due + k * tier_limit);
    d.policy_flags = 1;
    d.policy_data = {limit, original_due, -7, 0};
    return d;
  }

  MaybeRefusal failure(EpochMs at) const {
    if (fail_from && at >= *fail_from) {
      return Refusal{RefusalCode::out_of_range, "at", "no working calendar for that year"};
    }
    return std::nullopt;
  }

  Result<std::optional<Deadline>> start(SlaStage stage, const CaseFacts&, std::string_view,
                                        EpochMs from) const override {
    if (auto r = failure(from)) return *r;
    auto it = limits.find(stage);
    if (it == limits.end()) return std::optional<Deadline>();
    return std::optional<Deadline>(make(from, it->second, from + it->second));
  }

  Result<std::optional<EpochMs>> latest_extension(const Deadline& current, SlaStage,
                                                  const CaseFacts&,
                                                  std::string_view) const override {
    if (!max_extension) return std::optional<EpochMs>();
    return std::optional<EpochMs>(current.policy_data[1] + *max_extension);
  }

  Result<Deadline> extend(const Deadline& current, SlaStage, const CaseFacts&, std::string_view,
                          EpochMs new_due) const override {
    if (auto r = failure(new_due)) return *r;
    return make(current.start, new_due - current.start, current.policy_data[1]);
  }

  Result<Deadline> resume(const Deadline& paused, SlaStage, const CaseFacts&, std::string_view,
                          EpochMs paused_at, EpochMs resumed_at) const override {
    ++resume_calls;
    if (auto r = failure(resumed_at)) return *r;
    const EpochMs shift = resumed_at - paused_at;
    Deadline d = paused;
    d.due += shift;
    for (std::uint8_t i = 0; i < d.warning_count; ++i) d.warning_at[i] += shift;
    for (std::uint8_t i = 0; i < d.tier_count; ++i) d.escalation_at[i] += shift;
    return d;
  }

  EscalationTarget escalation(SlaStage stage, const CaseFacts&, std::string_view department,
                              int tier) const override {
    static const char* const kNames[] = {"community", "street", "district", "city", "city"};
    std::string name = kNames[(tier - 1) % 5];
    return {name, "supervision." + name + "." + std::string(sla_stage_name(stage)) + "." +
                      std::string(department)};
  }
};

// The departments cases go to, and decisions naming them.
class District {
 public:
  District() {
    for (const char* code : {"housing", "water", "gas", "env", "command-center"}) {
      Department d;
      d.code = code;
      d.topic = std::string("dept.") + code;
      departments_.emplace(code, d);
    }
  }
  const Department* dept(const std::string& code) const { return &departments_.at(code); }
  RouteDecision decision(const std::string& lead, const std::vector<std::string>& co = {}) const {
    RouteDecision d;
    d.lead = dept(lead);
    for (const std::string& c : co) d.co.push_back(dept(c));
    return d;
  }

 private:
  std::map<std::string, Department> departments_;
};

inline Case hotline_case(const std::string& ticket = "SZS12345-20250922-000001") {
  Case c;
  c.source = Source::hotline;
  c.source_ref = ticket;
  c.case_id = make_case_id(c.source, ticket);
  c.kind = "投诉";
  c.category = {"城乡建设", "市政设施", "井盖"};
  c.priority = Priority::urgent;
  c.region.street_code = "640202001";
  c.reported_at = kT0 - 5 * kMinute;
  c.received_at = kT0;
  return c;
}

inline Case self_handled_grid_report() {
  Case c;
  c.source = Source::grid;
  c.source_ref = "GRID-20250922-0042";
  c.case_id = make_case_id(c.source, c.source_ref);
  c.kind = "安全隐患";
  c.region.grid_code = "64020200100101";
  c.received_at = kT0;
  c.status = CaseStatus::resolved;
  c.self_handled = true;
  c.handled_result = "已劝导住户收回充电线";
  c.handled_at = kT0 - 10 * kMinute;
  return c;
}

// A valid update of any action: what each action needs is filled in.
inline StatusUpdate update(const std::string& case_id, UpdateAction action,
                           const std::string& department, EpochMs at, const std::string& id) {
  StatusUpdate u;
  u.update_id = id;
  u.case_id = case_id;
  u.department = department;
  u.action = action;
  u.at = at;
  switch (action) {
    case UpdateAction::return_misrouted:
      u.reason = "不属于本单位职责";
      break;
    case UpdateAction::request_extension:
      u.extend_to = at + 8 * kDay;
      break;
    case UpdateAction::resolve:
      u.result = "已更换井盖";
      break;
    case UpdateAction::callback:
      u.satisfaction = 5;
      break;
    default:
      break;
  }
  return u;
}

}  // namespace gw::testing

#include <set>
#include <string_view>

namespace gw::testing {

// Plays a case's life from bytes, 3 per step: what happens (an update of some action, or the
// clock moving), who sends it, how much time passes. Used by a property test and by the
// libFuzzer target gateway/core/fuzz/case_state_fuzz.cpp. check(ok, what) is called on every
// invariant; it decides how to report a failure.
template <typename Check>
void play_life(std::string_view bytes, Check&& check) {
  static const char* const kSenders[] = {"housing", "water", "gas", "command-center", "env"};
  FakePolicy policy;
  LifecycleOptions options;
  options.applied_ids_window = 4;  // small, so that resends fall out of it
  District district;
  Result<Transition> created =
      create(hotline_case(), district.decision("housing", {"water"}), policy, options);
  check(created.ok(), "create");
  if (!created.ok()) return;
  CaseState s = created->state;
  std::set<std::string> ids;
  std::uint32_t seq = 0;
  std::vector<StatusUpdate> sent;
  EpochMs now = kT0;
  auto take = [&](const Transition& t) {
    for (const CaseEvent& e : t.events) {
      check(ids.insert(e.id).second, "event ids are unique");
      check(e.seq == seq++, "event seqs follow each other");
      check(e.case_id == s.case_id, "events name their case");
    }
    Result<CaseState> back = decode_case_state(encode_case_state(t.state));
    check(back.ok() && *back == t.state, "the state round-trips");
    const bool done = !is_open(t.state.status);
    check(!done || (t.state.clock(SlaStage::sign_for) == nullptr &&
                    t.state.clock(SlaStage::resolve) == nullptr),
          "no department clock runs on a resolved or closed case");
    check(pending_reroute(t.state).has_value() == (t.state.status == LifecycleStatus::returned),
          "a returned case asks to be routed");
    s = t.state;
  };
  take(*created);
  for (std::size_t i = 0; i + 3 <= bytes.size() && i < 3 * 200; i += 3) {
    const auto op = static_cast<std::uint8_t>(bytes[i]);
    const auto who = static_cast<std::uint8_t>(bytes[i + 1]);
    const auto dt = static_cast<std::uint8_t>(bytes[i + 2]);
    now += (dt % 64) * 15 * kMinute;
    if (s.status == LifecycleStatus::returned && op % 2 == 0) {
      Result<Transition> r = redispatch(s, district.decision(kSenders[who % 5]), policy, options);
      check(r.ok(), "redispatch of a returned case");
      if (r.ok()) take(*r);
      continue;
    }
    if (op >= 0xF0) {
      take(fire_due(s, now, policy, options));
      continue;
    }
    StatusUpdate u;
    if (op >= 0xE0 && !sent.empty()) {
      u = sent[who % sent.size()];  // a resend, maybe of an old one
    } else {
      u = update(s.case_id, static_cast<UpdateAction>(op % kUpdateActionCount), kSenders[who % 5],
                 now - (dt >= 0xF0 ? kHour : 0), "u" + std::to_string(i));
    }
    const CaseState before = s;
    ApplyResult r = apply(s, u, now, policy, options);
    if (r.outcome == ApplyOutcome::applied) {
      sent.push_back(u);
      take(r.transition);
      ApplyResult again = apply(s, u, now, policy, options);
      check(again.outcome == ApplyOutcome::duplicate, "an applied update again is a duplicate");
    } else {
      check(r.transition.events.empty(), "nothing happens on a refusal or duplicate");
      check(r.outcome == ApplyOutcome::duplicate || r.refusal.has_value(), "a refusal says why");
    }
    check(s == before || r.outcome == ApplyOutcome::applied, "the state changes only when applied");
  }
}

}  // namespace gw::testing
