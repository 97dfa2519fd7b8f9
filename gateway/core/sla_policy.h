// SLA policy: the time limit of each stage of a case, and the arithmetic on a running limit
// (warnings, suspension, extension, escalation). Pure: no clock, no I/O, time is always an
// argument. Loaded by gateway/config/sla_yaml.h from config/sla.yaml; admin reference:
// docs/sla.md. Calendar conventions (working time, end of day, start): working_calendar.h.
//
// Stages, the clocks of docs/lifecycle.md's state machine:
//   sign_for            a dispatched case must be signed for (签收)
//   return              a department may return a misrouted case (退单) only within this
//                       window; past it the return is refused (a window, not a duty)
//   extension_decision  the center must approve or refuse an extension request (延期审批)
//   resolve             the department must resolve the case (办结); may be extended
//   close               the center must verify and close a resolved case (核查结案)
// sign_for and resolve always have a limit; the others only when the policy gives one.
//
// A rule matches a case by kind (appealType or eventType), category prefix, urgency and the
// department holding it; each list is "any of", all given conditions must hold, the first
// matching rule of the stage wins, and the stage's default applies when none does.
//
// A running limit is a StageDeadline: a clock (natural or working time, working_calendar.h)
// with a budget. Everything else follows from a few numbers, which is what to persist:
// budget, time used before the clock last started, where it last started, paused or not.
//   - due: the earliest instant at which the budget is used up (the breach);
//   - warnings: the instants at which given fractions of the budget are used. On working time
//     they fall inside office hours (or at a span's close);
//   - suspension (挂起) stops the clock, resumption (解挂) restarts it: the due moves by the
//     working (or natural) time the case spent suspended;
//   - an approved extension (延期) adds the working (natural) time between the old due and
//     the new one to the budget; the policy's max_extension bounds the total, counted from
//     the due before any extension.
// Escalation after a breach is chained: the first tier is escalated to at the breach and is
// due its own limit later; each next tier is escalated to when the previous one's time runs
// out, and is due its limit after that. Tier limits start immediately.
//
// Lifecycle: a SlaPolicy is immutable after loading; share it by const reference.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/case.h"
#include "gateway/core/routing_config.h"
#include "gateway/core/sla_stage.h"
#include "gateway/core/working_calendar.h"

namespace gw {

// SlaStage and kSlaStageCount live in sla_stage.h (shared with the lifecycle's state).
// "sign_for", "return", "extension_decision", "resolve", "close" (the YAML keys).
std::string_view to_string(SlaStage s);

// At most this many warnings per time limit (sla.yaml is checked for it): the lifecycle keeps
// a fixed number per clock (case_state.h's kMaxWarnings).
inline constexpr std::size_t kMaxSlaWarnings = 4;

enum class LimitUnit : std::uint8_t {
  natural_minutes,
  natural_hours,
  natural_days,
  working_hours,
  working_days,
};
std::string_view to_string(LimitUnit u);

struct Limit {
  std::int64_t amount = 0;  // at least 1
  LimitUnit unit = LimitUnit::working_days;
  StartConvention start = StartConvention::immediately;

  friend bool operator==(const Limit&, const Limit&) = default;
};
// The start when the policy does not say: day counts start the next working day (次日起算),
// hour and minute counts at once.
StartConvention default_start(LimitUnit u);

// Which time a limit counts: all of it, or working time (office hours of working days).
enum class SlaClock : std::uint8_t { natural, working };
SlaClock clock_of(LimitUnit u);
DayEndRule day_end_of(LimitUnit u);  // at_midnight for working_days
// The limit as clock time, in milliseconds (a working day is the calendar's working_day_ms).
std::int64_t budget_ms(const Limit& limit, const WorkingCalendar& calendar);

// The due of `limit` counted from `start`, whatever its unit (natural units are plain
// arithmetic after the start convention).
CalendarResult<EpochMs> add_limit(EpochMs start, const Limit& limit,
                                  const WorkingCalendar& calendar);
// Clock time in [a, b): b - a for natural time; 0 when b <= a.
CalendarResult<std::int64_t> clock_time_between(SlaClock clock, EpochMs a, EpochMs b,
                                                const WorkingCalendar& calendar);

// The supervision tiers, lowest first (网格 → 社区 → 街道 → 区 → 市).
enum class SupervisionTier : std::uint8_t { grid, community, street, district, city };
std::string_view to_string(SupervisionTier t);

struct EscalationTier {
  SupervisionTier tier = SupervisionTier::street;
  std::string topic;  // where escalation records for this tier go
  Limit limit;        // the tier's own time, from when the case is escalated to it
  SourcePos pos;
};

// Every list is "any of"; an empty list does not constrain. All given conditions must hold.
struct SlaMatch {
  std::vector<std::string> kinds;                           // appealType or eventType, exact
  std::vector<std::vector<std::string>> category_prefixes;  // level-wise, as in routing
  std::vector<Priority> urgencies;
  std::vector<std::string> departments;  // the department holding the case

