#include "gateway/core/time_format.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <random>
#include <string>

namespace gw {
namespace {

constexpr EpochMs kHourMs = 3600 * 1000;

// Independent oracle: glibc's timegm for a UTC civil time, in milliseconds.
EpochMs utc_ms(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<EpochMs>(timegm(&tm)) * 1000;
}

std::string civil_text(int y, int mo, int d, int h, int mi, int s, char sep) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d%c%02d:%02d:%02d", y, mo, d, sep, h, mi, s);
  return buf;
}

struct GoodTime {
  const char* text;
  EpochMs expected;
};

TEST(ParseTime, AcceptsEveryDocumentedForm) {
  const EpochMs base = utc_ms(2025, 9, 21, 2, 22, 0);  // 10:22 in China
  const GoodTime cases[] = {
      {"2025-09-21 10:22:00", base},
      {"2025-09-21T10:22:00", base},
      {"2025-09-21T10:22:00+08:00", base},
      {"2025-09-21T10:22:00+0800", base},
      {"2025-09-21T02:22:00Z", base},
      {"2025-09-21T02:22:00+00:00", base},
      {"2025-09-21T02:22:00-00:00", base},
      {"2025-09-20T21:22:00-05:00", base},
      {"2025-09-20T21:22:00-0500", base},
      {"2025-09-21T07:52:00+05:30", base},
      {"2025-09-21T10:22:00.5+08:00", base + 500},
      {"2025-09-21T10:22:00.05+08:00", base + 50},
      {"2025-09-21T10:22:00.123+08:00", base + 123},
      {"2025-09-21T10:22:00.1239+08:00", base + 123},  // finer digits truncated
      {"2025-09-21T10:22:00.999999999+08:00", base + 999},
      {"2025-09-21T02:22:00.001Z", base + 1},
      {"2025-09-21T16:22:00+14:00", base},
      {"2025-09-20T12:22:00-14:00", base},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const auto t = parse_time(c.text);
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(*t, c.expected);
  }
}

TEST(ParseTime, RefusesMalformedText) {
  const char* bad[] = {
      "",
      "2025-09-21",
      "2025-09-21 10:22",
      "2025-09-21 10:22:0",
      "2025-9-21 10:22:00",
      "2025/09/21 10:22:00",
      "2025-09-21_10:22:00",
      "2025-09-21t10:22:00Z",
      "2025-09-21T10:22:00z",
      "2025-09-21 10:22:00Z",       // offsets only with 'T'
      "2025-09-21 10:22:00+08:00",  // offsets only with 'T'
      "2025-09-21 10:22:00.123",    // fractions only in the ISO form
      "2025-09-21T10:22:00.123",    // a fraction needs an offset
      "2025-09-21T10:22:00.+08:00",
      "2025-09-21T10:22:00.1234567890+08:00",
      "2025-09-21T10:22:00+8:00",
      "2025-09-21T10:22:00+08",
      "2025-09-21T10:22:00+08:0",
      "2025-09-21T10:22:00+08:000",
      "2025-09-21T10:22:00 +08:00",
      "2025-09-21T10:22:00+08:00 ",
      " 2025-09-21T10:22:00+08:00",
      "2025-09-21T10:22:00ZZ",
      "2025-09-21T10:22:00*08:00",
      "2025-09-21T10:22:00+0a:00",
      "+2025-09-21T10:22:00Z",
      "-025-09-21 10:22:00",
      "２０２５-09-21 10:22:00",
      "yesterday",
      "1758421320000",
      "2025-09-21 10:22:00\n",
  };
  for (const char* text : bad) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(parse_time(text).has_value());
  }
  EXPECT_FALSE(parse_time(std::string_view("2025-09-21T10:22:00\0Z", 21)).has_value());
}

