// `gateway replay`: routes a file of recorded inputs (JSON lines, either source) with one
// routing file, or two to compare, using the pipeline's own CaseProcessor, without Kafka.
#pragma once

#include <cstddef>
#include <istream>
#include <map>
#include <ostream>
#include <string>
#include <utility>

#include "gateway/core/route_table.h"
#include "gateway/pipeline/case_processor.h"

namespace gw::app {

struct DepartmentCounts {
  std::size_t lead = 0;  // cases this department leads
  std::size_t co = 0;    // cases it co-handles
};

struct RefusalCount {
  std::size_t count = 0;
  std::size_t first_line = 0;  // 1-based line of the first input refused this way
};

struct ReplayReport {
  std::size_t inputs = 0;  // non-blank lines
  std::size_t refused = 0;
  std::map<std::string, DepartmentCounts> with_a;                    // by department code
  std::map<std::string, DepartmentCounts> with_b;                    // empty unless comparing
  std::map<std::pair<std::string, std::string>, std::size_t> moved;  // lead under A -> under B
  std::map<std::string, RefusalCount> refusals;                      // by "code field"
  double seconds = 0;
};

// processor must have an input registered under `topic` (the replay's decoder).
ReplayReport replay(std::istream& lines, CaseProcessor& processor, std::string_view topic,
                    const RouteTable& a, const RouteTable* b);

void print_replay(std::ostream& out, const ReplayReport& report, const RouteTable& a,
                  const RouteTable* b);

}  // namespace gw::app
