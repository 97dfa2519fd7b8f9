#include "gateway/config/did_you_mean.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace gw::config {
namespace {

struct DistanceCase {
  std::string a;
  std::string b;
  std::size_t distance;
};

class EditDistanceTest : public testing::TestWithParam<DistanceCase> {};

TEST_P(EditDistanceTest, CountsCodePointEdits) {
  const auto& c = GetParam();
  EXPECT_EQ(edit_distance(c.a, c.b), c.distance) << c.a << " / " << c.b;
  EXPECT_EQ(edit_distance(c.b, c.a), c.distance) << "symmetric: " << c.b << " / " << c.a;
}

INSTANTIATE_TEST_SUITE_P(Table, EditDistanceTest,
                         testing::Values(DistanceCase{"", "", 0}, DistanceCase{"abc", "", 3},
                                         DistanceCase{"category", "category", 0},
                                         DistanceCase{"catgory", "category", 1},    // deletion
                                         DistanceCase{"categoory", "category", 1},  // insertion
                                         DistanceCase{"catagory", "category", 1},   // change
                                         DistanceCase{"catgeory", "category", 1},   // swap
                                         DistanceCase{"kitten", "sitting", 3},
                                         // One Chinese character is one edit, not three bytes.
                                         DistanceCase{"紧急", "特急", 1},
                                         DistanceCase{"一般", "normal", 6}));

struct SuggestionCase {
  std::string word;
  std::string expected;  // empty: no suggestion
};

class ClosestMatchTest : public testing::TestWithParam<SuggestionCase> {};

constexpr std::array<std::string_view, 8> kMatchKeys{"source",    "kind", "category", "street",
                                                     "community", "grid", "urgency",  "keywords"};

TEST_P(ClosestMatchTest, SuggestsOnlyPlausibleTypos) {
  const auto& c = GetParam();
  const auto suggestion = closest_match(c.word, kMatchKeys);
  if (c.expected.empty()) {
    EXPECT_FALSE(suggestion.has_value()) << c.word << " -> " << suggestion.value_or("");
  } else {
    ASSERT_TRUE(suggestion.has_value()) << c.word;
    EXPECT_EQ(*suggestion, c.expected);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ClosestMatchTest,
    testing::Values(SuggestionCase{"catgory", "category"}, SuggestionCase{"keyword", "keywords"},
                    SuggestionCase{"urgncy", "urgency"}, SuggestionCase{"comunity", "community"},
                    SuggestionCase{"Category", "category"}, SuggestionCase{"CATEGORY", "category"},
                    SuggestionCase{"kinds", "kind"}, SuggestionCase{"grids", "grid"},
                    SuggestionCase{"colour", ""}, SuggestionCase{"x", ""},
                    SuggestionCase{"category", ""},  // exact: no typo
                    SuggestionCase{"departments", ""}));

TEST(ClosestMatch, EmptyCandidatesGiveNothing) {
  EXPECT_FALSE(closest_match("anything", {}).has_value());
}

TEST(ClosestMatch, ChineseValues) {
  constexpr std::array<std::string_view, 3> kLevels{"一般", "紧急", "特急"};
  EXPECT_EQ(closest_match("紧級", kLevels).value_or(""), "紧急");
}

}  // namespace
}  // namespace gw::config
