// UTF-8 facts the decoders need: the byte-order mark some Windows senders prepend, and where
// (not just whether) a text stops being valid UTF-8, so a refusal can point at the byte.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace gw::encoding {

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// text without one leading UTF-8 byte-order mark, if it has one.
std::string_view strip_utf8_bom(std::string_view text);

// Byte offset of the first byte of the first invalid UTF-8 sequence (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF, no truncated sequence), or nothing when all
// of text is valid. Valid text costs one simdjson::validate_utf8 pass.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

}  // namespace gw::encoding
