// Sample inputs laid out for feeding: <dir>/<topic>/<file>, where a .jsonl file holds one
// input a line and any other file is one input as it is (bytes untouched, so GB18030 and
// broken samples stay what they are). Used by `gateway run --feed` and the tests.
#pragma once

#include <string>
#include <vector>

namespace gw::app {

struct SampleInput {
  std::string topic;
  std::string origin;  // "grid.reports/reports.jsonl:3", for the report
  std::string bytes;
};

// Files and lines in name order. Throws std::runtime_error naming the path it cannot read.
std::vector<SampleInput> read_samples(const std::string& dir);

}  // namespace gw::app
