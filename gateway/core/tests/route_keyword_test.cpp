// The keyword finder behind keyword-only routing rules, against a naive search.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/core/keyword_finder.h"

namespace gw {
namespace {

// Every occurrence, in the order the finder reports them.
std::vector<std::uint32_t> found_by_finder(const std::vector<std::string>& keywords,
                                           std::string_view text) {
  std::vector<std::string_view> views(keywords.begin(), keywords.end());
  KeywordFinder finder(views);
  std::vector<std::uint32_t> ids;
  EXPECT_TRUE(finder.scan(text, [&](std::uint32_t id) {
    ids.push_back(id);
    return true;
  }));
  return ids;
}

// The same, by searching for each keyword separately. A repeated keyword counts under its
// first id; an empty one never.
std::vector<std::uint32_t> found_naively(const std::vector<std::string>& keywords,
                                         std::string_view text) {
  std::vector<std::pair<std::size_t, std::uint32_t>> found;  // (start, id)
  for (std::uint32_t id = 0; id < keywords.size(); ++id) {
    const std::string& k = keywords[id];
    if (k.empty()) continue;
    if (std::find(keywords.begin(), keywords.begin() + id, k) != keywords.begin() + id) continue;
    for (std::size_t at = text.find(k); at != std::string_view::npos; at = text.find(k, at + 1)) {
      found.emplace_back(at, id);
    }
  }
  std::sort(found.begin(), found.end());  // by start, as the finder reports them
  std::vector<std::uint32_t> ids;
  for (const auto& [at, id] : found) ids.push_back(id);
  return ids;
}

// Occurrences that start at the same byte come in the finder's own order.
std::vector<std::uint32_t> sorted(std::vector<std::uint32_t> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST(KeywordFinderTest, FindsOverlappingAndNestedKeywords) {
  const std::vector<std::string> keywords = {"he", "she",      "his",          "hers",  "噪声",
                                             "声", "噪声扰民", "噪声扰民严重", "ushers"};
  const std::string text = "ushers 噪声扰民 his";
  EXPECT_EQ(sorted(found_by_finder(keywords, text)), sorted(found_naively(keywords, text)));
  EXPECT_EQ(sorted(found_by_finder(keywords, text)),
            (std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5, 6, 8}));
}

TEST(KeywordFinderTest, ReportsInOrderOfStart) {
  const std::vector<std::string> keywords = {"c", "b", "a"};
  EXPECT_EQ(found_by_finder(keywords, "abcab"), (std::vector<std::uint32_t>{2, 1, 0, 2, 1}));
}

TEST(KeywordFinderTest, IgnoresEmptyAndRepeatedKeywords) {
  EXPECT_EQ(found_by_finder({"", "ab", "ab", "b"}, "abab"),
            (std::vector<std::uint32_t>{1, 3, 1, 3}));
  EXPECT_TRUE(found_by_finder({}, "abab").empty());
  EXPECT_TRUE(found_by_finder({""}, "abab").empty());
  EXPECT_TRUE(found_by_finder({"abab"}, "").empty());
}

TEST(KeywordFinderTest, MatchesAtTheVeryEndAndNotPastIt) {
  EXPECT_EQ(found_by_finder({"声扰民", "扰民啊"}, "噪声扰民"), (std::vector<std::uint32_t>{0}));
  EXPECT_EQ(found_by_finder({"abcdefgh", "abcdefghi"}, "xabcdefgh"),
            (std::vector<std::uint32_t>{0}));
}

TEST(KeywordFinderTest, StopsWhenAsked) {
  std::vector<std::string_view> keywords = {"a"};
  KeywordFinder finder(keywords);
  int calls = 0;
  EXPECT_FALSE(finder.scan("aaaa", [&](std::uint32_t) { return ++calls < 2; }));
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(finder.scan("bbbb", [&](std::uint32_t) { return false; }));
}

TEST(KeywordFinderTest, AgreesWithNaiveSearchOnRandomInput) {
  std::mt19937 rng(12345);
  // Few distinct pieces, so keywords share prefixes of every length around the 6-byte cut.
  const std::vector<std::string> pieces = {"a", "b", "噪", "声", "\xff", std::string(1, '\0')};
  auto random_string = [&](int max_pieces) {
    std::string s;
    for (int n = std::uniform_int_distribution<int>(0, max_pieces)(rng); n > 0; --n) {
      s += pieces[std::uniform_int_distribution<std::size_t>(0, pieces.size() - 1)(rng)];
    }
    return s;
  };
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::string> keywords;
    for (int n = std::uniform_int_distribution<int>(0, 10)(rng); n > 0; --n) {
      keywords.push_back(random_string(5));
    }
    const std::string text = random_string(30);
    ASSERT_EQ(sorted(found_by_finder(keywords, text)), sorted(found_naively(keywords, text)))
        << "round " << round;
  }
}

}  // namespace
}  // namespace gw
