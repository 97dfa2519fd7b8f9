// Builds one scrape's answer in the Prometheus text format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/), for GET /metrics.
//
// Families may be added in any order, a family several times (one series per call): str()
// writes each family once, in the order of its first appearance, with one # HELP and one
// # TYPE line and all its series together, as the format requires. Within a family the
// series keep the order they were added in.
//
// Built afresh per scrape on the thread serving it; not thread-safe. A wrong call (a bad
// metric or label name, a family added again with another type, the same series twice, a
// histogram with its own "le" label) is a bug in the caller and throws std::invalid_argument,
// because Prometheus would refuse the whole scrape.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "gateway/metrics/latency_histogram.h"

namespace gw::metrics {

// Label names and values, in the order they are written.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Exposition {
 public:
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

  // help: free text, written on the family's # HELP line (empty: no # HELP line). The help
  // of a family's first call is kept.
  void counter(std::string_view name, std::string_view help, const Labels& labels, double value);
  void gauge(std::string_view name, std::string_view help, const Labels& labels, double value);
  // Writes name_bucket{...,le="..."} for each bound and +Inf, then name_sum and name_count.
  void histogram(std::string_view name, std::string_view help, const Labels& labels,
                 const LatencyHistogram::Snapshot& snapshot);

  std::string str() const;

 private:
  struct Family {
    std::string name;
    std::string help;
    std::string_view type;                       // "counter", "gauge" or "histogram": a literal
    std::string samples;                         // the series' lines, each ending in '\n'
    std::unordered_set<std::string> label_sets;  // rendered; refuses the same series twice
  };

  // The family called name, created if new; throws if it exists with another type, or if
  // labels already form one of its series.
  Family& family(std::string_view name, std::string_view help, std::string_view type,
                 const Labels& labels);

  std::vector<Family> families_;
  std::unordered_map<std::string, std::size_t> index_;  // name -> families_ position
};

// The format's number spelling, which Prometheus (Go's ParseFloat) reads: integral values
// without exponent or fraction ("42", "-3"), others the shortest form that reads back
// exactly ("0.25", "1e-07"), and "+Inf", "-Inf", "NaN".
std::string format_value(double v);

// Escapes a label value: backslash, double quote and newline.
std::string escape_label_value(std::string_view value);
// Escapes # HELP text: backslash and newline.
std::string escape_help(std::string_view help);

}  // namespace gw::metrics
