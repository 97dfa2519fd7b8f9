// config/calendars/*.yaml: year files and local files (calendar_yaml.h), read file by file,
// then checked against each other, then built into a WorkingCalendar.
#include "gateway/config/calendar_yaml.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <system_error>

#include "gateway/config/yaml_reader.h"

namespace gw {
namespace {

using config::Diagnostics;
using config::Field;
using config::MapReader;

constexpr int kSupportedVersion = 1;
constexpr int kMinYear = 2000;
constexpr int kMaxYear = 2099;

constexpr std::array<std::string_view, 7> kWeekdays = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

std::string_view weekday_name(CivilDate d) {
  return kWeekdays[static_cast<std::size_t>(iso_weekday(d) - 1)];
}

// A date as written: where, and under which name (a holiday's) if any.
struct DateEntry {
  CivilDate date;
  SourcePos pos;
  std::string path;
  std::string name;  // holiday or local day-off name; empty for lists of dates
};

struct CalendarFile {
  explicit CalendarFile(std::string file) : diag(std::move(file)) {}

  Diagnostics diag;
  std::optional<int> year;
  SourcePos year_pos;
  std::vector<DateEntry> holidays;
  std::vector<DateEntry> makeup_workdays;
  std::vector<DateEntry> days_off;      // local
  std::vector<DateEntry> working_days;  // local
  std::optional<std::vector<OfficeSpan>> office_hours;
  SourcePos office_hours_pos;
};

// "(春节, line 8)" or "(2025.yaml line 8)" when the first mention is in another file.
std::string first_mention(const DateEntry& first, const std::string& current_file) {
  std::string where = first.pos.file == current_file ? "line " : first.pos.file + " line ";
  where += std::to_string(first.pos.line);
  return "(" + (first.name.empty() ? where : first.name + ", " + where) + ")";
}

// "2025-01-28" or "2025-01-28..2025-02-04" -> every date; records the problem otherwise.
std::optional<std::vector<CivilDate>> read_dates(Diagnostics& diag, const Field& at) {
  const auto text = config::read_nonempty_string(diag, at, "date");
  if (!text) {
    return std::nullopt;
  }
  const std::size_t dots = text->find("..");
  const std::string first_text = text->substr(0, dots);
  const std::string last_text = dots == std::string::npos ? first_text : text->substr(dots + 2);
  const auto first = parse_civil_date(first_text);
  const auto last = parse_civil_date(last_text);
  if (!first || !last) {
    diag.error(at, "\"" + *text +
                       "\" is not a date: write YYYY-MM-DD, or FIRST..LAST for every date from "
                       "FIRST to LAST");
    return std::nullopt;
  }
  if (*last < *first) {
    diag.error(at, "range " + *text + " ends before it begins");
    return std::nullopt;
  }
  std::vector<CivilDate> dates;
  for (auto n = day_number(*first); n <= day_number(*last); ++n) {
    dates.push_back(date_of_day_number(n));
  }
  return dates;
}

// A date, a range or a list of them, each date checked to be in `year` when one is given.
std::vector<DateEntry> read_date_list(Diagnostics& diag, const Field& at, const std::string& name,
                                      std::optional<int> year) {
  std::vector<DateEntry> out;
  const auto items = config::read_list(diag, at, config::ListShape::list_or_single, false);
  for (const Field& item : items.value_or(std::vector<Field>{})) {
    const auto dates = read_dates(diag, item);
    if (!dates) {
      continue;
    }
    if (year && (dates->front().year != *year || dates->back().year != *year)) {
      const CivilDate outside = dates->front().year != *year ? dates->front() : dates->back();
      diag.error(item, to_string(outside) + " is not in " + std::to_string(*year) +
                           ", the year of this file");
      continue;
    }
    for (const CivilDate& d : *dates) {
      out.push_back(DateEntry{d, diag.pos(item), item.path, name});
    }
  }
  return out;
}

// name: dates, for holidays and local days off.
std::vector<DateEntry> read_named_dates(Diagnostics& diag, const Field& at,
                                        std::optional<int> year) {
  std::vector<DateEntry> out;
  const auto entries = config::read_map_entries(diag, at);
  for (const auto& entry : entries.value_or(std::vector<config::MapEntry>{})) {
    auto dates = read_date_list(diag, entry.value, entry.key, year);
    out.insert(out.end(), dates.begin(), dates.end());
  }
  return out;
}

// Reports dates given twice in `entries` (one error per written value), keeping the first.
template <class Describe>
void check_repeats(Diagnostics& diag, std::vector<DateEntry>& entries,
                   std::map<CivilDate, DateEntry>& seen, Describe describe) {
  std::string last_reported;
  std::vector<DateEntry> kept;
  for (DateEntry& e : entries) {
    const auto [it, inserted] = seen.emplace(e.date, e);
    if (inserted) {
      kept.push_back(std::move(e));
      continue;
    }
    if (e.path != last_reported) {  // a range overlapping another: once, at its first date
      diag.error(e.pos, e.path, describe(e.date, it->second));
      last_reported = e.path;
    }
  }
  entries = std::move(kept);
}

std::optional<int> read_clock(std::string_view text, bool allow_24) {
  if (text.size() != 5 || text[2] != ':') {
    return std::nullopt;
  }
  for (const std::size_t i : {0u, 1u, 3u, 4u}) {
    if (text[i] < '0' || text[i] > '9') {
      return std::nullopt;
    }
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (minutes > 59 || hours > 24 || (hours == 24 && (!allow_24 || minutes != 0))) {
    return std::nullopt;
  }
  return hours * 60 + minutes;
}

std::optional<std::vector<OfficeSpan>> read_office_hours(Diagnostics& diag, const Field& at) {
  const auto items = config::read_list(diag, at, config::ListShape::list_or_single, false);
  if (!items) {
    return std::nullopt;
  }
  std::vector<OfficeSpan> spans;
  bool ok = true;
  for (const Field& item : *items) {
    const auto text = config::read_nonempty_string(diag, item, "office hours");
    if (!text) {
      ok = false;
      continue;
    }
    const std::size_t dash = text->find('-');
    const auto begin = read_clock(std::string_view(*text).substr(0, dash), false);
    const auto end = dash == std::string::npos
                         ? std::nullopt
                         : read_clock(std::string_view(*text).substr(dash + 1), true);
    if (!begin || !end) {
      diag.error(item, "\"" + *text +
                           "\" is not a span of office hours: write HH:MM-HH:MM, e.g. "
                           "08:30-12:00");
      ok = false;
      continue;
    }
    const OfficeSpan s{*begin, *end};
    if (const auto problem = office_hours_problem(std::span<const OfficeSpan>(&s, 1))) {
      diag.error(item, *problem);
      ok = false;
      continue;
    }
    if (!spans.empty()) {
      const std::array<OfficeSpan, 2> pair = {spans.back(), s};
      if (const auto problem = office_hours_problem(pair)) {
        diag.error(item, *problem);
        ok = false;
        continue;
      }
    }
    spans.push_back(s);
  }
  if (!ok) {
    return std::nullopt;
  }
  return spans;
}

void read_year_file(CalendarFile& f, const MapReader& top) {
  Diagnostics& diag = f.diag;
  if (const auto field = top.required("year")) {
    if (const auto year = config::read_int(diag, *field, kMinYear, kMaxYear)) {
      f.year = static_cast<int>(*year);
      f.year_pos = diag.pos(*field);
    }
  }
  std::map<CivilDate, DateEntry> holidays;
  if (const auto field = top.required("holidays")) {
    f.holidays = read_named_dates(diag, *field, f.year);
    check_repeats(diag, f.holidays, holidays, [&](CivilDate d, const DateEntry& first) {
      return to_string(d) + " is already a holiday " + first_mention(first, diag.file());
    });
  }
  if (const auto field = top.optional("makeup_workdays")) {
    f.makeup_workdays = read_date_list(diag, *field, "", f.year);
    std::map<CivilDate, DateEntry> makeup;
    check_repeats(diag, f.makeup_workdays, makeup, [&](CivilDate d, const DateEntry& first) {
      return to_string(d) + " is already a make-up workday " + first_mention(first, diag.file());
    });
    std::erase_if(f.makeup_workdays, [&](const DateEntry& e) {
      if (!is_weekend(e.date)) {
        diag.error(e.pos, e.path,
                   to_string(e.date) + " is a " + std::string(weekday_name(e.date)) +
                       ": a make-up workday (调休) is a Saturday or Sunday");
        return true;
      }
      if (const auto it = holidays.find(e.date); it != holidays.end()) {
        diag.error(e.pos, e.path,
                   to_string(e.date) + " is a holiday " + first_mention(it->second, diag.file()) +
                       " and cannot be a make-up workday too");
        return true;
      }
      return false;
    });
  }
}

void read_local_file(CalendarFile& f, const MapReader& top) {
  Diagnostics& diag = f.diag;
  if (const auto field = top.optional("office_hours")) {
    f.office_hours = read_office_hours(diag, *field);
    f.office_hours_pos = diag.pos(*field);
  }
  if (const auto field = top.optional("days_off")) {
    f.days_off = read_named_dates(diag, *field, std::nullopt);
  }
  if (const auto field = top.optional("working_days")) {
    f.working_days = read_date_list(diag, *field, "", std::nullopt);
  }
}

void read_file(CalendarFile& f, std::string_view text) {
  const auto root = config::parse_yaml_document(text, f.diag);
  if (!root) {
    return;
  }
  // A year file is one with `year`. (The const node: operator[] must not add the key.)
  const YAML::Node& document = *root;
  const bool year_file = document.IsMap() && document["year"].IsDefined();
  if (year_file) {
    const MapReader top(f.diag, Field::root(*root),
                        {"version", "year", "holidays", "makeup_workdays"});
    config::check_format_version(f.diag, top, kSupportedVersion);
    read_year_file(f, top);
  } else {
    const MapReader top(f.diag, Field::root(*root),
                        {"version", "office_hours", "days_off", "working_days"});
    if (!top.is_map()) {
      return;
    }
    config::check_format_version(f.diag, top, kSupportedVersion);
    read_local_file(f, top);
  }
}

// What the year files say about a date, to check local changes against.
struct NationalDay {
  bool working = false;
  std::string why;  // "a Saturday", "a holiday (国庆节, 2025.yaml line 9)", ...
};

NationalDay national_day(CivilDate d, const std::map<CivilDate, DateEntry>& holidays,
                         const std::map<CivilDate, DateEntry>& makeup,
                         const std::string& current_file) {
  if (const auto it = makeup.find(d); it != makeup.end()) {
    return {true, "a make-up workday " + first_mention(it->second, current_file)};
  }
  if (const auto it = holidays.find(d); it != holidays.end()) {
    return {false, "a holiday " + first_mention(it->second, current_file)};
  }
  return {!is_weekend(d), "a " + std::string(weekday_name(d))};
}

// The checks between files, in file order; local files after every year file.
void check_across_files(std::vector<CalendarFile>& files) {
  std::map<int, const CalendarFile*> years;
  const CalendarFile* office_hours = nullptr;
  std::map<CivilDate, DateEntry> holidays;
  std::map<CivilDate, DateEntry> makeup;
  for (CalendarFile& f : files) {
    if (f.year) {
      const auto [it, inserted] = years.emplace(*f.year, &f);
      if (!inserted) {
        f.diag.error(f.year_pos, "year",
                     "year " + std::to_string(*f.year) + " is already given by " +
                         it->second->diag.file() + " (line " +
                         std::to_string(it->second->year_pos.line) + ")");
        f.year.reset();
        continue;
      }
      for (const DateEntry& e : f.holidays) {
        holidays.emplace(e.date, e);
      }
      for (const DateEntry& e : f.makeup_workdays) {
        makeup.emplace(e.date, e);
      }
    }
    if (f.office_hours) {
      if (office_hours != nullptr) {
        f.diag.error(f.office_hours_pos, "office_hours",
                     "office hours are already set by " + office_hours->diag.file() + " (line " +
                         std::to_string(office_hours->office_hours_pos.line) + ")");
        f.office_hours.reset();
      } else {
        office_hours = &f;
      }
    }
  }
  std::map<CivilDate, DateEntry> local_off;
  std::map<CivilDate, DateEntry> local_working;
  for (CalendarFile& f : files) {
    Diagnostics& diag = f.diag;
    auto check_local = [&](std::vector<DateEntry>& entries, bool make_working) {
      std::string last_reported;
      std::erase_if(entries, [&](const DateEntry& e) {
        std::string problem;
        if (!years.contains(e.date.year)) {
          problem = "no year file for " + std::to_string(e.date.year) +
                    " is loaded: local days change a loaded year";
        } else if (const auto it = local_off.find(e.date); it != local_off.end()) {
          problem = to_string(e.date) + " is already a local day off " +
                    first_mention(it->second, diag.file());
        } else if (const auto w = local_working.find(e.date); w != local_working.end()) {
          problem = to_string(e.date) + " is already a local working day " +
                    first_mention(w->second, diag.file());
        } else if (const NationalDay n = national_day(e.date, holidays, makeup, diag.file());
                   n.working == make_working) {
          problem = to_string(e.date) + " is already a " +
                    (make_working ? "working day" : "day off") + ": " + n.why;
        } else {
          (make_working ? local_working : local_off).emplace(e.date, e);
          return false;
        }
        if (e.path != last_reported) {
          diag.error(e.pos, e.path, problem);
        }
        last_reported = e.path;
        return true;
      });
    };
    check_local(f.days_off, false);
    check_local(f.working_days, true);
  }
}

CalendarData to_calendar_data(const std::vector<CalendarFile>& files) {
  CalendarData data;
  for (const CalendarFile& f : files) {
    if (f.year) {
      CalendarYear year{*f.year, {}, {}};
      for (const DateEntry& e : f.holidays) {
        year.holidays.push_back(e.date);
      }
      for (const DateEntry& e : f.makeup_workdays) {
        year.makeup_workdays.push_back(e.date);
      }
      data.years.push_back(std::move(year));
    }
    if (f.office_hours) {
      data.office_hours = *f.office_hours;
    }
    for (const DateEntry& e : f.days_off) {
      data.local.days_off.push_back(e.date);
    }
    for (const DateEntry& e : f.working_days) {
      data.local.working_days.push_back(e.date);
    }
  }
  return data;
}

}  // namespace

CalendarCheck parse_calendar(std::span<const CalendarSource> sources) {
  CalendarCheck check;
  std::vector<CalendarFile> files;
  files.reserve(sources.size());
  for (const CalendarSource& source : sources) {
    check.files.push_back(source.name);
    files.emplace_back(source.name);
    read_file(files.back(), source.text);
  }
  check_across_files(files);
  bool has_errors = false;
  for (CalendarFile& f : files) {
    has_errors = has_errors || f.diag.has_errors();
    for (ConfigError& e : f.diag.take_errors()) {
      check.errors.push_back(std::move(e));
    }
  }
  const bool any_year = std::any_of(files.begin(), files.end(),
                                    [](const CalendarFile& f) { return f.year.has_value(); });
  if (!has_errors && !any_year) {
    const std::string where = sources.empty() ? std::string() : sources.front().name;
    check.errors.push_back(ConfigError{
        SourcePos{where, 0, 0}, "",
        "no year file among the calendar files: give each year its holidays and make-up "
        "workdays (e.g. config/calendars/2025.yaml)"});
    has_errors = true;
  }
  if (has_errors) {
    return check;
  }
  auto built = WorkingCalendar::build(to_calendar_data(files));
  if (auto* problem = std::get_if<std::string>(&built)) {
    // The checks above should have caught it; say so rather than start without a calendar.
    check.errors.push_back(ConfigError{SourcePos{check.files.front(), 0, 0}, "", *problem});
    return check;
  }
  check.calendar = std::get<WorkingCalendar>(std::move(built));
  return check;
}

CalendarCheck load_calendar_files(std::span<const std::string> paths) {
  std::vector<CalendarSource> sources;
  std::vector<ConfigError> unreadable;
  for (const std::string& path : paths) {
    Diagnostics diag(path);
    if (auto text = config::read_config_file(path, diag)) {
      sources.push_back(CalendarSource{path, std::move(*text)});
    } else {
      for (ConfigError& e : diag.take_errors()) {
        unreadable.push_back(std::move(e));
      }
    }
  }
  if (!unreadable.empty()) {
    CalendarCheck check;
    check.files.assign(paths.begin(), paths.end());
    check.errors = std::move(unreadable);
    return check;
  }
  return parse_calendar(sources);
}

CalendarCheck load_calendar_folder(const std::string& folder) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> paths;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if ((p.extension() == ".yaml" || p.extension() == ".yml") && it->is_regular_file(ec)) {
      paths.push_back(p.string());
    }
  }
  CalendarCheck check;
  if (ec) {
    check.errors.push_back(
        ConfigError{SourcePos{folder, 0, 0}, "", "cannot read the folder: " + ec.message()});
    return check;
  }
  if (paths.empty()) {
    check.errors.push_back(
        ConfigError{SourcePos{folder, 0, 0}, "", "no calendar files (*.yaml) in the folder"});
    return check;
  }
  std::sort(paths.begin(), paths.end());
  return load_calendar_files(paths);
}

}  // namespace gw
