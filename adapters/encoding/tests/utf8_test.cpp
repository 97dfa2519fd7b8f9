#include "adapters/encoding/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace gw::encoding {
namespace {

TEST(StripUtf8Bom, RemovesOneLeadingMarkOnly) {
  EXPECT_EQ(strip_utf8_bom("\xEF\xBB\xBF{}"), "{}");
  EXPECT_EQ(strip_utf8_bom("\xEF\xBB\xBF\xEF\xBB\xBF{}"), "\xEF\xBB\xBF{}");
  EXPECT_EQ(strip_utf8_bom("{}"), "{}");
  EXPECT_EQ(strip_utf8_bom("\xEF\xBB"), "\xEF\xBB");
  EXPECT_EQ(strip_utf8_bom("{\xEF\xBB\xBF}"), "{\xEF\xBB\xBF}");
  EXPECT_EQ(strip_utf8_bom(""), "");
}

struct Utf8Case {
  const char* name;
  std::string text;
  std::optional<std::size_t> invalid_at;
};

TEST(FindInvalidUtf8, PointsAtTheFirstBadSequence) {
  const Utf8Case cases[] = {
      {"empty", "", std::nullopt},
      {"ascii", "{\"a\": 1}", std::nullopt},
      {"chinese", "投诉 井盖", std::nullopt},
      {"four byte", "\xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF", std::nullopt},
      {"lone continuation", "ab\x80", 2},
      {"0xff", "abc\xFF", 3},
      {"0xfe after chinese", "投诉\xFE", 6},
      {"overlong two byte", "x\xC0\xAF", 1},
      {"overlong C1", "x\xC1\xBF", 1},
      {"overlong three byte", "xy\xE0\x80\xAF", 2},
      {"overlong four byte", "\xF0\x80\x80\xAF", 0},
      {"surrogate", "a\xED\xA0\x80", 1},
      {"above U+10FFFF", "a\xF4\x90\x80\x80", 1},
      {"F5 lead", "a\xF5\x80\x80\x80", 1},
      {"truncated at end", "投\xE8\xAF", 3},
      {"truncated in middle",
       "\xE6\x8A"
       "a",
       0},
      {"bad second of four", "ok\xF0\x9F\x41\x80", 2},
      {"bad third of four", "ok\xF0\x9F\x98\x41", 2},
      {"nul is valid", std::string("a\0b", 3), std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(find_invalid_utf8(c.text), c.invalid_at);
  }
}

TEST(FindInvalidUtf8, FindsTheOffsetDeepInsideLongText) {
  // Long enough for simdjson's SIMD blocks; the bad byte sits after many valid ones.
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "网格员上报";
  const std::size_t at = text.size();
  text += "\xC3\x28 tail";
  EXPECT_EQ(find_invalid_utf8(text), at);
}

TEST(FindInvalidUtf8, AgreesWithTheScalarDefinitionOnEveryTwoByteInput) {
  // Every 2-byte string after a valid prefix: valid exactly when it is ASCII pairs or a
  // C2..DF lead with a continuation.
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      std::string s = "前缀";
      s.push_back(static_cast<char>(a));
      s.push_back(static_cast<char>(b));
      const bool a_ascii = a < 0x80;
      const bool b_ascii = b < 0x80;
      const bool valid = (a_ascii && b_ascii) || (a >= 0xC2 && a <= 0xDF && b >= 0x80 && b <= 0xBF);
      std::optional<std::size_t> expected;
      if (!valid) expected = a_ascii ? 7 : 6;
      ASSERT_EQ(find_invalid_utf8(s), expected) << a << " " << b;
    }
  }
}

}  // namespace
}  // namespace gw::encoding
