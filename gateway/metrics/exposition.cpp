#include "gateway/metrics/exposition.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

namespace gw::metrics {
namespace {

constexpr std::string_view kCounter = "counter";
constexpr std::string_view kGauge = "gauge";
constexpr std::string_view kHistogram = "histogram";

bool is_metric_name(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) {
      return false;
    }
  }
  return true;
}

// Names starting with "__" are reserved for Prometheus itself.
bool is_label_name(std::string_view s) {
  if (s.empty() || s.starts_with("__")) {
    return false;
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) {
      return false;
    }
  }
  return true;
}

void check_labels(std::string_view metric, const Labels& labels, bool histogram) {
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::string& label = labels[i].first;
    if (!is_label_name(label)) {
      throw std::invalid_argument(std::string(metric) + ": invalid label name \"" + label + "\"");
    }
    if (histogram && label == "le") {
      throw std::invalid_argument(std::string(metric) +
                                  ": a histogram may not have a label \"le\"");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (labels[j].first == label) {
        throw std::invalid_argument(std::string(metric) + ": label \"" + label + "\" given twice");
      }
    }
  }
}

// {a="x",b="y"}, with an extra last label (the bucket's le) when extra_name is not empty;
// nothing at all when there are no labels.
void append_labels(std::string& out, const Labels& labels, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) {
    return;
  }
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) {
      out += ',';
    }
    first = false;
    out += name;
    out += "=\"";
    out += escape_label_value(value);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) {
      out += ',';
    }
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

void append_sample(std::string& out, std::string_view name, std::string_view suffix,
                   const Labels& labels, double value, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  out += name;
  out += suffix;
  append_labels(out, labels, extra_name, extra_value);
  out += ' ';
  out += format_value(value);
  out += '\n';
}

std::vector<std::string> sample_names(std::string_view family, std::string_view type) {
  std::string base(family);
  if (type != kHistogram) {
    return {base};
  }
  return {base + "_bucket", base + "_sum", base + "_count"};
}

}  // namespace

std::string format_value(double v) {
  if (std::isnan(v)) {
    return "NaN";
  }
  if (std::isinf(v)) {
    return v > 0 ? "+Inf" : "-Inf";
  }
  if (v == 0) {
    return "0";  // also -0
  }
  std::array<char, 64> buf;
  // Integral values below 1e21 in plain digits (at most 22 characters); the rest in the
  // shortest form that reads back exactly, which may use an exponent ("1e-07", "1e+21").
  const bool integral = std::trunc(v) == v && std::fabs(v) < 1e21;
  const auto result =
      integral ? std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed)
               : std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), result.ptr);
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (const char c : help) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Exposition::Family& Exposition::family(std::string_view name, std::string_view help,
                                       std::string_view type, const Labels& labels) {
  if (!is_metric_name(name)) {
    throw std::invalid_argument("invalid metric name \"" + std::string(name) + "\"");
  }
  check_labels(name, labels, type == kHistogram);

  Family* f = nullptr;
  if (const auto it = index_.find(std::string(name)); it != index_.end()) {
    f = &families_[it->second];
    if (f->type != type) {
      throw std::invalid_argument(std::string(name) + ": added as a " + std::string(type) +
                                  ", was a " + std::string(f->type));
    }
  } else {
    // A histogram's samples are name_bucket, name_sum and name_count: no two families may
    // write samples of the same name.
    const auto mine = sample_names(name, type);
    for (const Family& other : families_) {
      for (const std::string& theirs : sample_names(other.name, other.type)) {
        if (std::find(mine.begin(), mine.end(), theirs) != mine.end()) {
          throw std::invalid_argument(std::string(name) + ": its samples clash with the family " +
                                      other.name);
        }
      }
    }
    index_.emplace(std::string(name), families_.size());
    families_.push_back(Family{std::string(name), std::string(help), type, {}, {}});
    f = &families_.back();
  }

  // Label order does not make another series.
  Labels sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  std::string rendered;
  append_labels(rendered, sorted);
  if (!f->label_sets.insert(std::move(rendered)).second) {
    throw std::invalid_argument(std::string(name) + ": the same series added twice");
  }
  return *f;
}

void Exposition::counter(std::string_view name, std::string_view help, const Labels& labels,
                         double value) {
  append_sample(family(name, help, kCounter, labels).samples, name, "", labels, value);
}

void Exposition::gauge(std::string_view name, std::string_view help, const Labels& labels,
                       double value) {
  append_sample(family(name, help, kGauge, labels).samples, name, "", labels, value);
}

void Exposition::histogram(std::string_view name, std::string_view help, const Labels& labels,
                           const LatencyHistogram::Snapshot& snapshot) {
  std::string& out = family(name, help, kHistogram, labels).samples;
  // A snapshot from LatencyHistogram has as many counts as bounds; a hand-made one that has
  // not writes only the complete pairs rather than read past the end.
  const std::size_t n = std::min(snapshot.bounds.size(), snapshot.cumulative.size());
  for (std::size_t i = 0; i < n; ++i) {
    append_sample(out, name, "_bucket", labels, static_cast<double>(snapshot.cumulative[i]), "le",
                  format_value(snapshot.bounds[i]));
  }
  append_sample(out, name, "_bucket", labels, static_cast<double>(snapshot.count), "le", "+Inf");
  append_sample(out, name, "_sum", labels, snapshot.sum);
  append_sample(out, name, "_count", labels, static_cast<double>(snapshot.count));
}

std::string Exposition::str() const {
  std::string out;
  for (const Family& f : families_) {
    if (!f.help.empty()) {
      out += "# HELP ";
      out += f.name;
      out += ' ';
      out += escape_help(f.help);
      out += '\n';
    }
    out += "# TYPE ";
    out += f.name;
    out += ' ';
    out += f.type;
    out += '\n';
    out += f.samples;
  }
  return out;
}

}  // namespace gw::metrics
