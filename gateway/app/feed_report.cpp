#include "gateway/app/feed_report.h"

#include <simdjson.h>

#include <map>

namespace gw::app {
namespace {

std::string header(const ConsumedRecord& r, std::string_view name) {
  const std::string* v = r.header(name);
  return v == nullptr ? std::string() : *v;
}

struct CaseLine {
  std::string case_id, kind, title, source_ref, rule, role;
};

CaseLine summarize(const ConsumedRecord& r) {
  CaseLine line;
  line.role = header(r, kCaseRoleHeader);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(r.value).get(doc) != simdjson::SUCCESS) {
    line.case_id = r.key;
    line.title = "(not a case record)";
    return line;
  }
  auto text = [&](simdjson::dom::element e) {
    std::string_view s;
    return e.get_string().get(s) == simdjson::SUCCESS ? std::string(s) : std::string();
  };
  simdjson::dom::element field;
  if (doc["caseId"].get(field) == simdjson::SUCCESS) line.case_id = text(field);
  if (doc["kind"].get(field) == simdjson::SUCCESS) line.kind = text(field);
  if (doc["title"].get(field) == simdjson::SUCCESS) line.title = text(field);
  if (doc["sourceRef"].get(field) == simdjson::SUCCESS) line.source_ref = text(field);
  if (doc["assignment"]["rule"].get(field) == simdjson::SUCCESS) {
    line.rule = field.is_null() ? "(default)" : text(field);
  }
  return line;
}

}  // namespace

void print_feed_report(std::ostream& out, const RoutingConfig& routing, std::size_t fed,
                       const std::vector<ConsumedRecord>& department_records,
                       const std::vector<ConsumedRecord>& dead_letters, std::size_t repeats) {
  std::map<std::string, std::vector<CaseLine>> by_topic;
  std::size_t leads = 0;
  for (const ConsumedRecord& r : department_records) {
    CaseLine line = summarize(r);
    if (line.role != "co") ++leads;
    by_topic[r.topic].push_back(std::move(line));
  }

  out << "\n== " << fed << " sample inputs fed: " << leads << " routed as cases, "
      << dead_letters.size() << " dead-lettered";
  if (repeats > 0) {
    out << ", " << repeats << (repeats == 1 ? " repeat" : " repeats")
        << " of a case already routed (not routed again)";
  }
  out << " ==\n";
  for (const Department& d : routing.departments) {
    auto it = by_topic.find(d.topic);
    if (it == by_topic.end()) continue;
    out << "\n"
        << d.code << " (" << d.name << "), topic " << d.topic << ": " << it->second.size()
        << (it->second.size() == 1 ? " case\n" : " cases\n");
    for (const CaseLine& c : it->second) {
      out << "  " << c.case_id << "  " << (c.role == "co" ? "co  " : "lead") << "  " << c.kind
          << "  " << c.title << "  [" << c.source_ref << "; rule " << c.rule << "]\n";
    }
  }

  out << "\ndead letters: " << dead_letters.size() << "\n";
  for (const ConsumedRecord& r : dead_letters) {
    std::string position = header(r, kDlqSourceTopic) + "[" + header(r, kDlqSourcePartition) +
                           "]@" + header(r, kDlqSourceOffset);
    out << "  " << (r.key.empty() ? position : r.key + "  (" + position + ")") << "\n"
        << "      " << header(r, kDlqErrorReason) << "\n";
  }
}

}  // namespace gw::app
