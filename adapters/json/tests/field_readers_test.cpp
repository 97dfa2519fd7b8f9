#include "adapters/json/field_readers.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "adapters/json/json_document.h"

namespace gw::json {
namespace {

using ReadFn = std::function<MaybeRefusal(ondemand::value&, const FieldPath&)>;

// Parses {"v": <value_json>} and hands the value of "v" to read.
MaybeRefusal read_v(const std::string& value_json, const ReadFn& read) {
  const std::string text = "{\"v\": " + value_json + "}";
  simdjson::padded_string padded(text);
  ondemand::parser parser;
  ondemand::document doc;
  ondemand::object root;
  if (auto refused = open_root_object(parser, padded, doc, root)) return refused;
  const FieldPath root_path;
  return visit_fields(
      root, root_path, 1, [](std::string_view k) { return k == "v" ? 0 : -1; },
      [&](int, ondemand::value& v, const FieldPath& path) { return read(v, path); });
}

struct ReaderCase {
  std::string json;
  std::optional<RefusalCode> refused;  // empty: accepted
  std::string detail_contains;
};

void expect_cases(const std::vector<ReaderCase>& cases, const ReadFn& read) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.json);
    const MaybeRefusal r = read_v(c.json, read);
    ASSERT_EQ(r.has_value(), c.refused.has_value()) << (r ? r->message() : "accepted");
    if (!r) continue;
    EXPECT_EQ(r->code, *c.refused) << r->message();
    EXPECT_EQ(r->field, "v");
    EXPECT_NE(r->detail.find(c.detail_contains), std::string::npos) << r->detail;
  }
}

