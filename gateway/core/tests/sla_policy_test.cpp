// SLA arithmetic: limits in every unit, rule matching, deadlines with warnings, suspension,
// extension and escalation, on DOMAIN.md's 2025/2026 calendar.
#include "gateway/core/sla_policy.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "gateway/core/tests/china_calendar_fixture.h"
#include "gateway/core/time_format.h"

namespace gw {
namespace {

using testing_calendar::build_or_fail;
using testing_calendar::china_2025_2026;
using testing_calendar::cst;
using testing_calendar::show;
using testing_calendar::year_2025;

constexpr auto kNow = StartConvention::immediately;
constexpr auto kNextDay = StartConvention::next_working_day;

SlaRule rule_with(Limit limit, std::vector<double> warnings = {0.5, 0.75}) {
  SlaRule rule;
  rule.id = "test";
  rule.limit = limit;
  rule.warnings = std::move(warnings);
  return rule;
}

std::vector<std::string> warning_times(const StageDeadline& d) {
  std::vector<std::string> out;
  for (const SlaWarning& w : d.warnings) out.push_back(format_rfc3339_china(w.at));
  return out;
}

// --- Limits -----------------------------------------------------------------------------------

struct LimitRow {
  const char* from;
  Limit limit;
  const char* due;
};

TEST(SlaLimitTest, EveryUnitThroughOneFunction) {
  const WorkingCalendar cal = china_2025_2026();
  using U = LimitUnit;
  const LimitRow rows[] = {
      {"2025-09-30 17:00", {90, U::natural_minutes, kNow}, "2025-09-30T18:30:00+08:00"},
      {"2025-09-30 17:00", {2, U::natural_hours, kNow}, "2025-09-30T19:00:00+08:00"},
      {"2025-09-30 17:00", {3, U::natural_days, kNow}, "2025-10-03T17:00:00+08:00"},
      // Natural days counted from the next working day: from 10/9 00:00.
      {"2025-09-30 17:00", {3, U::natural_days, kNextDay}, "2025-10-12T00:00:00+08:00"},
      {"2025-09-30 17:00", {2, U::natural_hours, kNextDay}, "2025-10-09T02:00:00+08:00"},
      {"2025-09-30 17:00", {2, U::working_hours, kNow}, "2025-10-09T09:30:00+08:00"},
      {"2025-09-30 17:00", {2, U::working_days, kNow}, "2025-10-10T17:00:00+08:00"},
      {"2025-09-26 17:00", {5, U::working_days, kNextDay}, "2025-10-11T00:00:00+08:00"},
  };
  for (const LimitRow& row : rows) {
    EXPECT_EQ(show(add_limit(cst(row.from), row.limit, cal)), row.due)
        << row.limit.amount << " " << to_string(row.limit.unit);
  }
}

TEST(SlaLimitTest, UnitsClocksAndDefaultStarts) {
  const WorkingCalendar cal = china_2025_2026();
  EXPECT_EQ(default_start(LimitUnit::working_days), kNextDay);
  EXPECT_EQ(default_start(LimitUnit::natural_days), kNextDay);
  EXPECT_EQ(default_start(LimitUnit::working_hours), kNow);
  EXPECT_EQ(default_start(LimitUnit::natural_hours), kNow);
  EXPECT_EQ(default_start(LimitUnit::natural_minutes), kNow);
  EXPECT_EQ(clock_of(LimitUnit::working_hours), SlaClock::working);
  EXPECT_EQ(clock_of(LimitUnit::natural_days), SlaClock::natural);
  EXPECT_EQ(day_end_of(LimitUnit::working_days), DayEndRule::at_midnight);
  EXPECT_EQ(day_end_of(LimitUnit::working_hours), DayEndRule::at_office_close);
  EXPECT_EQ(budget_ms({5, LimitUnit::working_days, kNow}, cal), 35 * kHourMs);
  EXPECT_EQ(budget_ms({4, LimitUnit::working_hours, kNow}, cal), 4 * kHourMs);
  EXPECT_EQ(budget_ms({2, LimitUnit::natural_days, kNow}, cal), 2 * kDayMs);
  EXPECT_EQ(to_string(SlaStage::return_misrouted), "return");
  EXPECT_EQ(to_string(LimitUnit::natural_minutes), "natural_minutes");
  EXPECT_EQ(to_string(SupervisionTier::district), "district");
}

// --- Matching ---------------------------------------------------------------------------------

SlaPolicy matching_policy() {
  SlaPolicy policy;
  StagePolicy resolve;
  SlaRule critical = rule_with({2, LimitUnit::natural_hours, kNow});
  critical.id = "critical";
  critical.match.urgencies = {Priority::critical};
  SlaRule garbage = rule_with({4, LimitUnit::working_hours, kNow});
  garbage.id = "garbage";
  garbage.match.category_prefixes = {{"城乡建设", "市容环境"}, {"城市管理", "暴露垃圾"}};
  SlaRule police_complaints = rule_with({3, LimitUnit::working_days, kNextDay});
  police_complaints.id = "police-complaints";
  police_complaints.match.kinds = {"投诉", "举报"};
  police_complaints.match.departments = {"police"};
  SlaRule consult = rule_with({2, LimitUnit::working_days, kNextDay});
  consult.id = "consult";
  consult.match.kinds = {"咨询"};
  resolve.rules = {critical, garbage, police_complaints, consult};
  resolve.fallback = rule_with({5, LimitUnit::working_days, kNextDay});
  resolve.fallback.id = "resolve-default";
  policy.stages[static_cast<std::size_t>(SlaStage::resolve)] = resolve;
  return policy;
}

struct MatchRow {
  std::string kind;
  std::vector<std::string> category;
  Priority urgency;
  std::string department;
  const char* rule;
};

TEST(SlaMatchTest, FirstMatchingRuleWinsElseTheDefault) {
  const SlaPolicy policy = matching_policy();
  const MatchRow rows[] = {
      {"投诉",
       {"城乡建设", "市容环境", "垃圾清运"},
       Priority::critical,
       "city-management",
       "critical"},
      {"投诉",
       {"城乡建设", "市容环境", "垃圾清运"},
       Priority::normal,
       "city-management",
       "garbage"},
      {"城市管理", {"城市管理", "暴露垃圾"}, Priority::normal, "city-management", "garbage"},
      // Prefixes are level-wise: 城乡建设 alone is not 城乡建设/市容环境.
      {"投诉", {"城乡建设"}, Priority::normal, "housing", "resolve-default"},
      {"投诉", {"城乡建设", "市容环境X"}, Priority::normal, "housing", "resolve-default"},
      {"举报", {"公共安全"}, Priority::urgent, "police", "police-complaints"},
      {"举报", {"公共安全"}, Priority::urgent, "fire", "resolve-default"},
      {"求助", {"公共安全"}, Priority::normal, "police", "resolve-default"},
      {"咨询", {}, Priority::normal, "medical-insurance", "consult"},
      {"", {}, Priority::normal, "", "resolve-default"},
  };
  for (const MatchRow& row : rows) {
    Case c;
    c.kind = row.kind;
    c.category = row.category;
    c.priority = row.urgency;
    const SlaRule* rule = find_sla_rule(policy, SlaStage::resolve, sla_subject(c, row.department));
    ASSERT_NE(rule, nullptr);
    EXPECT_EQ(rule->id, row.rule) << row.kind << " " << row.department;
  }
  // A stage the policy does not limit.
  EXPECT_EQ(find_sla_rule(policy, SlaStage::close, SlaSubject{}), nullptr);
  EXPECT_TRUE(SlaMatch{}.empty());
}

// --- Deadlines and warnings -------------------------------------------------------------------

TEST(StageDeadlineTest, WorkedExampleWithWarnings) {
  // 5 working days = 35 h of office time from 9/28 00:00 (make-up Sunday). 50%: 17.5 h =
  // 9/28, 9/29 and 3.5 h of 9/30 -> 9/30 12:00. 75%: 26.25 h = 21 h + 3.5 h of 10/9 morning +
  // 1.75 h after lunch -> 10/9 16:15. Due at the end of 10/10.
  const WorkingCalendar cal = china_2025_2026();
  const auto d = compute_deadline(rule_with({5, LimitUnit::working_days, kNextDay}),
                                  cst("2025-09-26 16:20"), cal);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(format_rfc3339_china(d->due), "2025-10-11T00:00:00+08:00");
  EXPECT_EQ(d->original_due, d->due);
  EXPECT_EQ(format_rfc3339_china(d->running_since), "2025-09-28T00:00:00+08:00");
  EXPECT_EQ(warning_times(*d),
            (std::vector<std::string>{"2025-09-30T12:00:00+08:00", "2025-10-09T16:15:00+08:00"}));
  EXPECT_EQ(d->budget_ms, 35 * kHourMs);
  EXPECT_EQ(d->clock, SlaClock::working);
  EXPECT_DOUBLE_EQ(*fraction_used(*d, cst("2025-09-30 12:00"), cal), 0.5);
  EXPECT_DOUBLE_EQ(*fraction_used(*d, cst("2025-09-27 12:00"), cal), 0.0);
  EXPECT_DOUBLE_EQ(*fraction_used(*d, cst("2025-10-10 18:00"), cal), 1.0);
}

TEST(StageDeadlineTest, NaturalHoursRunDayAndNight) {
  const WorkingCalendar cal = china_2025_2026();
  const auto d = compute_deadline(rule_with({2, LimitUnit::natural_hours, kNow}),
                                  cst("2025-10-01 23:00"), cal);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(format_rfc3339_china(d->due), "2025-10-02T01:00:00+08:00");
  EXPECT_EQ(warning_times(*d),
            (std::vector<std::string>{"2025-10-02T00:00:00+08:00", "2025-10-02T00:30:00+08:00"}));
}

TEST(StageDeadlineTest, WarningsOnWorkingTimeLandInsideOfficeHours) {
  const WorkingCalendar cal = china_2025_2026();
  std::mt19937 rng(75);
  std::uniform_int_distribution<EpochMs> start(cst("2025-01-01 00:00"), cst("2026-10-31 00:00"));
  std::uniform_int_distribution<int> amount(1, 15);
  const std::vector<double> fractions = {0.1, 0.5, 0.75, 0.9};
  for (int i = 0; i < 2000; ++i) {
    const LimitUnit unit = i % 2 == 0 ? LimitUnit::working_days : LimitUnit::working_hours;
    const Limit limit{amount(rng), unit, i % 3 == 0 ? kNextDay : kNow};
    const EpochMs from = start(rng);
    const auto d = compute_deadline(rule_with(limit, fractions), from, cal);
    ASSERT_TRUE(d.ok());
    ASSERT_EQ(d->warnings.size(), fractions.size());
    for (const SlaWarning& w : d->warnings) {
      const CivilDate day = china_date(w.at);
      ASSERT_TRUE(*cal.is_working_day(day)) << format_rfc3339_china(w.at);
      const std::int64_t minute = (w.at - china_start_of_day(day)) / kMinuteMs;
      const bool in_office = (minute >= 8 * 60 + 30 && minute <= 12 * 60) ||
                             (minute >= 14 * 60 + 30 && minute <= 18 * 60);
      ASSERT_TRUE(in_office) << format_rfc3339_china(w.at) << " for " << limit.amount << " "
                             << to_string(unit) << " from " << format_rfc3339_china(from);
      // The fraction of the budget used at the warning is the warning's fraction.
      ASSERT_NEAR(*fraction_used(*d, w.at, cal), w.fraction, 1e-6);
      ASSERT_GT(w.at, from);
      ASSERT_LT(w.at, d->due);
    }
  }
}

TEST(StageDeadlineTest, AMissingYearIsAnError) {
  const WorkingCalendar cal = china_2025_2026();
  const auto d = compute_deadline(rule_with({5, LimitUnit::working_days, kNextDay}),
                                  cst("2026-12-28 10:00"), cal);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().year, 2027);
  // Natural units need the calendar only to start on the next working day.
  EXPECT_TRUE(
      compute_deadline(rule_with({2, LimitUnit::natural_hours, kNow}), cst("2030-01-01 10:00"), cal)
          .ok());
  EXPECT_EQ(compute_deadline(rule_with({2, LimitUnit::natural_days, kNextDay}),
                             cst("2030-01-01 10:00"), cal)
                .error()
                .year,
            2030);
}

// --- Suspension -------------------------------------------------------------------------------

TEST(SuspensionTest, TheClockStopsAndTheDueMovesByTheWorkingTimeSuspended) {
  const WorkingCalendar cal = china_2025_2026();
  const auto d = compute_deadline(rule_with({5, LimitUnit::working_days, kNextDay}),
                                  cst("2025-09-26 16:20"), cal);
  // Suspended 9/29 10:00: used 9/28 (7 h) + 1.5 h.
  const auto paused = suspend(*d, cst("2025-09-29 10:00"), cal);
  ASSERT_TRUE(paused.ok());
  EXPECT_TRUE(paused->paused);
  EXPECT_EQ(paused->used_ms, 8 * kHourMs + 30 * kMinuteMs);
  EXPECT_DOUBLE_EQ(*fraction_used(*paused, cst("2025-10-09 09:00"), cal), 8.5 / 35);
  // Suspending again changes nothing.
  EXPECT_EQ(*suspend(*paused, cst("2025-09-30 10:00"), cal), *paused);
  // Resumed 10/9 10:00 with 26.5 h left: 10/9 5.5 h, 10/10 7 h, 10/11 (make-up Saturday) 7 h,
  // 10/13 7 h -> the end of 10/13. Both warnings are still ahead: 50% needs 9 h more
  // (10/10 12:00), 75% 17.75 h more (10/11 16:15).
  const auto resumed = resume(*paused, cst("2025-10-09 10:00"), cal);
  ASSERT_TRUE(resumed.ok());
  EXPECT_FALSE(resumed->paused);
  EXPECT_EQ(format_rfc3339_china(resumed->due), "2025-10-14T00:00:00+08:00");
  EXPECT_EQ(warning_times(*resumed),
            (std::vector<std::string>{"2025-10-10T12:00:00+08:00", "2025-10-11T16:15:00+08:00"}));
  EXPECT_EQ(resumed->original_due, d->due);
  // Resuming a running deadline changes nothing.
  EXPECT_EQ(*resume(*resumed, cst("2025-10-10 10:00"), cal), *resumed);
}

TEST(SuspensionTest, WarningsAlreadyReachedKeepTheirInstants) {
  const WorkingCalendar cal = china_2025_2026();
  const auto d = compute_deadline(rule_with({5, LimitUnit::working_days, kNextDay}),
                                  cst("2025-09-26 16:20"), cal);
  // Past 50% (9/30 12:00), before 75%.
  const auto paused = suspend(*d, cst("2025-09-30 15:00"), cal);
  const auto resumed = resume(*paused, cst("2025-10-10 08:30"), cal);
  ASSERT_TRUE(resumed.ok());
  // Used 7 + 7 + 4 = 18 h; 75% (26.25 h) is 8.25 h later: 10/10 full (7 h) + 1.25 h on 10/11.
  EXPECT_EQ(warning_times(*resumed),
            (std::vector<std::string>{"2025-09-30T12:00:00+08:00", "2025-10-11T09:45:00+08:00"}));
  // 17 h left: 10/10 7, 10/11 7, 10/13 3 h -> 10/13 11:30.
  EXPECT_EQ(format_rfc3339_china(resumed->due), "2025-10-13T11:30:00+08:00");
}

TEST(SuspensionTest, SuspendedBeforeTheClockStartsChangesNothing) {
  // Received Friday; counting starts Sunday 9/28 (make-up day). A suspension on the Friday
  // itself ends before the clock would have run.
  const WorkingCalendar cal = china_2025_2026();
  const auto d = compute_deadline(rule_with({5, LimitUnit::working_days, kNextDay}),
                                  cst("2025-09-26 10:00"), cal);
  const auto paused = suspend(*d, cst("2025-09-26 11:00"), cal);
  EXPECT_EQ(paused->used_ms, 0);
  const auto resumed = resume(*paused, cst("2025-09-26 15:00"), cal);
  EXPECT_EQ(resumed->due, d->due);
  EXPECT_EQ(resumed->warnings, d->warnings);
  // Resumed after the original start: the clock starts then, and 9/28 does not count.
  const auto late = resume(*paused, cst("2025-09-29 08:30"), cal);
  EXPECT_EQ(format_rfc3339_china(late->due), "2025-10-12T00:00:00+08:00");
}

TEST(SuspensionTest, NaturalTimeAndSuspensionAfterTheBreach) {
  const WorkingCalendar cal = china_2025_2026();
  const auto d = compute_deadline(rule_with({2, LimitUnit::natural_hours, kNow}),
                                  cst("2025-10-02 10:00"), cal);
  const auto resumed =
      resume(*suspend(*d, cst("2025-10-02 10:30"), cal), cst("2025-10-02 13:00"), cal);
  EXPECT_EQ(format_rfc3339_china(resumed->due), "2025-10-02T14:30:00+08:00");
  EXPECT_EQ(warning_times(*resumed),
            (std::vector<std::string>{"2025-10-02T13:30:00+08:00", "2025-10-02T14:00:00+08:00"}));
  // Suspended after the due: on resume the time is already up.
  const auto overdue =
      resume(*suspend(*d, cst("2025-10-02 13:00"), cal), cst("2025-10-03 09:00"), cal);
  EXPECT_EQ(format_rfc3339_china(overdue->due), "2025-10-03T09:00:00+08:00");
}

TEST(SuspensionTest, ResumingIntoAYearNotLoadedIsAnError) {
  CalendarData data;
  data.years = {year_2025()};
  const WorkingCalendar cal = build_or_fail(data);
  const auto d = compute_deadline(rule_with({5, LimitUnit::working_days, kNextDay}),
                                  cst("2025-12-01 10:00"), cal);
  const auto paused = suspend(*d, cst("2025-12-02 10:00"), cal);
  ASSERT_TRUE(paused.ok());
  const auto resumed = resume(*paused, cst("2025-12-29 10:00"), cal);
  ASSERT_FALSE(resumed.ok());
  EXPECT_EQ(resumed.error().year, 2026);
}

// --- Extension --------------------------------------------------------------------------------

TEST(ExtensionTest, MovesTheDueWithinTheMaximum) {
  const WorkingCalendar cal = china_2025_2026();
  const auto d = compute_deadline(rule_with({5, LimitUnit::working_days, kNextDay}),
                                  cst("2025-09-26 16:20"), cal);
  const Limit max{10, LimitUnit::working_days, kNow};
  // At most 10 working days after the end of 10/10: 10/11 (make-up Saturday), 10/13-10/17,
  // 10/20-10/23 -> the end of 10/23.
  EXPECT_EQ(show(latest_extension(*d, max, cal)), "2025-10-24T00:00:00+08:00");
  EXPECT_EQ(*check_extension(*d, cst("2025-10-18 00:00"), max, cal), ExtensionVerdict::allowed);
  EXPECT_EQ(*check_extension(*d, cst("2025-10-24 00:00"), max, cal), ExtensionVerdict::allowed);
  EXPECT_EQ(*check_extension(*d, cst("2025-10-24 00:00:01"), max, cal),
            ExtensionVerdict::beyond_maximum);
  EXPECT_EQ(*check_extension(*d, cst("2025-10-11 00:00"), max, cal), ExtensionVerdict::not_later);
  EXPECT_EQ(*check_extension(*d, cst("2025-10-18 00:00"), std::nullopt, cal),
            ExtensionVerdict::not_extendable);
  const auto paused = suspend(*d, cst("2025-09-29 10:00"), cal);
  EXPECT_EQ(*check_extension(*paused, cst("2025-10-18 00:00"), max, cal), ExtensionVerdict::paused);
  EXPECT_EQ(to_string(ExtensionVerdict::beyond_maximum),
            "the new due is past the longest extension the policy allows");

  // Extended to the end of 10/17: 6 more working days (10/11, 10/13-10/17), 77 h in all.
  const auto extended = extend(*d, cst("2025-10-18 00:00"), cal);
  ASSERT_TRUE(extended.ok());
  EXPECT_EQ(format_rfc3339_china(extended->due), "2025-10-18T00:00:00+08:00");
  EXPECT_EQ(extended->budget_ms, 77 * kHourMs);
  EXPECT_EQ(extended->original_due, d->due);
  // 50% of 77 h = 38.5 h: 35 h to the end of 10/10, then 3.5 h of 10/11.
  EXPECT_EQ(warning_times(*extended)[0], "2025-10-11T12:00:00+08:00");
  // The maximum counts from the original due, so a second extension cannot pass 10/23.
  EXPECT_EQ(*check_extension(*extended, cst("2025-10-25 00:00"), max, cal),
            ExtensionVerdict::beyond_maximum);
  EXPECT_EQ(*check_extension(*extended, cst("2025-10-22 00:00"), max, cal),
            ExtensionVerdict::allowed);
  // Invalid calls leave the deadline as it is.
  EXPECT_EQ(*extend(*d, d->due, cal), *d);
  EXPECT_EQ(*extend(*paused, cst("2025-10-18 00:00"), cal), *paused);
}

TEST(ExtensionTest, ANewDueOutsideOfficeHoursMeansTheSameWorkingTime) {
  const WorkingCalendar cal = china_2025_2026();
  const auto d = compute_deadline(rule_with({4, LimitUnit::working_hours, kNow}, {}),
                                  cst("2025-11-17 09:00"), cal);
  EXPECT_EQ(format_rfc3339_china(d->due), "2025-11-17T15:30:00+08:00");
  // Extended "to 20:00": the working time up to 20:00 runs out at 18:00.
  const auto extended = extend(*d, cst("2025-11-17 20:00"), cal);
  EXPECT_EQ(format_rfc3339_china(extended->due), "2025-11-17T18:00:00+08:00");
  EXPECT_EQ(extended->budget_ms, 6 * kHourMs + 30 * kMinuteMs);
  // Natural time moves exactly.
  const auto n = compute_deadline(rule_with({2, LimitUnit::natural_hours, kNow}, {}),
                                  cst("2025-11-17 09:00"), cal);
  EXPECT_EQ(format_rfc3339_china(extend(*n, cst("2025-11-17 20:00"), cal)->due),
            "2025-11-17T20:00:00+08:00");
}

// --- Escalation -------------------------------------------------------------------------------

TEST(EscalationTest, TiersAreChainedFromTheBreach) {
  const WorkingCalendar cal = china_2025_2026();
  const std::vector<EscalationTier> tiers = {
      {SupervisionTier::street, "supervision.street", {1, LimitUnit::working_days, kNow}, {}},
      {SupervisionTier::district, "supervision.district", {2, LimitUnit::working_days, kNow}, {}},
      {SupervisionTier::city, "supervision.city", {4, LimitUnit::natural_hours, kNow}, {}},
  };
  // Breach at the end of 10/10. The street has 10/11 (a make-up Saturday); the district
  // 10/13 and 10/14 (10/12 is a Sunday); the city 4 hours.
  const auto steps = escalation_schedule(tiers, cst("2025-10-11 00:00"), cal);
  ASSERT_TRUE(steps.ok());
  ASSERT_EQ(steps->size(), 3u);
  const char* expected[3][3] = {
      {"supervision.street", "2025-10-11T00:00:00+08:00", "2025-10-12T00:00:00+08:00"},
      {"supervision.district", "2025-10-12T00:00:00+08:00", "2025-10-15T00:00:00+08:00"},
      {"supervision.city", "2025-10-15T00:00:00+08:00", "2025-10-15T04:00:00+08:00"},
  };
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*steps)[i].tier, tiers[i].tier);
    EXPECT_EQ((*steps)[i].topic, expected[i][0]);
    EXPECT_EQ(format_rfc3339_china((*steps)[i].at), expected[i][1]);
    EXPECT_EQ(format_rfc3339_china((*steps)[i].due), expected[i][2]);
  }
  EXPECT_TRUE(escalation_schedule({}, cst("2025-10-11 00:00"), cal)->empty());
  EXPECT_EQ(escalation_schedule(tiers, cst("2026-12-31 00:00"), cal).error().year, 2027);
}

}  // namespace
}  // namespace gw
