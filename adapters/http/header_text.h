// Small text helpers for reading HTTP header values. Header-only and internal to
// adapters/http: the parsers here echo a bit of a bad header back in their messages, and the
// echo must stay short, printable and valid UTF-8 whatever the sender put in the header.
#pragma once

#include <string>
#include <string_view>

namespace gw::http {

// RFC 9110 optional whitespace: spaces and horizontal tabs.
inline bool is_ows(char c) { return c == ' ' || c == '\t'; }

inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_ows(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

inline char to_lower_ascii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

// ASCII case-insensitive equality: header tokens (media types, parameter names, charsets)
// are case-insensitive, and locale-dependent tolower would be wrong for them.
inline bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower_ascii(a[i]) != to_lower_ascii(b[i])) {
      return false;
    }
  }
  return true;
}

// s in double quotes for a human message: at most max_chars bytes of it, each byte outside
// printable ASCII shown as '?', and "..." when cut. Headers are untrusted bytes; this keeps
// refusal details (which end up in JSON and logs) readable and bounded.
inline std::string quote_for_message(std::string_view s, std::size_t max_chars = 40) {
  std::string out = "\"";
  const std::size_t n = s.size() < max_chars ? s.size() : max_chars;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    out.push_back(c >= 0x20 && c < 0x7F ? static_cast<char>(c) : '?');
  }
  if (s.size() > n) {
    out.append("...");
  }
  out.push_back('"');
  return out;
}

}  // namespace gw::http
