#include "adapters/http/media_type.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <variant>

#include "gateway/config/charset_spellings.h"

namespace gw::http {
namespace {

struct AcceptedCase {
  const char* header;
  Charset charset;
};

TEST(ParseJsonContentType, AcceptsJsonWithTheSupportedCharsets) {
  const AcceptedCase cases[] = {
      {"application/json", Charset::utf8},
      {"APPLICATION/JSON", Charset::utf8},
      {"Application/Json", Charset::utf8},
      {"  application/json \t", Charset::utf8},
      {"application/json;", Charset::utf8},
      {"application/json; charset=utf-8", Charset::utf8},
      {"application/json;charset=UTF-8", Charset::utf8},
      {"application/json ; charset = utf8 ", Charset::utf8},
      {"application/json; charset=\"utf-8\"", Charset::utf8},
      {"application/json; CHARSET=gbk", Charset::gbk},
      {"application/json; charset=GBK", Charset::gbk},
      {"application/json; charset=gb2312", Charset::gbk},
      {"application/json; charset=\"GB2312\"", Charset::gbk},
      {"application/json; charset=cp936", Charset::gbk},
      {"application/json; charset=gb18030", Charset::gb18030},
      {"application/json; charset=\"GB18030\"  ", Charset::gb18030},
      {"application/json; charset=\"gb\\18030\"", Charset::gb18030},  // quoted-pair
      {"application/json; version=1; charset=gbk", Charset::gbk},
      {"application/json; charset=gbk; version=1", Charset::gbk},
      {"application/json; profile=\"a;b=c\"; charset=gbk", Charset::gbk},
      {"application/json; q; charset=gb18030", Charset::gb18030},
      {"application/json;; ;charset=gbk", Charset::gbk},
      {"application/json; charset=gbk; charset=gb2312", Charset::gbk},  // same charset twice
      {"application/json; version=", Charset::utf8},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.header);
    const auto result = parse_json_content_type(c.header);
    if (const auto* refused = std::get_if<MediaTypeRefusal>(&result)) {
      ADD_FAILURE() << refused->detail;
      continue;
    }
    EXPECT_EQ(std::get<Charset>(result), c.charset);
  }
}

struct RefusedCase {
  std::string header;
  const char* detail;
};

TEST(ParseJsonContentType, RefusesEverythingElseSayingWhy) {
  const RefusedCase cases[] = {
      {"", "Content-Type is missing; expected application/json"},
      {"   ", "Content-Type is missing; expected application/json"},
      {"text/plain", "Content-Type \"text/plain\" is not supported; expected application/json"},
      {"application/problem+json",
       "Content-Type \"application/problem+json\" is not supported; expected application/json"},
      {"application/jsonx",
       "Content-Type \"application/jsonx\" is not supported; expected application/json"},
      {"application/x-www-form-urlencoded; charset=utf-8",
       "Content-Type \"application/x-www-form-urlencoded\" is not supported; expected "
       "application/json"},
      {"application / json",
       "Content-Type \"application / json\" is not supported; expected application/json"},
      {"; charset=utf-8",
       "Content-Type has no media type before its parameters; expected application/json"},
      {"application/json; charset=latin1",
       "charset \"latin1\" is not supported; expected utf-8, gbk (or gb2312, cp936) or gb18030"},
      {"application/json; charset=\"big5\"",
       "charset \"big5\" is not supported; expected utf-8, gbk (or gb2312, cp936) or gb18030"},
      {"application/json; charset=utf-16",
       "charset \"utf-16\" is not supported; expected utf-8, gbk (or gb2312, cp936) or gb18030"},
      {"application/json; charset=\"utf-8 \"",
       "charset \"utf-8 \" is not supported; expected utf-8, gbk (or gb2312, cp936) or gb18030"},
      {"application/json; charset=\xE4\xB8\xAD",
       "charset \"???\" is not supported; expected utf-8, gbk (or gb2312, cp936) or gb18030"},
      {"application/json; charset=",
       "Content-Type has an empty charset; expected utf-8, gbk or "
       "gb18030"},
      {"application/json; charset=\"\"",
       "Content-Type has an empty charset; expected utf-8, gbk or gb18030"},
      {"application/json; charset", "Content-Type has a charset parameter without a value"},
      {"application/json; charset; x=1", "Content-Type has a charset parameter without a value"},
      {"application/json; charset=\"utf-8", "Content-Type has an unterminated quoted string"},
      {"application/json; x=\"a\\\"", "Content-Type has an unterminated quoted string"},
      {"application/json; charset=\"utf-8\"x",
       "Content-Type has text after a quoted parameter value: \"x\""},
      {"application/json; charset=utf-8; charset=gbk",
       "Content-Type names two charsets, \"utf-8\" and \"gbk\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.header);
    const auto result = parse_json_content_type(c.header);
    const auto* refused = std::get_if<MediaTypeRefusal>(&result);
    ASSERT_NE(refused, nullptr);
    EXPECT_EQ(refused->detail, c.detail);
  }
}

TEST(ParseJsonContentType, AcceptsEveryCharsetSpellingOfGatewayYaml) {
  // A charset an admin may configure for a Kafka input must be postable over HTTP too.
  for (const auto& spelling : config::kCharsetSpellings) {
    SCOPED_TRACE(std::string(spelling.text));
    EXPECT_EQ(charset_from_http_name(spelling.text), spelling.value);
    const auto result =
        parse_json_content_type("application/json; charset=" + std::string(spelling.text));
    ASSERT_TRUE(std::holds_alternative<Charset>(result));
    EXPECT_EQ(std::get<Charset>(result), spelling.value);
  }
}

TEST(CharsetFromHttpName, IsCaseInsensitiveAndExact) {
  EXPECT_EQ(charset_from_http_name("Utf-8"), Charset::utf8);
  EXPECT_EQ(charset_from_http_name("CP936"), Charset::gbk);
  EXPECT_EQ(charset_from_http_name("gb18030 "), std::nullopt);
  EXPECT_EQ(charset_from_http_name("utf"), std::nullopt);
  EXPECT_EQ(charset_from_http_name(""), std::nullopt);
}

}  // namespace
}  // namespace gw::http