  bool empty() const {
    return kinds.empty() && category_prefixes.empty() && urgencies.empty() && departments.empty();
  }
};

// Where a value is written in the policy file, for checks that need another file.
struct WrittenAt {
  SourcePos pos;
  std::string path;  // "stages.resolve.rules[2].match.department[0]"
};

struct SlaRule {
  std::string id;  // admin-given; "<stage>-<n>" (1-based) when absent; "<stage>-default"
  SlaMatch match;  // empty for a stage's default
  Limit limit;
  std::vector<double> warnings;            // fractions in (0, 1), ascending
  std::vector<EscalationTier> escalation;  // tiers ascending; empty: no escalation
  std::optional<Limit> max_extension;      // resolve only; nothing: extensions are refused
  std::vector<WrittenAt> department_at;    // where each of match.departments is written
  SourcePos pos;
};

struct StagePolicy {
  std::vector<SlaRule> rules;  // in priority order
  SlaRule fallback;            // the stage's default
};

struct SlaPolicy {
  std::string file;
  std::array<std::optional<StagePolicy>, kSlaStageCount> stages;

  const StagePolicy* stage(SlaStage s) const {
    const auto& p = stages[static_cast<std::size_t>(s)];
    return p ? &*p : nullptr;
  }
};

// What rules look at. Views: the case and the department code must outlive it.
struct SlaSubject {
  std::string_view kind;
  std::span<const std::string> category;
  Priority urgency = Priority::normal;
  std::string_view department;
};
SlaSubject sla_subject(const Case& c, std::string_view department);

bool matches(const SlaMatch& m, const SlaSubject& s);
// The first rule of the stage that matches, else its default; nullptr when the policy gives
// the stage no limit.
const SlaRule* find_sla_rule(const SlaPolicy& policy, SlaStage stage, const SlaSubject& s);

struct SlaWarning {
  double fraction = 0;  // of the budget
  EpochMs at = 0;       // when that much is used (recomputed on resume and extension)

  friend bool operator==(const SlaWarning&, const SlaWarning&) = default;
};

// A stage's running (or paused) time limit.
struct StageDeadline {
  SlaClock clock = SlaClock::natural;
  DayEndRule day_end = DayEndRule::at_office_close;
  bool paused = false;
  std::int64_t budget_ms = 0;  // clock time allowed: the limit plus approved extensions
  std::int64_t used_ms = 0;    // clock time used before running_since
  // Running: the clock runs from here. Paused: it will not run before here (a case suspended
  // before its clock started, e.g. on the day of receipt under next_working_day, resumes no
  // earlier than the original start).
  EpochMs running_since = 0;
  EpochMs original_due = 0;  // the due before any extension: max_extension counts from it
  // Running: when the budget is used up (the breach). Paused: the due when it was paused;
  // no timer should run on it.
  EpochMs due = 0;
  std::vector<SlaWarning> warnings;  // ascending

  friend bool operator==(const StageDeadline&, const StageDeadline&) = default;
};

// The deadline of a stage whose clock is started at `start` (dispatch, sign-for, request...).
CalendarResult<StageDeadline> compute_deadline(const SlaRule& rule, EpochMs start,
                                               const WorkingCalendar& calendar);
// The part of the budget used at `now` (above 1 after the due).
CalendarResult<double> fraction_used(const StageDeadline& d, EpochMs now,
                                     const WorkingCalendar& calendar);
// Stops the clock at `at`. A paused deadline is returned as it is.
CalendarResult<StageDeadline> suspend(const StageDeadline& d, EpochMs at,
                                      const WorkingCalendar& calendar);
// Restarts the clock at `at` (no earlier than running_since) with the time left when it was
// paused: new due and warnings. Warnings already reached keep their instants. A running
// deadline is returned as it is.
CalendarResult<StageDeadline> resume(const StageDeadline& d, EpochMs at,
                                     const WorkingCalendar& calendar);

enum class ExtensionVerdict : std::uint8_t {
  allowed,
  not_extendable,  // the rule has no max_extension
  paused,          // resume first: the due of a paused deadline is not running
  not_later,       // the new due is not after the current one
  beyond_maximum,  // past original_due + max_extension
};
std::string_view to_string(ExtensionVerdict v);
// Whether an extension to new_due may be approved under the rule's max_extension.
CalendarResult<ExtensionVerdict> check_extension(const StageDeadline& d, EpochMs new_due,
                                                 const std::optional<Limit>& max_extension,
                                                 const WorkingCalendar& calendar);
// The latest due an extension may reach: original_due + max_extension (counted immediately).
CalendarResult<EpochMs> latest_extension(const StageDeadline& d, const Limit& max_extension,
                                         const WorkingCalendar& calendar);
// Moves the due to new_due and adds the clock time between the two to the budget; warnings
// are recomputed on the new budget (a warning that already fired may fall later again: the
// lifecycle decides whether to fire it twice). Precondition: check_extension said allowed;
// otherwise the deadline is returned as it is.
CalendarResult<StageDeadline> extend(const StageDeadline& d, EpochMs new_due,
                                     const WorkingCalendar& calendar);

struct EscalationStep {
  SupervisionTier tier = SupervisionTier::street;
  std::string_view topic;  // views the policy's tier
  EpochMs at = 0;          // escalated to this tier
  EpochMs due = 0;         // this tier's time runs out: the next tier's `at`
};
// The escalation after a breach at `breach` (the stage's due), chained tier after tier.
CalendarResult<std::vector<EscalationStep>> escalation_schedule(
    std::span<const EscalationTier> tiers, EpochMs breach, const WorkingCalendar& calendar);

}  // namespace gw
