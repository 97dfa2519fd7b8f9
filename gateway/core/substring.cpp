#include "gateway/core/substring.h"

#include <string.h>  // memmem

#include <cstdint>
#include <cstring>

#ifdef __AVX2__
#include <immintrin.h>
#endif

namespace gw {

bool contains_bytes(std::string_view text, std::string_view needle) {
  const std::size_t k = needle.size();
  if (k == 0) return true;
  if (k > text.size()) return false;
  if (k == 1) return std::memchr(text.data(), needle[0], text.size()) != nullptr;
  const char* t = text.data();
  std::size_t i = 0;
#ifdef __AVX2__
  const __m256i first = _mm256_set1_epi8(needle.front());
  const __m256i last = _mm256_set1_epi8(needle.back());
  // Starting positions i..i+31 need bytes up to i+31+k-1.
  for (; i + 32 + k - 1 <= text.size(); i += 32) {
    const __m256i at_first = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t + i));
    const __m256i at_last = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t + i + k - 1));
    auto candidates = static_cast<std::uint32_t>(_mm256_movemask_epi8(
        _mm256_and_si256(_mm256_cmpeq_epi8(at_first, first), _mm256_cmpeq_epi8(at_last, last))));
    while (candidates != 0) {
      const std::size_t at = i + static_cast<std::size_t>(__builtin_ctz(candidates));
      if (std::memcmp(t + at + 1, needle.data() + 1, k - 2) == 0) return true;
      candidates &= candidates - 1;
    }
  }
#endif
  return memmem(t + i, text.size() - i, needle.data(), k) != nullptr;
}

}  // namespace gw
