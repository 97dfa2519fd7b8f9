// China's working-day calendar and the time counted on it. Pure: no clock, no I/O; loaded by
// gateway/config/calendar_yaml.h from config/calendars/*.yaml. Admin reference: docs/sla.md.
//
// Days. Dates are civil dates in China time (UTC+8, no daylight saving). A date is a working
// day when it is a Monday to Friday that is not a holiday, or a make-up workday (调休) whatever
// its weekday; a local override (a city's own closure or extra working day) wins over both.
// Holidays and make-up workdays are data, one set per year. A date in a year with no data is
// an error the caller sees (CalendarResult), never a silent Monday-to-Friday guess: a
// deadline that crosses into a year needs that year loaded.
//
// Office hours. The same spans on every working day (default 08:30-12:00 and 14:30-18:00; the
// lunch break between them does not count), ascending and not overlapping.
//
// Working time is office time: it runs only inside office hours of working days. Working
// hours are hours of it. A working day is one day's office time (7 h by default), so that
// "1 working day" from Monday 15:00 is Tuesday 15:00 and every warning lands inside office
// hours. Natural time is plain arithmetic (sla_policy.h puts both behind one API).
//
// Conventions (docs/sla.md):
// - A due instant is the earliest instant at which the time has run out: 4 working hours
//   from 10:00 are due at 15:30 (12:00-14:30 does not count), 2 from 10:00 at 12:00, not 14:30.
// - End of day: a day-based limit that runs out at the close of a day's last office span is
//   due at 24:00 China time of that day, the same instant as 00:00 of the next day
//   (DayEndRule::at_midnight). So "5 working days from the next day" for a case received on
//   Fri 2025-09-26 is due at 2025-10-11T00:00+08:00, the end of 2025-10-10.
// - Start conventions: immediately (the clock starts at the instant given), or next working
//   day (次日起算: at 00:00 of the first working day after the instant's date).
//
// Lifecycle: a WorkingCalendar is immutable after build(); share it by const reference or
// shared_ptr<const>, from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "gateway/core/case.h"

namespace gw {

inline constexpr std::int64_t kMinuteMs = 60'000;
inline constexpr std::int64_t kHourMs = 60 * kMinuteMs;
inline constexpr std::int64_t kDayMs = 24 * kHourMs;

// A date of the proleptic Gregorian calendar.
struct CivilDate {
  int year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31

  friend bool operator==(const CivilDate&, const CivilDate&) = default;
  friend bool operator<(const CivilDate& a, const CivilDate& b) {
    return std::tie(a.year, a.month, a.day) < std::tie(b.year, b.month, b.day);
  }
};

// Days since 1970-01-01, and back.
std::int64_t day_number(CivilDate d);
CivilDate date_of_day_number(std::int64_t n);
// The date of an instant in China time; the instants at which a date starts and ends there.
// china_end_of_day(d) is 24:00 of d, which is china_start_of_day of the next date.
CivilDate china_date(EpochMs t);
EpochMs china_start_of_day(CivilDate d);
EpochMs china_end_of_day(CivilDate d);
// 1 Monday ... 7 Sunday.
int iso_weekday(CivilDate d);
bool is_weekend(CivilDate d);
// Exactly "YYYY-MM-DD", naming a real date (no Feb 30); nothing otherwise.
std::optional<CivilDate> parse_civil_date(std::string_view text);
std::string to_string(CivilDate d);  // "2025-10-10"

// One span of office hours in minutes after 00:00 China time: [begin, end).
struct OfficeSpan {
  int begin_minute = 0;
  int end_minute = 0;  // at most 1440 (24:00)

