// China's working-day calendar: dates in China time, the State Council's data for 2025 and
// 2026, working days and working hours, and the conventions of working_calendar.h.
#include "gateway/core/working_calendar.h"

#include <gtest/gtest.h>

#include <ctime>
#include <random>
#include <set>
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
using testing_calendar::year_2026;

constexpr auto kNow = StartConvention::immediately;
constexpr auto kNextDay = StartConvention::next_working_day;

// --- Dates ------------------------------------------------------------------------------------

TEST(CivilDateTest, ParsesOnlyRealDatesInTheOneForm) {
  EXPECT_EQ(parse_civil_date("2025-10-10"), (CivilDate{2025, 10, 10}));
  EXPECT_EQ(parse_civil_date("2024-02-29"), (CivilDate{2024, 2, 29}));
  for (const char* bad : {"2025-02-29", "2025-13-01", "2025-00-10", "2025-04-31", "2025-1-1",
                          "2025/01/01", "20250101", "2025-01-01 ", "", "tomorrow", "２025-01-01"}) {
    EXPECT_EQ(parse_civil_date(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(to_string(CivilDate{2026, 1, 4}), "2026-01-04");
}

TEST(CivilDateTest, WeekdaysAgreeWithTheCLibrary) {
  for (auto n = day_number({2024, 12, 1}); n < day_number({2027, 2, 1}); ++n) {
    const CivilDate d = date_of_day_number(n);
    std::tm tm{};
    tm.tm_year = d.year - 1900;
    tm.tm_mon = d.month - 1;
    tm.tm_mday = d.day;
    tm.tm_hour = 12;
    const std::time_t t = timegm(&tm);
    std::tm out{};
    gmtime_r(&t, &out);
    ASSERT_EQ(iso_weekday(d), out.tm_wday == 0 ? 7 : out.tm_wday) << to_string(d);
    ASSERT_EQ(day_number(d), n);
  }
  EXPECT_EQ(iso_weekday({2025, 9, 26}), 5);  // DOMAIN.md: received Fri 2025-09-26
  EXPECT_TRUE(is_weekend({2025, 9, 28}));    // the make-up Sunday
}

TEST(CivilDateTest, DaysStartAtMidnightChinaTime) {
  EXPECT_EQ(china_start_of_day({2025, 10, 10}), cst("2025-10-10 00:00"));
  EXPECT_EQ(china_end_of_day({2025, 10, 10}), cst("2025-10-11 00:00"));
  EXPECT_EQ(china_date(cst("2025-10-10 23:59:59")), (CivilDate{2025, 10, 10}));
  EXPECT_EQ(china_date(cst("2025-10-11 00:00")), (CivilDate{2025, 10, 11}));
  // 2025-10-10T16:00Z is already the 11th in China.
  EXPECT_EQ(china_date(*parse_time("2025-10-10T16:00:00Z")), (CivilDate{2025, 10, 11}));
  EXPECT_EQ(china_date(*parse_time("2025-10-10T15:59:59.999Z")), (CivilDate{2025, 10, 10}));
}

// --- The State Council's data -----------------------------------------------------------------

// An oracle written from DOMAIN.md's text, with weekdays from the C library.
bool oracle_working(const CivilDate& d, const std::set<CivilDate>& off,
                    const std::set<CivilDate>& makeup) {
  if (makeup.contains(d)) return true;
  if (off.contains(d)) return false;
  std::tm tm{};
  tm.tm_year = d.year - 1900;
  tm.tm_mon = d.month - 1;
  tm.tm_mday = d.day;
  tm.tm_hour = 12;
  const std::time_t t = timegm(&tm);
  std::tm out{};
  gmtime_r(&t, &out);
  return out.tm_wday != 0 && out.tm_wday != 6;
}

TEST(WorkingCalendarTest, EveryDayOf2025And2026IsWhatTheNoticeSays) {
  const WorkingCalendar cal = china_2025_2026();
  std::set<CivilDate> off;
  std::set<CivilDate> makeup;
  for (const CalendarYear& y : {year_2025(), year_2026()}) {
    off.insert(y.holidays.begin(), y.holidays.end());
    makeup.insert(y.makeup_workdays.begin(), y.makeup_workdays.end());
  }
  int working_2025 = 0;
  int working_2026 = 0;
  for (auto n = day_number({2025, 1, 1}); n < day_number({2027, 1, 1}); ++n) {
    const CivilDate d = date_of_day_number(n);
    const auto w = cal.is_working_day(d);
    ASSERT_TRUE(w.ok()) << to_string(d);
    ASSERT_EQ(*w, oracle_working(d, off, makeup)) << to_string(d);
    if (*w) ++(d.year == 2025 ? working_2025 : working_2026);
  }
  // By hand: 261 weekdays, minus 18 (2025) or 19 (2026) weekday holidays, plus 5 or 6
  // make-up days.
  EXPECT_EQ(working_2025, 248);
  EXPECT_EQ(working_2026, 248);
  EXPECT_EQ(cal.years(), (std::vector<int>{2025, 2026}));
}

struct DayRow {
  CivilDate date;
  bool working;
  const char* why;
};

TEST(WorkingCalendarTest, HolidaysAndMakeUpDaysBeatTheWeekday) {
  const WorkingCalendar cal = china_2025_2026();
  const DayRow rows[] = {
      {{2025, 9, 26}, true, "Friday"},
      {{2025, 9, 27}, false, "Saturday"},
      {{2025, 9, 28}, true, "make-up Sunday"},
      {{2025, 10, 3}, false, "National Day holiday on a Friday"},
      {{2025, 10, 8}, false, "last day of the holiday, a Wednesday"},
      {{2025, 10, 11}, true, "make-up Saturday"},
      {{2025, 12, 31}, true, "Wednesday"},
      {{2026, 1, 1}, false, "New Year"},
      {{2026, 1, 4}, true, "make-up Sunday"},
      {{2026, 2, 23}, false, "Spring Festival, a Monday"},
      {{2026, 2, 28}, true, "make-up Saturday"},
  };
  for (const DayRow& row : rows) {
    const auto w = cal.is_working_day(row.date);
    ASSERT_TRUE(w.ok()) << row.why;
    EXPECT_EQ(*w, row.working) << to_string(row.date) << ": " << row.why;
  }
}

TEST(WorkingCalendarTest, AYearWithoutDataIsAnErrorNotAGuess) {
  const WorkingCalendar cal = china_2025_2026();
  for (const CivilDate d : {CivilDate{2027, 3, 1}, CivilDate{2024, 12, 31}}) {
    const auto w = cal.is_working_day(d);
    ASSERT_FALSE(w.ok()) << to_string(d);
    EXPECT_EQ(w.error().year, d.year);
  }
  EXPECT_EQ(cal.is_working_day({2027, 3, 1}).error().message(),
            "no working-day calendar is loaded for 2027 (add config/calendars/2027.yaml from the "
            "State Council's holiday notice)");
  EXPECT_FALSE(cal.has_year(2027));
  EXPECT_TRUE(cal.has_year(2026));
  // A gap between loaded years is missing too.
  CalendarData gap;
  gap.years = {year_2025(), CalendarYear{2027, {}, {}}};
  const WorkingCalendar with_gap = build_or_fail(gap);
  EXPECT_EQ(with_gap.is_working_day({2026, 6, 1}).error().year, 2026);
  EXPECT_TRUE(with_gap.is_working_day({2027, 6, 1}).ok());
  EXPECT_EQ(with_gap.years(), (std::vector<int>{2025, 2027}));
  // No years at all.
  const WorkingCalendar empty = build_or_fail(CalendarData{});
  EXPECT_EQ(empty.is_working_day({2025, 1, 2}).error().year, 2025);
  EXPECT_TRUE(empty.years().empty());
}

// --- Working days -----------------------------------------------------------------------------

TEST(WorkingDaysTest, DomainWorkedExample) {
  // Received Fri 2025-09-26, 5 working days counted from the next day: 9/28 (make-up Sunday),
  // 9/29, 9/30, 10/9, 10/10 -> due at the end of 2025-10-10.
  const WorkingCalendar cal = china_2025_2026();
  const auto due = cal.add_working_days(cst("2025-09-26 16:20"), 5, kNextDay);
  EXPECT_EQ(show(due), "2025-10-11T00:00:00+08:00");
  EXPECT_EQ(*due, china_end_of_day({2025, 10, 10}));
  // A plain Monday-to-Friday count would end on 10/3 (a holiday): not the answer.
  EXPECT_NE(*due, china_end_of_day({2025, 10, 3}));
  // The time of day of the receipt does not matter under next_working_day.
  for (const char* t : {"2025-09-26 00:00", "2025-09-26 08:00", "2025-09-26 23:59:59"}) {
    EXPECT_EQ(show(cal.add_working_days(cst(t), 5, kNextDay)), "2025-10-11T00:00:00+08:00") << t;
  }
}

TEST(WorkingDaysTest, CrossesTheYearBoundary) {
  // 2025-12-30 (Tue): 12/31 (1); 1/1-1/3 off; 1/4 make-up Sunday (2); 1/5 (3); 1/6 (4); 1/7 (5).
  const WorkingCalendar cal = china_2025_2026();
  EXPECT_EQ(show(cal.add_working_days(cst("2025-12-30 10:00"), 5, kNextDay)),
            "2026-01-08T00:00:00+08:00");
  // Without 2026 loaded the answer is an error naming 2026.
  CalendarData only_2025;
  only_2025.years = {year_2025()};
  const WorkingCalendar cal_2025 = build_or_fail(only_2025);
  const auto due = cal_2025.add_working_days(cst("2025-12-30 10:00"), 5, kNextDay);
  ASSERT_FALSE(due.ok());
  EXPECT_EQ(due.error().year, 2026);
  // Counting that ends before the gap still works.
  EXPECT_EQ(show(cal_2025.add_working_days(cst("2025-12-30 10:00"), 1, kNextDay)),
            "2026-01-01T00:00:00+08:00");
  // Received on the last day of 2025: the next working day is in 2026.
  EXPECT_EQ(cal_2025.add_working_days(cst("2025-12-31 10:00"), 1, kNextDay).error().year, 2026);
}

struct DaysRow {
  const char* from;
  std::int64_t days;
  StartConvention start;
  const char* due;
  const char* why;
};

TEST(WorkingDaysTest, StartConventionsAndTheEndOfDay) {
  const WorkingCalendar cal = china_2025_2026();
  const DaysRow rows[] = {
      {"2025-11-17 15:00", 1, kNow, "2025-11-18T15:00:00+08:00", "Mon 15:00: a day of office time"},
      {"2025-11-17 15:00", 1, kNextDay, "2025-11-19T00:00:00+08:00", "counting from Tuesday"},
      {"2025-11-17 07:00", 1, kNow, "2025-11-18T00:00:00+08:00", "before office: all of Monday"},
      {"2025-11-17 08:30", 1, kNow, "2025-11-18T00:00:00+08:00", "at opening: all of Monday"},
      {"2025-11-17 18:00", 1, kNow, "2025-11-19T00:00:00+08:00", "after close: all of Tuesday"},
      {"2025-11-17 12:30", 1, kNow, "2025-11-18T12:00:00+08:00", "at lunch: from 14:30"},
      {"2025-11-15 10:00", 1, kNow, "2025-11-18T00:00:00+08:00", "Saturday: all of Monday"},
      {"2025-11-14 15:00", 1, kNow, "2025-11-17T15:00:00+08:00", "Fri 15:00 over the weekend"},
      {"2025-09-30 17:00", 2, kNow, "2025-10-10T17:00:00+08:00", "over the National Day week"},
      {"2025-10-10 10:00", 1, kNextDay, "2025-10-12T00:00:00+08:00", "next is make-up Sat 10/11"},
      {"2025-11-17 15:00", 0, kNextDay, "2025-11-18T00:00:00+08:00", "zero: the clock start"},
  };
  for (const DaysRow& row : rows) {
    EXPECT_EQ(show(cal.add_working_days(cst(row.from), row.days, row.start)), row.due) << row.why;
  }
}

TEST(WorkingDaysTest, NextDayCountAgreesWithCountingWorkingDaysOneByOne) {
  const WorkingCalendar cal = china_2025_2026();
  std::mt19937 rng(20250926);
  std::uniform_int_distribution<std::int64_t> start_day(day_number({2025, 1, 1}),
                                                        day_number({2026, 10, 31}));
  std::uniform_int_distribution<int> days(1, 20);
  std::uniform_int_distribution<std::int64_t> time_of_day(0, kDayMs - 1);
  for (int i = 0; i < 2000; ++i) {
    const std::int64_t start = start_day(rng);
    const int n = days(rng);
    std::int64_t day = start;
    for (int counted = 0; counted < n;) {
      ++day;
      if (*cal.is_working_day(date_of_day_number(day))) ++counted;
    }
    const EpochMs from = china_start_of_day(date_of_day_number(start)) + time_of_day(rng);
    ASSERT_EQ(show(cal.add_working_days(from, n, kNextDay)),
              format_rfc3339_china(china_end_of_day(date_of_day_number(day))))
        << format_rfc3339_china(from) << " + " << n;
  }
}

// --- Working hours ----------------------------------------------------------------------------

struct MinutesRow {
  const char* from;
  std::int64_t minutes;
  StartConvention start;
  const char* due;
  const char* why;
};

TEST(WorkingHoursTest, CountOnlyOfficeMinutesOfWorkingDays) {
  const WorkingCalendar cal = china_2025_2026();
  const MinutesRow rows[] = {
      {"2025-11-17 10:00", 60, kNow, "2025-11-17T11:00:00+08:00", "inside the morning"},
      {"2025-11-17 11:00", 120, kNow, "2025-11-17T15:30:00+08:00", "across the lunch break"},
      {"2025-11-17 10:00", 120, kNow, "2025-11-17T12:00:00+08:00", "runs out at 12:00, not 14:30"},
      {"2025-11-17 07:00", 60, kNow, "2025-11-17T09:30:00+08:00", "starting before office hours"},
      {"2025-11-17 12:30", 60, kNow, "2025-11-17T15:30:00+08:00", "starting inside the lunch"},
      {"2025-11-17 17:00", 60, kNow, "2025-11-17T18:00:00+08:00", "runs out at the close"},
      {"2025-11-17 19:00", 60, kNow, "2025-11-18T09:30:00+08:00", "starting after office hours"},
      {"2025-11-17 17:30", 60, kNow, "2025-11-18T09:00:00+08:00", "across a night"},
      {"2025-11-14 17:00", 120, kNow, "2025-11-17T09:30:00+08:00", "across a weekend"},
      {"2025-09-30 17:00", 120, kNow, "2025-10-09T09:30:00+08:00", "across the holiday"},
      {"2025-09-26 17:00", 120, kNow, "2025-09-28T09:30:00+08:00", "onto a make-up Sunday"},
      {"2025-12-31 17:00", 120, kNow, "2026-01-04T09:30:00+08:00", "across the year boundary"},
      {"2025-11-17 09:00", 4 * 60, kNow, "2025-11-17T15:30:00+08:00", "4 working hours"},
      {"2025-11-14 10:00", 4 * 60, kNextDay, "2025-11-17T15:00:00+08:00", "from the next day"},
      {"2025-11-17 09:00", 7 * 60, kNow, "2025-11-18T09:00:00+08:00", "a day's office time"},
      {"2025-11-17T09:00:00.001+08:00", 1, kNow, "2025-11-17T09:01:00.001+08:00",
       "milliseconds kept"},
  };
  for (const MinutesRow& row : rows) {
    EXPECT_EQ(show(cal.add_working_minutes(cst(row.from), row.minutes, row.start)), row.due)
        << row.why;
  }
}

TEST(WorkingHoursTest, RoundTripWithWorkingTimeBetweenAndRunOutAtTheEarliestInstant) {
  const WorkingCalendar cal = china_2025_2026();
  std::mt19937 rng(12345);
  std::uniform_int_distribution<EpochMs> from(cst("2025-01-01 00:00"), cst("2026-11-30 00:00"));
  std::uniform_int_distribution<std::int64_t> minutes(1, 60 * 40);
  for (int i = 0; i < 3000; ++i) {
    const EpochMs start = from(rng) / kMinuteMs * kMinuteMs;
    const std::int64_t m = minutes(rng);
    const auto due = cal.add_working_minutes(start, m, kNow);
    ASSERT_TRUE(due.ok());
    ASSERT_EQ(*cal.working_time_between(start, *due), m * kMinuteMs) << format_rfc3339_china(start);
    ASSERT_LT(*cal.working_time_between(start, *due - 1), m * kMinuteMs)
        << format_rfc3339_china(start);
  }
}

struct BetweenRow {
  const char* a;
  const char* b;
  std::int64_t minutes;
  const char* why;
};

TEST(WorkingHoursTest, WorkingTimeBetweenTwoInstants) {
  const WorkingCalendar cal = china_2025_2026();
  const BetweenRow rows[] = {
      {"2025-11-17 09:00", "2025-11-17 11:00", 120, "inside the morning"},
      {"2025-11-17 11:00", "2025-11-17 15:00", 90, "across lunch"},
      {"2025-11-17 12:10", "2025-11-17 14:00", 0, "inside lunch"},
      {"2025-11-17 17:00", "2025-11-18 09:00", 90, "across a night"},
      {"2025-11-17 00:00", "2025-11-18 00:00", 420, "a whole working day"},
      {"2025-11-15 00:00", "2025-11-17 00:00", 0, "a weekend"},
      {"2025-09-30 17:00", "2025-10-09 09:00", 90, "across the holiday"},
      {"2025-12-31 17:00", "2026-01-04 09:00", 90, "across the new year"},
      {"2025-11-17 11:00", "2025-11-17 11:00", 0, "empty"},
      {"2025-11-17 15:00", "2025-11-17 11:00", 0, "reversed"},
      {"2025-01-01 00:00", "2026-01-01 00:00", 248 * 420, "the whole of 2025"},
  };
  for (const BetweenRow& row : rows) {
    const auto ms = cal.working_time_between(cst(row.a), cst(row.b));
    ASSERT_TRUE(ms.ok()) << row.why;
    EXPECT_EQ(*ms, row.minutes * kMinuteMs) << row.why;
  }
  EXPECT_EQ(cal.working_time_between(cst("2026-12-31 09:00"), cst("2027-01-04 09:00")).error().year,
            2027);
}

// --- Office hours ------------------------------------------------------------------------------

TEST(OfficeHoursTest, AdminsSetThem) {
  CalendarData data;
  data.years = {year_2025()};
  data.office_hours = {{9 * 60, 17 * 60}};  // 09:00-17:00, no lunch break
  const WorkingCalendar cal = build_or_fail(data);
  EXPECT_EQ(cal.working_day_ms(), 8 * kHourMs);
  EXPECT_EQ(show(cal.add_working_minutes(cst("2025-11-17 11:00"), 120, kNow)),
            "2025-11-17T13:00:00+08:00");
  EXPECT_EQ(show(cal.add_working_days(cst("2025-11-17 13:00"), 1, kNow)),
            "2025-11-18T13:00:00+08:00");
  EXPECT_EQ(china_2025_2026().working_day_ms(), 7 * kHourMs);
  EXPECT_EQ(to_string(default_office_hours()[0]), "08:30-12:00");
  EXPECT_EQ(to_string(OfficeSpan{0, 1440}), "00:00-24:00");
}

TEST(OfficeHoursTest, TouchingSpansAndRoundTheClockWork) {
  CalendarData data;
  data.years = {year_2025()};
  data.office_hours = {{0, 12 * 60}, {12 * 60, 24 * 60}};
  const WorkingCalendar cal = build_or_fail(data);
  EXPECT_EQ(show(cal.add_working_minutes(cst("2025-11-17 11:00"), 120, kNow)),
            "2025-11-17T13:00:00+08:00");
  // A whole-day office still ends a day-based count at 24:00, and skips the weekend.
  EXPECT_EQ(show(cal.add_working_days(cst("2025-11-14 00:00"), 1, kNow)),
            "2025-11-15T00:00:00+08:00");
  EXPECT_EQ(show(cal.add_working_minutes(cst("2025-11-14 23:00"), 120, kNow)),
            "2025-11-17T01:00:00+08:00");
}

struct ProblemRow {
  std::vector<OfficeSpan> spans;
  const char* problem;
};

TEST(OfficeHoursTest, MustBeAscendingAndNotOverlapping) {
  const ProblemRow rows[] = {
      {{}, "office hours must not be empty"},
      {{{12 * 60, 8 * 60 + 30}},
       "office hours 12:00-08:30 must begin before they end, within 00:00-24:00"},
      {{{9 * 60, 9 * 60}},
       "office hours 09:00-09:00 must begin before they end, within 00:00-24:00"},
      {{{9 * 60, 25 * 60}},
       "office hours 09:00-25:00 must begin before they end, within 00:00-24:00"},
      {{{8 * 60 + 30, 12 * 60}, {11 * 60, 13 * 60}},
       "office hours 11:00-13:00 begin before 08:30-12:00 ends: list the spans in order, without "
       "overlaps"},
      {{{14 * 60 + 30, 18 * 60}, {8 * 60 + 30, 12 * 60}},
       "office hours 08:30-12:00 begin before 14:30-18:00 ends: list the spans in order, without "
       "overlaps"},
  };
  for (const ProblemRow& row : rows) {
    EXPECT_EQ(office_hours_problem(row.spans), row.problem);
    CalendarData data;
    data.office_hours = row.spans;
    const auto built = WorkingCalendar::build(data);
    ASSERT_TRUE(std::holds_alternative<std::string>(built));
    EXPECT_EQ(std::get<std::string>(built), row.problem);
  }
  EXPECT_EQ(office_hours_problem(default_office_hours()), std::nullopt);
}

// --- Building and local overrides ---------------------------------------------------------------

TEST(WorkingCalendarTest, LocalOverridesWinOverTheNationalData) {
  CalendarData data;
  data.years = {year_2025(), year_2026()};
  // Ningxia closes for Eid al-Fitr (开斋节); a local extra working day on a holiday.
  data.local.days_off = {{2025, 3, 31}};
  data.local.working_days = {{2025, 10, 8}};
  const WorkingCalendar cal = build_or_fail(data);
  EXPECT_FALSE(*cal.is_working_day({2025, 3, 31}));
  EXPECT_TRUE(*cal.is_working_day({2025, 10, 8}));
  EXPECT_EQ(show(cal.add_working_days(cst("2025-03-28 10:00"), 1, kNextDay)),
            "2025-04-02T00:00:00+08:00");
}

struct BuildRow {
  CalendarData data;
  const char* problem;
};

TEST(WorkingCalendarTest, BuildRefusesInconsistentData) {
  const auto with = [](std::vector<CalendarYear> years, CalendarOverrides local = {}) {
    CalendarData data;
    data.years = std::move(years);
    data.local = std::move(local);
    return data;
  };
  const BuildRow rows[] = {
      {with({year_2025(), year_2025()}), "year 2025 is given twice"},
      {with({CalendarYear{2025, {{2026, 1, 1}}, {}}}), "2026-01-01 is not in 2025"},
      {with({CalendarYear{2025, {}, {{2024, 12, 28}}}}), "2024-12-28 is not in 2025"},
      {with({CalendarYear{2025, {{2025, 9, 28}}, {{2025, 9, 28}}}}),
       "2025-09-28 is both a holiday and a make-up workday"},
      {with({year_2025()}, {{{2026, 3, 20}}, {}}),
       "no working-day calendar is loaded for 2026 (add config/calendars/2026.yaml from the State "
       "Council's holiday notice)"},
      {with({year_2025()}, {{{2025, 3, 31}}, {{2025, 3, 31}}}),
       "2025-03-31 is both a local day off and working day"},
  };
  for (const BuildRow& row : rows) {
    const auto built = WorkingCalendar::build(row.data);
    ASSERT_TRUE(std::holds_alternative<std::string>(built)) << row.problem;
    EXPECT_EQ(std::get<std::string>(built), row.problem);
  }
}

}  // namespace
}  // namespace gw
