#include "adapters/intake/input_text.h"

#include <gtest/gtest.h>

#include <string>

namespace gw::intake {
namespace {

TEST(InputText, RefusesEmptyAndTooLargeInput) {
  InputText text(Charset::utf8, 10);
  const auto empty = text.prepare("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.refusal().code, RefusalCode::empty_input);

  EXPECT_TRUE(text.prepare(std::string(10, ' ')).ok());  // exactly the limit
  const auto large = text.prepare(std::string(11, ' '));
  ASSERT_FALSE(large.ok());
  EXPECT_EQ(large.refusal().code, RefusalCode::too_large);
  EXPECT_EQ(large.refusal().detail, "11 bytes, over the limit of 10");
}

TEST(InputText, StripsTheByteOrderMarkAndPads) {
  InputText text(Charset::utf8, 1 << 20);
  const auto r = text.prepare("\xEF\xBB\xBF{\"a\":1}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::string_view(*r), "{\"a\":1}");
  EXPECT_GE(r->capacity(), r->size() + simdjson::SIMDJSON_PADDING);

  const auto only_bom = text.prepare("\xEF\xBB\xBF");
  ASSERT_FALSE(only_bom.ok());
  EXPECT_EQ(only_bom.refusal().code, RefusalCode::empty_input);
}

TEST(InputText, ReusesItsBufferWithoutStaleBytes) {
  InputText text(Charset::utf8, 1 << 20);
  const std::string big(100000, 'x');
  ASSERT_TRUE(text.prepare(big).ok());
  const auto small = text.prepare("{}");
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(std::string_view(*small), "{}");
  // The padding after the text is zeroed, not left over from the previous input.
  EXPECT_EQ(small->data()[2], '\0');
}

TEST(InputText, ConvertsGbkAndGb18030AndStripsTheirByteOrderMark) {
  for (Charset charset : {Charset::gbk, Charset::gb18030}) {
    InputText text(charset, 1 << 20);
    const auto r = text.prepare("{\"t\":\"\xCD\xB6\xCB\xDF\"}");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(std::string_view(*r), "{\"t\":\"投诉\"}");
    const auto bom = text.prepare("\x84\x31\x95\x33{}");  // GB18030's own BOM
    ASSERT_TRUE(bom.ok());
    EXPECT_EQ(std::string_view(*bom), "{}");
  }
}

TEST(InputText, NamesTheByteOffsetOfABadGbSequence) {
  InputText text(Charset::gbk, 1 << 20);
  const auto bad = text.prepare("{\"t\":\"\xCD\xB6\xFF\"}");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.refusal().code, RefusalCode::invalid_encoding);
  EXPECT_EQ(bad.refusal().detail, "invalid GB18030/GBK sequence at byte offset 8");
  const auto cut = text.prepare("{\"t\":\"\xCD");
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.refusal().code, RefusalCode::invalid_encoding);
  EXPECT_EQ(cut.refusal().detail, "GB18030/GBK sequence cut short at byte offset 6");
  // The size limit applies to the bytes as received, before conversion.
  InputText small(Charset::gb18030, 4);
  const auto large = small.prepare("\xCD\xB6\xCB\xDF\x41");
  ASSERT_FALSE(large.ok());
  EXPECT_EQ(large.refusal().code, RefusalCode::too_large);
}

TEST(InputText, LocatesInvalidUtf8InTheBytesAsReceived) {
  const Refusal r = InputText::locate_invalid_utf8("\xEF\xBB\xBF{\"a\":\"\xFF\"}");
  EXPECT_EQ(r.code, RefusalCode::invalid_encoding);
  EXPECT_EQ(r.detail, "invalid UTF-8 at byte offset 9");
}

}  // namespace
}  // namespace gw::intake
