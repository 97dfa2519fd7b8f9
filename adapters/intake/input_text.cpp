#include "adapters/intake/input_text.h"

#include <algorithm>
#include <cstring>

#include "adapters/encoding/utf8.h"

namespace gw::intake {

InputText::InputText(Charset charset, std::size_t max_bytes)
    : charset_(charset), max_bytes_(max_bytes) {
  if (charset_ != Charset::utf8) {
    gb18030_ = std::make_unique<encoding::Gb18030ToUtf8>();
  }
}

Result<simdjson::padded_string_view> InputText::prepare(std::string_view bytes) {
  if (bytes.empty()) {
    return Refusal{RefusalCode::empty_input, "", "zero bytes"};
  }
  if (bytes.size() > max_bytes_) {
    return Refusal{
        RefusalCode::too_large, "",
        std::to_string(bytes.size()) + " bytes, over the limit of " + std::to_string(max_bytes_)};
  }
  std::string_view text = bytes;
  if (gb18030_) {
    // GBK is a subset of GB18030: one converter serves both charsets.
    const encoding::ConversionResult r = gb18030_->convert(bytes, converted_);
    switch (r.status) {
      case encoding::ConversionStatus::ok:
        break;
      case encoding::ConversionStatus::invalid_sequence:
        return Refusal{RefusalCode::invalid_encoding, "",
                       "invalid GB18030/GBK sequence at byte offset " + std::to_string(r.offset)};
      case encoding::ConversionStatus::truncated_sequence:
        return Refusal{RefusalCode::invalid_encoding, "",
                       "GB18030/GBK sequence cut short at byte offset " + std::to_string(r.offset)};
      case encoding::ConversionStatus::unavailable:
        return Refusal{RefusalCode::invalid_encoding, "",
                       "no GB18030 converter on this host (glibc gconv modules missing)"};
    }
    text = converted_;
  }
  // After conversion, so a GB18030 BOM (which converts to the UTF-8 one) goes too.
  text = encoding::strip_utf8_bom(text);
  if (text.empty()) {
    return Refusal{RefusalCode::empty_input, "", "only a byte-order mark"};
  }
  return copy_padded(text);
}

Refusal InputText::locate_invalid_utf8(std::string_view bytes) {
  const std::size_t at = encoding::find_invalid_utf8(bytes).value_or(0);
  return {RefusalCode::invalid_encoding, "", "invalid UTF-8 at byte offset " + std::to_string(at)};
}

simdjson::padded_string_view InputText::copy_padded(std::string_view text) {
  // The parser may read SIMDJSON_PADDING bytes past the end; a Kafka payload has no such
  // slack, hence the copy (FIELD-NOTES).
  const std::size_t needed = text.size() + simdjson::SIMDJSON_PADDING;
  if (needed > padded_capacity_) {
    padded_capacity_ = std::max(needed, padded_capacity_ * 2);
    padded_ = std::make_unique<char[]>(padded_capacity_);
  }
  std::memcpy(padded_.get(), text.data(), text.size());
  std::memset(padded_.get() + text.size(), 0, simdjson::SIMDJSON_PADDING);
  return simdjson::padded_string_view(padded_.get(), text.size(), padded_capacity_);
}

}  // namespace gw::intake
