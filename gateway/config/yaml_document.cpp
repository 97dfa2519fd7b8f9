// yaml_reader.h, first half: positions, the problem list, and getting one YAML document
// from a file. The typed readers are in yaml_reader.cpp.
#include <algorithm>
#include <cerrno>
#include <fstream>
#include <system_error>
#include <tuple>

#include "gateway/config/yaml_reader.h"

namespace gw::config {
namespace {

// std::strerror is not thread-safe; loads may run on any thread.
std::string errno_message() { return std::generic_category().message(errno); }

void sort_by_position(std::vector<ConfigError>& list) {
  std::stable_sort(list.begin(), list.end(), [](const ConfigError& a, const ConfigError& b) {
    return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
  });
}

}  // namespace

SourcePos position_of(const YAML::Mark& mark, const std::string& file, std::string_view text) {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) {
    return SourcePos{file, 0, 0};
  }
  int column = mark.column + 1;
  // yaml-cpp's column is a byte count, so the line starts `column` bytes before the offset;
  // when that does not hold (e.g. a byte-order mark), keep yaml-cpp's column.
  const auto offset = static_cast<std::size_t>(mark.pos);
  const auto width = static_cast<std::size_t>(mark.column);
  if (mark.pos >= 0 && offset <= text.size() && width <= offset &&
      (width == offset || text[offset - width - 1] == '\n' || text[offset - width - 1] == '\r')) {
    const std::string_view before_mark = text.substr(offset - width, width);
    // Every byte that is not a UTF-8 continuation byte starts a character.
    column = 1 + static_cast<int>(std::count_if(before_mark.begin(), before_mark.end(), [](char c) {
               return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
             }));
  }
  return SourcePos{file, mark.line + 1, column};
}

Diagnostics::Diagnostics(std::string file) : file_(std::move(file)) {}

SourcePos Diagnostics::pos(const Field& at) const {
  // An empty value's mark points past it (often at the next line); its key is the better spot.
  const bool value_has_mark =
      at.value.IsDefined() && !at.value.IsNull() && !at.value.Mark().is_null();
  return pos(value_has_mark || at.key_mark.is_null() ? at.value.Mark() : at.key_mark);
}

void Diagnostics::error(const Field& at, std::string message) {
  error(pos(at), at.path, std::move(message));
}

void Diagnostics::error(SourcePos pos, std::string path, std::string message) {
  if (errors_.size() >= kMaxErrors) {
    ++dropped_errors_;
    return;
  }
  errors_.push_back(ConfigError{std::move(pos), std::move(path), std::move(message)});
}

void Diagnostics::warning(const Field& at, std::string message) {
  warning(pos(at), at.path, std::move(message));
}

void Diagnostics::warning(SourcePos pos, std::string path, std::string message) {
  warnings_.push_back(ConfigError{std::move(pos), std::move(path), std::move(message)});
}

std::vector<ConfigError> Diagnostics::take_errors() {
  sort_by_position(errors_);
  if (dropped_errors_ > 0) {
    errors_.push_back(ConfigError{SourcePos{file_, 0, 0}, "",
                                  std::to_string(dropped_errors_) + " more errors not shown"});
    dropped_errors_ = 0;
  }
  return std::move(errors_);
}

std::vector<ConfigError> Diagnostics::take_warnings() {
  sort_by_position(warnings_);
  return std::move(warnings_);
}

std::optional<YAML::Node> parse_yaml_document(std::string_view text, Diagnostics& diag) {
  diag.set_text(text);
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    // ParserException (and its DeepRecursion) carry the position of the syntax error.
    diag.error(diag.pos(e.mark), "", "YAML syntax error: " + e.msg);
    return std::nullopt;
  } catch (const std::exception& e) {
    diag.error(SourcePos{diag.file(), 0, 0}, "", std::string("cannot parse YAML: ") + e.what());
    return std::nullopt;
  }
  if (documents.empty() || (documents.size() == 1 && documents[0].IsNull())) {
    diag.error(SourcePos{diag.file(), 0, 0}, "", "the file is empty");
    return std::nullopt;
  }
  if (documents.size() > 1) {
    diag.error(diag.pos(documents[1].Mark()), "",
               "only one YAML document is allowed; a second one starts here");
    return std::nullopt;
  }
  return documents[0];
}

std::optional<std::string> read_config_file(const std::string& path, Diagnostics& diag,
                                            std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diag.error(SourcePos{path, 0, 0}, "", "cannot open: " + errno_message());
    return std::nullopt;
  }
  std::string text;
  char buffer[64 * 1024];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes) {
      diag.error(SourcePos{path, 0, 0}, "",
                 "file is larger than " + std::to_string(max_bytes) + " bytes");
      return std::nullopt;
    }
  }
  if (in.bad()) {
    diag.error(SourcePos{path, 0, 0}, "", "cannot read: " + errno_message());
    return std::nullopt;
  }
  return text;
}

}  // namespace gw::config
