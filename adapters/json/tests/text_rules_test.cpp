#include "adapters/json/text_rules.h"

#include <gtest/gtest.h>

#include <string>

namespace gw::json {
namespace {

TEST(CheckLength, CountsBytesInclusive) {
  const FieldPath root;
  const FieldPath path = root.key("channel");
  EXPECT_FALSE(check_length("phone", 1, 32, path));
  EXPECT_FALSE(check_length(std::string(32, 'x'), 1, 32, path));
  const MaybeRefusal too_long = check_length(std::string(33, 'x'), 1, 32, path);
  ASSERT_TRUE(too_long);
  EXPECT_EQ(too_long->code, RefusalCode::out_of_range);
  EXPECT_EQ(too_long->field, "channel");
  EXPECT_EQ(too_long->detail, "expected 1 to 32 bytes, found 33");
  const MaybeRefusal empty = check_length("", 1, 32, path);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->detail, "expected 1 to 32 bytes, found 0");
  // Bytes, not characters: 11 Chinese characters are 33 bytes.
  EXPECT_TRUE(check_length("一二三四五六七八九十一", 1, 32, path));
}

TEST(CheckDigits, WantsExactlyThatManyAsciiDigits) {
  const FieldPath root;
  const FieldPath path = root.key("gridCode");
  EXPECT_FALSE(check_digits("64020200200202", 14, path));
  for (const char* bad : {"6402020020020", "640202002002021", "6402020020020a", "",
                          "64020200200 02", "６４０２０２"}) {
    SCOPED_TRACE(bad);
    const MaybeRefusal r = check_digits(bad, 14, path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->code, RefusalCode::out_of_range);
    EXPECT_EQ(r->field, "gridCode");
    EXPECT_NE(r->detail.find("expected exactly 14 ASCII digits, found \""), std::string::npos);
  }
}

// read_one_of, read_source_ref and read_string_into need a parsed value.
struct Parsed {
  explicit Parsed(const std::string& value_json) : padded("{\"v\": " + value_json + "}") {
    EXPECT_EQ(parser.iterate(padded).get(doc), simdjson::SUCCESS);
    EXPECT_EQ(doc.find_field("v").get(value), simdjson::SUCCESS);
  }
  simdjson::padded_string padded;
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  simdjson::ondemand::value value;
};

TEST(ReadOneOf, ListsTheAllowedValuesAndQuotesTheFoundOne) {
  static constexpr std::string_view kAllowed[] = {"一般", "紧急", "特急"};
  const FieldPath root;
  const FieldPath path = root.key("urgency");
  {
    Parsed p("\"紧急\"");
    std::string out;
    EXPECT_FALSE(read_one_of(p.value, path, kAllowed, out));
    EXPECT_EQ(out, "紧急");
  }
  {
    Parsed p("null");
    std::string out = "kept";
    EXPECT_FALSE(read_one_of(p.value, path, kAllowed, out));
    EXPECT_EQ(out, "kept");
  }
  {
    Parsed p("\"urgent\"");
    std::string out;
    const MaybeRefusal r = read_one_of(p.value, path, kAllowed, out);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->code, RefusalCode::out_of_range);
    EXPECT_EQ(r->detail, "expected one of 一般, 紧急, 特急; found \"urgent\"");
  }
  {
    Parsed p("2");
    std::string out;
    const MaybeRefusal r = read_one_of(p.value, path, kAllowed, out);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->code, RefusalCode::wrong_type);
  }
}

TEST(ReadSourceRef, OneTo64Bytes) {
  const FieldPath root;
  const FieldPath path = root.key("ticketNo");
  const std::string max_id(64, 'A');
  {
    Parsed p("\"" + max_id + "\"");
    std::string out;
    EXPECT_FALSE(read_source_ref(p.value, path, out));
    EXPECT_EQ(out, max_id);
  }
  for (const std::string& bad : {std::string("\"\""), "\"" + max_id + "B\""}) {
    Parsed p(bad);
    std::string out;
    const MaybeRefusal r = read_source_ref(p.value, path, out);
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->code, RefusalCode::out_of_range);
    EXPECT_EQ(r->field, "ticketNo");
  }
  {
    Parsed p("12345");
    std::string out;
    const MaybeRefusal r = read_source_ref(p.value, path, out);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->code, RefusalCode::wrong_type);
    EXPECT_EQ(r->detail, "expected string, found number");
  }
}

}  // namespace
}  // namespace gw::json
