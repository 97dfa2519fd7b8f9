#include "adapters/updates/status_update_json.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "adapters/json/field_readers.h"
#include "adapters/json/json_document.h"
#include "adapters/json/text_rules.h"
#include "gateway/core/case_id.h"
#include "gateway/core/case_json.h"
#include "gateway/core/time_format.h"

namespace gw::updates {
namespace {

using json::FieldPath;
namespace ondemand = simdjson::ondemand;

enum UpdateField : int {
  kUpdateId,
  kCaseId,
  kDepartment,
  kAction,
  kAt,
  kOperator,
  kNote,
  kReason,
  kExtendTo,
  kResult,
  kSatisfaction,
};

// One switch on the key's length, then at most four comparisons.
int update_field(std::string_view key) {
  switch (key.size()) {
    case 2:
      return key == "at" ? kAt : -1;
    case 4:
      return key == "note" ? kNote : -1;
    case 6:
      if (key == "caseId") {
        return kCaseId;
      }
      if (key == "action") {
        return kAction;
      }
      if (key == "reason") {
        return kReason;
      }
      return key == "result" ? kResult : -1;
    case 8:
      if (key == "updateId") {
        return kUpdateId;
      }
      if (key == "operator") {
        return kOperator;
      }
      return key == "extendTo" ? kExtendTo : -1;
    case 10:
      return key == "department" ? kDepartment : -1;
    case 12:
      return key == "satisfaction" ? kSatisfaction : -1;
    default:
      return -1;
  }
}

// "expected one of sign_for (签收), return (退单), ..., extension_approved (同意延期, 延期通过),
// ...": every spelling update_action_from_string accepts, from the one table.
const std::string& accepted_actions() {
  static const std::string text = [] {
    std::string s = "expected one of ";
    for (std::size_t i = 0; i < kUpdateActionCount; ++i) {
      const UpdateActionNames& names = kUpdateActionNames[i];
      if (i > 0) {
        s.append(", ");
      }
      s.append(names.wire).append(" (").append(names.chinese[0]);
      if (!names.chinese[1].empty()) {
        s.append(", ").append(names.chinese[1]);
      }
      s.push_back(')');
    }
    return s;
  }();
  return text;
}

MaybeRefusal read_action(ondemand::value& v, const FieldPath& path,
                         std::optional<UpdateAction>& out) {
  std::optional<std::string_view> s;
  if (auto refused = json::read_string(v, path, s); refused || !s) {
    return refused;
  }
  out = update_action_from_string(*s);
  if (!out) {
    return json::out_of_range(path, accepted_actions() + "; found " + json::quote_value(*s));
  }
  return std::nullopt;
}

MaybeRefusal read_case_id(ondemand::value& v, const FieldPath& path, std::string& out) {
  std::optional<std::string_view> s;
  if (auto refused = json::read_string(v, path, s); refused || !s) {
    return refused;
  }
  if (!is_case_id(*s)) {
    return json::out_of_range(path,
                              "expected a case id: HL- or GR- and 24 lowercase hex digits; found " +
                                  json::quote_value(*s));
  }
  out.assign(*s);
  return std::nullopt;
}

// A string of min_bytes to max_bytes copied into out. Null leaves out as it was.
MaybeRefusal read_bounded_string(ondemand::value& v, const FieldPath& path, std::size_t min_bytes,
                                 std::size_t max_bytes, std::string& out) {
  std::optional<std::string_view> s;
  if (auto refused = json::read_string(v, path, s); refused || !s) {
    return refused;
  }
  if (auto refused = json::check_length(*s, min_bytes, max_bytes, path)) {
    return refused;
  }
  out.assign(*s);
  return std::nullopt;
}

MaybeRefusal read_satisfaction(ondemand::value& v, const FieldPath& path, std::optional<int>& out) {
  std::optional<std::int64_t> score;
  if (auto refused = json::read_integer(v, path, score); refused || !score) {
    return refused;
  }
  if (*score < kMinSatisfaction || *score > kMaxSatisfaction) {
    return json::out_of_range(path, "expected an integer from " + std::to_string(kMinSatisfaction) +
                                        " to " + std::to_string(kMaxSatisfaction) + ", found " +
                                        std::to_string(*score));
  }
  out = static_cast<int>(*score);
  return std::nullopt;
}

// A field the action requires is absent or null: missing_field, saying which action needs it.
Refusal missing_for_action(const FieldPath& path, UpdateAction action) {
  Refusal refusal = json::missing_field(path);
  refusal.detail.append("; required when action is ").append(to_string(action));
  return refusal;
}

Refusal empty_for_action(const FieldPath& path, UpdateAction action) {
  std::string detail = "must not be empty when action is ";
  detail.append(to_string(action));
  return json::out_of_range(path, std::move(detail));
}

// What the action requires beyond the fields every update has.
MaybeRefusal check_action_fields(const StatusUpdate& u, bool has_reason, bool has_result,
                                 const FieldPath& root_path) {
  switch (u.action) {
    case UpdateAction::return_misrouted:
      // A misrouted case is re-dispatched by hand: the reason is what the center acts on.
      if (!has_reason) {
        return missing_for_action(root_path.key("reason"), u.action);
      }
      if (u.reason.empty()) {
        return empty_for_action(root_path.key("reason"), u.action);
      }
      return std::nullopt;
    case UpdateAction::request_extension:
      if (!u.extend_to) {
        return missing_for_action(root_path.key("extendTo"), u.action);
      }
      return std::nullopt;
    case UpdateAction::resolve:
      if (!has_result) {
        return missing_for_action(root_path.key("result"), u.action);
      }
      if (u.result.empty()) {
        return empty_for_action(root_path.key("result"), u.action);
      }
      return std::nullopt;
    case UpdateAction::callback:
      if (!u.satisfaction) {
        return missing_for_action(root_path.key("satisfaction"), u.action);
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

// Fills u from the update in json; says why not when it cannot.
MaybeRefusal read_update(ondemand::parser& parser, simdjson::padded_string_view json,
                         StatusUpdate& u) {
  ondemand::document doc;
  ondemand::object root;
  if (auto refused = json::open_root_object(parser, json, doc, root)) {
    return refused;
  }

  std::optional<UpdateAction> action;
  std::optional<EpochMs> at;
  bool has_reason = false;
  bool has_result = false;
  const FieldPath root_path;
  constexpr int kRootDepth = 1;

  auto on_field = [&](int field, ondemand::value& value, const FieldPath& path) -> MaybeRefusal {
    switch (field) {
      case kUpdateId:
        return read_bounded_string(value, path, 1, kMaxUpdateIdBytes, u.update_id);
      case kCaseId:
        return read_case_id(value, path, u.case_id);
      case kDepartment:
        return read_bounded_string(value, path, 1, kMaxDepartmentBytes, u.department);
      case kAction:
        return read_action(value, path, action);
      case kAt:
        return json::read_time(value, path, at);
      case kOperator:
        return json::read_string_into(value, path, u.operator_id);
      case kNote:
        return read_bounded_string(value, path, 0, kMaxNoteBytes, u.note);
      case kReason: {
        std::optional<std::string_view> s;
        if (auto refused = json::read_string(value, path, s); refused || !s) {
          return refused;
        }
        has_reason = true;
        u.reason.assign(*s);
        return std::nullopt;
      }
      case kExtendTo:
        return json::read_time(value, path, u.extend_to);
      case kResult: {
        std::optional<std::string_view> s;
        if (auto refused = json::read_string(value, path, s); refused || !s) {
          return refused;
        }
        has_result = true;
        u.result.assign(*s);
        return std::nullopt;
      }
      case kSatisfaction:
        return read_satisfaction(value, path, u.satisfaction);
      default:
        return std::nullopt;
    }
  };
  if (auto refused = json::visit_fields(root, root_path, kRootDepth, update_field, on_field)) {
    return refused;
  }
  // Required fields, in the order the reference format lists them; then what the action
  // requires; then the fields that must agree with each other.
  if (u.update_id.empty()) {
    return json::missing_field(root_path.key("updateId"));
  }
  if (u.case_id.empty()) {
    return json::missing_field(root_path.key("caseId"));
  }
  if (u.department.empty()) {
    return json::missing_field(root_path.key("department"));
  }
  if (!action) {
    return json::missing_field(root_path.key("action"));
  }
  if (!at) {
    return json::missing_field(root_path.key("at"));
  }
  u.action = *action;
  u.at = *at;
  if (auto refused = check_action_fields(u, has_reason, has_result, root_path)) {
    return refused;
  }
  if (u.extend_to && *u.extend_to <= u.at) {
    return json::out_of_range(root_path.key("extendTo"),
                              "must be after at (" + format_rfc3339_china(u.at) + "); found " +
                                  format_rfc3339_china(*u.extend_to));
  }
  return json::check_nothing_after_root(doc, json);
}

void append_time(std::string& out, EpochMs t) {
  char buf[kMaxRfc3339Bytes + 2];
  char* p = buf;
  *p++ = '"';
  p = write_rfc3339_china(p, t);
  *p++ = '"';
  out.append(buf, static_cast<std::size_t>(p - buf));
}

void append_text_member(std::string& out, std::string_view name, const std::string& text) {
  if (text.empty()) {
    return;
  }
  out.append(name);
  append_json_string(out, text);
}

}  // namespace

MaybeRefusal parse_status_update_into(ondemand::parser& parser, simdjson::padded_string_view json,
                                      StatusUpdate& out) {
  return json::parse_distinguishing_trailing_data(json, [&](simdjson::padded_string_view text) {
    reset(out);
    return read_update(parser, text, out);
  });
}

Result<StatusUpdate> parse_status_update(ondemand::parser& parser,
                                         simdjson::padded_string_view json) {
  return filled<StatusUpdate>(
      [&](StatusUpdate& u) { return parse_status_update_into(parser, json, u); });
}

void append_status_update_json(std::string& out, const StatusUpdate& u) {
  out.append("{\"schemaVersion\":\"").append(kStatusUpdateSchemaVersion).append("\"");
  out.append(",\"updateId\":");
  append_json_string(out, u.update_id);
  out.append(",\"caseId\":");
  append_json_string(out, u.case_id);
  out.append(",\"department\":");
  append_json_string(out, u.department);
  out.append(",\"action\":\"").append(to_string(u.action)).append("\"");
  out.append(",\"at\":");
  append_time(out, u.at);
  append_text_member(out, ",\"operator\":", u.operator_id);
  append_text_member(out, ",\"note\":", u.note);
  append_text_member(out, ",\"reason\":", u.reason);
  if (u.extend_to) {
    out.append(",\"extendTo\":");
    append_time(out, *u.extend_to);
  }
  append_text_member(out, ",\"result\":", u.result);
  if (u.satisfaction) {
    out.append(",\"satisfaction\":").append(std::to_string(*u.satisfaction));
  }
  out.push_back('}');
}

}  // namespace gw::updates
