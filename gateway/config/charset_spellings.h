// How a charset may be written: in gateway.yaml (inputs[].charset) and on the command line
// (`gateway explain --charset`, `gateway replay --charset`).
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "gateway/config/yaml_reader.h"
#include "gateway/core/gateway_config.h"

namespace gw::config {

inline constexpr std::array<EnumSpelling<Charset>, 4> kCharsetSpellings{{
    {"utf-8", Charset::utf8},
    {"utf8", Charset::utf8},
    {"gbk", Charset::gbk},
    {"gb18030", Charset::gb18030},
}};

inline std::optional<Charset> charset_from_string(std::string_view s) {
  for (const auto& spelling : kCharsetSpellings) {
    if (spelling.text == s) return spelling.value;
  }
  return std::nullopt;
}

}  // namespace gw::config
