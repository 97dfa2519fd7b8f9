// Loads the working-day calendar (gateway/core/working_calendar.h) from config/calendars/:
// one file per year from the State Council's holiday notice, plus local files for a city's
// own days and the office hours. Every problem of every file is reported at once, as
// file:line:column: path: message. Admin reference: docs/sla.md.
//
// A year file (it has `year`):
//   version: 1
//   year: 2025
//   holidays:                       # name: a date, a range, or a list of them
//     春节: 2025-01-28..2025-02-04    # a range includes both ends
//   makeup_workdays: [2025-01-26]   # 调休: Saturdays or Sundays that are working days
// A local file (no `year`):
//   version: 1
//   office_hours: [08:30-12:00, 14:30-18:00]   # ascending, not overlapping; 24:00 may end one
//   days_off: {开斋节: 2025-03-31}              # name: dates, like holidays
//   working_days: [2025-10-08]                 # dates
// Dates are YYYY-MM-DD; "A..B" is every date from A to B. Checks: real dates in the file's
// year, a make-up workday on a weekend, no date twice and none both off and working, a year
// in one file only, office hours in one file only, local dates in a loaded year and changing
// something (not a day off that is already off).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gateway/core/routing_config.h"
#include "gateway/core/working_calendar.h"

namespace gw {

// One file's name (used in messages) and content.
struct CalendarSource {
  std::string name;
  std::string text;
};

struct CalendarCheck {
  std::optional<WorkingCalendar> calendar;  // set exactly when errors is empty
  std::vector<ConfigError> errors;          // file by file in the order read, each by position
  std::vector<std::string> files;           // the files read
};

// The files in the order given: local files apply after every year file, whatever the order.
CalendarCheck parse_calendar(std::span<const CalendarSource> files);
// Reads the files, then parse_calendar; an unreadable file is one error.
CalendarCheck load_calendar_files(std::span<const std::string> paths);
// Every *.yaml and *.yml file directly in `folder`, by name. A folder that does not exist or
// holds no such file is an error.
CalendarCheck load_calendar_folder(const std::string& folder);

}  // namespace gw
