#include "gateway/core/personal_data.h"

namespace gw {

std::string mask_phone(std::string_view phone) {
  if (phone.size() < 11) return std::string(phone.size(), '*');
  std::string out;
  out.reserve(phone.size());
  out.append(phone.substr(0, 3));
  out.append(phone.size() - 7, '*');
  out.append(phone.substr(phone.size() - 4));
  return out;
}

namespace {
// Length of the UTF-8 sequence starting with lead byte b; 1 for stray continuation bytes so
// that malformed text still advances.
std::size_t utf8_length(unsigned char b) {
  if (b >= 0xF0) return 4;
  if (b >= 0xE0) return 3;
  if (b >= 0xC0) return 2;
  return 1;
}
}  // namespace

std::string mask_name(std::string_view name) {
  std::string out;
  std::size_t i = 0;
  bool first = true;
  while (i < name.size()) {
    std::size_t n = utf8_length(static_cast<unsigned char>(name[i]));
    if (i + n > name.size()) n = name.size() - i;
    if (first) {
      out.append(name.substr(i, n));
      first = false;
    } else {
      out.push_back('*');
    }
    i += n;
  }
  return out;
}

}  // namespace gw
