#include "gateway/core/case_event.h"

#include <simdjson.h>
#include <xxhash.h>

#include <array>
#include <cstring>
#include <iterator>
#include <limits>
#include <span>

#include "gateway/core/case_json.h"
#include "gateway/core/time_format.h"

namespace gw {
namespace {

constexpr std::string_view kEventTypeNames[] = {
    "created",
    "routed",
    "signed_for",
    "progress",
    "returned",
    "redispatched",
    "extension_requested",
    "extension_approved",
    "extension_refused",
    "suspended",
    "resumed",
    "resolved",
    "closed",
    "callback",
    "reopened",
    "warned",
    "breached",
    "escalated",
};
static_assert(std::size(kEventTypeNames) == kEventTypeCount);

constexpr char kHex[] = "0123456789abcdef";

void put_le(char*& p, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) *p++ = static_cast<char>((v >> (8 * i)) & 0xFF);
}

void member(std::string& out, std::string_view name) {
  out.push_back(',');
  out.push_back('"');
  out.append(name);
  out.append("\":");
}

void string_member(std::string& out, std::string_view name, std::string_view value) {
  member(out, name);
  append_json_string(out, value);
}

void time_member(std::string& out, std::string_view name, EpochMs t) {
  member(out, name);
  out.push_back('"');
  append_rfc3339_china(out, t);
  out.push_back('"');
}

}  // namespace

std::string_view to_string(EventType t) {
  const auto i = static_cast<std::size_t>(t);
  return i < kEventTypeCount ? kEventTypeNames[i] : "unknown";
}

std::uint64_t cause_of(std::string_view update_id) {
  return XXH3_64bits(update_id.data(), update_id.size());
}

std::string make_event_id(std::string_view case_id, EventType type, std::optional<SlaStage> stage,
                          int index, std::uint64_t cause) {
  // "<case id>\x1f" type, stage (0xFF: none), index (4 bytes LE), cause (8 bytes LE).
  // Case ids are 27 bytes; longer ones (tests, foreign ids) take the heap.
  constexpr std::size_t kFixed = 1 + 1 + 1 + 4 + 8;
  char stack[64 + kFixed];
  std::string heap;
  char* buf = stack;
  const std::size_t n = case_id.size() + kFixed;
  if (n > sizeof stack) {
    heap.resize(n);
    buf = heap.data();
  }
  char* p = buf;
  std::memcpy(p, case_id.data(), case_id.size());
  p += case_id.size();
  *p++ = '\x1f';
  *p++ = static_cast<char>(type);
  *p++ = static_cast<char>(stage ? static_cast<std::uint8_t>(*stage) : 0xFF);
  put_le(p, static_cast<std::uint32_t>(index), 4);
  put_le(p, cause, 8);
  const XXH128_hash_t h = XXH3_128bits(buf, n);

  std::string id = "EV-";
  id.reserve(3 + 32);
  for (int shift = 60; shift >= 0; shift -= 4) id.push_back(kHex[(h.high64 >> shift) & 0xF]);
  for (int shift = 60; shift >= 0; shift -= 4) id.push_back(kHex[(h.low64 >> shift) & 0xF]);
  return id;
}

