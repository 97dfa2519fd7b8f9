#include "gateway/core/case_event.h"

#include <xxhash.h>

#include <cstring>
#include <iterator>

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

}  // namespace gw
