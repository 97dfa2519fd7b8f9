#include "adapters/encoding/utf8.h"

#include <simdjson.h>

#include <cstdint>

namespace gw::encoding {
namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 if it is not one.
// Follows the well-formed byte sequence table of the Unicode Standard (table 3-7).
std::size_t valid_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t b0 = byte(i);
  if (b0 < 0x80) {
    return 1;
  }
  std::size_t len = 0;
  std::uint8_t lo = 0x80;  // allowed range of the second byte
  std::uint8_t hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) {
      lo = 0xA0;  // overlong
    }
    if (b0 == 0xED) {
      hi = 0x9F;  // surrogates
    }
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) {
      lo = 0x90;  // overlong
    }
    if (b0 == 0xF4) {
      hi = 0x8F;  // above U+10FFFF
    }
  } else {
    return 0;
  }
  if (i + len > text.size()) {
    return 0;
  }
  if (byte(i + 1) < lo || byte(i + 1) > hi) {
    return 0;
  }
  for (std::size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) {
      return 0;
    }
  }
  return len;
}

}  // namespace

std::string_view strip_utf8_bom(std::string_view text) {
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
    text.remove_prefix(kUtf8Bom.size());
  }
  return text;
}

std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
  if (simdjson::validate_utf8(text.data(), text.size())) {
    return std::nullopt;
  }
  // Invalid: rare, so the slow scalar walk that finds the offset is fine here.
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t len = valid_sequence_length(text, i);
    if (len == 0) {
      return i;
    }
    i += len;
  }
  // simdjson and this walk disagree: cannot happen if both follow RFC 3629. Point at the
  // end rather than claim the text is valid.
  return text.size();
}

}  // namespace gw::encoding