void append_event_json(std::string& out, const CaseEvent& e) {
  out.append("{\"id\":");
  append_json_string(out, e.id);
  string_member(out, "caseId", e.case_id);
  string_member(out, "type", to_string(e.type));
  time_member(out, "at", e.at);
  member(out, "seq");
  out.append(std::to_string(e.seq));
  if (!e.department.empty()) string_member(out, "department", e.department);
  string_member(out, "status", to_string(e.status));
  if (!e.update_id.empty()) string_member(out, "updateId", e.update_id);
  if (e.stage) string_member(out, "stage", sla_stage_name(*e.stage));
  if (e.due) time_member(out, "due", *e.due);
  if (e.type == EventType::warned) {
    member(out, "warning");
    out.append(std::to_string(e.index));
  } else if (e.type == EventType::escalated) {
    member(out, "tier");
    out.append(std::to_string(e.index));
  }
  if (!e.tier.empty()) string_member(out, "tierName", e.tier);
  if (!e.topic.empty()) string_member(out, "topic", e.topic);
  if (!e.reason.empty()) string_member(out, "reason", e.reason);
  if (!e.co.empty()) {
    member(out, "co");
    out.push_back('[');
    for (std::size_t i = 0; i < e.co.size(); ++i) {
      if (i > 0) out.push_back(',');
      append_json_string(out, e.co[i]);
    }
    out.push_back(']');
  }
  if (e.satisfaction) {
    member(out, "satisfaction");
    out.append(std::to_string(*e.satisfaction));
  }
  member(out, "supervision");
  out.append(e.supervision ? "true" : "false");
  out.push_back('}');
}

std::optional<EventType> event_type_from_string(std::string_view name) {
  for (std::size_t i = 0; i < kEventTypeCount; ++i) {
    if (kEventTypeNames[i] == name) return static_cast<EventType>(i);
  }
  return std::nullopt;
}

// --- parse_event_json ---
//
// simdjson's DOM API rather than On Demand: an event is small, read once, and DOM validates the
// whole document (UTF-8, structure, nothing after the root) before a member is looked at.
// gw_json's readers (adapters/json) would word the refusals alike, but the core cannot depend
// on an adapter.

namespace {

namespace dom = simdjson::dom;

// The members append_event_json writes; the index is the bit in a seen-mask.
enum EventMember : int {
  kId,
  kCaseId,
  kType,
  kAt,
  kSeq,
  kDepartment,
  kStatus,
  kUpdateId,
  kStage,
  kDue,
  kWarning,
  kTier,
  kTierName,
  kTopic,
  kReason,
  kCo,
  kSatisfaction,
  kSupervision,
  kEventMemberCount,
};

constexpr std::string_view kMemberNames[] = {
    "id",       "caseId",   "type",   "at",  "seq",          "department",
    "status",   "updateId", "stage",  "due", "warning",      "tier",
    "tierName", "topic",    "reason", "co",  "satisfaction", "supervision",
};
static_assert(std::size(kMemberNames) == kEventMemberCount);

int member_index(std::string_view key) {
  for (int i = 0; i < kEventMemberCount; ++i) {
    if (kMemberNames[i] == key) return i;
  }
  return -1;
}

std::string_view json_type_name(dom::element_type t) {
  switch (t) {
    case dom::element_type::ARRAY:
      return "array";
    case dom::element_type::OBJECT:
      return "object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
      return "number";
    case dom::element_type::STRING:
      return "string";
    case dom::element_type::BOOL:
      return "boolean";
    case dom::element_type::NULL_VALUE:
      return "null";
  }
  return "value";
}

Refusal event_refusal(RefusalCode code, std::string field, std::string detail) {
  return Refusal{code, std::move(field), std::move(detail)};
}

Refusal wrong_type(std::string_view field, std::string_view expected, dom::element v) {
  return event_refusal(
      RefusalCode::wrong_type, std::string(field),
      "expected " + std::string(expected) + ", found " + std::string(json_type_name(v.type())));
}

MaybeRefusal read_string(std::string_view field, dom::element v, std::string_view& out) {
  if (v.get_string().get(out) != simdjson::SUCCESS) return wrong_type(field, "a string", v);
  return std::nullopt;
}

MaybeRefusal read_text(std::string_view field, dom::element v, std::string& out) {
  std::string_view s;
  if (auto refused = read_string(field, v, s)) return refused;
  out.assign(s);
  return std::nullopt;
}

// A JSON integer in [min, max].
MaybeRefusal read_integer(std::string_view field, dom::element v, std::int64_t min,
                          std::int64_t max, std::int64_t& out) {
  const dom::element_type t = v.type();
  if (t == dom::element_type::UINT64) {
    // Beyond INT64_MAX: out of every range the event uses.
    return event_refusal(
        RefusalCode::out_of_range, std::string(field),
        "expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  if (t != dom::element_type::INT64 || v.get_int64().get(out) != simdjson::SUCCESS) {
    return wrong_type(field, "an integer", v);
  }
  if (out < min || out > max) {
    return event_refusal(RefusalCode::out_of_range, std::string(field),
                         "expected an integer from " + std::to_string(min) + " to " +
                             std::to_string(max) + ", found " + std::to_string(out));
  }
  return std::nullopt;
}

MaybeRefusal read_time(std::string_view field, dom::element v, EpochMs& out) {
  std::string_view s;
  if (auto refused = read_string(field, v, s)) return refused;
  const std::optional<EpochMs> t = parse_time(s);
  if (!t) {
    return event_refusal(RefusalCode::bad_time, std::string(field),
                         "expected an RFC 3339 time such as 2025-09-21T10:22:00+08:00");
  }
  out = *t;
  return std::nullopt;
}

template <typename Enum>
MaybeRefusal read_name(std::string_view field, dom::element v,
                       std::span<const std::string_view> names, Enum& out) {
  std::string_view s;
  if (auto refused = read_string(field, v, s)) return refused;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == s) {
      out = static_cast<Enum>(i);
      return std::nullopt;
    }
  }
  std::string detail = "expected one of ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) detail.append(", ");
    detail.append(names[i]);
  }
  return event_refusal(RefusalCode::out_of_range, std::string(field), std::move(detail));
}

