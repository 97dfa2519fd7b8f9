#include "gateway/config/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "gateway/config/did_you_mean.h"

namespace gw::config {
namespace {

// yaml-cpp marks a quoted scalar with the non-specific tag "!"; a plain one with "?".
bool is_quoted(const YAML::Node& node) { return node.Tag() == "!"; }

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) {
    return "an empty value";
  }
  if (node.IsMap()) {
    return "a mapping";
  }
  if (node.IsSequence()) {
    return "a list";
  }
  // A pasted paragraph should not become a paragraph-long message: show the start only.
  constexpr std::size_t kShown = 60;
  const std::string& text = node.Scalar();
  if (text.size() <= kShown) {
    return "\"" + text + "\"";
  }
  std::size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;  // do not split a UTF-8 character
  }
  return "\"" + text.substr(0, cut) + "...\"";
}

std::string join(std::span<const std::string_view> items) {
  std::string out;
  for (const auto item : items) {
    if (!out.empty()) {
      out += ", ";
    }
    out += item;
  }
  return out;
}

}  // namespace

std::string key_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) {
    return std::string(key);
  }
  std::string out(parent);
  out += '.';
  out += key;
  return out;
}

std::string index_path(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string_view trim_ascii_space(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) {
    return {};
  }
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

std::optional<std::vector<MapEntry>> read_map_entries(Diagnostics& diag, const Field& at) {
  if (!at.value.IsMap()) {
    diag.error(at, "expected a mapping, got " + describe(at.value));
    return std::nullopt;
  }
  std::vector<MapEntry> entries;
  std::unordered_map<std::string, YAML::Mark> first_seen;
  for (auto it = at.value.begin(); it != at.value.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      diag.error(Field{key, at.path}, "expected a plain key, got " + describe(key));
      continue;
    }
    Field value{it->second, key_path(at.path, key.Scalar()), key.Mark()};
    const auto [seen, inserted] = first_seen.emplace(key.Scalar(), key.Mark());
    if (!inserted) {
      diag.error(diag.pos(key.Mark()), value.path,
                 "duplicate key \"" + key.Scalar() + "\" (first at line " +
                     std::to_string(diag.pos(seen->second).line) + ")");
      continue;
    }
    entries.push_back(MapEntry{key.Scalar(), std::move(value)});
  }
  return entries;
}

MapReader::MapReader(Diagnostics& diag, const Field& at,
                     std::initializer_list<std::string_view> known_keys)
    : diag_(diag), at_(at) {
  auto entries = read_map_entries(diag, at);
  if (!entries) {
    return;
  }
  is_map_ = true;
  const std::span<const std::string_view> known(known_keys.begin(), known_keys.size());
  for (auto& entry : *entries) {
    if (std::find(known.begin(), known.end(), entry.key) != known.end()) {
      entries_.push_back(std::move(entry));
      continue;
    }
    std::string message = "unknown key \"" + entry.key + "\"";
    if (const auto suggestion = closest_match(entry.key, known)) {
      message += " (did you mean \"" + std::string(*suggestion) + "\"?)";
    } else {
      message += "; known keys: " + join(known);
    }
    diag.error(diag.pos(entry.value.key_mark), entry.value.path, std::move(message));
  }
}

std::optional<Field> MapReader::optional(std::string_view key) const {
  for (const auto& entry : entries_) {
    if (entry.key == key) {
      return entry.value;
    }
  }
  return std::nullopt;
}

std::optional<Field> MapReader::required(std::string_view key) const {
  if (!is_map_) {
    return std::nullopt;
  }
  if (auto found = optional(key)) {
    return found;
  }
  diag_.error(diag_.pos(at_), key_path(at_.path, key),
              "missing required key \"" + std::string(key) + "\"");
  return std::nullopt;
}

void check_format_version(Diagnostics& diag, const MapReader& top, int supported) {
  const auto field = top.required("version");
  if (!field) {
    return;
  }
  const std::string expected = "this gateway reads version " + std::to_string(supported);
  int version = 0;
  if (field->value.IsScalar() && !is_quoted(field->value)) {
    const std::string& text = field->value.Scalar();
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), version);
    if (ec == std::errc() && end == text.data() + text.size()) {
      if (version != supported) {
        diag.error(*field, "unsupported version " + text + "; " + expected);
      }
      return;
    }
  }
  const std::string got = field->value.IsScalar() && is_quoted(field->value)
                              ? "the quoted string " + describe(field->value)
                              : describe(field->value);
  diag.error(*field, "expected a version number (" + expected + "), got " + got);
}

