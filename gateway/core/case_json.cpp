#include "gateway/core/case_json.h"

#include <charconv>
#include <cstring>

#include "gateway/core/personal_data.h"
#include "gateway/core/time_format.h"

namespace gw {
namespace {

// 1 where a byte must be escaped inside a JSON string: control characters, '"' and '\'.
constexpr auto kNeedsEscape = [] {
  struct Table {
    bool v[256] = {};
  } t;
  for (int i = 0; i < 0x20; ++i) t.v[i] = true;
  t.v[static_cast<unsigned char>('"')] = true;
  t.v[static_cast<unsigned char>('\\')] = true;
  return t;
}();

void append_escaped(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"': out.append("\\\""); return;
    case '\\': out.append("\\\\"); return;
    case '\n': out.append("\\n"); return;
    case '\r': out.append("\\r"); return;
    case '\t': out.append("\\t"); return;
    case '\b': out.append("\\b"); return;
    case '\f': out.append("\\f"); return;
    default: {
      char buf[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out.append(buf, sizeof buf);
    }
  }
}

// Writes `,"key":` (or `"key":` for the first member of an object).
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) { out_.push_back('{'); }
  void end() { out_.push_back('}'); }

  void key(std::string_view k) {
    if (!first_) out_.push_back(',');
    first_ = false;
    out_.push_back('"');
    out_.append(k);  // keys are our own ASCII literals
    out_.append("\":");
  }
  void string(std::string_view k, std::string_view v) {
    key(k);
    append_json_string(out_, v);
  }
  // Omitted when empty: optional text fields are absent rather than "".
  void optional_string(std::string_view k, std::string_view v) {
    if (!v.empty()) string(k, v);
  }
  void integer(std::string_view k, std::int64_t v) {
    key(k);
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
  }
  void number(std::string_view k, double v) {
    key(k);
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
  }
  void boolean(std::string_view k, bool v) {
    key(k);
    out_.append(v ? "true" : "false");
  }
  void time(std::string_view k, EpochMs t) {
    key(k);
    out_.push_back('"');
    append_rfc3339_china(out_, t);
    out_.push_back('"');
  }
  void null(std::string_view k) {
    key(k);
    out_.append("null");
  }
  std::string& raw() { return out_; }

 private:
  std::string& out_;
  bool first_ = true;
};

void append_department(std::string& out, const Department& d) {
  ObjectWriter o(out);
  o.string("code", d.code);
  o.string("name", d.name);
  o.end();
}

void append_region(ObjectWriter& parent, const Region& r) {
  parent.key("region");
  ObjectWriter o(parent.raw());
  o.optional_string("districtCode", r.district_code);
  o.optional_string("district", r.district);
  o.optional_string("streetCode", r.street_code);
  o.optional_string("street", r.street);
  o.optional_string("communityCode", r.community_code);
  o.optional_string("community", r.community);
  o.optional_string("gridCode", r.grid_code);
  o.end();
}

// What the department may see of the reporter, and why something is missing.
std::string_view disclosure(const Case& c, PersonalDataPolicy policy) {
  if (c.reporter.anonymous || c.whistleblowing()) return "withheld";
  switch (policy) {
    case PersonalDataPolicy::clear: return "clear";
    case PersonalDataPolicy::masked: return "masked";
    case PersonalDataPolicy::omit: return "omitted";
  }
  return "withheld";
}

void append_reporter(ObjectWriter& parent, const Case& c, PersonalDataPolicy policy) {
  parent.key("reporter");
  ObjectWriter o(parent.raw());
  std::string_view shown = disclosure(c, policy);
  o.string("disclosure", shown);
  o.boolean("anonymous", c.reporter.anonymous);
  o.optional_string("workerId", c.reporter.worker_id);
  if (shown == "clear") {
    o.optional_string("name", c.reporter.name);
    o.optional_string("phone", c.reporter.phone);
  } else if (shown == "masked") {
    if (!c.reporter.name.empty()) o.string("name", mask_name(c.reporter.name));
    if (!c.reporter.phone.empty()) o.string("phone", mask_phone(c.reporter.phone));
  }
  o.end();
}

void append_assignment(ObjectWriter& parent, const RouteDecision& d) {
  parent.key("assignment");
  ObjectWriter o(parent.raw());
  o.key("lead");
  append_department(o.raw(), *d.lead);
  o.key("coHandlers");
  o.raw().push_back('[');
  for (std::size_t i = 0; i < d.co.size(); ++i) {
    if (i) o.raw().push_back(',');
    append_department(o.raw(), *d.co[i]);
  }
  o.raw().push_back(']');
  if (d.rule != nullptr) {
    o.string("rule", d.rule->id);
    o.boolean("default", false);
  } else {
    o.null("rule");
    o.boolean("default", true);
  }
  o.end();
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  const auto* run = p;  // start of the bytes not yet copied
  for (; p != end; ++p) {
    if (kNeedsEscape.v[*p]) {
      out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
      append_escaped(out, *p);
      run = p + 1;
    }
  }
  out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(end - run));
  out.push_back('"');
}

void append_case_json(std::string& out, const Case& c, const RouteDecision& decision,
                      PersonalDataPolicy policy) {
  ObjectWriter o(out);
  o.string("schemaVersion", kCaseSchemaVersion);
  o.string("caseId", c.case_id);
  o.integer("version", 1);
  o.string("source", to_string(c.source));
  o.string("sourceRef", c.source_ref);
  o.optional_string("channel", c.channel);
  o.string("kind", c.kind);
  o.key("category");
  out.push_back('[');
  for (std::size_t i = 0; i < c.category.size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(out, c.category[i]);
  }
  out.push_back(']');
  o.optional_string("title", c.title);
  o.string("description", c.description);

  o.key("location");
  {
    ObjectWriter loc(out);
    loc.optional_string("address", c.address);
    append_region(loc, c.region);
    if (c.coordinates) {
      loc.key("coordinates");
      ObjectWriter xy(out);
      xy.number("lng", c.coordinates->lng);
      xy.number("lat", c.coordinates->lat);
      xy.string("crs", c.coordinates->crs);
      xy.end();
    }
    loc.end();
  }

  append_reporter(o, c, policy);
  o.string("priority", to_string(c.priority));
  if (c.severity > 0) o.integer("severity", c.severity);
  o.time("reportedAt", c.reported_at);
  if (c.occurred_at) o.time("occurredAt", *c.occurred_at);
  o.time("receivedAt", c.received_at);
  if (c.source_deadline) o.time("sourceDeadline", *c.source_deadline);
  o.string("status", to_string(c.status));
  if (c.self_handled) {
    o.key("selfHandled");
    ObjectWriter h(out);
    h.optional_string("result", c.handled_result);
    if (c.handled_at) h.time("at", *c.handled_at);
    h.end();
  }
  append_assignment(o, decision);

  o.key("attachments");
  out.push_back('[');
  for (std::size_t i = 0; i < c.attachments.size(); ++i) {
    if (i) out.push_back(',');
    ObjectWriter a(out);
    a.string("type", c.attachments[i].type);
    a.string("url", c.attachments[i].url);
    a.end();
  }
  out.push_back(']');
  o.end();
}

}  // namespace gw