// The lifecycle status names, in enum order, from to_string(LifecycleStatus).
std::span<const std::string_view> status_names() {
  static const std::array<std::string_view, kLifecycleStatusCount> names = [] {
    std::array<std::string_view, kLifecycleStatusCount> a{};
    for (std::size_t i = 0; i < kLifecycleStatusCount; ++i) {
      a[i] = to_string(static_cast<LifecycleStatus>(i));
    }
    return a;
  }();
  return names;
}

MaybeRefusal read_co(dom::element v, std::vector<std::string>& out) {
  dom::array items;
  if (v.get_array().get(items) != simdjson::SUCCESS) return wrong_type("co", "an array", v);
  std::size_t i = 0;
  for (dom::element item : items) {
    const std::string field = "co[" + std::to_string(i++) + "]";
    std::string_view s;
    if (auto refused = read_string(field, item, s)) return refused;
    out.emplace_back(s);
  }
  return std::nullopt;
}

MaybeRefusal read_member(int index, std::string_view key, dom::element v, CaseEvent& e,
                         std::optional<std::int64_t>& warning, std::optional<std::int64_t>& tier) {
  std::int64_t n = 0;
  switch (index) {
    case kId:
      return read_text(key, v, e.id);
    case kCaseId:
      return read_text(key, v, e.case_id);
    case kType:
      return read_name(key, v, kEventTypeNames, e.type);
    case kAt:
      return read_time(key, v, e.at);
    case kSeq:
      if (auto refused = read_integer(key, v, 0, std::numeric_limits<std::uint32_t>::max(), n)) {
        return refused;
      }
      e.seq = static_cast<std::uint32_t>(n);
      return std::nullopt;
    case kDepartment:
      return read_text(key, v, e.department);
    case kStatus:
      return read_name(key, v, status_names(), e.status);
    case kUpdateId:
      return read_text(key, v, e.update_id);
    case kStage: {
      SlaStage stage = SlaStage::sign_for;
      if (auto refused = read_name(key, v, kSlaStageNames, stage)) return refused;
      e.stage = stage;
      return std::nullopt;
    }
    case kDue: {
      EpochMs due = 0;
      if (auto refused = read_time(key, v, due)) return refused;
      e.due = due;
      return std::nullopt;
    }
    case kWarning:
    case kTier:
      if (auto refused = read_integer(key, v, std::numeric_limits<int>::min(),
                                      std::numeric_limits<int>::max(), n)) {
        return refused;
      }
      (index == kWarning ? warning : tier) = n;
      return std::nullopt;
    case kTierName:
      return read_text(key, v, e.tier);
    case kTopic:
      return read_text(key, v, e.topic);
    case kReason:
      return read_text(key, v, e.reason);
    case kCo:
      return read_co(v, e.co);
    case kSatisfaction:
      if (auto refused = read_integer(key, v, std::numeric_limits<int>::min(),
                                      std::numeric_limits<int>::max(), n)) {
        return refused;
      }
      e.satisfaction = static_cast<int>(n);
      return std::nullopt;
    case kSupervision:
      if (v.get_bool().get(e.supervision) != simdjson::SUCCESS) {
        return wrong_type(key, "true or false", v);
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

// `warning` on warned events and `tier` on escalated ones: required there, refused elsewhere.
MaybeRefusal check_index(CaseEvent& e, std::optional<std::int64_t> warning,
                         std::optional<std::int64_t> tier) {
  struct Rule {
    EventType type;
    std::string_view name;
    std::optional<std::int64_t> value;
  };
  for (const Rule& r :
       {Rule{EventType::warned, "warning", warning}, Rule{EventType::escalated, "tier", tier}}) {
    if (e.type == r.type) {
      if (!r.value) {
        return event_refusal(RefusalCode::missing_field, std::string(r.name),
                             "required for " + std::string(to_string(r.type)) + " events");
      }
      e.index = static_cast<int>(*r.value);
    } else if (r.value) {
      return event_refusal(RefusalCode::out_of_range, std::string(r.name),
                           "only " + std::string(to_string(r.type)) + " events carry it; this is " +
                               std::string(to_string(e.type)));
    }
  }
  return std::nullopt;
}

MaybeRefusal fill_event(std::string_view json, CaseEvent& e) {
  thread_local dom::parser parser;
  dom::element root;
  // realloc_if_needed: simdjson reads SIMDJSON_PADDING bytes past the end, which a Kafka
  // payload does not have; the parser copies into its own padded buffer.
  if (const simdjson::error_code err = parser.parse(json.data(), json.size(), true).get(root)) {
    switch (err) {
      case simdjson::EMPTY:
        return event_refusal(RefusalCode::empty_input, "", "no bytes");
      case simdjson::UTF8_ERROR:
        return event_refusal(RefusalCode::invalid_encoding, "", "not valid UTF-8");
      default:
        return event_refusal(RefusalCode::malformed_json, "", simdjson::error_message(err));
    }
  }
  dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return event_refusal(RefusalCode::not_an_object, "",
                         "expected an object, found " + std::string(json_type_name(root.type())));
  }
  std::uint32_t seen = 0;
  std::optional<std::int64_t> warning;
  std::optional<std::int64_t> tier;
  for (dom::key_value_pair member : object) {
    const int index = member_index(member.key);
    if (index < 0) continue;
    const std::uint32_t bit = std::uint32_t{1} << index;
    if ((seen & bit) != 0) {
      return event_refusal(RefusalCode::malformed_json, std::string(member.key),
                           "the member is given twice");
    }
    seen |= bit;
    if (auto refused = read_member(index, member.key, member.value, e, warning, tier)) {
      return refused;
    }
  }
  for (int required : {kId, kCaseId, kType, kAt, kSeq, kStatus, kSupervision}) {
    if ((seen & (std::uint32_t{1} << required)) == 0) {
      return event_refusal(RefusalCode::missing_field, std::string(kMemberNames[required]),
                           "required");
    }
  }
  return check_index(e, warning, tier);
}

}  // namespace

Result<CaseEvent> parse_event_json(std::string_view json) {
  return filled<CaseEvent>([json](CaseEvent& e) { return fill_event(json, e); });
}

}  // namespace gw
