// Sample inputs laid out for feeding: <dir>/<topic>/<file>, where a .jsonl file holds one
// input a line and any other file is one input as it is (bytes untouched, so GB18030 and
// broken samples stay what they are). Used by `gateway run --feed` and the tests.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gw::app {

struct SampleInput {
  std::string topic;
  std::string origin;  // "grid.reports/reports.jsonl:3", for the report
  std::string bytes;
};

// Files and lines in name order. Throws std::runtime_error naming the path it cannot read.
std::vector<SampleInput> read_samples(const std::string& dir);

// The sample with suffix appended to its source id (the value of "ticketNo" or "reportId",
// whichever comes first), so that each copy is a distinct case: for load generators and
// tests. Works on GB18030 bytes too (the ids are ASCII). Unchanged when neither is found.
std::string with_ref_suffix(const std::string& bytes, std::string_view suffix);

}  // namespace gw::app
