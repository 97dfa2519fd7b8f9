#include "adapters/hotline/hotline_ticket.h"

#include <optional>
#include <string>

#include "adapters/json/field_readers.h"
#include "adapters/json/json_document.h"
#include "adapters/json/text_rules.h"
#include "gateway/core/case_id.h"

namespace gw::hotline {
namespace {

using json::FieldPath;
using json::MaybeRefusal;
namespace ondemand = simdjson::ondemand;

enum TicketField : int {
  kTicketNo,
  kChannel,
  kCallTime,
  kCaller,
  kAppealType,
  kTitle,
  kContent,
  kAddress,
  kRegion,
  kCategory,
  kUrgency,
  kDeadline,
  kAttachments,
};

// One switch on the key's length, then at most four comparisons.
int ticket_field(std::string_view key) {
  switch (key.size()) {
    case 5:
      return key == "title" ? kTitle : -1;
    case 6:
      return key == "caller" ? kCaller : key == "region" ? kRegion : -1;
    case 7:
      if (key == "channel") {
        return kChannel;
      }
      if (key == "content") {
        return kContent;
      }
      if (key == "address") {
        return kAddress;
      }
      return key == "urgency" ? kUrgency : -1;
    case 8:
      if (key == "ticketNo") {
        return kTicketNo;
      }
      if (key == "callTime") {
        return kCallTime;
      }
      if (key == "category") {
        return kCategory;
      }
      return key == "deadline" ? kDeadline : -1;
    case 10:
      return key == "appealType" ? kAppealType : -1;
    case 11:
      return key == "attachments" ? kAttachments : -1;
    default:
      return -1;
  }
}

constexpr std::string_view kUrgencies[] = {"一般", "紧急", "特急"};
constexpr Priority kUrgencyPriority[] = {Priority::normal, Priority::urgent, Priority::critical};
constexpr std::size_t kMaxChannelBytes = 32;
constexpr std::size_t kMaxCategoryLevels = 3;

MaybeRefusal read_caller(ondemand::value& v, const FieldPath& path, int depth, Reporter& out) {
  std::optional<ondemand::object> obj;
  if (auto refused = json::read_object(v, path, obj); refused || !obj) {
    return refused;
  }
  enum { kName, kPhone, kAnonymous };
  return json::visit_fields(
      *obj, path, depth,
      [](std::string_view k) -> int {
        return k == "name" ? kName : k == "phone" ? kPhone : k == "anonymous" ? kAnonymous : -1;
      },
      [&](int field, ondemand::value& value, const FieldPath& field_path) -> MaybeRefusal {
        if (field == kAnonymous) {
          std::optional<bool> anonymous;
          if (auto refused = json::read_bool(value, field_path, anonymous)) {
            return refused;
          }
          out.anonymous = anonymous.value_or(false);
          return std::nullopt;
        }
        std::optional<std::string_view> s;
        if (auto refused = json::read_string(value, field_path, s)) {
          return refused;
        }
        if (s) {
          (field == kName ? out.name : out.phone).assign(*s);
        }
        return std::nullopt;
      });
}

MaybeRefusal read_region(ondemand::value& v, const FieldPath& path, int depth, Region& out) {
  std::optional<ondemand::object> obj;
  if (auto refused = json::read_object(v, path, obj); refused || !obj) {
    return refused;
  }
  enum { kDistrictCode, kDistrict, kStreet, kCommunity };
  return json::visit_fields(
      *obj, path, depth,
      [](std::string_view k) -> int {
        if (k == "districtCode") {
          return kDistrictCode;
        }
        if (k == "district") {
          return kDistrict;
        }
        if (k == "street") {
          return kStreet;
        }
        return k == "community" ? kCommunity : -1;
      },
      [&](int field, ondemand::value& value, const FieldPath& field_path) -> MaybeRefusal {
        std::optional<std::string_view> s;
        if (auto refused = json::read_string(value, field_path, s); refused || !s) {
          return refused;
        }
        switch (field) {
          case kDistrictCode:
            if (auto refused = json::check_digits(*s, 6, field_path)) {
              return refused;
            }
            out.district_code.assign(*s);
            break;
          case kDistrict:
            out.district.assign(*s);
            break;
          case kStreet:
            out.street.assign(*s);
            break;
          default:
            out.community.assign(*s);
            break;
        }
        return std::nullopt;
      });
}

MaybeRefusal read_category(ondemand::value& v, const FieldPath& path,
                           std::vector<std::string>& out) {
  std::optional<ondemand::array> arr;
  if (auto refused = json::read_array(v, path, arr); refused || !arr) {
    return refused;
  }
  if (auto refused = json::visit_elements(
          *arr, path,
          [&](std::size_t i, ondemand::value& element,
              const FieldPath& element_path) -> MaybeRefusal {
            if (i >= kMaxCategoryLevels) {
              return json::out_of_range(path, "expected 1 to 3 levels, found more than 3");
            }
            std::optional<std::string_view> level;
            if (auto refused = json::read_string(element, element_path, level)) {
              return refused;
            }
            if (!level) {
              return json::missing_field(element_path);
            }
            if (level->empty()) {
              return json::out_of_range(element_path, "must not be empty");
            }
            out.emplace_back(*level);
            return std::nullopt;
          })) {
    return refused;
  }
  if (out.empty()) {
    return json::out_of_range(path, "expected 1 to 3 levels, found none");
  }
  return std::nullopt;
}

MaybeRefusal read_attachments(ondemand::value& v, const FieldPath& path, int depth,
                              std::vector<Attachment>& out) {
  std::optional<ondemand::array> arr;
  if (auto refused = json::read_array(v, path, arr); refused || !arr) {
    return refused;
  }
  enum { kType, kUrl };
  return json::visit_elements(
      *arr, path,
      [&](std::size_t, ondemand::value& element, const FieldPath& element_path) -> MaybeRefusal {
        std::optional<ondemand::object> obj;
        if (auto refused = json::read_object(element, element_path, obj)) {
          return refused;
        }
        if (!obj) {
          return json::missing_field(element_path);
        }
        std::optional<std::string_view> type;
        std::optional<std::string_view> url;
        if (auto refused = json::visit_fields(
                *obj, element_path, depth + 1,
                [](std::string_view k) -> int {
                  return k == "type" ? kType : k == "url" ? kUrl : -1;
                },
                [&](int field, ondemand::value& value, const FieldPath& field_path) {
                  return json::read_string(value, field_path, field == kType ? type : url);
                })) {
          return refused;
        }
        const FieldPath url_path = element_path.key("url");
        if (!url) {
          return json::missing_field(url_path);
        }
        if (url->empty()) {
          return json::out_of_range(url_path, "must not be empty");
        }
        // A type is a display hint; without one the attachment is still worth passing on.
        out.push_back({std::string(type && !type->empty() ? *type : "file"), std::string(*url)});
        return std::nullopt;
      });
}

// Fills c from the ticket in json; says why not when it cannot.
MaybeRefusal read_ticket(ondemand::parser& parser, simdjson::padded_string_view json,
                         EpochMs received_at, Case& c) {
  ondemand::document doc;
  ondemand::object root;
  if (auto refused = json::open_root_object(parser, json, doc, root)) {
    return refused;
  }

  c.source = Source::hotline;
  c.received_at = received_at;
  c.status = CaseStatus::dispatched;
  std::optional<EpochMs> call_time;
  bool has_content = false;
  const FieldPath root_path;
  constexpr int kRootDepth = 1;

  auto on_field = [&](int field, ondemand::value& value, const FieldPath& path) -> MaybeRefusal {
    switch (field) {
      case kTicketNo:
        return json::read_source_ref(value, path, c.source_ref);
      case kChannel: {
        std::optional<std::string_view> s;
        if (auto refused = json::read_string(value, path, s); refused || !s) {
          return refused;
        }
        if (auto refused = json::check_length(*s, 1, kMaxChannelBytes, path)) {
          return refused;
        }
        c.channel.assign(*s);
        return std::nullopt;
      }
      case kCallTime:
        return json::read_time(value, path, call_time);
      case kCaller:
        return read_caller(value, path, kRootDepth + 1, c.reporter);
      case kAppealType:
        return json::read_one_of(value, path, kAppealTypes, c.kind);
      case kTitle:
        return json::read_string_into(value, path, c.title);
      case kContent: {
        std::optional<std::string_view> s;
        if (auto refused = json::read_string(value, path, s)) {
          return refused;
        }
        has_content = s.has_value();
        if (s) {
          c.description.assign(*s);
        }
        return std::nullopt;
      }
      case kAddress:
        return json::read_string_into(value, path, c.address);
      case kRegion:
        return read_region(value, path, kRootDepth + 1, c.region);
      case kCategory:
        c.category.reserve(kMaxCategoryLevels);
        return read_category(value, path, c.category);
      case kUrgency: {
        std::string urgency;
        if (auto refused = json::read_one_of(value, path, kUrgencies, urgency)) {
          return refused;
        }
        for (std::size_t i = 0; i < std::size(kUrgencies); ++i) {
          if (urgency == kUrgencies[i]) {
            c.priority = kUrgencyPriority[i];
          }
        }
        return std::nullopt;
      }
      case kDeadline:
        return json::read_time(value, path, c.source_deadline);
      case kAttachments:
        return read_attachments(value, path, kRootDepth + 1, c.attachments);
      default:
        return std::nullopt;
    }
  };
  if (auto refused = json::visit_fields(root, root_path, kRootDepth, ticket_field, on_field)) {
    return refused;
  }
  // Required fields, in the order the reference format lists them.
  if (c.source_ref.empty()) {
    return json::missing_field(root_path.key("ticketNo"));
  }
  if (!call_time) {
    return json::missing_field(root_path.key("callTime"));
  }
  if (c.kind.empty()) {
    return json::missing_field(root_path.key("appealType"));
  }
  if (!has_content) {
    return json::missing_field(root_path.key("content"));
  }
  if (auto refused = json::check_nothing_after_root(doc, json)) {
    return refused;
  }

  c.reported_at = *call_time;
  // An anonymous caller's name and phone are dropped here, not only hidden on output: what
  // the gateway never holds it cannot leak (DOMAIN.md section 7).
  if (c.reporter.anonymous) {
    c.reporter.name.clear();
    c.reporter.phone.clear();
  }
  assign_case_id(c.case_id, Source::hotline, c.source_ref);
  return std::nullopt;
}

}  // namespace

MaybeRefusal parse_ticket_into(ondemand::parser& parser, simdjson::padded_string_view json,
                          EpochMs received_at, Case& out) {
  return json::parse_distinguishing_trailing_data(json, [&](simdjson::padded_string_view text) {
    reset(out);
    return read_ticket(parser, text, received_at, out);
  });
}

Result<Case> parse_ticket(ondemand::parser& parser, simdjson::padded_string_view json,
                          EpochMs received_at) {
  return filled<Case>([&](Case& c) { return parse_ticket_into(parser, json, received_at, c); });
}

}  // namespace gw::hotline
