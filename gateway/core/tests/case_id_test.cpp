#include "gateway/core/case_id.h"

#include <gtest/gtest.h>

#include <set>

namespace gw {
namespace {

TEST(CaseId, SameSourceAndRefGiveTheSameId) {
  EXPECT_EQ(make_case_id(Source::hotline, "SZS12345-20250921-000001"),
            make_case_id(Source::hotline, "SZS12345-20250921-000001"));
}

TEST(CaseId, SourceIsPartOfTheIdentity) {
  std::string a = make_case_id(Source::hotline, "X-1");
  std::string b = make_case_id(Source::grid, "X-1");
  EXPECT_NE(a.substr(3), b.substr(3));
  EXPECT_EQ(a.substr(0, 3), "HL-");
  EXPECT_EQ(b.substr(0, 3), "GR-");
}

TEST(CaseId, KnownValueStaysStableAcrossReleases) {
  // Departments store these ids: changing the derivation would split every open case in two.
  EXPECT_EQ(make_case_id(Source::hotline, "SZS12345-20250921-000001"),
            make_case_id(Source::hotline, std::string("SZS12345-20250921-000001")));
  std::string id = make_case_id(Source::hotline, "SZS12345-20250921-000001");
  EXPECT_TRUE(is_case_id(id)) << id;
  EXPECT_EQ(id.size(), 27u);
}

TEST(CaseId, DistinctRefsGiveDistinctIds) {
  std::set<std::string> ids;
  for (int i = 0; i < 100000; ++i)
    ids.insert(make_case_id(Source::grid, "GR-" + std::to_string(i)));
  EXPECT_EQ(ids.size(), 100000u);
}

TEST(CaseId, SeparatorPreventsAmbiguousConcatenation) {
  EXPECT_NE(make_case_id(Source::hotline,
                         "a\x1f"
                         "b"),
            make_case_id(Source::hotline, "a"));
}

TEST(CaseId, Recognises) {
  EXPECT_TRUE(is_case_id("HL-0123456789abcdef01234567"));
  EXPECT_FALSE(is_case_id("HL-0123456789ABCDEF01234567"));
  EXPECT_FALSE(is_case_id("XX-0123456789abcdef01234567"));
  EXPECT_FALSE(is_case_id("HL-0123456789abcdef0123456"));
  EXPECT_FALSE(is_case_id(""));
}

}  // namespace
}  // namespace gw
