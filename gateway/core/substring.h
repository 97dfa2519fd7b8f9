// Byte-wise substring search for routing keywords. Internal to gw_core.
#pragma once

#include <string_view>

namespace gw {

// True when needle occurs in text (an empty needle occurs everywhere). On UTF-8 text and a
// UTF-8 needle a byte match is a character match.
//
// With AVX2, 32 starting positions at a time: a position is a candidate when the needle's
// first byte is there and its last byte is where it would end (the method of W. Muła's
// "SIMD-friendly algorithms for substring searching"); candidates are then compared whole.
// In Chinese text the lead bytes of 3-byte characters repeat constantly, which is what makes
// first-byte searches (std::string_view::find) and even glibc's memmem slow here; a pair of
// bytes k-1 apart is rare. The last positions fall back to memmem.
bool contains_bytes(std::string_view text, std::string_view needle);

}  // namespace gw
