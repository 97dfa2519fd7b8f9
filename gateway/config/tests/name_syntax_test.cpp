#include "gateway/config/name_syntax.h"

#include <gtest/gtest.h>

#include <string>

namespace gw::config {
namespace {

struct NameCase {
  std::string text;
  bool valid;
};

class DepartmentCodeTest : public testing::TestWithParam<NameCase> {};

TEST_P(DepartmentCodeTest, FollowsCodeSyntax) {
  EXPECT_EQ(is_valid_code(GetParam().text), GetParam().valid) << '"' << GetParam().text << '"';
}

INSTANTIATE_TEST_SUITE_P(Table, DepartmentCodeTest,
                         testing::Values(NameCase{"housing", true},
                                         NameCase{"city-management", true},
                                         NameCase{"street.changsheng_1", true}, NameCase{"9", true},
                                         NameCase{std::string(64, 'a'), true},
                                         NameCase{std::string(65, 'a'), false}, NameCase{"", false},
                                         NameCase{"Housing", false}, NameCase{"-housing", false},
                                         NameCase{".x", false}, NameCase{"住建局", false},
                                         NameCase{"a b", false}, NameCase{"a/b", false}));

class KafkaTopicTest : public testing::TestWithParam<NameCase> {};

TEST_P(KafkaTopicTest, FollowsKafkaTopicRules) {
  EXPECT_EQ(is_valid_kafka_topic(GetParam().text), GetParam().valid)
      << '"' << GetParam().text << '"';
}

INSTANTIATE_TEST_SUITE_P(
    Table, KafkaTopicTest,
    testing::Values(NameCase{"dept.housing", true}, NameCase{"Gateway_Dead-Letter.v1", true},
                    NameCase{std::string(249, 't'), true}, NameCase{std::string(250, 't'), false},
                    NameCase{"", false}, NameCase{".", false}, NameCase{"..", false},
                    NameCase{"...", true}, NameCase{"dept housing", false},
                    NameCase{"dept/housing", false}, NameCase{"部门", false}));

TEST(Digits, ExactCount) {
  EXPECT_TRUE(is_digits("640202001", 9));
  EXPECT_FALSE(is_digits("64020200", 9));
  EXPECT_FALSE(is_digits("6402020010", 9));
  EXPECT_FALSE(is_digits("64020200a", 9));
  EXPECT_TRUE(is_digits("", 0));
}

TEST(Digits, AllDigits) {
  EXPECT_TRUE(is_all_digits("0"));
  EXPECT_TRUE(is_all_digits("64020200100102"));
  EXPECT_FALSE(is_all_digits(""));
  EXPECT_FALSE(is_all_digits("6402-02"));
  EXPECT_FALSE(is_all_digits(" 64"));
}

}  // namespace
}  // namespace gw::config
