// Finds, in one pass over a text, every occurrence of any of a set of keywords. Routing uses
// it for rules whose only indexable condition is a keyword list: one pass over title and
// description instead of one substring search per keyword per rule.
//
// Why not an Aho-Corasick automaton: its state transitions form a chain of dependent loads,
// one per byte (about 5 cycles each), so a 100-byte Chinese description costs ~500 cycles.
// Here each keyword is filed under its first bytes (up to 6: two Chinese characters), and
// the scan looks up, at each position where some keyword could start, the text's next bytes
// in a small exact hash table. Positions are independent, so the processor overlaps them,
// and positions inside a UTF-8 character are skipped outright. A hit is confirmed by
// comparing the rest of the keyword.
//
// Byte-wise: keywords and text are UTF-8, and a valid UTF-8 keyword can only match at a
// character boundary of valid UTF-8 text, so byte matching is character matching.
//
// Immutable after construction; scan() may run on several threads at once.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace gw {

class KeywordFinder {
 public:
  KeywordFinder() = default;
  // Keyword i gets id i. Empty keywords are ignored (they would match everywhere; callers
  // handle them apart). A repeated keyword is reported under its first id only.
  explicit KeywordFinder(const std::vector<std::string_view>& keywords);

  bool empty() const { return prefix_lengths_.empty(); }

  // Calls on_match(keyword_id) for every occurrence of every keyword in text, in order of
  // where the occurrence starts. on_match returns false to stop; scan then returns false.
  template <typename OnMatch>
  bool scan(std::string_view text, OnMatch&& on_match) const {
    if (empty()) return true;
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t size = text.size();
    // Copies the loop can keep in registers: on_match may write memory the compiler cannot
    // tell apart from this object.
    const std::uint64_t* filter = filter_.data();
    const std::uint32_t filter_shift = filter_shift_;
    const std::uint64_t filter_mask = kLeadingBytes[filter_length_];
    const std::uint64_t filter_tag = tag(filter_length_);
    auto may_start_keyword = [&](std::uint64_t window) {
      const std::size_t bit = mix((window & filter_mask) | filter_tag, filter_shift);
      return (filter[bit >> 6] >> (bit & 63) & 1) != 0;
    };
    // Every position, not only character starts: no branch on the byte's kind, and the
    // positions do not depend on each other, so the processor overlaps them.
    std::size_t at = 0;
    for (; at + 8 <= size; ++at) {
      std::uint64_t window;
      std::memcpy(&window, bytes + at, 8);
      if (may_start_keyword(window) && !report_at(bytes, size, at, window, on_match)) {
        return false;
      }
    }
    for (; at + filter_length_ <= size; ++at) {  // the last few positions
      unsigned char tail[8] = {};
      for (std::size_t i = at; i < size; ++i) tail[i - at] = bytes[i];
      std::uint64_t window;
      std::memcpy(&window, tail, 8);
      if (may_start_keyword(window) && !report_at(bytes, size, at, window, on_match)) {
        return false;
      }
    }
    return true;
  }

 private:
  static constexpr std::size_t kMaxPrefix = 6;  // two Chinese characters; < 8 leaves a tag byte

  struct Keyword {
    std::string_view text;
    std::uint32_t id;
  };
  struct Slot {
    std::uint64_t key = 0;    // prefix bytes | tag(length); 0: empty (tags are never 0)
    std::uint32_t begin = 0;  // keywords_[begin, end) share the prefix
    std::uint32_t end = 0;
  };

  // kLeadingBytes[n] keeps the first n bytes of a word loaded with memcpy, on any byte order.
  static const std::uint64_t kLeadingBytes[kMaxPrefix + 1];
  // kTag[n] puts n in the word's last byte in memory, past any prefix byte.
  static const std::uint64_t kTag[kMaxPrefix + 1];
  static std::uint64_t tag(std::size_t length) { return kTag[length]; }

  // A Bloom-style filter on each keyword's first character (up to 3 bytes): most positions
  // of a text start no keyword, and one bit test rejects them.
  static constexpr std::size_t kFilterPrefix = 3;
  static std::size_t mix(std::uint64_t key, std::uint32_t shift) {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> shift);
  }

  // The keywords that start at bytes[at]; window holds the (up to) 8 bytes from there.
  template <typename OnMatch>
  bool report_at(const unsigned char* bytes, std::size_t size, std::size_t at, std::uint64_t window,
                 OnMatch& on_match) const {
    const std::size_t left = size - at;
    for (std::uint8_t length : prefix_lengths_) {
      if (length > left) break;
      const Slot* slot = find((window & kLeadingBytes[length]) | tag(length));
      if (slot == nullptr) continue;
      for (std::uint32_t i = slot->begin; i < slot->end; ++i) {
        const Keyword& k = keywords_[i];
        if (k.text.size() > left) continue;
        if (k.text.size() > length &&
            std::memcmp(bytes + at + length, k.text.data() + length, k.text.size() - length) != 0) {
          continue;
        }
        if (!on_match(k.id)) return false;
      }
    }
    return true;
  }

  const Slot* find(std::uint64_t key) const {
    for (std::size_t at = mix(key, shift_);; at = (at + 1) & mask_) {
      const Slot& slot = slots_[at];
      if (slot.key == key) return &slot;
      if (slot.key == 0) return nullptr;
    }
  }

  std::size_t filter_length_ = 0;  // the filter's prefix length: the same for every keyword
  std::vector<std::uint64_t> filter_;
  std::uint32_t filter_shift_ = 63;
  std::vector<std::uint8_t> prefix_lengths_;  // distinct, ascending
  std::vector<Keyword> keywords_;             // grouped by prefix
  std::vector<Slot> slots_;
  std::uint32_t shift_ = 63;
  std::size_t mask_ = 1;
};

}  // namespace gw
