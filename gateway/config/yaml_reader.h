// A checking layer over yaml-cpp for the admin-written YAML files (routes, gateway, and later
// SLA policies and calendars). It walks nodes while tracking the key path
// ("routes[2].match.category") and each node's position, and records every problem as a
// ConfigError instead of throwing, so that a load reports all problems at once.
//
// Typical use, one Diagnostics per file and one MapReader per mapping:
//
//   Diagnostics diag(file_name);
//   auto root = parse_yaml_document(text, diag);
//   if (!root) return diag.take_errors();
//   MapReader top(diag, Field::root(*root), {"version", "departments"});
//   if (auto f = top.required("version")) read_int(diag, *f, 1, 1);
//
// Readers return std::nullopt both when a value is absent and when it is invalid; in the
// second case they have recorded an error. Paths index lists from 0 ("routes[0]").
//
// Lifecycle: everything here lives for one load on one thread. Converted values are plain
// C++ data; nothing keeps YAML nodes after the load.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/routing_config.h"

namespace gw::config {

// 1-based line and column from yaml-cpp's 0-based Mark; 0 and 0 when the mark is unknown.
// yaml-cpp counts columns in bytes; given the parsed text, the column counts characters
// instead, as editors do ("- {name: 向阳社区, code: x}": "code" is at column 16, not 24).
SourcePos position_of(const YAML::Mark& mark, const std::string& file, std::string_view text = {});

// "routes" + "to" -> "routes.to"; "" + "version" -> "version".
std::string key_path(std::string_view parent, std::string_view key);
// "routes" + 2 -> "routes[2]".
std::string index_path(std::string_view parent, std::size_t index);

// `s` without leading and trailing ASCII whitespace.
std::string_view trim_ascii_space(std::string_view s);

// A value together with where it was written and the path that names it.
struct Field {
  YAML::Node value;
  std::string path;
  // The key's position: where to point when the value itself has none (an empty value).
  YAML::Mark key_mark = YAML::Mark::null_mark();

  static Field root(const YAML::Node& document) { return Field{document, ""}; }
};

// The problems found in one file. Errors refuse the file; warnings are worth telling the
// admin but do not. After too many errors the rest are counted rather than kept, so that a
// garbage file cannot produce a garbage flood.
class Diagnostics {
 public:
  static constexpr std::size_t kMaxErrors = 200;

  explicit Diagnostics(std::string file);

  const std::string& file() const { return file_; }
  SourcePos pos(const Field& at) const;
  SourcePos pos(const YAML::Mark& mark) const { return position_of(mark, file_, text_); }

  // The text the marks refer to, so that columns count characters; parse_yaml_document
  // sets it.
  void set_text(std::string_view text) { text_ = text; }

  void error(const Field& at, std::string message);
  void error(SourcePos pos, std::string path, std::string message);
  void warning(const Field& at, std::string message);
  void warning(SourcePos pos, std::string path, std::string message);

  bool has_errors() const { return !errors_.empty() || dropped_errors_ > 0; }
  // Sorted by position (file-level problems first); ties keep the order found.
  std::vector<ConfigError> take_errors();
  std::vector<ConfigError> take_warnings();

 private:
  std::string file_;
  std::string text_;
  std::vector<ConfigError> errors_;
  std::vector<ConfigError> warnings_;
  std::size_t dropped_errors_ = 0;
};

// Parses exactly one YAML document. A syntax error becomes one error at its position; an
// empty file and a file with several documents are errors too. nullopt on any of them.
std::optional<YAML::Node> parse_yaml_document(std::string_view text, Diagnostics& diag);

// Reads a whole config file. On failure records one error (file position only) and
// returns nullopt. Files above max_bytes are refused: configs are small and hand-written.
std::optional<std::string> read_config_file(const std::string& path, Diagnostics& diag,
                                            std::size_t max_bytes = 16u << 20);

// One entry of a mapping with arbitrary keys (e.g. librdkafka properties).
struct MapEntry {
  std::string key;
  Field value;  // path "<map path>.<key>"
};

// The entries of a mapping, in file order. Records: not a mapping, keys that are not
// scalars, duplicate keys (later ones dropped). nullopt only when `at` is not a mapping.
std::optional<std::vector<MapEntry>> read_map_entries(Diagnostics& diag, const Field& at);

// A mapping whose keys are fixed. Construction records everything wrong with the keys:
// not a mapping, duplicates, and unknown keys with the closest known one as a suggestion.
class MapReader {
 public:
  MapReader(Diagnostics& diag, const Field& at, std::initializer_list<std::string_view> known_keys);

  bool is_map() const { return is_map_; }
  const Field& field() const { return at_; }
  // The value under `key`, or nullopt when absent.
  std::optional<Field> optional(std::string_view key) const;
  // The value under `key`; records 'missing required key' when absent.
  std::optional<Field> required(std::string_view key) const;

 private:
  Diagnostics& diag_;
  Field at_;
  bool is_map_ = false;
  std::vector<MapEntry> entries_;
};

// The file's `version` key, required, which must equal `supported`. Records
// 'unsupported version 2; this gateway reads version 1' or a type error.
void check_format_version(Diagnostics& diag, const MapReader& top, int supported);

// Any scalar, as written (YAML's "123" or "true" are text too: codes keep leading zeros).
std::optional<std::string> read_string(Diagnostics& diag, const Field& at);
// A string that is not empty and not only whitespace; leading/trailing ASCII spaces are
// removed. `what` names it in the message ("keyword" -> 'keyword must not be empty').
std::optional<std::string> read_nonempty_string(Diagnostics& diag, const Field& at,
                                                std::string_view what);
// An integer written in decimal, within [min, max]. Quoted numbers are refused.
std::optional<std::int64_t> read_int(Diagnostics& diag, const Field& at, std::int64_t min,
                                     std::int64_t max);
// true or false (also True/TRUE/False/FALSE). Quoted values are refused.
std::optional<bool> read_bool(Diagnostics& diag, const Field& at);

enum class ListShape : std::uint8_t {
  list_only,       // must be a sequence
  list_or_single,  // a scalar stands for a one-element list
};

// The items of a list, each as a Field with its own path ("co[1]"). A single scalar, when
// allowed, yields itself. An empty list is an error unless allow_empty. nullopt on error.
std::optional<std::vector<Field>> read_list(Diagnostics& diag, const Field& at, ListShape shape,
                                            bool allow_empty);
// A list of non-empty strings (or one string); items that are not strings are reported
// and left out.
std::optional<std::vector<std::string>> read_string_list(Diagnostics& diag, const Field& at,
                                                         std::string_view what,
                                                         bool allow_empty = false);

// One spelling of an enumeration value. Several spellings may map to one value
// ("urgent" and "紧急").
template <class E>
struct EnumSpelling {
  std::string_view text;
  E value;
};

// Records 'unknown value "x"; allowed: a, b, c' (with a suggestion when one is close).
void report_bad_enum(Diagnostics& diag, const Field& at, std::string_view value,
                     std::span<const std::string_view> allowed);

template <class E>
std::optional<E> read_enum(Diagnostics& diag, const Field& at,
                           std::span<const EnumSpelling<E>> spellings) {
  const auto text = read_string(diag, at);
  if (!text) {
    return std::nullopt;
  }
  for (const auto& s : spellings) {
    if (s.text == *text) {
      return s.value;
    }
  }
  std::vector<std::string_view> allowed;
  for (const auto& s : spellings) {
    allowed.push_back(s.text);
  }
  report_bad_enum(diag, at, *text, allowed);
  return std::nullopt;
}

}  // namespace gw::config