TEST(ReadString, AcceptsStringsAndTreatsNullAsAbsent) {
  std::optional<std::string> got;
  const ReadFn read = [&](ondemand::value& v, const FieldPath& p) {
    std::optional<std::string_view> s;
    auto r = read_string(v, p, s);
    got = s ? std::optional<std::string>(*s) : std::nullopt;
    return r;
  };
  ASSERT_FALSE(read_v(R"("a\"b\u6295")", read));
  EXPECT_EQ(got, "a\"b投");
  ASSERT_FALSE(read_v("null", read));
  EXPECT_EQ(got, std::nullopt);
  expect_cases({{"1", RefusalCode::wrong_type, "expected string, found number"},
                {"true", RefusalCode::wrong_type, "found boolean"},
                {"{}", RefusalCode::wrong_type, "found object"},
                {"[]", RefusalCode::wrong_type, "found array"},
                {R"("bad \x escape")", RefusalCode::malformed_json, "escape"},
                {"nul", RefusalCode::malformed_json, "literal"}},
               read);
}

TEST(ReadBool, AcceptsTrueFalseOnly) {
  std::optional<bool> got;
  const ReadFn read = [&](ondemand::value& v, const FieldPath& p) {
    got.reset();
    return read_bool(v, p, got);
  };
  ASSERT_FALSE(read_v("true", read));
  EXPECT_EQ(got, true);
  ASSERT_FALSE(read_v("false", read));
  EXPECT_EQ(got, false);
  expect_cases({{"\"true\"", RefusalCode::wrong_type, "expected boolean, found string"},
                {"1", RefusalCode::wrong_type, "found number"},
                {"tru", RefusalCode::malformed_json, "literal"},
                {"falsey", RefusalCode::malformed_json, "literal"}},
               read);
}

TEST(ReadInteger, DistinguishesFractionsFromRange) {
  std::optional<std::int64_t> got;
  const ReadFn read = [&](ondemand::value& v, const FieldPath& p) {
    got.reset();
    return read_integer(v, p, got);
  };
  ASSERT_FALSE(read_v("-42", read));
  EXPECT_EQ(got, -42);
  ASSERT_FALSE(read_v("9223372036854775807", read));
  EXPECT_EQ(got, INT64_MAX);
  expect_cases({{"2.0", RefusalCode::wrong_type, "fraction or exponent"},
                {"1e3", RefusalCode::wrong_type, "fraction or exponent"},
                {"\"3\"", RefusalCode::wrong_type, "expected integer, found string"},
                {"9223372036854775808", RefusalCode::out_of_range, "64-bit"},
                {"99999999999999999999999999", RefusalCode::out_of_range, "64-bit"},
                {"-9223372036854775809", RefusalCode::out_of_range, "64-bit"},
                {"1e400", RefusalCode::wrong_type, "fraction or exponent"},
                {"01", RefusalCode::malformed_json, "number"},
                {"1.", RefusalCode::malformed_json, "number"},
                {"-", RefusalCode::malformed_json, ""}},
               read);
}

TEST(ReadNumber, AcceptsIntegersAndFractions) {
  std::optional<double> got;
  const ReadFn read = [&](ondemand::value& v, const FieldPath& p) {
    got.reset();
    return read_number(v, p, got);
  };
  ASSERT_FALSE(read_v("106.371875", read));
  EXPECT_DOUBLE_EQ(*got, 106.371875);
  ASSERT_FALSE(read_v("-90", read));
  EXPECT_DOUBLE_EQ(*got, -90.0);
  expect_cases({{"\"106.3\"", RefusalCode::wrong_type, "expected number, found string"},
                {"1e400", RefusalCode::out_of_range, "range of a double"},
                {"1.5e", RefusalCode::malformed_json, "number"},
                {"+1", RefusalCode::malformed_json, ""}},
               read);
}

TEST(ReadTime, AcceptsEveryFormAndEpochMilliseconds) {
  std::optional<EpochMs> got;
  const ReadFn read = [&](ondemand::value& v, const FieldPath& p) {
    got.reset();
    return read_time(v, p, got);
  };
  const EpochMs expected = 1758421320000;  // 2025-09-21T02:22:00Z
  for (const char* json :
       {"\"2025-09-21 10:22:00\"", "\"2025-09-21T10:22:00\"", "\"2025-09-21T10:22:00+08:00\"",
        "\"2025-09-21T02:22:00Z\"", "\"2025-09-21T10:22:00.000+0800\"", "1758421320000"}) {
    SCOPED_TRACE(json);
    ASSERT_FALSE(read_v(json, read));
    EXPECT_EQ(got, expected);
  }
  ASSERT_FALSE(read_v("null", read));
  EXPECT_EQ(got, std::nullopt);
  expect_cases({{"\"yesterday\"", RefusalCode::bad_time, "found \"yesterday\""},
                {"\"2025-02-30 10:00:00\"", RefusalCode::bad_time, "YYYY-MM-DD HH:MM:SS"},
                {"\"1999-12-31T23:59:59Z\"", RefusalCode::bad_time, "accepted range"},
                {"\"2100-01-01T00:00:00Z\"", RefusalCode::bad_time, "accepted range"},
                {"0", RefusalCode::bad_time, "accepted range"},
                {"-1", RefusalCode::bad_time, "accepted range"},
                {"4102444800000", RefusalCode::bad_time, "accepted range"},
                {"1758421320000.5", RefusalCode::bad_time, "not a 64-bit integer"},
                {"18446744073709551615", RefusalCode::bad_time, "not a 64-bit integer"},
                {"123456789012345678901234567890", RefusalCode::bad_time, "not a 64-bit integer"},
                {"01", RefusalCode::malformed_json, "number"},
                {"true", RefusalCode::wrong_type, "string or integer"},
                {"{}", RefusalCode::wrong_type, "found object"}},
               read);
}

TEST(ReadObjectAndArray, CheckTheType) {
  const ReadFn object = [](ondemand::value& v, const FieldPath& p) {
    std::optional<ondemand::object> o;
    return read_object(v, p, o);
  };
  const ReadFn array = [](ondemand::value& v, const FieldPath& p) {
    std::optional<ondemand::array> a;
    return read_array(v, p, a);
  };
  EXPECT_FALSE(read_v("{}", object));
  EXPECT_FALSE(read_v("null", object));
  EXPECT_FALSE(read_v("[]", array));
  expect_cases({{"[]", RefusalCode::wrong_type, "expected object, found array"}}, object);
  expect_cases({{"\"x\"", RefusalCode::wrong_type, "expected array, found string"}}, array);
}

MaybeRefusal parse_ignoring_everything(const std::string& text) {
  simdjson::padded_string padded(text);
  ondemand::parser parser;
  ondemand::document doc;
  ondemand::object root;
  if (auto refused = open_root_object(parser, padded, doc, root)) return refused;
  const FieldPath root_path;
  if (auto refused = visit_fields(
          root, root_path, 1, [](std::string_view k) { return k == "known" ? 0 : -1; },
          [](int, ondemand::value& v, const FieldPath& p) {
            return check_ignored_value(v, p, 2);
          })) {
    return refused;
  }
  return check_nothing_after_root(doc, text);
}

struct IgnoredCase {
  std::string json;
  std::optional<RefusalCode> code;
  std::string field;
};

TEST(VisitFields, ValidatesIgnoredValuesAndFindsDuplicateKeys) {
  const IgnoredCase cases[] = {
      {R"({"x": {"a": [1, "two", null, true, {"b": -1.5e3}]}, "known": 1})", std::nullopt, ""},
      {R"({"x": nul})", RefusalCode::malformed_json, "x"},
      {R"({"x": [1, 2, {"b": tru}]})", RefusalCode::malformed_json, "x[2].b"},
      {R"({"x": 01})", RefusalCode::malformed_json, "x"},
      {R"({"x": [123456789012345678901234567890, -1e400, 1E+2]})", std::nullopt, ""},
      {R"({"x": -})", RefusalCode::malformed_json, "x"},
      {R"({"x": 1.})", RefusalCode::malformed_json, "x"},
      {R"({"x": .5})", RefusalCode::malformed_json, "x"},
      {R"({"x": 1e5x})", RefusalCode::malformed_json, "x"},
      {R"({"x": "\q"})", RefusalCode::malformed_json, "x"},
      {R"({"known": 1, "known": 2})", RefusalCode::malformed_json, "known"},
      {R"({"x": 1, "x": 2})", RefusalCode::malformed_json, "x"},
      {R"({"kn\u006fwn": 1, "known": 2})", RefusalCode::malformed_json, "known"},
      {R"({"x": {"y": 1, "y": 2}})", RefusalCode::malformed_json, "x.y"},
      {R"({"x": [{"y": 1}, {"y": 1, "z": 2, "y": 3}]})", RefusalCode::malformed_json, "x[1].y"},
      {R"({"x": 1 "y": 2})", RefusalCode::malformed_json, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.json);
    const MaybeRefusal r = parse_ignoring_everything(c.json);
    ASSERT_EQ(r.has_value(), c.code.has_value()) << (r ? r->message() : "accepted");
    if (!r) continue;
    EXPECT_EQ(r->code, *c.code);
    EXPECT_EQ(r->field, c.field) << r->message();
  }
}

TEST(VisitFields, FindsADuplicateAmongManyUnknownKeys) {
  std::string text = "{";
  for (int i = 0; i < 200; ++i)
    text += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ",";
  EXPECT_FALSE(parse_ignoring_everything(text + "\"last\": 0}"));
  const MaybeRefusal r = parse_ignoring_everything(text + "\"k3\": 0}");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, RefusalCode::malformed_json);
  EXPECT_EQ(r->field, "k3");
  EXPECT_EQ(r->detail, "duplicate key");
}

TEST(VisitFields, RefusesNestingBeyondTheLimitWithoutExhaustingTheStack) {
  const auto nested = [](int depth) {
    return "{\"x\": " + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
  };
  EXPECT_FALSE(parse_ignoring_everything(nested(kMaxDepth)));
  const MaybeRefusal r = parse_ignoring_everything(nested(kMaxDepth + 1));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, RefusalCode::malformed_json);
  EXPECT_NE(r->detail.find("nested too deeply"), std::string::npos);
  const MaybeRefusal deep = parse_ignoring_everything(nested(100000));
  ASSERT_TRUE(deep);
  EXPECT_EQ(deep->code, RefusalCode::malformed_json);
}

}  // namespace
}  // namespace gw::json
