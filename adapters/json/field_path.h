// The path of a field inside an input ("caller.phone", "category[1]", "attachments[0].url"),
// as refusals name it. Readers pass FieldPaths down the stack at no cost and only a refusal
// turns one into text: the happy path never builds a string.
//
// A FieldPath refers to its parent and to key bytes owned by the simdjson parser, so it lives
// on the stack of the reader that made it and never outlives the parse.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gw::json {

class FieldPath {
 public:
  // The document root: an empty path.
  FieldPath() = default;

  FieldPath key(std::string_view k) const& { return FieldPath(this, k, kNoIndex); }
  FieldPath index(std::size_t i) const& { return FieldPath(this, {}, i); }
  // A child of a temporary would dangle.
  FieldPath key(std::string_view k) const&& = delete;
  FieldPath index(std::size_t i) const&& = delete;

  // "caller.phone". Keys are cut to 40 bytes and control characters escaped: a key is
  // untrusted text that ends up in logs and dead-letter headers.
  std::string str() const;

 private:
  static constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);

  FieldPath(const FieldPath* parent, std::string_view key, std::size_t index)
      : parent_(parent), key_(key), index_(index) {}
  void append_to(std::string& out) const;

  const FieldPath* parent_ = nullptr;
  std::string_view key_;
  std::size_t index_ = kNoIndex;
};

}  // namespace gw::json
