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

}  // namespace gw
