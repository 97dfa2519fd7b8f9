#include "adapters/encoding/gb18030.h"

#include <iconv.h>

#include <cerrno>

namespace gw::encoding {
namespace {

// iconv_open reports failure as (iconv_t)-1.
const iconv_t kNoDescriptor = reinterpret_cast<iconv_t>(-1);  // NOLINT(performance-no-int-to-ptr)

iconv_t as_iconv(void* d) { return static_cast<iconv_t>(d); }

}  // namespace

Gb18030ToUtf8::Gb18030ToUtf8() : descriptor_(iconv_open("UTF-8", "GB18030")) {}

Gb18030ToUtf8::~Gb18030ToUtf8() {
  if (as_iconv(descriptor_) != kNoDescriptor) {
    iconv_close(as_iconv(descriptor_));
  }
}

ConversionResult Gb18030ToUtf8::convert(std::string_view gb18030, std::string& out) {
  const iconv_t cd = as_iconv(descriptor_);
  if (cd == kNoDescriptor) {
    return {ConversionStatus::unavailable, 0};
  }
  iconv(cd, nullptr, nullptr, nullptr, nullptr);  // back to the initial state

  // One GB18030 byte never becomes more than 1.5 UTF-8 bytes (2 -> 3 and 4 -> 4 at most);
  // start there and grow on E2BIG all the same, so a surprise in the tables cannot overflow.
  out.resize(gb18030.size() + gb18030.size() / 2 + 16);
  // iconv's interface takes char** for input it does not modify.
  char* in = const_cast<char*>(gb18030.data());
  std::size_t in_left = gb18030.size();
  std::size_t written = 0;
  while (in_left > 0) {
    char* dst = out.data() + written;
    std::size_t dst_left = out.size() - written;
    const std::size_t rc = iconv(cd, &in, &in_left, &dst, &dst_left);
    written = out.size() - dst_left;
    if (rc != static_cast<std::size_t>(-1)) {
      break;
    }
    const auto offset = static_cast<std::size_t>(in - gb18030.data());
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    if (errno == EINVAL) {
      return {ConversionStatus::truncated_sequence, offset};
    }
    return {ConversionStatus::invalid_sequence, offset};
  }
  out.resize(written);
  return {};
}

}  // namespace gw::encoding
