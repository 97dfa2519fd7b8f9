// GB18030 to UTF-8, for legacy 12345 and grid senders. GB18030 is a superset of GBK (and of
// GB2312), so one converter serves all three; glibc's iconv does the mapping.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gw::encoding {

enum class ConversionStatus {
  ok,
  invalid_sequence,    // bytes that are not GB18030 at `offset`
  truncated_sequence,  // the input ends inside a multi-byte sequence starting at `offset`
  unavailable,         // iconv has no GB18030 converter (glibc gconv modules missing)
};

struct ConversionResult {
  ConversionStatus status = ConversionStatus::ok;
  std::size_t offset = 0;  // byte offset in the GB18030 input, for the two sequence errors
};

// Not thread-safe: owns an iconv descriptor and reuses it between calls. One per decoder.
class Gb18030ToUtf8 {
 public:
  Gb18030ToUtf8();
  ~Gb18030ToUtf8();
  Gb18030ToUtf8(const Gb18030ToUtf8&) = delete;
  Gb18030ToUtf8& operator=(const Gb18030ToUtf8&) = delete;

  // Replaces out's content with the UTF-8 form of gb18030. out keeps its capacity between
  // calls, so a warmed-up converter does not allocate. On error out's content is unspecified.
  ConversionResult convert(std::string_view gb18030, std::string& out);

 private:
  void* descriptor_;  // iconv_t, kept opaque so <iconv.h> stays out of the header
};

}  // namespace gw::encoding
