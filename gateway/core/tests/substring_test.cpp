#include "gateway/core/substring.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace gw {
namespace {

TEST(ContainsBytes, EdgeCases) {
  EXPECT_TRUE(contains_bytes("", ""));
  EXPECT_TRUE(contains_bytes("abc", ""));
  EXPECT_FALSE(contains_bytes("", "a"));
  EXPECT_FALSE(contains_bytes("ab", "abc"));
  EXPECT_TRUE(contains_bytes("abc", "abc"));
  EXPECT_TRUE(contains_bytes("xxc", "c"));
  EXPECT_FALSE(contains_bytes("xxc", "d"));
}

TEST(ContainsBytes, ChineseKeywordAtEveryPositionOfALongText) {
  const std::string text_char = "暖";  // shares its lead byte with the keyword's characters
  const std::string keyword = "井盖";
  for (std::size_t chars = 0; chars < 60; ++chars) {
    std::string prefix;
    for (std::size_t i = 0; i < chars; ++i) prefix += text_char;
    for (std::size_t after = 0; after < 40; after += 13) {
      std::string suffix;
      for (std::size_t i = 0; i < after; ++i) suffix += text_char;
      EXPECT_TRUE(contains_bytes(prefix + keyword + suffix, keyword)) << chars << "/" << after;
      EXPECT_FALSE(contains_bytes(prefix + "井" + text_char + suffix + "盖", keyword)) << chars << "/" << after;
    }
  }
}

TEST(ContainsBytes, AgreesWithStdFindOnRandomText) {
  // A small alphabet makes partial matches (first and last byte right, middle wrong) common.
  std::mt19937 rng(2026);
  const char alphabet[] = {'a', 'b', 'c', '\xe4', '\xba'};
  auto random_text = [&](std::size_t n) {
    std::string s(n, ' ');
    for (char& c : s) c = alphabet[rng() % sizeof alphabet];
    return s;
  };
  for (int round = 0; round < 20000; ++round) {
    const std::string text = random_text(rng() % 120);
    const std::string needle = random_text(1 + rng() % 7);
    ASSERT_EQ(contains_bytes(text, needle), text.find(needle) != std::string::npos)
        << "text " << text << " needle " << needle;
  }
}

}  // namespace
}  // namespace gw