  friend bool operator==(const OfficeSpan&, const OfficeSpan&) = default;
};
std::string to_string(OfficeSpan s);  // "08:30-12:00"
// 08:30-12:00 and 14:30-18:00.
std::vector<OfficeSpan> default_office_hours();
// What is wrong with a list of office hours, or nothing: empty, a span outside 00:00-24:00 or
// ending before it begins, spans out of order or overlapping (touching is fine).
std::optional<std::string> office_hours_problem(std::span<const OfficeSpan> spans);

// One year of the State Council's notice.
struct CalendarYear {
  int year = 0;
  std::vector<CivilDate> holidays;         // days off; weekend days among them change nothing
  std::vector<CivilDate> makeup_workdays;  // weekend days that are working days (调休)
};

// A city's own changes, applied after the national data. Each date must be in a loaded year.
struct CalendarOverrides {
  std::vector<CivilDate> days_off;
  std::vector<CivilDate> working_days;
};

struct CalendarData {
  std::vector<CalendarYear> years;
  CalendarOverrides local;
  std::vector<OfficeSpan> office_hours = default_office_hours();
};

enum class StartConvention : std::uint8_t {
  immediately,       // the clock starts at the instant given
  next_working_day,  // 次日起算: at 00:00 of the first working day after the instant's date
};

// What happens when working time runs out exactly at the close of a day's last office span.
enum class DayEndRule : std::uint8_t {
  at_office_close,  // due then (hour-based limits)
  at_midnight,      // due at 24:00 of that day (day-based limits)
};

// The first year a computation needed and the calendar does not have.
struct MissingCalendarYear {
  int year = 0;

  // "no working-day calendar is loaded for 2027 (add config/calendars/2027.yaml ...)"
  std::string message() const;
  friend bool operator==(const MissingCalendarYear&, const MissingCalendarYear&) = default;
};

// A value, or the year whose calendar the computation lacked.
template <class T>
class [[nodiscard]] CalendarResult {
 public:
  CalendarResult(T value) : v_(std::move(value)) {}             // NOLINT: implicit
  CalendarResult(MissingCalendarYear missing) : v_(missing) {}  // NOLINT: implicit

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  // Preconditions: ok().
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }
  // Precondition: !ok().
  MissingCalendarYear error() const { return std::get<1>(v_); }

 private:
  std::variant<T, MissingCalendarYear> v_;
};

class WorkingCalendar {
 public:
  // Checks the data (the loader has already checked it with positions) and builds the
  // calendar; the problem otherwise: office hours (office_hours_problem), a year given twice,
  // a date outside its year, a date both a holiday and a make-up workday, an override in a
  // year that is not loaded or both off and working.
  static std::variant<WorkingCalendar, std::string> build(const CalendarData& data);

  bool has_year(int year) const;
  std::vector<int> years() const;  // ascending
  const std::vector<OfficeSpan>& office_hours() const { return office_hours_; }
  // The length of one working day: the office time of a working day.
  std::int64_t working_day_ms() const { return working_day_ms_; }

  CalendarResult<bool> is_working_day(CivilDate d) const;
  CalendarResult<CivilDate> next_working_day_after(CivilDate d) const;
  // Where a clock that starts at `from` under `start` begins.
  CalendarResult<EpochMs> clock_start(EpochMs from, StartConvention start) const;

  // The earliest instant at which `office_ms` of working time has passed since `from`
  // (`from` itself when office_ms <= 0).
  CalendarResult<EpochMs> advance_working_time(EpochMs from, std::int64_t office_ms,
                                               DayEndRule day_end) const;
  // Due after `days` working days (end-of-day convention) or `minutes` working minutes.
  CalendarResult<EpochMs> add_working_days(EpochMs from, std::int64_t days,
                                           StartConvention start) const;
  CalendarResult<EpochMs> add_working_minutes(EpochMs from, std::int64_t minutes,
                                              StartConvention start) const;
  // Working time in [a, b), in milliseconds; 0 when b <= a. Every date from a's to b's must
  // be in a loaded year.
  CalendarResult<std::int64_t> working_time_between(EpochMs a, EpochMs b) const;

 private:
  enum class DayKind : std::uint8_t { unknown, working, off };

  WorkingCalendar() = default;
  CalendarResult<bool> working(std::int64_t day) const;

  std::int64_t first_day_ = 0;  // day number of January 1 of the first loaded year
  std::vector<DayKind> days_;   // from first_day_ to December 31 of the last loaded year
  std::vector<OfficeSpan> office_hours_;
  std::int64_t working_day_ms_ = 0;
};

}  // namespace gw
