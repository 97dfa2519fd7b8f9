#include "gateway/core/sla_deadline_policy.h"

#include <algorithm>
#include <cassert>
#include <string>
#include <utility>
#include <vector>

#include "gateway/core/time_format.h"

namespace gw {
namespace {

constexpr std::uint8_t kKnownFlags =
    kSlaClockWorking | kSlaDueAtMidnight | kSlaClockPaused | kSlaDeadlineMark;

std::string stage_text(SlaStage stage) { return std::string(sla_stage_name(stage)); }

Refusal missing_calendar(SlaStage stage, std::string_view field, MissingCalendarYear missing) {
  return Refusal{
      RefusalCode::out_of_range, std::string(field),
      "the " + stage_text(stage) + " time limit cannot be counted: " + missing.message()};
}

SlaSubject subject_of(const CaseFacts& facts, std::string_view department) {
  return SlaSubject{facts.kind, facts.category, facts.priority, department};
}

// The fractions of a clock's warnings read back from its instants: the part of the budget
// used at each. A warning reached before the clock last started keeps its instant whatever
// its fraction; used/budget says so.
CalendarResult<std::vector<double>> fractions_from_instants(const StageDeadline& d,
                                                            const WorkingCalendar& calendar) {
  std::vector<double> out;
  const auto budget = static_cast<double>(d.budget_ms);
  for (const SlaWarning& w : d.warnings) {
    std::int64_t used = d.used_ms;
    if (w.at > d.running_since) {
      const auto ran = clock_time_between(d.clock, d.running_since, w.at, calendar);
      if (!ran) return ran.error();
      used += *ran;
    }
    out.push_back(std::min(static_cast<double>(used) / budget, 1.0));
  }
  return out;
}

}  // namespace

Deadline deadline_of(const StageDeadline& d, EpochMs start,
                     std::span<const EscalationStep> escalations) {
  Deadline out;
  out.start = start;
  out.due = d.due;
  for (const SlaWarning& w : d.warnings) out.add_warning(w.at);
  for (const EscalationStep& step : escalations) out.add_escalation(step.at);
  std::uint8_t flags = kSlaDeadlineMark;
  if (d.clock == SlaClock::working) flags |= kSlaClockWorking;
  if (d.day_end == DayEndRule::at_midnight) flags |= kSlaDueAtMidnight;
  if (d.paused) flags |= kSlaClockPaused;
  out.policy_flags = flags;
  out.policy_data = {d.budget_ms, d.used_ms, d.running_since, d.original_due};
  return out;
}

std::optional<StageDeadline> stage_deadline_of(const Deadline& d,
                                               std::span<const double> fractions) {
  const std::uint8_t flags = d.policy_flags;
  if ((flags & kSlaDeadlineMark) == 0 || (flags & ~kKnownFlags) != 0) return std::nullopt;
  if (fractions.size() != d.warning_count) return std::nullopt;
  const auto [budget, used, running_since, original_due] = d.policy_data;
  if (budget <= 0 || used < 0) return std::nullopt;
  StageDeadline out;
  out.clock = (flags & kSlaClockWorking) != 0 ? SlaClock::working : SlaClock::natural;
  out.day_end =
      (flags & kSlaDueAtMidnight) != 0 ? DayEndRule::at_midnight : DayEndRule::at_office_close;
  out.paused = (flags & kSlaClockPaused) != 0;
  out.budget_ms = budget;
  out.used_ms = used;
  out.running_since = running_since;
  out.original_due = original_due;
  out.due = d.due;
  for (std::size_t i = 0; i < fractions.size(); ++i) {
    out.warnings.push_back(SlaWarning{fractions[i], d.warning_at[i]});
  }
  return out;
}

SlaDeadlinePolicy::SlaDeadlinePolicy(std::shared_ptr<const SlaPolicy> policy,
                                     std::shared_ptr<const WorkingCalendar> calendar)
    : policy_(std::move(policy)), calendar_(std::move(calendar)) {
  assert(policy_ != nullptr && calendar_ != nullptr);
}

const SlaRule* SlaDeadlinePolicy::rule(SlaStage stage, const CaseFacts& facts,
                                       std::string_view department) const {
  return find_sla_rule(*policy_, stage, subject_of(facts, department));
}

Result<StageDeadline> SlaDeadlinePolicy::decode(const Deadline& d, const SlaRule* rule,
                                                SlaStage stage, std::string_view field) const {
  const bool rule_fits = rule != nullptr && rule->warnings.size() == d.warning_count;
  const std::vector<double> placeholder(d.warning_count, 0.0);
  std::optional<StageDeadline> out =
      stage_deadline_of(d, rule_fits ? std::span<const double>(rule->warnings) : placeholder);
  if (!out) {
    return Refusal{RefusalCode::out_of_range, "",
                   "the " + stage_text(stage) +
                       " clock of this case was not made by the SLA policy (policy flags " +
                       std::to_string(d.policy_flags) + ")"};
  }
  if (!rule_fits) {
    const auto fractions = fractions_from_instants(*out, *calendar_);
    if (!fractions) return missing_calendar(stage, field, fractions.error());
    for (std::size_t i = 0; i < out->warnings.size(); ++i) {
      out->warnings[i].fraction = (*fractions)[i];
    }
  }
  return std::move(*out);
}

Result<Deadline> SlaDeadlinePolicy::encode(const StageDeadline& d, const SlaRule* rule,
                                           EpochMs start, std::size_t min_tiers, SlaStage stage,
                                           std::string_view field) const {
  std::span<const EscalationTier> tiers;
  if (rule != nullptr) tiers = rule->escalation;
  const auto steps = escalation_schedule(tiers, d.due, *calendar_);
  if (!steps) return missing_calendar(stage, field, steps.error());
  Deadline out = deadline_of(d, start, *steps);
  // Tiers the lifecycle may already have fired stay: at the last tier's instant.
  const EpochMs last = out.tier_count > 0 ? out.escalation_at[out.tier_count - 1] : out.due;
  while (out.tier_count < min_tiers && out.add_escalation(last)) {
  }
  return out;
}

Result<std::optional<Deadline>> SlaDeadlinePolicy::start(SlaStage stage, const CaseFacts& facts,
                                                         std::string_view department,
                                                         EpochMs from) const {
  const SlaRule* r = rule(stage, facts, department);
  if (r == nullptr) return std::optional<Deadline>();
  const auto computed = compute_deadline(*r, from, *calendar_);
  if (!computed) return missing_calendar(stage, "at", computed.error());
  Result<Deadline> d = encode(*computed, r, from, 0, stage, "at");
  if (!d) return d.refusal();
  return std::optional<Deadline>(std::move(*d));
}

Result<std::optional<EpochMs>> SlaDeadlinePolicy::latest_extension(
    const Deadline& current, SlaStage stage, const CaseFacts& facts,
    std::string_view department) const {
  const SlaRule* r = rule(stage, facts, department);
  if (r == nullptr || !r->max_extension) return std::optional<EpochMs>();
  Result<StageDeadline> d = decode(current, r, stage, "extendTo");
  if (!d) return d.refusal();
  const auto latest = gw::latest_extension(*d, *r->max_extension, *calendar_);
  if (!latest) return missing_calendar(stage, "extendTo", latest.error());
  return std::optional<EpochMs>(*latest);
}

Result<Deadline> SlaDeadlinePolicy::extend(const Deadline& current, SlaStage stage,
                                           const CaseFacts& facts, std::string_view department,
                                           EpochMs new_due) const {
  const SlaRule* r = rule(stage, facts, department);
  Result<StageDeadline> d = decode(current, r, stage, "extendTo");
  if (!d) return d.refusal();
  const std::optional<Limit> max_extension = r != nullptr ? r->max_extension : std::nullopt;
  const auto verdict = check_extension(*d, new_due, max_extension, *calendar_);
  if (!verdict) return missing_calendar(stage, "extendTo", verdict.error());
  if (*verdict != ExtensionVerdict::allowed) {
    std::string detail = format_rfc3339_china(new_due) + ": " + std::string(to_string(*verdict));
    if (*verdict == ExtensionVerdict::beyond_maximum) {
      const auto latest = gw::latest_extension(*d, *max_extension, *calendar_);
      if (latest) detail += " (" + format_rfc3339_china(*latest) + ")";
    }
    return Refusal{RefusalCode::out_of_range, "extendTo", std::move(detail)};
  }
  const auto moved = gw::extend(*d, new_due, *calendar_);
  if (!moved) return missing_calendar(stage, "extendTo", moved.error());
  return encode(*moved, r, current.start, current.tier_count, stage, "extendTo");
}

Result<Deadline> SlaDeadlinePolicy::resume(const Deadline& paused, SlaStage stage,
                                           const CaseFacts& facts, std::string_view department,
                                           EpochMs paused_at, EpochMs resumed_at) const {
  // A rule gone from sla.yaml under a running clock still resumes: on the clock's own numbers.
  const SlaRule* r = rule(stage, facts, department);
  Result<StageDeadline> d = decode(paused, r, stage, "at");
  if (!d) return d.refusal();
  // The lifecycle records the pause itself (StageClock::paused_at); the clock ran until then.
  const auto stopped = gw::suspend(*d, paused_at, *calendar_);
  if (!stopped) return missing_calendar(stage, "at", stopped.error());
  const auto restarted = gw::resume(*stopped, resumed_at, *calendar_);
  if (!restarted) return missing_calendar(stage, "at", restarted.error());
  return encode(*restarted, r, paused.start, paused.tier_count, stage, "at");
}

EscalationTarget SlaDeadlinePolicy::escalation(SlaStage stage, const CaseFacts& facts,
                                               std::string_view department, int tier) const {
  const SlaRule* r = rule(stage, facts, department);
  if (r == nullptr || r->escalation.empty()) return {};
  const auto last = static_cast<int>(r->escalation.size());
  const EscalationTier& t = r->escalation[static_cast<std::size_t>(std::clamp(tier, 1, last) - 1)];
  return EscalationTarget{std::string(to_string(t.tier)), t.topic};
}

}  // namespace gw
