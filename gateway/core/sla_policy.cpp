#include "gateway/core/sla_policy.h"

#include <algorithm>
#include <cmath>

namespace gw {
namespace {

// Level-wise, as routing's category prefixes: {"城乡建设", "市容环境"} is a prefix of
// 城乡建设/市容环境/暴露垃圾, not of 城乡建设.
bool category_starts_with(std::span<const std::string> category,
                          const std::vector<std::string>& prefix) {
  return prefix.size() <= category.size() &&
         std::equal(prefix.begin(), prefix.end(), category.begin());
}

template <class T, class V>
bool contains(const std::vector<T>& list, const V& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The earliest instant at which `ms` more clock time has run since d.running_since.
CalendarResult<EpochMs> advance(const StageDeadline& d, std::int64_t ms, DayEndRule day_end,
                                const WorkingCalendar& calendar) {
  if (d.clock == SlaClock::natural) {
    return d.running_since + std::max<std::int64_t>(ms, 0);
  }
  return calendar.advance_working_time(d.running_since, ms, day_end);
}

// The clock time at which a warning fires: at least that fraction, in whole milliseconds.
std::int64_t warning_target(double fraction, std::int64_t budget) {
  const auto target = static_cast<std::int64_t>(std::ceil(fraction * static_cast<double>(budget)));
  return std::clamp<std::int64_t>(target, 1, budget);
}

// Sets the due and the warnings not yet reached when the clock last started.
std::optional<MissingCalendarYear> place_timers(StageDeadline& d, const WorkingCalendar& calendar) {
  const auto due = advance(d, d.budget_ms - d.used_ms, d.day_end, calendar);
  if (!due) {
    return due.error();
  }
  d.due = *due;
  for (SlaWarning& w : d.warnings) {
    const std::int64_t target = warning_target(w.fraction, d.budget_ms);
    if (target <= d.used_ms) {
      continue;  // reached before: keeps its instant
    }
    const auto at = advance(d, target - d.used_ms, DayEndRule::at_office_close, calendar);
    if (!at) {
      return at.error();
    }
    w.at = *at;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(SlaStage s) { return sla_stage_name(s); }

std::string_view to_string(LimitUnit u) {
  switch (u) {
    case LimitUnit::natural_minutes:
      return "natural_minutes";
    case LimitUnit::natural_hours:
      return "natural_hours";
    case LimitUnit::natural_days:
      return "natural_days";
    case LimitUnit::working_hours:
      return "working_hours";
    case LimitUnit::working_days:
      return "working_days";
  }
  return "working_days";
}

std::string_view to_string(SupervisionTier t) {
  switch (t) {
    case SupervisionTier::grid:
      return "grid";
    case SupervisionTier::community:
      return "community";
    case SupervisionTier::street:
      return "street";
    case SupervisionTier::district:
      return "district";
    case SupervisionTier::city:
      return "city";
  }
  return "city";
}

std::string_view to_string(ExtensionVerdict v) {
  switch (v) {
    case ExtensionVerdict::allowed:
      return "allowed";
    case ExtensionVerdict::not_extendable:
      return "the time limit of this case cannot be extended";
    case ExtensionVerdict::paused:
      return "the case is suspended";
    case ExtensionVerdict::not_later:
      return "the new due is not after the current one";
    case ExtensionVerdict::beyond_maximum:
      return "the new due is past the longest extension the policy allows";
  }
  return "allowed";
}

StartConvention default_start(LimitUnit u) {
  return u == LimitUnit::natural_days || u == LimitUnit::working_days
             ? StartConvention::next_working_day
             : StartConvention::immediately;
}

SlaClock clock_of(LimitUnit u) {
  return u == LimitUnit::working_hours || u == LimitUnit::working_days ? SlaClock::working
                                                                       : SlaClock::natural;
}

DayEndRule day_end_of(LimitUnit u) {
  return u == LimitUnit::working_days ? DayEndRule::at_midnight : DayEndRule::at_office_close;
}

std::int64_t budget_ms(const Limit& limit, const WorkingCalendar& calendar) {
  switch (limit.unit) {
    case LimitUnit::natural_minutes:
      return limit.amount * kMinuteMs;
    case LimitUnit::natural_hours:
    case LimitUnit::working_hours:
      return limit.amount * kHourMs;
    case LimitUnit::natural_days:
      return limit.amount * kDayMs;
    case LimitUnit::working_days:
      return limit.amount * calendar.working_day_ms();
  }
  return 0;
}

CalendarResult<EpochMs> add_limit(EpochMs start, const Limit& limit,
                                  const WorkingCalendar& calendar) {
  const auto begin = calendar.clock_start(start, limit.start);
  if (!begin) {
    return begin;
  }
  if (clock_of(limit.unit) == SlaClock::natural) {
    return *begin + budget_ms(limit, calendar);
  }
  return calendar.advance_working_time(*begin, budget_ms(limit, calendar), day_end_of(limit.unit));
}

CalendarResult<std::int64_t> clock_time_between(SlaClock clock, EpochMs a, EpochMs b,
                                                const WorkingCalendar& calendar) {
  if (clock == SlaClock::natural) {
    return std::max<std::int64_t>(b - a, 0);
  }
  return calendar.working_time_between(a, b);
}

SlaSubject sla_subject(const Case& c, std::string_view department) {
  return SlaSubject{c.kind, c.category, c.priority, department};
}

bool matches(const SlaMatch& m, const SlaSubject& s) {
  if (!m.kinds.empty() && !contains(m.kinds, s.kind)) {
    return false;
  }
  if (!m.urgencies.empty() && !contains(m.urgencies, s.urgency)) {
    return false;
  }
  if (!m.departments.empty() && !contains(m.departments, s.department)) {
    return false;
  }
  if (!m.category_prefixes.empty() &&
      std::none_of(m.category_prefixes.begin(), m.category_prefixes.end(),
                   [&](const auto& prefix) { return category_starts_with(s.category, prefix); })) {
    return false;
  }
  return true;
}

const SlaRule* find_sla_rule(const SlaPolicy& policy, SlaStage stage, const SlaSubject& s) {
  const StagePolicy* p = policy.stage(stage);
  if (p == nullptr) {
    return nullptr;
  }
  for (const SlaRule& rule : p->rules) {
    if (matches(rule.match, s)) {
      return &rule;
    }
  }
  return &p->fallback;
}

CalendarResult<StageDeadline> compute_deadline(const SlaRule& rule, EpochMs start,
                                               const WorkingCalendar& calendar) {
  StageDeadline d;
  d.clock = clock_of(rule.limit.unit);
  d.day_end = day_end_of(rule.limit.unit);
  d.budget_ms = budget_ms(rule.limit, calendar);
  const auto begin = calendar.clock_start(start, rule.limit.start);
  if (!begin) {
    return begin.error();
  }
  d.running_since = *begin;
  for (const double f : rule.warnings) {
    d.warnings.push_back(SlaWarning{f, 0});
  }
  if (const auto missing = place_timers(d, calendar)) {
    return *missing;
  }
  d.original_due = d.due;
  return d;
}

CalendarResult<double> fraction_used(const StageDeadline& d, EpochMs now,
                                     const WorkingCalendar& calendar) {
  std::int64_t used = d.used_ms;
  if (!d.paused) {
    const auto running = clock_time_between(d.clock, d.running_since, now, calendar);
    if (!running) {
      return running.error();
    }
    used += *running;
  }
  if (d.budget_ms <= 0) {
    return 1.0;
  }
  return static_cast<double>(used) / static_cast<double>(d.budget_ms);
}

CalendarResult<StageDeadline> suspend(const StageDeadline& d, EpochMs at,
                                      const WorkingCalendar& calendar) {
  if (d.paused) {
    return d;
  }
  const auto ran = clock_time_between(d.clock, d.running_since, at, calendar);
  if (!ran) {
    return ran.error();
  }
  StageDeadline out = d;
  out.used_ms += *ran;
  out.running_since = std::max(at, d.running_since);
  out.paused = true;
  return out;
}

CalendarResult<StageDeadline> resume(const StageDeadline& d, EpochMs at,
                                     const WorkingCalendar& calendar) {
  if (!d.paused) {
    return d;
  }
  StageDeadline out = d;
  out.running_since = std::max(at, d.running_since);
  out.paused = false;
  if (const auto missing = place_timers(out, calendar)) {
    return *missing;
  }
  return out;
}

CalendarResult<EpochMs> latest_extension(const StageDeadline& d, const Limit& max_extension,
                                         const WorkingCalendar& calendar) {
  return add_limit(d.original_due, max_extension, calendar);
}

CalendarResult<ExtensionVerdict> check_extension(const StageDeadline& d, EpochMs new_due,
                                                 const std::optional<Limit>& max_extension,
                                                 const WorkingCalendar& calendar) {
  if (!max_extension) {
    return ExtensionVerdict::not_extendable;
  }
  if (d.paused) {
    return ExtensionVerdict::paused;
  }
  if (new_due <= d.due) {
    return ExtensionVerdict::not_later;
  }
  const auto latest = latest_extension(d, *max_extension, calendar);
  if (!latest) {
    return latest.error();
  }
  return new_due > *latest ? ExtensionVerdict::beyond_maximum : ExtensionVerdict::allowed;
}

CalendarResult<StageDeadline> extend(const StageDeadline& d, EpochMs new_due,
                                     const WorkingCalendar& calendar) {
  if (d.paused || new_due <= d.due) {
    return d;
  }
  const auto added = clock_time_between(d.clock, d.due, new_due, calendar);
  if (!added) {
    return added.error();
  }
  StageDeadline out = d;
  out.budget_ms += *added;
  if (const auto missing = place_timers(out, calendar)) {
    return *missing;
  }
  return out;
}

CalendarResult<std::vector<EscalationStep>> escalation_schedule(
    std::span<const EscalationTier> tiers, EpochMs breach, const WorkingCalendar& calendar) {
  std::vector<EscalationStep> steps;
  steps.reserve(tiers.size());
  EpochMs at = breach;
  for (const EscalationTier& tier : tiers) {
    const auto due = add_limit(at, tier.limit, calendar);
    if (!due) {
      return due.error();
    }
    steps.push_back(EscalationStep{tier.tier, tier.topic, at, *due});
    at = *due;
  }
  return steps;
}

}  // namespace gw
