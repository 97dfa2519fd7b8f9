#include "adapters/http/problem_json.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

namespace gw::http {
namespace {

// Parses the JSON back, so the tests check what a client reads, not our byte layout.
class ProblemJsonTest : public ::testing::Test {
 protected:
  simdjson::dom::object parse(const std::string& json) {
    doc_ = simdjson::padded_string(json);
    simdjson::dom::object object;
    const auto error = parser_.parse(doc_).get(object);
    EXPECT_EQ(error, simdjson::SUCCESS) << json;
    return object;
  }

  static std::vector<std::string_view> keys(simdjson::dom::object object) {
    std::vector<std::string_view> out;
    for (const auto field : object) {
      out.push_back(field.key);
    }
    return out;
  }

  static std::string_view str(simdjson::dom::object object, std::string_view key) {
    std::string_view value;
    EXPECT_EQ(object[key].get(value), simdjson::SUCCESS) << key;
    return value;
  }

  simdjson::dom::parser parser_;
  simdjson::padded_string doc_;
};

TEST_F(ProblemJsonTest, WritesTheDocumentedMembersInOrder) {
  Problem p;
  p.status = 422;
  p.code = "missing_field";
  p.title = "Missing field";
  p.detail = "callTime: missing_field: required";
  p.field = "callTime";
  p.retry_after_seconds = 7;  // a header, never a member
  const std::string json = to_json(p);
  // The example of docs/http-api.md, byte for byte apart from whitespace.
  EXPECT_EQ(json, R"({"type":"urn:case-gateway:problem:missing_field","title":"Missing field",)"
                  R"("status":422,"detail":"callTime: missing_field: required",)"
                  R"("code":"missing_field","field":"callTime"})");
  const auto object = parse(json);
  EXPECT_EQ(keys(object),
            (std::vector<std::string_view>{"type", "title", "status", "detail", "code", "field"}));
  std::int64_t status = 0;
  ASSERT_EQ(object["status"].get(status), simdjson::SUCCESS);
  EXPECT_EQ(status, 422);
}

TEST_F(ProblemJsonTest, OmitsFieldAndErrorsWhenEmptyAndListsErrorsOtherwise) {
  Problem p = problem_for(401, "unauthenticated", "X-Gateway-Signature is missing");
  auto object = parse(to_json(p));
  EXPECT_EQ(keys(object),
            (std::vector<std::string_view>{"type", "title", "status", "detail", "code"}));
  EXPECT_EQ(str(object, "type"), "urn:case-gateway:problem:unauthenticated");
  EXPECT_EQ(str(object, "title"), "Unauthorized");

  p = problem_for(422, "invalid_config", "the routing file has 2 errors");
  p.errors = {"routes.yaml:3:7: routes[0].to: unknown department \"munic\"",
              "routes.yaml:9:1: version: expected 1"};
  object = parse(to_json(p));
  EXPECT_EQ(keys(object),
            (std::vector<std::string_view>{"type", "title", "status", "detail", "code", "errors"}));
  simdjson::dom::array errors;
  ASSERT_EQ(object["errors"].get(errors), simdjson::SUCCESS);
  std::vector<std::string_view> read;
  for (const auto e : errors) {
    read.push_back(e.get_string().value());
  }
  EXPECT_EQ(read, (std::vector<std::string_view>{p.errors[0], p.errors[1]}));
}

TEST_F(ProblemJsonTest, EscapesQuotesControlCharactersAndKeepsChinese) {
  const std::string nasty =
      "say \"hi\" \\ back\nslash / tab\t bell\x07 nul" + std::string(1, '\0') + " 井盖缺失 😀";
  Problem p = problem_for(422, "out_of_range", nasty);
  p.field = "caller[\"name\"]\n";
  p.title = "Title with \"quotes\"";
  p.errors = {nasty, ""};
  const std::string json = to_json(p);
  // Raw control bytes never reach the wire.
  for (const char c : json) {
    EXPECT_GE(static_cast<unsigned char>(c), 0x20) << json;
  }
  const auto object = parse(json);
  EXPECT_EQ(str(object, "detail"), nasty);
  EXPECT_EQ(str(object, "field"), "caller[\"name\"]\n");
  EXPECT_EQ(str(object, "title"), "Title with \"quotes\"");
  simdjson::dom::array errors;
  ASSERT_EQ(object["errors"].get(errors), simdjson::SUCCESS);
  EXPECT_EQ(errors.at(0).get_string().value(), nasty);
  EXPECT_EQ(errors.at(1).get_string().value(), "");
}

TEST_F(ProblemJsonTest, AnEmptyTitleGetsTheStandardOne) {
  Problem p;
  p.status = 429;
  p.code = "rate_limited";
  EXPECT_EQ(str(parse(to_json(p)), "title"), "Too Many Requests");
  p.status = 422;
  p.code = "bad_time";
  EXPECT_EQ(str(parse(to_json(p)), "title"), "Bad time");
}

struct StatusCase {
  int status;
  const char* code;
  const char* title;
};

TEST(ProblemFor, FillsTheStandardTitle) {
  const StatusCase cases[] = {
      {400, "bad_request", "Bad Request"},
      {401, "unauthenticated", "Unauthorized"},
      {403, "forbidden", "Forbidden"},
      {404, "not_found", "Not Found"},
      {405, "method_not_allowed", "Method Not Allowed"},
      {413, "payload_too_large", "Payload Too Large"},
      {415, "unsupported_media_type", "Unsupported Media Type"},
      {422, "case_id_mismatch", "Unprocessable Content"},
      {429, "rate_limited", "Too Many Requests"},
      {500, "internal", "Internal Server Error"},
      {503, "kafka_unavailable", "Service Unavailable"},
      {418, "teapot", "Error"},
      // Input refusal codes: one title per type (RFC 9457), as in docs/http-api.md.
      {422, "missing_field", "Missing field"},
      {400, "malformed_json", "Malformed JSON"},
      {413, "too_large", "Too large"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.code);
    const Problem p = problem_for(c.status, c.code, "why");
    EXPECT_EQ(p.status, c.status);
    EXPECT_EQ(p.code, c.code);
    EXPECT_EQ(p.title, c.title);
    EXPECT_EQ(p.detail, "why");
    EXPECT_TRUE(p.field.empty());
    EXPECT_TRUE(p.errors.empty());
    EXPECT_FALSE(p.retry_after_seconds.has_value());
  }
}

struct RefusalCase {
  RefusalCode code;
  int status;
  const char* title;
};

TEST(ProblemFromRefusal, MapsEveryRefusalCodeToItsStatus) {
  const RefusalCase cases[] = {
      {RefusalCode::empty_input, 400, "Empty body"},
      {RefusalCode::malformed_json, 400, "Malformed JSON"},
      {RefusalCode::trailing_data, 400, "Trailing data"},
      {RefusalCode::invalid_encoding, 400, "Invalid encoding"},
      {RefusalCode::not_an_object, 400, "Not an object"},
      {RefusalCode::too_large, 413, "Too large"},
      {RefusalCode::missing_field, 422, "Missing field"},
      {RefusalCode::wrong_type, 422, "Wrong type"},
      {RefusalCode::out_of_range, 422, "Out of range"},
      {RefusalCode::bad_time, 422, "Bad time"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(to_string(c.code)));
    const Refusal refusal{c.code, "caller.phone", "expected digits, found \"abc\""};
    const Problem p = problem_from_refusal(refusal);
    EXPECT_EQ(p.status, c.status);
    EXPECT_EQ(p.code, to_string(c.code));
    EXPECT_EQ(p.title, c.title);
    EXPECT_EQ(p.field, "caller.phone");
    EXPECT_EQ(p.detail, refusal.message());
  }
}

TEST_F(ProblemJsonTest, ARefusalWithoutFieldHasNoFieldMember) {
  const Problem p = problem_from_refusal(Refusal{RefusalCode::empty_input, "", ""});
  const auto object = parse(to_json(p));
  EXPECT_EQ(keys(object),
            (std::vector<std::string_view>{"type", "title", "status", "detail", "code"}));
  EXPECT_EQ(str(object, "detail"), "empty_input");
  EXPECT_EQ(str(object, "type"), "urn:case-gateway:problem:empty_input");
}

TEST_F(ProblemJsonTest, TheDocumentedExampleComesStraightFromARefusal) {
  const Problem p =
      problem_from_refusal(Refusal{RefusalCode::missing_field, "callTime", "required"});
  const auto object = parse(to_json(p));
  EXPECT_EQ(str(object, "type"), "urn:case-gateway:problem:missing_field");
  EXPECT_EQ(str(object, "title"), "Missing field");
  EXPECT_EQ(str(object, "detail"), "callTime: missing_field: required");
  EXPECT_EQ(str(object, "code"), "missing_field");
  EXPECT_EQ(str(object, "field"), "callTime");
}

}  // namespace
}  // namespace gw::http
