// Test helpers: DOMAIN.md section 4's holidays and make-up workdays for 2025 and 2026, written
// out here independently of config/calendars/*.yaml (the config tests compare the two), and
// instants written as China time.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "gateway/core/time_format.h"
#include "gateway/core/working_calendar.h"

namespace gw::testing_calendar {

struct DayRange {
  CivilDate first;
  CivilDate last;
};

inline std::vector<CivilDate> expand(const std::vector<DayRange>& ranges) {
  std::vector<CivilDate> out;
  for (const DayRange& r : ranges) {
    for (auto n = day_number(r.first); n <= day_number(r.last); ++n) {
      out.push_back(date_of_day_number(n));
    }
  }
  return out;
}

// 2025: off 1/1; 1/28-2/4; 4/4-4/6; 5/1-5/5; 5/31-6/2; 10/1-10/8.
// Make-up workdays: Sun 1/26, Sat 2/8, Sun 4/27, Sun 9/28, Sat 10/11.
inline CalendarYear year_2025() {
  return CalendarYear{2025,
                      expand({{{2025, 1, 1}, {2025, 1, 1}},
                              {{2025, 1, 28}, {2025, 2, 4}},
                              {{2025, 4, 4}, {2025, 4, 6}},
                              {{2025, 5, 1}, {2025, 5, 5}},
                              {{2025, 5, 31}, {2025, 6, 2}},
                              {{2025, 10, 1}, {2025, 10, 8}}}),
                      {{2025, 1, 26}, {2025, 2, 8}, {2025, 4, 27}, {2025, 9, 28}, {2025, 10, 11}}};
}

// 2026: off 1/1-1/3; 2/15-2/23; 4/4-4/6; 5/1-5/5; 6/19-6/21; 9/25-9/27; 10/1-10/7.
// Make-up workdays: Sun 1/4, Sat 2/14, Sat 2/28, Sat 5/9, Sun 9/20, Sat 10/10.
inline CalendarYear year_2026() {
  return CalendarYear{
      2026,
      expand({{{2026, 1, 1}, {2026, 1, 3}},
              {{2026, 2, 15}, {2026, 2, 23}},
              {{2026, 4, 4}, {2026, 4, 6}},
              {{2026, 5, 1}, {2026, 5, 5}},
              {{2026, 6, 19}, {2026, 6, 21}},
              {{2026, 9, 25}, {2026, 9, 27}},
              {{2026, 10, 1}, {2026, 10, 7}}}),
      {{2026, 1, 4}, {2026, 2, 14}, {2026, 2, 28}, {2026, 5, 9}, {2026, 9, 20}, {2026, 10, 10}}};
}

inline WorkingCalendar build_or_fail(const CalendarData& data) {
  auto built = WorkingCalendar::build(data);
  if (const auto* problem = std::get_if<std::string>(&built)) {
    ADD_FAILURE() << "calendar refused: " << *problem;
    return std::get<WorkingCalendar>(WorkingCalendar::build(CalendarData{}));
  }
  return std::get<WorkingCalendar>(std::move(built));
}

// 2025 and 2026 with the default office hours (08:30-12:00, 14:30-18:00).
inline WorkingCalendar china_2025_2026() {
  CalendarData data;
  data.years = {year_2025(), year_2026()};
  return build_or_fail(data);
}

// "2025-09-26 17:00" in China time (parsed by time_format, not by the calendar under test).
inline EpochMs cst(const std::string& text) {
  const auto t = parse_time(text.size() == 16 ? text + ":00" : text);
  if (!t) ADD_FAILURE() << "bad test time " << text;
  return t.value_or(0);
}

// An instant as RFC 3339 China time, or which year was missing: failures read as times.
inline std::string show(const CalendarResult<EpochMs>& r) {
  return r ? format_rfc3339_china(*r) : "missing calendar " + std::to_string(r.error().year);
}

}  // namespace gw::testing_calendar
