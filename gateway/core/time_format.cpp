#include "gateway/core/time_format.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace gw {
namespace {

constexpr std::int64_t kMsPerSecond = 1000;
constexpr std::int64_t kMsPerMinute = kMsPerSecond * 60;
constexpr std::int64_t kMsPerDay = kMsPerMinute * 60 * 24;
constexpr int kMaxOffsetMinutes = 14 * 60;  // UTC+14 (Kiribati) is the widest real offset

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads `width` ASCII digits at text[pos]; false if any is not a digit.
bool read_digits(std::string_view text, std::size_t pos, std::size_t width, int& out) {
  if (pos + width > text.size()) {
    return false;
  }
  int v = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (!is_digit(text[i])) {
      return false;
    }
    v = v * 10 + (text[i] - '0');
  }
  out = v;
  return true;
}

bool is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

// Floor division: civil time of instants before 1970 must not round towards zero.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// Parses "(Z|+hh:mm|-hh:mm|+hhmm|-hhmm)" making up the whole of `text`.
std::optional<int> parse_offset_minutes(std::string_view text) {
  if (text == "Z") {
    return 0;
  }
  if (text.size() != 6 && text.size() != 5) {
    return std::nullopt;
  }
  const char sign = text[0];
  if (sign != '+' && sign != '-') {
    return std::nullopt;
  }
  int hh = 0;
  int mm = 0;
  if (!read_digits(text, 1, 2, hh)) {
    return std::nullopt;
  }
  const std::size_t minutes_at = text.size() == 6 ? 4 : 3;
  if (text.size() == 6 && text[3] != ':') {
    return std::nullopt;
  }
  if (!read_digits(text, minutes_at, 2, mm)) {
    return std::nullopt;
  }
  if (mm > 59) {
    return std::nullopt;
  }
  const int minutes = hh * 60 + mm;
  if (minutes > kMaxOffsetMinutes) {
    return std::nullopt;
  }
  return sign == '-' ? -minutes : minutes;
}

// Writes v as exactly `width` digits (v >= 0 and small enough).
char* put_digits(char* p, unsigned v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

}  // namespace

std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);             // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);                // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                                     // [0, 11]
  d = doy - (153 * mp + 2) / 5 + 1;                                            // [1, 31]
  m = mp < 10 ? mp + 3 : mp - 9;                                               // [1, 12]
  y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

std::optional<EpochMs> parse_time(std::string_view text) {
  // Fixed part: "YYYY-MM-DD?HH:MM:SS", 19 bytes, '?' being ' ' or 'T'.
  constexpr std::size_t kFixedLength = 19;
  if (text.size() < kFixedLength) {
    return std::nullopt;
  }
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(text, 0, 4, year) || text[4] != '-' || !read_digits(text, 5, 2, month) ||
      text[7] != '-' || !read_digits(text, 8, 2, day) || !read_digits(text, 11, 2, hour) ||
      text[13] != ':' || !read_digits(text, 14, 2, minute) || text[16] != ':' ||
      !read_digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  const char separator = text[10];
  if (separator != ' ' && separator != 'T') {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 ||
      static_cast<unsigned>(day) > days_in_month(year, static_cast<unsigned>(month))) {
    return std::nullopt;
  }
  // 24:00 and leap seconds (:60) are refused: no sender uses them, and accepting them would
  // give two spellings of one instant.
  if (hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }

  int offset_minutes = kChinaOffsetMinutes;
  std::int64_t millis = 0;
  if (text.size() > kFixedLength) {
    // Only the ISO 8601 form with 'T' carries a fraction and an offset.
    if (separator != 'T') {
      return std::nullopt;
    }
    std::size_t pos = kFixedLength;
    if (text[pos] == '.') {
      ++pos;
      const std::size_t first_digit = pos;
      while (pos < text.size() && is_digit(text[pos])) {
        ++pos;
      }
      const std::size_t digits = pos - first_digit;
      if (digits == 0 || digits > 9) {
        return std::nullopt;
      }
      // Milliseconds from the first three digits; finer digits are truncated.
      for (std::size_t i = 0; i < 3; ++i) {
        millis = millis * 10 + (i < digits ? text[first_digit + i] - '0' : 0);
      }
    }
    const std::optional<int> offset = parse_offset_minutes(text.substr(pos));
    if (!offset) {
      return std::nullopt;
    }
    offset_minutes = *offset;
  }

  const std::int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const std::int64_t local_ms = days * kMsPerDay + std::int64_t{hour} * 60 * kMsPerMinute +
                                minute * kMsPerMinute + second * kMsPerSecond + millis;
  return local_ms - offset_minutes * kMsPerMinute;
}

bool time_in_accepted_range(EpochMs t) { return t >= kMinAcceptedTime && t < kMaxAcceptedTime; }

char* write_rfc3339_china(char* p, EpochMs t) {
  // Saturate rather than overflow: t may come from anywhere, and formatting must not be UB.
  std::int64_t local = 0;
  if (__builtin_add_overflow(t, kChinaOffsetMinutes * kMsPerMinute, &local)) {
    local = INT64_MAX;
  }
  const std::int64_t days = floor_div(local, kMsPerDay);
  const std::int64_t ms_of_day = local - days * kMsPerDay;
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  civil_from_days(days, y, m, d);
  const auto ms = static_cast<unsigned>(ms_of_day % 1000);
  const auto secs = static_cast<unsigned>(ms_of_day / 1000);

  if (y >= 0 && y <= 9999) {
    p = put_digits(p, static_cast<unsigned>(y), 4);
  } else {
    // Outside what RFC 3339 can spell; written ISO 8601 "expanded" style rather than garbled.
    const std::string year = std::to_string(y);
    if (y > 0) {
      *p++ = '+';
    }
    for (char c : year) {
      *p++ = c;
    }
  }
  *p++ = '-';
  p = put_digits(p, m, 2);
  *p++ = '-';
  p = put_digits(p, d, 2);
  *p++ = 'T';
  p = put_digits(p, secs / 3600, 2);
  *p++ = ':';
  p = put_digits(p, secs / 60 % 60, 2);
  *p++ = ':';
  p = put_digits(p, secs % 60, 2);
  if (ms != 0) {
    *p++ = '.';
    p = put_digits(p, ms, 3);
  }
  std::memcpy(p, "+08:00", 6);
  p += 6;
  return p;
}

void append_rfc3339_china(std::string& out, EpochMs t) {
  char buf[kMaxRfc3339Bytes];
  out.append(buf, static_cast<std::size_t>(write_rfc3339_china(buf, t) - buf));
}

std::string format_rfc3339_china(EpochMs t) {
  std::string out;
  append_rfc3339_china(out, t);
  return out;
}

}  // namespace gw
