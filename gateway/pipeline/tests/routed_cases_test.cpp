#include "gateway/pipeline/routed_cases.h"

#include <gtest/gtest.h>

#include <set>

#include "gateway/core/case_id.h"

namespace gw {
namespace {

TEST(RoutedCases, RemembersPerPartition) {
  RoutedCases routed;
  const std::string a = make_case_id(Source::hotline, "T-1");
  const std::string b = make_case_id(Source::grid, "T-1");
  EXPECT_FALSE(routed.contains(0, a));
  routed.add(0, a);
  EXPECT_TRUE(routed.contains(0, a));
  EXPECT_FALSE(routed.contains(1, a));
  EXPECT_FALSE(routed.contains(0, b));  // same ref, other source: another case
  routed.add(1, b);
  EXPECT_EQ(routed.size(), 2u);
  routed.remove(0, a);
  EXPECT_FALSE(routed.contains(0, a));
  routed.forget(1);
  EXPECT_FALSE(routed.contains(1, b));
  EXPECT_EQ(routed.size(), 0u);
}

TEST(RoutedCases, KeepsEveryDistinctIdApart) {
  RoutedCases routed;
  for (int i = 0; i < 20000; ++i) routed.add(3, make_case_id(Source::hotline, std::to_string(i)));
  EXPECT_EQ(routed.size(3), 20000u);
  for (int i = 0; i < 20000; ++i) {
    ASSERT_TRUE(routed.contains(3, make_case_id(Source::hotline, std::to_string(i))));
    ASSERT_FALSE(routed.contains(3, make_case_id(Source::grid, std::to_string(i))));
  }
}

TEST(RoutedCases, IgnoresKeysThatAreNotCaseIds) {
  RoutedCases routed;
  routed.add(0, "not-a-case-id");
  routed.add(0, "HL-XYZ");
  EXPECT_EQ(routed.size(), 0u);
  EXPECT_FALSE(routed.contains(0, "not-a-case-id"));
}

TEST(InternalPartition, IsStableAndSpreadsCases) {
  std::set<std::int32_t> used;
  for (int i = 0; i < 600; ++i) {
    const std::string id = make_case_id(Source::hotline, "T-" + std::to_string(i));
    const std::int32_t p = internal_partition(id, 6);
    ASSERT_GE(p, 0);
    ASSERT_LT(p, 6);
    ASSERT_EQ(p, internal_partition(id, 6));
    used.insert(p);
  }
  EXPECT_EQ(used.size(), 6u);
  EXPECT_EQ(internal_partition("anything", 1), 0);
  EXPECT_EQ(internal_partition("anything", 0), 0);
}

}  // namespace
}  // namespace gw
