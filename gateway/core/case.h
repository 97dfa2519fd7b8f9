// The unified case: the one record departments consume, whichever source it came from.
// schemas/case.v1.schema.json is its wire form; case_json.cpp writes it.
//
// Plain data, no I/O. Times are epoch milliseconds (UTC); they are written out in RFC 3339
// with the China Standard Time offset (+08:00).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gw {

enum class Source : std::uint8_t { hotline, grid };

enum class Priority : std::uint8_t { normal, urgent, critical };

enum class CaseStatus : std::uint8_t { dispatched, resolved };

std::string_view to_string(Source s);
std::string_view to_string(Priority p);
std::string_view to_string(CaseStatus s);
std::optional<Source> source_from_string(std::string_view s);
std::optional<Priority> priority_from_string(std::string_view s);

// Milliseconds since the Unix epoch, UTC.
using EpochMs = std::int64_t;

struct Region {
  std::string district_code;
  std::string district;
  std::string street_code;  // 9 digits (GB/T 2260 division + street), when known
  std::string street;
  std::string community_code;  // 12 digits (street code + 3), when known
  std::string community;
  std::string grid_code;  // 14 digits, grid reports only

  bool operator==(const Region&) const = default;
};

struct Coordinates {
  double lng = 0;
  double lat = 0;
  std::string crs;  // "WGS-84", "GCJ-02" or "BD-09"

  bool operator==(const Coordinates&) const = default;
};

// Who reported the matter. For hotline tickets the caller, for grid reports the grid worker.
// name and phone are personal data: case_json applies the department's policy to them and
// nothing may log them in clear.
struct Reporter {
  std::string name;
  std::string phone;
  std::string worker_id;  // grid worker id; not personal data
  bool anonymous = false;

  bool operator==(const Reporter&) const = default;
};

struct Attachment {
  std::string type;  // "audio", "image", "video", "file", ...
  std::string url;

  bool operator==(const Attachment&) const = default;
};

struct Case {
  std::string case_id;     // derived from source + source_ref (case_id.h)
  Source source = Source::hotline;
  std::string source_ref;  // ticketNo or reportId
  std::string channel;     // hotline channel (phone, wechat, ...); "grid-app" for grid reports
  std::string kind;        // appealType (hotline) or eventType (grid)
  std::vector<std::string> category;  // hierarchical path, at most 3 levels
  std::string title;
  std::string description;
  std::string address;
  Region region;
  std::optional<Coordinates> coordinates;
  Reporter reporter;
  Priority priority = Priority::normal;
  int severity = 0;  // grid severity 1-4, 0 when absent
  EpochMs reported_at = 0;  // callTime / reportedAt (occurredAt when reportedAt is absent)
  std::optional<EpochMs> occurred_at;  // grid occurredAt
  EpochMs received_at = 0;  // when the gateway received it
  std::optional<EpochMs> source_deadline;  // deadline set by the hotline
  CaseStatus status = CaseStatus::dispatched;
  bool self_handled = false;
  std::string handled_result;
  std::optional<EpochMs> handled_at;
  std::vector<Attachment> attachments;
  // A new member needs a line in reset() (case.cpp); CaseTest.ResetRestoresEveryMember checks.

  bool operator==(const Case&) const = default;

  // Whistleblowing (举报) tickets: the caller must never be exposed to any department.
  bool whistleblowing() const { return kind == "举报"; }
};

// Makes c what a default-constructed Case is, but keeps the capacity of its strings and
// vectors: a decoder that refills one Case per input allocates almost nothing after the first.
void reset(Case& c);

}  // namespace gw
