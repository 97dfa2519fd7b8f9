#include "gateway/core/case.h"

namespace gw {

std::string_view to_string(Source s) {
  switch (s) {
    case Source::hotline:
      return "hotline";
    case Source::grid:
      return "grid";
  }
  return "unknown";
}

std::string_view to_string(Priority p) {
  switch (p) {
    case Priority::normal:
      return "normal";
    case Priority::urgent:
      return "urgent";
    case Priority::critical:
      return "critical";
  }
  return "unknown";
}

std::string_view to_string(CaseStatus s) {
  switch (s) {
    case CaseStatus::dispatched:
      return "dispatched";
    case CaseStatus::resolved:
      return "resolved";
  }
  return "unknown";
}

std::optional<Source> source_from_string(std::string_view s) {
  if (s == "hotline") return Source::hotline;
  if (s == "grid") return Source::grid;
  return std::nullopt;
}

std::optional<Priority> priority_from_string(std::string_view s) {
  if (s == "normal") return Priority::normal;
  if (s == "urgent") return Priority::urgent;
  if (s == "critical") return Priority::critical;
  return std::nullopt;
}

void reset(Case& c) {
  c.case_id.clear();
  c.source = Source::hotline;
  c.source_ref.clear();
  c.channel.clear();
  c.kind.clear();
  c.category.clear();
  c.title.clear();
  c.description.clear();
  c.address.clear();
  c.region.district_code.clear();
  c.region.district.clear();
  c.region.street_code.clear();
  c.region.street.clear();
  c.region.community_code.clear();
  c.region.community.clear();
  c.region.grid_code.clear();
  c.coordinates.reset();
  c.reporter.name.clear();
  c.reporter.phone.clear();
  c.reporter.worker_id.clear();
  c.reporter.anonymous = false;
  c.priority = Priority::normal;
  c.severity = 0;
  c.reported_at = 0;
  c.occurred_at.reset();
  c.received_at = 0;
  c.source_deadline.reset();
  c.status = CaseStatus::dispatched;
  c.self_handled = false;
  c.handled_result.clear();
  c.handled_at.reset();
  c.attachments.clear();
}

}  // namespace gw