TEST(ParseTime, RefusesImpossibleDatesAndTimes) {
  const char* bad[] = {
      "2025-02-29 00:00:00", "2100-02-29 00:00:00", "1900-02-29 00:00:00", "2025-02-30 00:00:00",
      "2025-04-31 00:00:00", "2025-06-31 00:00:00", "2025-09-31 00:00:00", "2025-11-31 00:00:00",
      "2025-13-01 00:00:00", "2025-00-10 00:00:00", "2025-01-00 00:00:00", "2025-01-32 00:00:00",
      "2025-09-21 24:00:00", "2025-09-21 23:60:00", "2025-09-21 23:59:60", "2025-09-21T24:00:00Z",
      "2025-09-21 99:99:99",
  };
  for (const char* text : bad) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(parse_time(text).has_value());
  }
  EXPECT_TRUE(parse_time("2024-02-29 00:00:00").has_value());
  EXPECT_TRUE(parse_time("2000-02-29 00:00:00").has_value());
}

// Every day from 1999 to 2101: the last valid day parses to timegm's answer in both China-time
// forms, and the day after it is refused.
TEST(ParseTime, EveryDayOfEveryMonthAgreesWithTimegm) {
  for (int y = 1999; y <= 2101; ++y) {
    for (int mo = 1; mo <= 12; ++mo) {
      int last = 0;
      for (int d = 1; d <= 32; ++d) {
        const EpochMs expected = utc_ms(y, mo, d, 12, 34, 56) - 8 * kHourMs;
        std::tm check{};
        const std::time_t secs = static_cast<std::time_t>(expected / 1000 + 8 * 3600);
        gmtime_r(&secs, &check);
        const bool real_day = check.tm_mday == d;  // timegm normalises Feb 30 to Mar 2
        for (char sep : {' ', 'T'}) {
          const std::string text = civil_text(y, mo, d, 12, 34, 56, sep);
          const auto t = parse_time(text);
          ASSERT_EQ(t.has_value(), real_day) << text;
          if (real_day) {
            ASSERT_EQ(*t, expected) << text;
          }
        }
        if (real_day) last = d;
      }
      ASSERT_GE(last, 28);
    }
  }
}

TEST(ParseTime, EveryClockTimeIsCheckedFieldByField) {
  const EpochMs midnight = utc_ms(2025, 1, 1) - 8 * kHourMs;
  for (int h = 0; h <= 24; ++h) {
    for (int mi = 0; mi <= 60; ++mi) {
      for (int s : {0, 1, 30, 59, 60}) {
        const std::string text = civil_text(2025, 1, 1, h, mi, s, ' ');
        const auto t = parse_time(text);
        const bool valid = h <= 23 && mi <= 59 && s <= 59;
        ASSERT_EQ(t.has_value(), valid) << text;
        if (valid) {
          ASSERT_EQ(*t, midnight + ((h * 60 + mi) * 60 + s) * 1000) << text;
        }
      }
    }
  }
}

// Every offset from -15:59 to +15:59, in both spellings: accepted up to 14:00 either way.
TEST(ParseTime, OffsetsUpToFourteenHoursEitherWay) {
  const EpochMs local_as_utc = utc_ms(2025, 6, 1, 12, 0, 0);
  for (char sign : {'+', '-'}) {
    for (int hh = 0; hh <= 15; ++hh) {
      for (int mm = 0; mm <= 60; ++mm) {
        char colon[16];
        char basic[16];
        std::snprintf(colon, sizeof colon, "%c%02d:%02d", sign, hh, mm);
        std::snprintf(basic, sizeof basic, "%c%02d%02d", sign, hh, mm);
        const int minutes = hh * 60 + mm;
        const bool valid = mm <= 59 && minutes <= 14 * 60;
        const EpochMs expected = local_as_utc - (sign == '-' ? -minutes : minutes) * 60000LL;
        for (const char* offset : {colon, basic}) {
          const std::string text = std::string("2025-06-01T12:00:00") + offset;
          const auto t = parse_time(text);
          ASSERT_EQ(t.has_value(), valid) << text;
          if (valid) {
            ASSERT_EQ(*t, expected) << text;
          }
        }
      }
    }
  }
}