std::optional<std::string> read_string(Diagnostics& diag, const Field& at) {
  if (at.value.IsScalar()) {
    return at.value.Scalar();
  }
  diag.error(at, "expected a string, got " + describe(at.value));
  return std::nullopt;
}

std::optional<std::string> read_nonempty_string(Diagnostics& diag, const Field& at,
                                                std::string_view what) {
  const auto text = read_string(diag, at);
  if (!text) {
    return std::nullopt;
  }
  const std::string_view trimmed = trim_ascii_space(*text);
  if (trimmed.empty()) {
    diag.error(at, std::string(what) + " must not be empty");
    return std::nullopt;
  }
  return std::string(trimmed);
}

std::optional<std::int64_t> read_int(Diagnostics& diag, const Field& at, std::int64_t min,
                                     std::int64_t max) {
  const std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!at.value.IsScalar() || is_quoted(at.value)) {
    const std::string got =
        at.value.IsScalar() ? "the quoted string " + describe(at.value) : describe(at.value);
    diag.error(at, "expected " + range + ", got " + got);
    return std::nullopt;
  }
  std::string_view text = at.value.Scalar();
  if (text.size() > 1 && text.front() == '+') {
    text.remove_prefix(1);
  }
  std::int64_t number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end != text.data() + text.size() || number < min || number > max) {
    diag.error(at, "expected " + range + ", got " + describe(at.value));
    return std::nullopt;
  }
  return number;
}

std::optional<bool> read_bool(Diagnostics& diag, const Field& at) {
  if (at.value.IsScalar() && !is_quoted(at.value)) {
    const std::string& text = at.value.Scalar();
    if (text == "true" || text == "True" || text == "TRUE") {
      return true;
    }
    if (text == "false" || text == "False" || text == "FALSE") {
      return false;
    }
  }
  diag.error(at, "expected true or false, got " + describe(at.value));
  return std::nullopt;
}

std::optional<std::vector<Field>> read_list(Diagnostics& diag, const Field& at, ListShape shape,
                                            bool allow_empty) {
  if (at.value.IsScalar() && shape == ListShape::list_or_single) {
    return std::vector<Field>{at};
  }
  if (!at.value.IsSequence()) {
    const char* expected =
        shape == ListShape::list_or_single ? "a list or a single value" : "a list";
    diag.error(at, std::string("expected ") + expected + ", got " + describe(at.value));
    return std::nullopt;
  }
  if (at.value.size() == 0 && !allow_empty) {
    diag.error(at, "the list is empty: give at least one value or remove the key");
    return std::nullopt;
  }
  std::vector<Field> items;
  items.reserve(at.value.size());
  std::size_t index = 0;
  for (auto it = at.value.begin(); it != at.value.end(); ++it, ++index) {
    // An empty item ("- ") has no mark of its own; the list's is the nearest useful spot.
    items.push_back(Field{*it, index_path(at.path, index), at.value.Mark()});
  }
  return items;
}

std::optional<std::vector<std::string>> read_string_list(Diagnostics& diag, const Field& at,
                                                         std::string_view what, bool allow_empty) {
  auto items = read_list(diag, at, ListShape::list_or_single, allow_empty);
  if (!items) {
    return std::nullopt;
  }
  std::vector<std::string> out;
  out.reserve(items->size());
  for (const auto& item : *items) {
    if (auto text = read_nonempty_string(diag, item, what)) {
      out.push_back(std::move(*text));
    }
  }
  return out;
}

void report_bad_enum(Diagnostics& diag, const Field& at, std::string_view value,
                     std::span<const std::string_view> allowed) {
  std::string message = "unknown value \"" + std::string(value) + "\"";
  if (const auto suggestion = closest_match(value, allowed)) {
    message += " (did you mean \"" + std::string(*suggestion) + "\"?)";
  }
  message += "; allowed: " + join(allowed);
  diag.error(at, std::move(message));
}

}  // namespace gw::config
