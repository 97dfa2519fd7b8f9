// Raw input bytes -> UTF-8 JSON text with simdjson's padding, in a buffer reused between
// inputs: the size limit, the charset, the byte-order mark. UTF-8 itself is validated once,
// by simdjson while parsing; locate_invalid_utf8 says where when it fails.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/encoding/gb18030.h"
#include "gateway/core/gateway_config.h"
#include "gateway/core/refusal.h"

namespace gw::intake {

// Not thread-safe: owned by one decoder.
class InputText {
 public:
  InputText(Charset charset, std::size_t max_bytes);

  // The text to parse, valid until the next call; or why there is none (empty_input,
  // too_large, invalid_encoding for a bad GB18030/GBK sequence).
  Result<simdjson::padded_string_view> prepare(std::string_view bytes);

  // The refusal for UTF-8 input that simdjson found invalid, with the byte offset counted in
  // the bytes as received (a stripped BOM included).
  static Refusal locate_invalid_utf8(std::string_view bytes);

 private:
  simdjson::padded_string_view copy_padded(std::string_view text);

  Charset charset_;
  std::size_t max_bytes_;
  std::unique_ptr<encoding::Gb18030ToUtf8> gb18030_;  // only for GBK/GB18030 inputs
  std::string converted_;                             // GB18030 -> UTF-8, reused
  std::unique_ptr<char[]> padded_;                    // the parser's input, reused
  std::size_t padded_capacity_ = 0;
};

}  // namespace gw::intake
