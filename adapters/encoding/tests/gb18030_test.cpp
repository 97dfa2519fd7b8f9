#include "adapters/encoding/gb18030.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "adapters/encoding/utf8.h"
#include "adapters/json/testing/sample_files.h"

namespace gw::encoding {
namespace {

struct Converted {
  const char* name;
  std::string gb18030;
  std::string utf8;
};

TEST(Gb18030ToUtf8, ConvertsGbkAndFourByteSequences) {
  const Converted cases[] = {
      {"empty", "", ""},
      {"ascii", "{\"a\":1}", "{\"a\":1}"},
      {"GB2312 啊", "\xB0\xA1", "啊"},
      {"GBK 投诉", "\xCD\xB6\xCB\xDF", "投诉"},
      {"GBK extension 丂", "\x81\x40", "丂"},
      {"four byte BMP U+0080", "\x81\x30\x81\x30", "\xC2\x80"},
      {"four byte BMP U+9FA6", "\x82\x35\x8F\x33", "\xE9\xBE\xA6"},
      {"four byte supplementary U+10000", "\x90\x30\x81\x30", "\xF0\x90\x80\x80"},
      {"four byte U+10FFFF", "\xE3\x32\x9A\x35", "\xF4\x8F\xBF\xBF"},
      {"GB18030 BOM becomes the UTF-8 BOM", "\x84\x31\x95\x33{}", "\xEF\xBB\xBF{}"},
  };
  Gb18030ToUtf8 converter;
  std::string out;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const ConversionResult r = converter.convert(c.gb18030, out);
    ASSERT_EQ(r.status, ConversionStatus::ok);
    EXPECT_EQ(out, c.utf8);
  }
}

struct Invalid {
  const char* name;
  std::string gb18030;
  ConversionStatus status;
  std::size_t offset;
};

TEST(Gb18030ToUtf8, ReportsTheOffsetOfInvalidAndTruncatedSequences) {
  const Invalid cases[] = {
      {"0x80 alone",
       "ab\x80"
       "c",
       ConversionStatus::invalid_sequence, 2},
      {"0xFF", "\xCD\xB6\xFF", ConversionStatus::invalid_sequence, 2},
      {"bad trail byte", "x\xB0\x20", ConversionStatus::invalid_sequence, 1},
      {"four byte out of range", "\xFE\x39\xFE\x39", ConversionStatus::invalid_sequence, 0},
      {"truncated two byte", "{\"a\":\"\xB0", ConversionStatus::truncated_sequence, 6},
      {"truncated four byte", "ok\x81\x30", ConversionStatus::truncated_sequence, 2},
  };
  Gb18030ToUtf8 converter;
  std::string out;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const ConversionResult r = converter.convert(c.gb18030, out);
    EXPECT_EQ(r.status, c.status);
    EXPECT_EQ(r.offset, c.offset);
    // The converter recovers: the next good input converts.
    ASSERT_EQ(converter.convert("\xB0\xA1", out).status, ConversionStatus::ok);
    EXPECT_EQ(out, "啊");
  }
}

TEST(Gb18030ToUtf8, ConvertsLongTextAndGrowsItsBuffer) {
  std::string gb;
  std::string utf8;
  for (int i = 0; i < 100000; ++i) {
    gb +=
        "\xCD\xB6\xCB\xDF"
        "a";  // 投诉a: 5 bytes in, 7 out
    utf8 += "投诉a";
  }
  Gb18030ToUtf8 converter;
  std::string out;
  ASSERT_EQ(converter.convert(gb, out).status, ConversionStatus::ok);
  EXPECT_EQ(out, utf8);
}

TEST(Gb18030ToUtf8, TheSampleTicketMatchesItsUtf8Twin) {
  const std::string gb = testing::read_sample("hotline-ticket.gbk.json");
  ASSERT_FALSE(gb.empty());
  const std::vector<std::string> lines = testing::read_sample_lines("hotline-tickets.jsonl");
  ASSERT_FALSE(lines.empty());
  const std::string& first_line = lines.front();

  Gb18030ToUtf8 converter;
  std::string out;
  ASSERT_EQ(converter.convert(gb, out).status, ConversionStatus::ok);
  EXPECT_FALSE(find_invalid_utf8(out).has_value());
  // The samples may differ in trailing whitespace only.
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  EXPECT_EQ(strip_utf8_bom(out), first_line);
}

}  // namespace
}  // namespace gw::encoding
