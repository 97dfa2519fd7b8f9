#include "gateway/core/working_calendar.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "gateway/core/time_format.h"

namespace gw {
namespace {

constexpr std::int64_t kChinaOffsetMs = std::int64_t{kChinaOffsetMinutes} * kMinuteMs;
constexpr int kMinutesPerDay = 24 * 60;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::int64_t china_day_of(EpochMs t) { return floor_div(t + kChinaOffsetMs, kDayMs); }
EpochMs china_midnight(std::int64_t day) { return day * kDayMs - kChinaOffsetMs; }

bool read_fixed_digits(std::string_view text, std::size_t at, std::size_t count, int& out) {
  out = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[at + i];
    if (c < '0' || c > '9') {
      return false;
    }
    out = out * 10 + (c - '0');
  }
  return true;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::string clock_text(int minute) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
  return buf;
}

}  // namespace

std::int64_t day_number(CivilDate d) {
  return days_from_civil(d.year, static_cast<unsigned>(d.month), static_cast<unsigned>(d.day));
}

CivilDate date_of_day_number(std::int64_t n) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  civil_from_days(n, y, m, d);
  return CivilDate{y, static_cast<int>(m), static_cast<int>(d)};
}

CivilDate china_date(EpochMs t) { return date_of_day_number(china_day_of(t)); }
EpochMs china_start_of_day(CivilDate d) { return china_midnight(day_number(d)); }
EpochMs china_end_of_day(CivilDate d) { return china_midnight(day_number(d) + 1); }

int iso_weekday(CivilDate d) {
  // 1970-01-01 was a Thursday (4).
  const std::int64_t n = day_number(d);
  return static_cast<int>(((n + 3) % 7 + 7) % 7) + 1;
}

bool is_weekend(CivilDate d) { return iso_weekday(d) >= 6; }

std::optional<CivilDate> parse_civil_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  CivilDate d;
  if (!read_fixed_digits(text, 0, 4, d.year) || !read_fixed_digits(text, 5, 2, d.month) ||
      !read_fixed_digits(text, 8, 2, d.day)) {
    return std::nullopt;
  }
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in_month(d.year, d.month)) {
    return std::nullopt;
  }
  return d;
}

std::string to_string(CivilDate d) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::string to_string(OfficeSpan s) {
  return clock_text(s.begin_minute) + "-" + clock_text(s.end_minute);
}

std::vector<OfficeSpan> default_office_hours() {
  return {{8 * 60 + 30, 12 * 60}, {14 * 60 + 30, 18 * 60}};
}

std::optional<std::string> office_hours_problem(std::span<const OfficeSpan> spans) {
  if (spans.empty()) {
    return "office hours must not be empty";
  }
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const OfficeSpan& s = spans[i];
    if (s.begin_minute < 0 || s.end_minute > kMinutesPerDay || s.begin_minute >= s.end_minute) {
      return "office hours " + to_string(s) + " must begin before they end, within 00:00-24:00";
    }
    if (i > 0 && s.begin_minute < spans[i - 1].end_minute) {
      return "office hours " + to_string(s) + " begin before " + to_string(spans[i - 1]) +
             " ends: list the spans in order, without overlaps";
    }
  }
  return std::nullopt;
}

std::string MissingCalendarYear::message() const {
  const std::string y = std::to_string(year);
  return "no working-day calendar is loaded for " + y + " (add config/calendars/" + y +
         ".yaml from the State Council's holiday notice)";
}

std::variant<WorkingCalendar, std::string> WorkingCalendar::build(const CalendarData& data) {
  if (auto problem = office_hours_problem(data.office_hours)) {
    return std::move(*problem);
  }
  std::set<int> years;
  for (const CalendarYear& y : data.years) {
    if (y.year < 1 || y.year > 9999) {
      return "year " + std::to_string(y.year) + " is out of range";
    }
    if (!years.insert(y.year).second) {
      return "year " + std::to_string(y.year) + " is given twice";
    }
  }
  WorkingCalendar cal;
  cal.office_hours_ = data.office_hours;
  for (const OfficeSpan& s : cal.office_hours_) {
    cal.working_day_ms_ += std::int64_t{s.end_minute - s.begin_minute} * kMinuteMs;
  }
  if (years.empty()) {
    return cal;
  }

  cal.first_day_ = day_number(CivilDate{*years.begin(), 1, 1});
  const std::int64_t end_day = day_number(CivilDate{*years.rbegin() + 1, 1, 1});
  cal.days_.assign(static_cast<std::size_t>(end_day - cal.first_day_), DayKind::unknown);
  auto slot = [&cal](CivilDate d) -> DayKind& {
    return cal.days_[static_cast<std::size_t>(day_number(d) - cal.first_day_)];
  };

  for (const CalendarYear& y : data.years) {
    for (std::int64_t n = day_number({y.year, 1, 1}); n < day_number({y.year + 1, 1, 1}); ++n) {
      const CivilDate d = date_of_day_number(n);
      slot(d) = is_weekend(d) ? DayKind::off : DayKind::working;
    }
    for (const CivilDate& d : y.holidays) {
      if (d.year != y.year) {
        return to_string(d) + " is not in " + std::to_string(y.year);
      }
      slot(d) = DayKind::off;
    }
    const std::set<CivilDate> holidays(y.holidays.begin(), y.holidays.end());
    for (const CivilDate& d : y.makeup_workdays) {
      if (d.year != y.year) {
        return to_string(d) + " is not in " + std::to_string(y.year);
      }
      if (holidays.contains(d)) {
        return to_string(d) + " is both a holiday and a make-up workday";
      }
      slot(d) = DayKind::working;
    }
  }
  const std::set<CivilDate> local_off(data.local.days_off.begin(), data.local.days_off.end());
  for (const CivilDate& d : data.local.days_off) {
    if (!years.contains(d.year)) {
      return MissingCalendarYear{d.year}.message();
    }
    slot(d) = DayKind::off;
  }
  for (const CivilDate& d : data.local.working_days) {
    if (!years.contains(d.year)) {
      return MissingCalendarYear{d.year}.message();
    }
    if (local_off.contains(d)) {
      return to_string(d) + " is both a local day off and working day";
    }
    slot(d) = DayKind::working;
  }
  return cal;
}

