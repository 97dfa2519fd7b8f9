#include "adapters/grid/grid_report.h"

#include <charconv>
#include <optional>
#include <string>

#include "adapters/json/field_readers.h"
#include "adapters/json/json_document.h"
#include "adapters/json/text_rules.h"
#include "gateway/core/case_id.h"

namespace gw::grid {
namespace {

using json::FieldPath;
using json::MaybeRefusal;
namespace ondemand = simdjson::ondemand;

enum ReportField : int {
  kReportId,
  kGridCode,
  kReporter,
  kEventType,
  kSubType,
  kDescription,
  kLocation,
  kOccurredAt,
  kReportedAt,
  kPhotos,
  kSelfHandled,
  kHandledResult,
  kHandledAt,
  kSeverity,
};

// One switch on the key's length, then at most five comparisons.
int report_field(std::string_view key) {
  switch (key.size()) {
    case 6:
      return key == "photos" ? kPhotos : -1;
    case 7:
      return key == "subType" ? kSubType : -1;
    case 8:
      if (key == "reportId") {
        return kReportId;
      }
      if (key == "gridCode") {
        return kGridCode;
      }
      if (key == "reporter") {
        return kReporter;
      }
      if (key == "location") {
        return kLocation;
      }
      return key == "severity" ? kSeverity : -1;
    case 9:
      if (key == "eventType") {
        return kEventType;
      }
      return key == "handledAt" ? kHandledAt : -1;
    case 10:
      if (key == "occurredAt") {
        return kOccurredAt;
      }
      return key == "reportedAt" ? kReportedAt : -1;
    case 11:
      if (key == "description") {
        return kDescription;
      }
      return key == "selfHandled" ? kSelfHandled : -1;
    case 13:
      return key == "handledResult" ? kHandledResult : -1;
    default:
      return -1;
  }
}

// Grid code = 9-digit street code + 3-digit community + 2-digit grid (DOMAIN.md section 3),
// the street code itself starting with the 6-digit district code.
constexpr std::size_t kGridCodeDigits = 14;
constexpr std::size_t kDistrictDigits = 6;
constexpr std::size_t kStreetDigits = 9;
constexpr std::size_t kCommunityDigits = 12;

MaybeRefusal read_reporter(ondemand::value& v, const FieldPath& path, int depth, Reporter& out) {
  std::optional<ondemand::object> obj;
  if (auto refused = json::read_object(v, path, obj); refused || !obj) {
    return refused;
  }
  enum { kWorkerId, kName, kPhone };
  return json::visit_fields(
      *obj, path, depth,
      [](std::string_view k) -> int {
        return k == "workerId" ? kWorkerId : k == "name" ? kName : k == "phone" ? kPhone : -1;
      },
      [&](int field, ondemand::value& value, const FieldPath& field_path) {
        std::string& target = field == kWorkerId ? out.worker_id
                              : field == kName   ? out.name
                                                 : out.phone;
        return json::read_string_into(value, field_path, target);
      });
}

MaybeRefusal check_coordinate(double value, double limit, const FieldPath& path) {
  if (value >= -limit && value <= limit) {
    return std::nullopt;
  }
  const std::string bound = std::to_string(static_cast<int>(limit));
  char found[32];
  const auto end = std::to_chars(found, found + sizeof found, value).ptr;
  return json::out_of_range(path, "expected a number in [-" + bound + ", " + bound + "], found " +
                                      std::string(found, end));
}

MaybeRefusal read_location(ondemand::value& v, const FieldPath& path, int depth, Case& c) {
  std::optional<ondemand::object> obj;
  if (auto refused = json::read_object(v, path, obj); refused || !obj) {
    return refused;
  }
  enum { kLng, kLat, kAddress, kCrs };
  std::optional<double> lng;
  std::optional<double> lat;
  std::string crs;
  if (auto refused = json::visit_fields(
          *obj, path, depth,
          [](std::string_view k) -> int {
            if (k == "lng") {
              return kLng;
            }
            if (k == "lat") {
              return kLat;
            }
            return k == "address" ? kAddress : k == "crs" ? kCrs : -1;
          },
          [&](int field, ondemand::value& value, const FieldPath& field_path) -> MaybeRefusal {
            switch (field) {
              case kLng:
                if (auto refused = json::read_number(value, field_path, lng); refused || !lng) {
                  return refused;
                }
                return check_coordinate(*lng, 180, field_path);
              case kLat:
                if (auto refused = json::read_number(value, field_path, lat); refused || !lat) {
                  return refused;
                }
                return check_coordinate(*lat, 90, field_path);
              case kAddress:
                return json::read_string_into(value, field_path, c.address);
              default:
                return json::read_one_of(value, field_path, kCoordinateSystems, crs);
            }
          })) {
    return refused;
  }
  // A point needs both coordinates; and its datum must be stated, since GCJ-02 and BD-09
  // points sit hundreds of metres from the WGS-84 point with the same numbers.
  if (lng && lat) {
    if (crs.empty()) {
      return json::missing_field(path.key("crs"));
    }
    c.coordinates = Coordinates{*lng, *lat, std::move(crs)};
  }
  return std::nullopt;
}

MaybeRefusal read_photos(ondemand::value& v, const FieldPath& path, std::vector<Attachment>& out) {
  std::optional<ondemand::array> arr;
  if (auto refused = json::read_array(v, path, arr); refused || !arr) {
    return refused;
  }
  return json::visit_elements(
      *arr, path,
      [&](std::size_t, ondemand::value& element, const FieldPath& element_path) -> MaybeRefusal {
        std::optional<std::string_view> url;
        if (auto refused = json::read_string(element, element_path, url)) {
          return refused;
        }
        if (!url) {
          return json::missing_field(element_path);
        }
        if (url->empty()) {
          return json::out_of_range(element_path, "must not be empty");
        }
        out.push_back({"image", std::string(*url)});
        return std::nullopt;
      });
}

MaybeRefusal read_severity(ondemand::value& v, const FieldPath& path, const GridOptions& options,
                           Case& c) {
  std::optional<std::int64_t> severity;
  if (auto refused = json::read_integer(v, path, severity); refused || !severity) {
    return refused;
  }
  if (*severity < 1 || *severity > 4) {
    return json::out_of_range(
        path, "expected an integer from 1 to 4, found " + std::to_string(*severity));
  }
  c.severity = static_cast<int>(*severity);
  c.priority = options.severity_priority[c.severity];
  return std::nullopt;
}

struct ReportTimes {
  std::optional<EpochMs> occurred_at;
  std::optional<EpochMs> reported_at;
  std::optional<EpochMs> handled_at;
};

// Fills c from the report in json; says why not when it cannot.
MaybeRefusal read_report(ondemand::parser& parser, simdjson::padded_string_view json,
                         EpochMs received_at, const GridOptions& options, Case& c) {
  ondemand::document doc;
  ondemand::object root;
  if (auto refused = json::open_root_object(parser, json, doc, root)) {
    return refused;
  }

  c.source = Source::grid;
  c.channel = kGridChannel;
  c.received_at = received_at;
  c.status = CaseStatus::dispatched;
  ReportTimes times;
  std::optional<std::string_view> sub_type;
  bool has_description = false;
  bool self_handled = false;
  std::string handled_result;
  const FieldPath root_path;
  constexpr int kRootDepth = 1;

  auto on_field = [&](int field, ondemand::value& value, const FieldPath& path) -> MaybeRefusal {
    switch (field) {
      case kReportId:
        return json::read_source_ref(value, path, c.source_ref);
      case kGridCode: {
        std::optional<std::string_view> s;
        if (auto refused = json::read_string(value, path, s); refused || !s) {
          return refused;
        }
        if (auto refused = json::check_digits(*s, kGridCodeDigits, path)) {
          return refused;
        }
        c.region.grid_code.assign(*s);
        return std::nullopt;
      }
      case kReporter:
        return read_reporter(value, path, kRootDepth + 1, c.reporter);
      case kEventType:
        return json::read_one_of(value, path, kEventTypes, c.kind);
      case kSubType:
        return json::read_string(value, path, sub_type);
      case kDescription: {
        std::optional<std::string_view> s;
        if (auto refused = json::read_string(value, path, s)) {
          return refused;
        }
        has_description = s.has_value();
        if (s) {
          c.description.assign(*s);
        }
        return std::nullopt;
      }
      case kLocation:
        return read_location(value, path, kRootDepth + 1, c);
      case kOccurredAt:
        return json::read_time(value, path, times.occurred_at);
      case kReportedAt:
        return json::read_time(value, path, times.reported_at);
      case kPhotos:
        return read_photos(value, path, c.attachments);
      case kSelfHandled: {
        std::optional<bool> b;
        if (auto refused = json::read_bool(value, path, b)) {
          return refused;
        }
        self_handled = b.value_or(false);
        return std::nullopt;
      }
      case kHandledResult:
        return json::read_string_into(value, path, handled_result);
      case kHandledAt:
        return json::read_time(value, path, times.handled_at);
      case kSeverity:
        return read_severity(value, path, options, c);
      default:
        return std::nullopt;
    }
  };
  if (auto refused = json::visit_fields(root, root_path, kRootDepth, report_field, on_field)) {
    return refused;
  }
  // Required fields, in the order the reference format lists them.
  if (c.source_ref.empty()) {
    return json::missing_field(root_path.key("reportId"));
  }
  if (c.region.grid_code.empty()) {
    return json::missing_field(root_path.key("gridCode"));
  }
  if (c.kind.empty()) {
    return json::missing_field(root_path.key("eventType"));
  }
  if (!has_description) {
    return json::missing_field(root_path.key("description"));
  }
  if (auto refused = json::check_nothing_after_root(doc, json)) {
    return refused;
  }

  const std::string_view grid_code = c.region.grid_code;
  c.region.district_code.assign(grid_code.substr(0, kDistrictDigits));
  c.region.street_code.assign(grid_code.substr(0, kStreetDigits));
  c.region.community_code.assign(grid_code.substr(0, kCommunityDigits));
  // An empty subType says no more than an absent one.
  c.category.reserve(2);
  c.category.emplace_back(c.kind);
  if (sub_type && !sub_type->empty()) {
    c.category.emplace_back(*sub_type);
    c.title.assign(*sub_type);
  } else {
    c.title = c.kind;
  }
  c.occurred_at = times.occurred_at;
  c.reported_at = times.reported_at.value_or(times.occurred_at.value_or(received_at));
  // A self-handled report arrives closed; the handling details mean nothing on an open case.
  if (self_handled) {
    c.status = CaseStatus::resolved;
    c.self_handled = true;
    c.handled_result = std::move(handled_result);
    c.handled_at = times.handled_at;
  }
  assign_case_id(c.case_id, Source::grid, c.source_ref);
  return std::nullopt;
}

}  // namespace

MaybeRefusal parse_report_into(ondemand::parser& parser, simdjson::padded_string_view json,
                          EpochMs received_at, const GridOptions& options, Case& out) {
  return json::parse_distinguishing_trailing_data(json, [&](simdjson::padded_string_view text) {
    reset(out);
    return read_report(parser, text, received_at, options, out);
  });
}

Result<Case> parse_report(ondemand::parser& parser, simdjson::padded_string_view json,
                          EpochMs received_at, const GridOptions& options) {
  return filled<Case>(
      [&](Case& c) { return parse_report_into(parser, json, received_at, options, c); });
}

}  // namespace gw::grid
