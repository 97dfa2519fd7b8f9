#include "gateway/core/keyword_finder.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace gw {

namespace {

std::uint64_t leading_bytes_mask(std::size_t n) {
  std::uint64_t mask = 0;
  std::memset(&mask, 0xFF, n);
  return mask;
}

std::uint64_t last_byte(std::size_t n) {
  unsigned char bytes[8] = {};
  bytes[7] = static_cast<unsigned char>(n);
  std::uint64_t word = 0;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}

void sort_unique(std::vector<std::uint8_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

const std::uint64_t KeywordFinder::kTag[kMaxPrefix + 1] = {
    last_byte(0), last_byte(1), last_byte(2), last_byte(3),
    last_byte(4), last_byte(5), last_byte(6),
};

const std::uint64_t KeywordFinder::kLeadingBytes[kMaxPrefix + 1] = {
    leading_bytes_mask(0), leading_bytes_mask(1), leading_bytes_mask(2), leading_bytes_mask(3),
    leading_bytes_mask(4), leading_bytes_mask(5), leading_bytes_mask(6),
};

KeywordFinder::KeywordFinder(const std::vector<std::string_view>& keywords) {
  struct Filed {
    std::uint64_t key;
    Keyword keyword;
  };
  std::vector<Filed> filed;
  std::unordered_set<std::string_view> seen;
  for (std::uint32_t id = 0; id < keywords.size(); ++id) {
    const std::string_view k = keywords[id];
    if (k.empty() || !seen.insert(k).second) continue;
    const std::size_t length = std::min(k.size(), kMaxPrefix);
    std::uint64_t prefix = 0;
    std::memcpy(&prefix, k.data(), length);
    filed.push_back({prefix | tag(length), {k, id}});
    prefix_lengths_.push_back(static_cast<std::uint8_t>(length));
  }
  sort_unique(prefix_lengths_);
  // One length for all, so a position costs one bit test; a 1- or 2-byte keyword shortens
  // it for all, which only lets more positions through to the exact lookup.
  filter_length_ = prefix_lengths_.empty()
                       ? kFilterPrefix
                       : std::min<std::size_t>(prefix_lengths_.front(), kFilterPrefix);
  std::vector<std::uint64_t> first_characters;
  for (const Filed& f : filed) {
    first_characters.push_back((f.key & kLeadingBytes[filter_length_]) | tag(filter_length_));
  }
  // About 16 bits per keyword: few false hits, and a few hundred keywords fit in L1.
  std::uint32_t filter_bits = 12;
  while ((std::size_t{1} << filter_bits) < 16 * first_characters.size() && filter_bits < 24) {
    ++filter_bits;
  }
  filter_shift_ = 64 - filter_bits;
  filter_.assign((std::size_t{1} << filter_bits) / 64, 0);
  for (std::uint64_t key : first_characters) {
    const std::size_t bit = mix(key, filter_shift_);
    filter_[bit >> 6] |= std::uint64_t{1} << (bit & 63);
  }
  std::stable_sort(filed.begin(), filed.end(),
                   [](const Filed& a, const Filed& b) { return a.key < b.key; });

  std::size_t distinct = 0;
  for (std::size_t i = 0; i < filed.size(); ++i) {
    if (i == 0 || filed[i].key != filed[i - 1].key) ++distinct;
  }
  std::uint32_t bits = 1;  // at least one slot stays empty, so every probe ends
  while ((std::size_t{1} << bits) < 2 * distinct) ++bits;
  shift_ = 64 - bits;
  mask_ = (std::size_t{1} << bits) - 1;
  slots_.assign(mask_ + 1, Slot{});
  keywords_.reserve(filed.size());
  for (std::size_t i = 0; i < filed.size();) {
    Slot slot{filed[i].key, static_cast<std::uint32_t>(keywords_.size()), 0};
    for (; i < filed.size() && filed[i].key == slot.key; ++i) keywords_.push_back(filed[i].keyword);
    slot.end = static_cast<std::uint32_t>(keywords_.size());
    std::size_t at = mix(slot.key, shift_);
    while (slots_[at].key != 0) at = (at + 1) & mask_;
    slots_[at] = slot;
  }
}

}  // namespace gw
