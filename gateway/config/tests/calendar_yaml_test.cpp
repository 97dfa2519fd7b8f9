// config/calendars/: the shipped files say exactly what DOMAIN.md says, and every kind of
// problem a calendar file can have is reported with its file, position, path and message.
#include "gateway/config/calendar_yaml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gateway/config/tests/config_error_matchers.h"
#include "gateway/core/tests/china_calendar_fixture.h"

namespace gw {
namespace {

using testing::IsEmpty;
using testing_calendar::cst;
using testing_calendar::show;

const std::string kCalendarDir = std::string(GW_SOURCE_DIR) + "/config/calendars";

std::string dump(const std::vector<ConfigError>& errors) {
  std::string out;
  for (const ConfigError& e : errors) out += testing::PrintToString(e) + "\n";
  return out;
}

// --- The shipped files ---------------------------------------------------------------------

TEST(ShippedCalendar, LoadsWithoutErrors) {
  const CalendarCheck check = load_calendar_folder(kCalendarDir);
  EXPECT_THAT(check.errors, IsEmpty()) << dump(check.errors);
  ASSERT_TRUE(check.calendar.has_value());
  EXPECT_EQ(check.calendar->years(), (std::vector<int>{2025, 2026}));
  EXPECT_EQ(check.calendar->office_hours(), default_office_hours());
  EXPECT_THAT(check.files,
              testing::ElementsAre(kCalendarDir + "/2025.yaml", kCalendarDir + "/2026.yaml",
                                   kCalendarDir + "/local.yaml"));
}

TEST(ShippedCalendar, SaysExactlyWhatDomainMdSays) {
  const CalendarCheck check = load_calendar_folder(kCalendarDir);
  ASSERT_TRUE(check.calendar.has_value()) << dump(check.errors);
  const WorkingCalendar expected = testing_calendar::china_2025_2026();
  for (auto n = day_number({2025, 1, 1}); n < day_number({2027, 1, 1}); ++n) {
    const CivilDate d = date_of_day_number(n);
    ASSERT_EQ(*check.calendar->is_working_day(d), *expected.is_working_day(d)) << to_string(d);
  }
}

TEST(ShippedCalendar, DomainWorkedExample) {
  const CalendarCheck check = load_calendar_folder(kCalendarDir);
  ASSERT_TRUE(check.calendar.has_value()) << dump(check.errors);
  EXPECT_EQ(show(check.calendar->add_working_days(cst("2025-09-26 10:00"), 5,
                                                  StartConvention::next_working_day)),
            "2025-10-11T00:00:00+08:00");
  EXPECT_EQ(show(check.calendar->add_working_days(cst("2025-12-30 10:00"), 5,
                                                  StartConvention::next_working_day)),
            "2026-01-08T00:00:00+08:00");
}

// --- Good files ------------------------------------------------------------------------------

constexpr std::string_view kYear2025 = R"(version: 1
year: 2025
holidays:
  元旦: 2025-01-01
  国庆节: 2025-10-01..2025-10-08
makeup_workdays: [2025-09-28, 2025-10-11]
)";

CalendarCheck parse(std::vector<CalendarSource> sources) { return parse_calendar(sources); }

TEST(CalendarYaml, ReadsYearAndLocalFilesInAnyOrder) {
  const CalendarCheck check =
      parse({{"local.yaml",
              "version: 1\n"
              "office_hours: [09:00-12:00, 13:30-17:30]\n"  // unquoted in a flow list
              "days_off:\n"
              "  开斋节: 2025-03-31\n"
              "  停电: [2025-11-17, 2025-11-19..2025-11-20]\n"
              "working_days: 2025-10-08\n"},
             {"2025.yaml", std::string(kYear2025)}});
  ASSERT_TRUE(check.calendar.has_value()) << dump(check.errors);
  const WorkingCalendar& cal = *check.calendar;
  EXPECT_EQ(cal.office_hours(), (std::vector<OfficeSpan>{{540, 720}, {810, 1050}}));
  EXPECT_EQ(cal.working_day_ms(), 7 * kHourMs);
  const std::pair<CivilDate, bool> days[] = {
      {{2025, 3, 31}, false},  {{2025, 11, 17}, false}, {{2025, 11, 18}, true},
      {{2025, 11, 19}, false}, {{2025, 11, 20}, false}, {{2025, 10, 8}, true},
      {{2025, 10, 7}, false},  {{2025, 9, 28}, true},   {{2025, 1, 1}, false},
  };
  for (const auto& [date, working] : days) {
    EXPECT_EQ(*cal.is_working_day(date), working) << to_string(date);
  }
}

TEST(CalendarYaml, OfficeHoursMayEndAt24AndDefaultWhenNotGiven) {
  const CalendarCheck round_the_clock =
      parse({{"2025.yaml", std::string(kYear2025)},
             {"local.yaml", "version: 1\noffice_hours: [\"00:00-24:00\"]\n"}});
  ASSERT_TRUE(round_the_clock.calendar.has_value()) << dump(round_the_clock.errors);
  EXPECT_EQ(round_the_clock.calendar->working_day_ms(), kDayMs);
  const CalendarCheck year_only = parse({{"2025.yaml", std::string(kYear2025)}});
  ASSERT_TRUE(year_only.calendar.has_value()) << dump(year_only.errors);
  EXPECT_EQ(year_only.calendar->office_hours(), default_office_hours());
}

// --- Every problem ----------------------------------------------------------------------------

struct ExpectedFileError {
  std::string file;
  int line;
  int column;
  std::string path;
  std::string message;
};

struct CalendarErrorCase {
  const char* name;
  std::vector<CalendarSource> files;
  std::vector<ExpectedFileError> expected;
};

class CalendarYamlErrorTest : public testing::TestWithParam<CalendarErrorCase> {};

TEST_P(CalendarYamlErrorTest, ReportsExactlyTheseErrors) {
  const CalendarCheck check = parse_calendar(GetParam().files);
  EXPECT_FALSE(check.calendar.has_value());
  std::vector<testing::Matcher<const ConfigError&>> matchers;
  for (const auto& e : GetParam().expected) {
    matchers.push_back(testing::AllOf(
        IsError(e.line, e.column, e.path, e.message),
        testing::Field(&ConfigError::pos, testing::Field(&SourcePos::file, e.file))));
  }
  EXPECT_THAT(check.errors, testing::ElementsAreArray(matchers)) << dump(check.errors);
}

// The 2025 file with `tail` appended (it starts on line 7).
CalendarSource year_with(std::string_view tail) {
  return {"2025.yaml", std::string(kYear2025) + std::string(tail)};
}
// The 2025 file with its holidays replaced by `holidays` (lines 4 and on) and no make-up days.
CalendarSource year_holidays(std::string_view holidays) {
  return {"2025.yaml", "version: 1\nyear: 2025\nholidays:\n" + std::string(holidays)};
}
CalendarSource local(std::string_view body) {
  return {"local.yaml", "version: 1\n" + std::string(body)};
}

const std::string kNotADate =
    "\" is not a date: write YYYY-MM-DD, or FIRST..LAST for every date from FIRST to LAST";

INSTANTIATE_TEST_SUITE_P(
    Table, CalendarYamlErrorTest,
    testing::Values(
        CalendarErrorCase{"YamlSyntax",
                          {year_with("  x: 1\n")},
                          {{"2025.yaml", 7, 3, "", "YAML syntax error: end of map not found"}}},
        CalendarErrorCase{"NotADate",
                          {year_holidays("  元旦: 2025-02-30\n")},
                          {{"2025.yaml", 4, 7, "holidays.元旦", "\"2025-02-30" + kNotADate}}},
        CalendarErrorCase{"HalfARange",
                          {year_holidays("  春节: [2025-01-28.., 2025/02/01]\n")},
                          {{"2025.yaml", 4, 8, "holidays.春节[0]", "\"2025-01-28.." + kNotADate},
                           {"2025.yaml", 4, 22, "holidays.春节[1]", "\"2025/02/01" + kNotADate}}},
        CalendarErrorCase{"RangeBackwards",
                          {year_holidays("  春节: 2025-02-04..2025-01-28\n")},
                          {{"2025.yaml", 4, 7, "holidays.春节",
                            "range 2025-02-04..2025-01-28 ends before it begins"}}},
        CalendarErrorCase{"DateOutsideTheYear",
                          {year_holidays("  元旦: 2026-01-01\n  跨年: 2025-12-31..2026-01-01\n")},
                          {{"2025.yaml", 4, 7, "holidays.元旦",
                            "2026-01-01 is not in 2025, the year of this file"},
                           {"2025.yaml", 5, 7, "holidays.跨年",
                            "2026-01-01 is not in 2025, the year of this file"}}},
        CalendarErrorCase{"HolidayListedTwice",
                          {year_holidays("  国庆节: 2025-10-01..2025-10-08\n"
                                         "  中秋节: 2025-10-06\n"
                                         "  再次: [2025-10-08, 2025-10-08]\n")},
                          {{"2025.yaml", 5, 8, "holidays.中秋节",
                            "2025-10-06 is already a holiday (国庆节, line 4)"},
                           {"2025.yaml", 6, 8, "holidays.再次[0]",
                            "2025-10-08 is already a holiday (国庆节, line 4)"},
                           {"2025.yaml", 6, 20, "holidays.再次[1]",
                            "2025-10-08 is already a holiday (国庆节, line 4)"}}},
        CalendarErrorCase{"MakeUpDayOnAWeekday",
                          {year_holidays("  元旦: 2025-01-01\nmakeup_workdays: [2025-09-29]\n")},
                          {{"2025.yaml", 5, 19, "makeup_workdays[0]",
                            "2025-09-29 is a Monday: a make-up workday (调休) is a Saturday or "
                            "Sunday"}}},
        CalendarErrorCase{"MakeUpDayTwice",
                          {year_holidays("  元旦: 2025-01-01\n"
                                         "makeup_workdays: [2025-09-28, 2025-09-28]\n")},
                          {{"2025.yaml", 5, 31, "makeup_workdays[1]",
                            "2025-09-28 is already a make-up workday (line 5)"}}},
        CalendarErrorCase{"MakeUpDayThatIsAHoliday",
                          {year_holidays("  国庆节: 2025-10-01..2025-10-08\n"
                                         "makeup_workdays:\n  - 2025-10-04\n")},
                          {{"2025.yaml", 6, 5, "makeup_workdays[0]",
                            "2025-10-04 is a holiday (国庆节, line 4) and cannot be a make-up "
                            "workday too"}}},
        CalendarErrorCase{
            "YearInTwoFiles",
            {{"a.yaml", std::string(kYear2025)}, {"b.yaml", std::string(kYear2025)}},
            {{"b.yaml", 2, 7, "year", "year 2025 is already given by a.yaml (line 2)"}}},
        CalendarErrorCase{
            "YearOutOfRange",
            {{"1999.yaml", "version: 1\nyear: 1999\nholidays: {元旦: 1999-01-01}\n"}},
            {{"1999.yaml", 2, 7, "year", "expected an integer from 2000 to 2099, got \"1999\""}}},
        CalendarErrorCase{"MissingKeysAndVersion",
                          {{"2025.yaml", "year: 2025\n"}},
                          {{"2025.yaml", 1, 1, "version", "missing required key \"version\""},
                           {"2025.yaml", 1, 1, "holidays", "missing required key \"holidays\""}}},
        CalendarErrorCase{"UnsupportedVersion",
                          {{"2025.yaml", "version: 2\nyear: 2025\nholidays: {元旦: 2025-01-01}\n"}},
                          {{"2025.yaml", 1, 10, "version",
                            "unsupported version 2; this gateway reads version 1"}}},
        CalendarErrorCase{"UnknownKeyInAYearFile",
                          {year_holidays("  元旦: 2025-01-01\nmakeup_workday: [2025-09-28]\n")},
                          {{"2025.yaml", 5, 1, "makeup_workday",
                            "unknown key \"makeup_workday\" (did you mean \"makeup_workdays\"?)"}}},
        CalendarErrorCase{"UnknownKeyInALocalFile",
                          {year_with(""), local("day_off: {开斋节: 2025-03-31}\n")},
                          {{"local.yaml", 2, 1, "day_off",
                            "unknown key \"day_off\" (did you mean \"days_off\"?)"}}},
        CalendarErrorCase{"HolidaysBelongInAYearFile",
                          {year_with(""), local("holidays: {开斋节: 2025-03-31}\n")},
                          {{"local.yaml", 2, 1, "holidays",
                            "unknown key \"holidays\"; known keys: version, office_hours, "
                            "days_off, working_days"}}},
        CalendarErrorCase{"DatesOfTheWrongType",
                          {year_holidays("  元旦: {day: 2025-01-01}\n  春节:\n")},
                          {{"2025.yaml", 4, 7, "holidays.元旦",
                            "expected a list or a single value, got a mapping"},
                           {"2025.yaml", 5, 3, "holidays.春节",
                            "expected a list or a single value, got an empty value"}}},
        CalendarErrorCase{"OfficeHoursSyntax",
                          {year_with(""), local("office_hours: [\"8:30-12:00\", 14:30-18]\n")},
                          {{"local.yaml", 2, 16, "office_hours[0]",
                            "\"8:30-12:00\" is not a span of office hours: write HH:MM-HH:MM, "
                            "e.g. 08:30-12:00"},
                           {"local.yaml", 2, 30, "office_hours[1]",
                            "\"14:30-18\" is not a span of office hours: write HH:MM-HH:MM, e.g. "
                            "08:30-12:00"}}},
        CalendarErrorCase{"OfficeHoursBackwardsAndOverlapping",
                          {year_with(""), local("office_hours:\n  - 12:00-08:30\n  - 08:30-12:00\n"
                                                "  - 11:00-13:00\n  - 24:00-24:00\n")},
                          {{"local.yaml", 3, 5, "office_hours[0]",
                            "office hours 12:00-08:30 must begin before they end, within "
                            "00:00-24:00"},
                           {"local.yaml", 5, 5, "office_hours[2]",
                            "office hours 11:00-13:00 begin before 08:30-12:00 ends: list the "
                            "spans in order, without overlaps"},
                           {"local.yaml", 6, 5, "office_hours[3]",
                            "\"24:00-24:00\" is not a span of office hours: write HH:MM-HH:MM, "
                            "e.g. 08:30-12:00"}}},
        CalendarErrorCase{"OfficeHoursEmpty",
                          {year_with(""), local("office_hours: []\n")},
                          {{"local.yaml", 2, 15, "office_hours",
                            "the list is empty: give at least one value or remove the key"}}},
        CalendarErrorCase{
            "OfficeHoursInTwoFiles",
            {year_with(""),
             {"a.yaml", "version: 1\noffice_hours: [08:30-12:00]\n"},
             {"b.yaml", "version: 1\noffice_hours: [09:00-12:00]\n"}},
            {{"b.yaml", 2, 15, "office_hours", "office hours are already set by a.yaml (line 2)"}}},
        CalendarErrorCase{"LocalDayInAYearNotLoaded",
                          {year_with(""), local("days_off: {开斋节: 2027-03-10}\n")},
                          {{"local.yaml", 2, 17, "days_off.开斋节",
                            "no year file for 2027 is loaded: local days change a loaded year"}}},
        CalendarErrorCase{
            "LocalDayOffThatIsAlreadyOff",
            {year_with(""), local("days_off:\n  国庆: 2025-10-04\n  周六: 2025-11-15\n")},
            {{"local.yaml", 3, 7, "days_off.国庆",
              "2025-10-04 is already a day off: a holiday (国庆节, 2025.yaml line 5)"},
             {"local.yaml", 4, 7, "days_off.周六", "2025-11-15 is already a day off: a Saturday"}}},
        CalendarErrorCase{"LocalWorkingDayThatIsAlreadyWorking",
                          {year_with(""), local("working_days: [2025-11-17, 2025-09-28]\n")},
                          {{"local.yaml", 2, 16, "working_days[0]",
                            "2025-11-17 is already a working day: a Monday"},
                           {"local.yaml", 2, 28, "working_days[1]",
                            "2025-09-28 is already a working day: a make-up workday (2025.yaml "
                            "line 6)"}}},
        CalendarErrorCase{"LocalDayBothOffAndWorkingOrTwice",
                          {year_with(""), local("days_off: {停电: [2025-11-17, 2025-11-17]}\n"
                                                "working_days: 2025-11-17\n")},
                          {{"local.yaml", 2, 29, "days_off.停电[1]",
                            "2025-11-17 is already a local day off (停电, line 2)"},
                           {"local.yaml", 3, 15, "working_days",
                            "2025-11-17 is already a local day off (停电, line 2)"}}},
        CalendarErrorCase{"NoYearFile",
                          {local("office_hours: [08:30-12:00]\n")},
                          {{"local.yaml", 0, 0, "",
                            "no year file among the calendar files: give each year its holidays "
                            "and make-up workdays (e.g. config/calendars/2025.yaml)"}}}),
    [](const testing::TestParamInfo<CalendarErrorCase>& info) { return info.param.name; });

// --- Files and folders ------------------------------------------------------------------------

class TempFolder {
 public:
  TempFolder() {
    path_ = std::filesystem::temp_directory_path() /
            ("gw-calendar-test-" + std::to_string(::getpid()) + "-" +
             testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  std::string path() const { return path_.string(); }
  void write(const std::string& name, std::string_view text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
  }

 private:
  std::filesystem::path path_;
};

TEST(CalendarFolder, ReadsYamlFilesByNameAndNothingElse) {
  const TempFolder folder;
  folder.write("2025.yaml", kYear2025);
  folder.write("README.md", "not a calendar");
  folder.write("local.yml", "version: 1\nworking_days: 2025-10-08\n");
  const CalendarCheck check = load_calendar_folder(folder.path());
  ASSERT_TRUE(check.calendar.has_value()) << dump(check.errors);
  EXPECT_THAT(check.files,
              testing::ElementsAre(folder.path() + "/2025.yaml", folder.path() + "/local.yml"));
  EXPECT_TRUE(*check.calendar->is_working_day({2025, 10, 8}));
}

TEST(CalendarFolder, AMissingOrEmptyFolderIsAnError) {
  const TempFolder folder;
  const CalendarCheck empty = load_calendar_folder(folder.path());
  EXPECT_THAT(empty.errors,
              testing::ElementsAre(IsError(0, 0, "", "no calendar files (*.yaml) in the folder")));
  const CalendarCheck missing = load_calendar_folder(folder.path() + "/nowhere");
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_THAT(missing.errors[0].message, testing::StartsWith("cannot read the folder: "));
  EXPECT_FALSE(missing.calendar.has_value());
}

TEST(CalendarFolder, AnUnreadableFileIsAnErrorOfItsOwn) {
  const std::vector<std::string> paths = {kCalendarDir + "/2025.yaml", kCalendarDir + "/2024.yaml"};
  const CalendarCheck check = load_calendar_files(paths);
  ASSERT_EQ(check.errors.size(), 1u) << dump(check.errors);
  EXPECT_EQ(check.errors[0].pos.file, kCalendarDir + "/2024.yaml");
  EXPECT_THAT(check.errors[0].message, testing::StartsWith("cannot open: "));
}

}  // namespace
}  // namespace gw
