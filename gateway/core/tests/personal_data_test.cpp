#include "gateway/core/personal_data.h"

#include <gtest/gtest.h>

namespace gw {
namespace {

TEST(MaskPhone, KeepsFirstThreeAndLastFour) {
  EXPECT_EQ(mask_phone("13830166131"), "138****6131");
  EXPECT_EQ(mask_phone("+8613830166131"), "+86*******6131");
}

TEST(MaskPhone, ShortNumbersAreFullyMasked) {
  EXPECT_EQ(mask_phone("12345"), "*****");
  EXPECT_EQ(mask_phone(""), "");
  EXPECT_EQ(mask_phone("0952123456"), "**********");
}

TEST(MaskName, KeepsTheFirstCharacter) {
  EXPECT_EQ(mask_name("王先生"), "王**");
  EXPECT_EQ(mask_name("欧阳娜娜"), "欧***");
  EXPECT_EQ(mask_name("Li Lei"), "L*****");
  EXPECT_EQ(mask_name(""), "");
}

TEST(MaskName, TruncatedUtf8DoesNotOverrun) {
  std::string broken = "王";
  broken.pop_back();
  EXPECT_EQ(mask_name(broken), broken);
}

}  // namespace
}  // namespace gw
