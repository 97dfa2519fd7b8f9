#include "adapters/http/media_type.h"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "adapters/http/header_text.h"

namespace gw::http {
namespace {

struct CharsetName {
  std::string_view name;  // lowercase
  Charset charset;
};

// The gateway.yaml spellings (gateway/config/charset_spellings.h) plus the IANA aliases an
// HTTP client may send for GBK. Not shared with that header: it pulls in yaml-cpp, and these
// aliases are not meant for the config file. A test checks this table covers the YAML one.
constexpr std::array<CharsetName, 6> kCharsetNames{{
    {"utf-8", Charset::utf8},
    {"utf8", Charset::utf8},
    {"gbk", Charset::gbk},
    {"gb2312", Charset::gbk},  // GBK is a superset of GB2312
    {"cp936", Charset::gbk},   // Windows' name for GBK
    {"gb18030", Charset::gb18030},
}};

MediaTypeRefusal refuse(std::string detail) { return MediaTypeRefusal{std::move(detail)}; }

// One parameter value starting at `pos` (just after '='): a token up to the next ';', or a
// quoted string (RFC 9110 5.6.4, backslash escapes) followed only by whitespace. Leaves
// `pos` at the ';' that ends it or at the end.
std::variant<std::string, MediaTypeRefusal> read_value(std::string_view header, std::size_t& pos) {
  while (pos < header.size() && is_ows(header[pos])) {
    ++pos;
  }
  if (pos >= header.size() || header[pos] != '"') {
    const std::size_t end = std::min(header.find(';', pos), header.size());
    std::string value(trim_ows(header.substr(pos, end - pos)));
    pos = end;
    return value;
  }
  std::string value;
  ++pos;
  for (;;) {
    if (pos >= header.size()) {
      return refuse("Content-Type has an unterminated quoted string");
    }
    const char c = header[pos++];
    if (c == '"') {
      break;
    }
    if (c == '\\' && pos < header.size()) {
      value.push_back(header[pos++]);
    } else {
      value.push_back(c);
    }
  }
  while (pos < header.size() && is_ows(header[pos])) {
    ++pos;
  }
  if (pos < header.size() && header[pos] != ';') {
    return refuse("Content-Type has text after a quoted parameter value: " +
                  quote_for_message(header.substr(pos)));
  }
  return value;
}

}  // namespace

std::optional<Charset> charset_from_http_name(std::string_view name) {
  for (const auto& entry : kCharsetNames) {
    if (iequals_ascii(entry.name, name)) {
      return entry.charset;
    }
  }
  return std::nullopt;
}

std::variant<Charset, MediaTypeRefusal> parse_json_content_type(std::string_view header) {
  header = trim_ows(header);
  if (header.empty()) {
    return refuse("Content-Type is missing; expected application/json");
  }
  // A type/subtype cannot contain quotes, so the first ';' ends it.
  std::size_t pos = std::min(header.find(';'), header.size());
  const std::string_view type = trim_ows(header.substr(0, pos));
  if (type.empty()) {
    return refuse(
        "Content-Type has no media type before its parameters; expected "
        "application/json");
  }
  if (!iequals_ascii(type, kJsonMediaType)) {
    return refuse("Content-Type " + quote_for_message(type) +
                  " is not supported; expected application/json");
  }

  std::optional<Charset> charset;
  std::string charset_text;  // as sent, for the message about a second, different charset
  while (pos < header.size()) {
    ++pos;  // the ';'
    const std::size_t name_end = std::min(header.find_first_of("=;", pos), header.size());
    const std::string_view name = trim_ows(header.substr(pos, name_end - pos));
    const bool is_charset = iequals_ascii(name, "charset");
    pos = name_end;
    if (pos >= header.size() || header[pos] == ';') {
      // "; ;" and a bare flag are tolerated, a charset without a value is not.
      if (is_charset) {
        return refuse("Content-Type has a charset parameter without a value");
      }
      continue;
    }
    ++pos;  // the '='
    auto value = read_value(header, pos);
    if (auto* refused = std::get_if<MediaTypeRefusal>(&value)) {
      return std::move(*refused);
    }
    if (!is_charset) {
      continue;
    }

    const std::string& text = std::get<std::string>(value);
    if (text.empty()) {
      return refuse("Content-Type has an empty charset; expected utf-8, gbk or gb18030");
    }
    const std::optional<Charset> named = charset_from_http_name(text);
    if (!named) {
      return refuse("charset " + quote_for_message(text) +
                    " is not supported; expected utf-8, gbk (or gb2312, cp936) or gb18030");
    }
    if (charset && *charset != *named) {
      return refuse("Content-Type names two charsets, " + quote_for_message(charset_text) +
                    " and " + quote_for_message(text));
    }
    charset = named;
    charset_text = text;
  }
  return charset.value_or(Charset::utf8);
}

}  // namespace gw::http
