#include "adapters/json/json_document.h"

#include <gtest/gtest.h>

#include <string>

#include "adapters/json/field_readers.h"

namespace gw::json {
namespace {

// A minimal "adapter": reads every field as ignored, then checks the end. Result<int> holds
// the number of top-level fields.
Result<int> count_fields(simdjson::ondemand::parser& parser, simdjson::padded_string_view json) {
  simdjson::ondemand::document doc;
  simdjson::ondemand::object root;
  if (auto refused = open_root_object(parser, json, doc, root)) return *refused;
  int fields = 0;
  const FieldPath root_path;
  if (auto refused = visit_fields(
          root, root_path, 1, [](std::string_view) { return 0; },
          [&](int, ondemand::value& v, const FieldPath& p) {
            ++fields;
            return check_ignored_value(v, p, 2);
          })) {
    return *refused;
  }
  if (auto refused = check_nothing_after_root(doc, json)) return *refused;
  return fields;
}

Result<int> parse(const std::string& text) {
  simdjson::padded_string padded(text);
  simdjson::ondemand::parser parser;
  Result<int> result = 0;
  if (auto refused = parse_distinguishing_trailing_data(padded, [&](simdjson::padded_string_view view) -> MaybeRefusal {
        result = count_fields(parser, view);
        if (result.ok()) return std::nullopt;
        return result.refusal();
      })) {
    return *refused;
  }
  return result;
}

struct DocCase {
  std::string text;
  std::optional<RefusalCode> code;
  std::string detail_contains;
};

TEST(JsonDocument, ClassifiesEveryDocumentLevelProblem) {
  const DocCase cases[] = {
      {R"({"a": 1})", std::nullopt, ""},
      {" \n{\"a\": 1} \r\n\t", std::nullopt, ""},
      {"{}", std::nullopt, ""},
      {"[1,2,3]", RefusalCode::not_an_object, "found array"},
      {"7", RefusalCode::not_an_object, "found number"},
      {"\"text\"", RefusalCode::not_an_object, "found string"},
      {"null", RefusalCode::not_an_object, "found null"},
      {"true", RefusalCode::not_an_object, "found boolean"},
      {"", RefusalCode::malformed_json, "no JSON value"},
      {"   ", RefusalCode::malformed_json, "no JSON value"},
      {R"({"a": 1} x)", RefusalCode::trailing_data, "byte offset 9"},
      {R"({"a": 1}})", RefusalCode::trailing_data, "byte offset 8"},
      {R"({"a": 1}])", RefusalCode::trailing_data, "byte offset 8"},
      {R"({"a": 1} {)", RefusalCode::trailing_data, "byte offset 9"},
      {R"({"a": 1} {"b": 2})", RefusalCode::trailing_data, "byte offset 9"},
      {R"({"a": "}"}  "x")", RefusalCode::trailing_data, "byte offset 12"},
      {R"({"a": "\"}"} 1)", RefusalCode::trailing_data, "byte offset 13"},
      {R"({"a": 1, "a": 2} x)", RefusalCode::malformed_json, "duplicate key"},
      {R"({"a" 1} x)", RefusalCode::malformed_json, "structure"},
      {"{\"a\": \"\xFF\"} x", RefusalCode::invalid_encoding, ""},
      {R"({"a": 1)", RefusalCode::malformed_json, "ends inside"},
      {R"({"a": )", RefusalCode::malformed_json, ""},
      {R"({"a": "x)", RefusalCode::malformed_json, "never closed"},
      {R"({"a" 1})", RefusalCode::malformed_json, "structure"},
      {"{\"a\": \"\xFF\xFE\"}", RefusalCode::invalid_encoding, "byte offset 7"},
      {"\xEF\xBB\xBF{}", RefusalCode::malformed_json, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const Result<int> r = parse(c.text);
    ASSERT_EQ(!r.ok(), c.code.has_value()) << (r.ok() ? "accepted" : r.refusal().message());
    if (r.ok()) continue;
    EXPECT_EQ(r.refusal().code, *c.code) << r.refusal().message();
    EXPECT_NE(r.refusal().detail.find(c.detail_contains), std::string::npos) << r.refusal().detail;
  }
}

TEST(FindRootObjectEnd, TracksStringsEscapesAndNesting) {
  EXPECT_EQ(find_root_object_end("{}"), 2u);
  EXPECT_EQ(find_root_object_end("  {\"a\": [1, {\"b\": \"}]\"}]} tail"), 25u);
  EXPECT_EQ(find_root_object_end(R"({"a": "\\"} x)"), 11u);
  EXPECT_EQ(find_root_object_end("{\"a\": 1"), std::nullopt);
  EXPECT_EQ(find_root_object_end("[1]"), std::nullopt);
  EXPECT_EQ(find_root_object_end(""), std::nullopt);
  EXPECT_EQ(find_root_object_end("{\"\\"), std::nullopt);
}

}  // namespace
}  // namespace gw::json
