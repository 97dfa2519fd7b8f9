// The Content-Type of a JSON request body (docs/http-api.md, "Webhooks"): application/json
// with an optional charset of utf-8 (the default), gbk (gb2312 and cp936 read as GBK) or
// gb18030. What it returns picks the decoder for the body; a refusal becomes a 415.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "gateway/core/gateway_config.h"

namespace gw::http {

inline constexpr std::string_view kJsonMediaType = "application/json";

struct MediaTypeRefusal {
  std::string detail;  // one sentence for the sender, naming what was sent and what is wanted
};

// Reads a Content-Type header value (RFC 9110 8.3: type/subtype, then `;`-separated
// name=value parameters, value a token or a quoted string). Case-insensitive throughout;
// whitespace around `;` and `=` is tolerated. Parameters other than charset are ignored.
// Without a charset the body is UTF-8. A charset given twice must name the same one.
//
// Refused: a missing or empty header, another media type (application/problem+json too),
// an unknown or empty charset, a charset without a value, an unterminated quoted string.
std::variant<Charset, MediaTypeRefusal> parse_json_content_type(std::string_view header);

// The charset a `charset=` value names ("UTF-8", "gb2312", ...; case-insensitive, already
// unquoted), or nullopt for one the gateway cannot decode.
std::optional<Charset> charset_from_http_name(std::string_view name);

}  // namespace gw::http