TEST(ParseTime, AcceptedRangeBoundaries) {
  EXPECT_EQ(parse_time("2000-01-01T00:00:00Z"), kMinAcceptedTime);
  EXPECT_EQ(parse_time("2100-01-01T00:00:00Z"), kMaxAcceptedTime);
  EXPECT_TRUE(time_in_accepted_range(kMinAcceptedTime));
  EXPECT_FALSE(time_in_accepted_range(kMinAcceptedTime - 1));
  EXPECT_TRUE(time_in_accepted_range(kMaxAcceptedTime - 1));
  EXPECT_FALSE(time_in_accepted_range(kMaxAcceptedTime));
  EXPECT_FALSE(time_in_accepted_range(0));
  EXPECT_FALSE(time_in_accepted_range(-1));
  // Text outside the range still parses; range is the adapters' separate check.
  const auto old = parse_time("1999-12-31 23:59:59");
  ASSERT_TRUE(old.has_value());
  EXPECT_FALSE(time_in_accepted_range(*old));
  EXPECT_EQ(parse_time("0000-01-01T00:00:00Z"), utc_ms(0, 1, 1));
  EXPECT_EQ(parse_time("9999-12-31T23:59:59Z"), utc_ms(9999, 12, 31, 23, 59, 59));
}

TEST(CivilDays, AgreesWithTimegmAndRoundTripsFor1600To2400) {
  for (std::int64_t z = days_from_civil(1600, 1, 1); z <= days_from_civil(2400, 12, 31); ++z) {
    int y = 0;
    unsigned m = 0;
    unsigned d = 0;
    civil_from_days(z, y, m, d);
    ASSERT_EQ(days_from_civil(y, m, d), z);
    ASSERT_EQ(utc_ms(y, static_cast<int>(m), static_cast<int>(d)), z * 86400000) << z;
  }
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
}

struct Formatted {
  EpochMs t;
  const char* text;
};

TEST(FormatRfc3339China, WritesChinaTimeWithMillisecondsOnlyWhenNonZero) {
  const EpochMs base = utc_ms(2025, 9, 21, 2, 22, 0);
  const Formatted cases[] = {
      {base, "2025-09-21T10:22:00+08:00"},
      {base + 7, "2025-09-21T10:22:00.007+08:00"},
      {base + 999, "2025-09-21T10:22:00.999+08:00"},
      {utc_ms(2025, 12, 31, 16, 0, 0), "2026-01-01T00:00:00+08:00"},  // crosses the date
      {utc_ms(2024, 2, 28, 16, 0, 0), "2024-02-29T00:00:00+08:00"},
      {0, "1970-01-01T08:00:00+08:00"},
      {-1, "1970-01-01T07:59:59.999+08:00"},
      {utc_ms(1969, 12, 31, 15, 59, 59), "1969-12-31T23:59:59+08:00"},
      {kMinAcceptedTime, "2000-01-01T08:00:00+08:00"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(format_rfc3339_china(c.t), c.text);
  }
  std::string out = "at ";
  append_rfc3339_china(out, base);
  EXPECT_EQ(out, "at 2025-09-21T10:22:00+08:00");
}

TEST(FormatRfc3339China, ExtremeInstantsDoNotCrash) {
  for (EpochMs t : {INT64_MIN, INT64_MIN + 1, INT64_MAX, INT64_MAX - 1}) {
    const std::string s = format_rfc3339_china(t);
    EXPECT_NE(s.find("+08:00"), std::string::npos) << s;
  }
}

TEST(FormatRfc3339China, RoundTripsThroughParseAcrossTheAcceptedRange) {
  std::mt19937_64 rng(20250921);
  std::uniform_int_distribution<EpochMs> any(kMinAcceptedTime, kMaxAcceptedTime - 1);
  for (int i = 0; i < 200000; ++i) {
    const EpochMs t = any(rng);
    const std::string text = format_rfc3339_china(t);
    const auto back = parse_time(text);
    ASSERT_TRUE(back.has_value()) << text;
    ASSERT_EQ(*back, t) << text;
  }
}

}  // namespace
}  // namespace gw
