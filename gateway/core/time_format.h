// Parsing and writing the time forms the upstream systems use. Pure functions, no clock.
//
// Accepted on input:
//   "YYYY-MM-DD HH:MM:SS"            China Standard Time (UTC+8, no daylight saving)
//   "YYYY-MM-DDTHH:MM:SS"            the same, with a T
//   "YYYY-MM-DDTHH:MM:SS[.fff](Z|+hh:mm|-hh:mm|+hhmm)"   ISO 8601 / RFC 3339 with an offset
//   a JSON integer                   epoch milliseconds (parse in the adapter, check range here)
// Written: RFC 3339 in +08:00 with millisecond precision only when non-zero,
//   e.g. "2025-09-21T10:22:00+08:00".
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/case.h"

namespace gw {

inline constexpr int kChinaOffsetMinutes = 8 * 60;

// Earliest and latest instants accepted anywhere: 2000-01-01 and 2100-01-01 (UTC).
inline constexpr EpochMs kMinAcceptedTime = 946684800000;
inline constexpr EpochMs kMaxAcceptedTime = 4102444800000;

// Parses a textual time. Returns nothing when the text is none of the accepted forms or
// names an impossible date or time (Feb 30, 24:00, offset over 14 h).
std::optional<EpochMs> parse_time(std::string_view text);

bool time_in_accepted_range(EpochMs t);

// Appends the RFC 3339 form in +08:00 to out.
void append_rfc3339_china(std::string& out, EpochMs t);
// The same written at p, which must have room for kMaxRfc3339Bytes; returns the end.
inline constexpr std::size_t kMaxRfc3339Bytes = 48;
char* write_rfc3339_china(char* p, EpochMs t);
std::string format_rfc3339_china(EpochMs t);

// Days since 1970-01-01 for a proleptic Gregorian date, and back (Howard Hinnant's algorithms).
std::int64_t days_from_civil(int y, unsigned m, unsigned d);
void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d);

}  // namespace gw
