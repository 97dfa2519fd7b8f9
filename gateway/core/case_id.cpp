#include "gateway/core/case_id.h"

#include <xxhash.h>

#include <cstring>

namespace gw {
namespace {

constexpr std::size_t kHexDigits = 24;
constexpr char kHex[] = "0123456789abcdef";

std::string_view prefix(Source s) { return s == Source::hotline ? "HL-" : "GR-"; }

}  // namespace

void assign_case_id(std::string& out, Source source, std::string_view source_ref) {
  // Hash "<source>\x1f<ref>". Refs are short (20-40 bytes): a stack buffer avoids an
  // allocation; longer ones (up to the adapters' 64-byte limit, or beyond from tests) use a string.
  std::string_view name = to_string(source);
  char stack[128];
  std::string heap;
  char* buf = stack;
  const std::size_t n = name.size() + 1 + source_ref.size();
  if (n > sizeof stack) {
    heap.resize(n);
    buf = heap.data();
  }
  std::memcpy(buf, name.data(), name.size());
  buf[name.size()] = '\x1f';
  std::memcpy(buf + name.size() + 1, source_ref.data(), source_ref.size());
  XXH128_hash_t h = XXH3_128bits(buf, n);

  char id[3 + kHexDigits];
  std::memcpy(id, prefix(source).data(), 3);
  char* p = id + 3;
  // high64 then the top 32 bits of low64: 96 bits.
  for (int shift = 60; shift >= 0; shift -= 4) *p++ = kHex[(h.high64 >> shift) & 0xF];
  for (int shift = 60; shift >= 32; shift -= 4) *p++ = kHex[(h.low64 >> shift) & 0xF];
  out.assign(id, sizeof id);
}

std::string make_case_id(Source source, std::string_view source_ref) {
  std::string id;
  assign_case_id(id, source, source_ref);
  return id;
}

bool is_case_id(std::string_view s) {
  if (s.size() != 3 + kHexDigits) return false;
  if (s.substr(0, 3) != "HL-" && s.substr(0, 3) != "GR-") return false;
  for (char c : s.substr(3)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace gw