bool WorkingCalendar::has_year(int year) const {
  if (year < 1 || year > 9999) {
    return false;
  }
  const std::int64_t i = day_number(CivilDate{year, 1, 1}) - first_day_;
  return i >= 0 && i < static_cast<std::int64_t>(days_.size()) &&
         days_[static_cast<std::size_t>(i)] != DayKind::unknown;
}

std::vector<int> WorkingCalendar::years() const {
  std::vector<int> out;
  if (days_.empty()) {
    return out;
  }
  const int first = date_of_day_number(first_day_).year;
  const int last =
      date_of_day_number(first_day_ + static_cast<std::int64_t>(days_.size()) - 1).year;
  for (int y = first; y <= last; ++y) {
    if (has_year(y)) {
      out.push_back(y);
    }
  }
  return out;
}

CalendarResult<bool> WorkingCalendar::working(std::int64_t day) const {
  const std::int64_t i = day - first_day_;
  if (i < 0 || i >= static_cast<std::int64_t>(days_.size()) ||
      days_[static_cast<std::size_t>(i)] == DayKind::unknown) {
    return MissingCalendarYear{date_of_day_number(day).year};
  }
  return days_[static_cast<std::size_t>(i)] == DayKind::working;
}

CalendarResult<bool> WorkingCalendar::is_working_day(CivilDate d) const {
  return working(day_number(d));
}

CalendarResult<CivilDate> WorkingCalendar::next_working_day_after(CivilDate d) const {
  // Ends: every loaded year has working days, and past the last one working() fails.
  for (std::int64_t n = day_number(d) + 1;; ++n) {
    const auto w = working(n);
    if (!w) {
      return w.error();
    }
    if (*w) {
      return date_of_day_number(n);
    }
  }
}

CalendarResult<EpochMs> WorkingCalendar::clock_start(EpochMs from, StartConvention start) const {
  if (start == StartConvention::immediately) {
    return from;
  }
  const auto next = next_working_day_after(china_date(from));
  if (!next) {
    return next.error();
  }
  return china_start_of_day(*next);
}

CalendarResult<EpochMs> WorkingCalendar::advance_working_time(EpochMs from, std::int64_t office_ms,
                                                              DayEndRule day_end) const {
  if (office_ms <= 0) {
    return from;
  }
  std::int64_t remaining = office_ms;
  EpochMs t = from;
  // Ends: remaining shrinks by a working day's office time per working day, and past the
  // last loaded year working() fails.
  for (std::int64_t day = china_day_of(from);; ++day) {
    const auto w = working(day);
    if (!w) {
      return w.error();
    }
    if (!*w) {
      continue;
    }
    const EpochMs midnight = china_midnight(day);
    for (std::size_t i = 0; i < office_hours_.size(); ++i) {
      const EpochMs begin = std::max(t, midnight + office_hours_[i].begin_minute * kMinuteMs);
      const EpochMs end = midnight + office_hours_[i].end_minute * kMinuteMs;
      if (begin >= end) {
        continue;
      }
      if (remaining <= end - begin) {
        const EpochMs due = begin + remaining;
        const bool at_close = due == end && i + 1 == office_hours_.size();
        return at_close && day_end == DayEndRule::at_midnight ? china_midnight(day + 1) : due;
      }
      remaining -= end - begin;
    }
    t = china_midnight(day + 1);
  }
}

CalendarResult<EpochMs> WorkingCalendar::add_working_days(EpochMs from, std::int64_t days,
                                                          StartConvention start) const {
  const auto begin = clock_start(from, start);
  if (!begin) {
    return begin;
  }
  return advance_working_time(*begin, days * working_day_ms_, DayEndRule::at_midnight);
}

CalendarResult<EpochMs> WorkingCalendar::add_working_minutes(EpochMs from, std::int64_t minutes,
                                                             StartConvention start) const {
  const auto begin = clock_start(from, start);
  if (!begin) {
    return begin;
  }
  return advance_working_time(*begin, minutes * kMinuteMs, DayEndRule::at_office_close);
}

CalendarResult<std::int64_t> WorkingCalendar::working_time_between(EpochMs a, EpochMs b) const {
  if (b <= a) {
    return std::int64_t{0};
  }
  std::int64_t total = 0;
  const std::int64_t last_day = china_day_of(b - 1);
  for (std::int64_t day = china_day_of(a); day <= last_day; ++day) {
    const auto w = working(day);
    if (!w) {
      return w.error();
    }
    if (!*w) {
      continue;
    }
    const EpochMs midnight = china_midnight(day);
    for (const OfficeSpan& s : office_hours_) {
      const EpochMs begin = std::max(a, midnight + s.begin_minute * kMinuteMs);
      const EpochMs end = std::min(b, midnight + s.end_minute * kMinuteMs);
      if (begin < end) {
        total += end - begin;
      }
    }
  }
  return total;
}

}  // namespace gw
