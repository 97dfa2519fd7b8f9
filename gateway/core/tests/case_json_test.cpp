#include "gateway/core/case_json.h"

#include <gtest/gtest.h>

#include <random>
#include <simdjson.h>

#include "gateway/core/case_id.h"
#include "gateway/core/time_format.h"

namespace gw {
namespace {

Case sample_case() {
  Case c;
  c.source = Source::hotline;
  c.source_ref = "SZS12345-20250921-000001";
  c.case_id = make_case_id(c.source, c.source_ref);
  c.channel = "phone";
  c.kind = "投诉";
  c.category = {"住房保障", "物业管理", "供暖"};
  c.title = "暖气不热";
  c.description = "向阳社区小区暖气温度只有十几度，\"多次\"找物业无果。\n";
  c.address = "宁夏石嘴山市大武口区黄河东街";
  c.region.district_code = "640202";
  c.region.street = "长胜街道";
  c.reporter.name = "王先生";
  c.reporter.phone = "13830166131";
  c.priority = Priority::urgent;
  c.reported_at = 1758421320000;  // 2025-09-21T10:22:00+08:00
  c.received_at = 1758421321500;
  c.attachments.push_back({"audio", "https://hotline.example/rec/1.mp3"});
  return c;
}

struct CaseJsonTest : ::testing::Test {
  Department housing{"housing", "住房和城乡建设局", "dept.housing", PersonalDataPolicy::masked, {}};
  Department street{"street-cs", "长胜街道办事处", "dept.street-cs", PersonalDataPolicy::clear, {}};
  Rule rule{"heating", {}, "housing", {"street-cs"}, {}};

  RouteDecision decision() { return RouteDecision{&rule, &housing, {&street}}; }

  simdjson::dom::element parse(const std::string& json) {
    doc_ = simdjson::padded_string(json);
    auto r = parser_.parse(doc_);
    EXPECT_EQ(r.error(), simdjson::SUCCESS) << json;
    return r.value();
  }
  std::string render(const Case& c, PersonalDataPolicy p) {
    std::string out;
    append_case_json(out, c, decision(), p);
    return out;
  }

  simdjson::dom::parser parser_;
  simdjson::padded_string doc_;
};

TEST_F(CaseJsonTest, WritesEveryFieldOfTheSchema) {
  Case c = sample_case();
  auto doc = parse(render(c, PersonalDataPolicy::clear));
  EXPECT_EQ(std::string_view(doc["schemaVersion"]), "1.0");
  EXPECT_EQ(std::string_view(doc["caseId"]), c.case_id);
  EXPECT_EQ(std::string_view(doc["source"]), "hotline");
  EXPECT_EQ(std::string_view(doc["sourceRef"]), c.source_ref);
  EXPECT_EQ(std::string_view(doc["kind"]), "投诉");
  EXPECT_EQ(std::string_view(doc["category"].at(2)), "供暖");
  EXPECT_EQ(std::string_view(doc["description"]), c.description);
  EXPECT_EQ(std::string_view(doc["location"]["region"]["street"]), "长胜街道");
  EXPECT_EQ(std::string_view(doc["priority"]), "urgent");
  EXPECT_EQ(std::string_view(doc["reportedAt"]), "2025-09-21T10:22:00+08:00");
  EXPECT_EQ(std::string_view(doc["receivedAt"]), "2025-09-21T10:22:01.500+08:00");
  EXPECT_EQ(std::string_view(doc["status"]), "dispatched");
  EXPECT_EQ(std::string_view(doc["assignment"]["lead"]["code"]), "housing");
  EXPECT_EQ(std::string_view(doc["assignment"]["coHandlers"].at(0)["code"]), "street-cs");
  EXPECT_EQ(std::string_view(doc["assignment"]["rule"]), "heating");
  EXPECT_FALSE(bool(doc["assignment"]["default"]));
  EXPECT_EQ(std::string_view(doc["attachments"].at(0)["type"]), "audio");
  EXPECT_TRUE(doc["location"]["coordinates"].error() == simdjson::NO_SUCH_FIELD);
}

TEST_F(CaseJsonTest, DefaultRouteHasNullRule) {
  std::string out;
  append_case_json(out, sample_case(), RouteDecision{nullptr, &housing, {}},
                   PersonalDataPolicy::omit);
  auto doc = parse(out);
  EXPECT_TRUE(doc["assignment"]["rule"].is_null());
  EXPECT_TRUE(bool(doc["assignment"]["default"]));
}

TEST_F(CaseJsonTest, GridCaseCarriesCoordinatesAndSelfHandling) {
  Case c = sample_case();
  c.source = Source::grid;
  c.coordinates = Coordinates{106.371875, 39.011682, "GCJ-02"};
  c.severity = 3;
  c.self_handled = true;
  c.status = CaseStatus::resolved;
  c.handled_result = "已劝导";
  c.handled_at = 1758421320000 + 3600000;
  auto doc = parse(render(c, PersonalDataPolicy::clear));
  EXPECT_DOUBLE_EQ(double(doc["location"]["coordinates"]["lng"]), 106.371875);
  EXPECT_EQ(std::string_view(doc["location"]["coordinates"]["crs"]), "GCJ-02");
  EXPECT_EQ(int64_t(doc["severity"]), 3);
  EXPECT_EQ(std::string_view(doc["status"]), "resolved");
  EXPECT_EQ(std::string_view(doc["selfHandled"]["result"]), "已劝导");
  EXPECT_EQ(std::string_view(doc["selfHandled"]["at"]), "2025-09-21T11:22:00+08:00");
}

struct PolicyCase {
  PersonalDataPolicy policy;
  bool anonymous;
  std::string kind;
  std::string disclosure;
  std::string name;   // expected, "" = absent
  std::string phone;  // expected, "" = absent
};

TEST_F(CaseJsonTest, PersonalDataFollowsPolicyAndNeverExposesProtectedCallers) {
  const PolicyCase table[] = {
      {PersonalDataPolicy::clear, false, "投诉", "clear", "王先生", "13830166131"},
      {PersonalDataPolicy::masked, false, "投诉", "masked", "王**", "138****6131"},
      {PersonalDataPolicy::omit, false, "投诉", "omitted", "", ""},
      {PersonalDataPolicy::clear, true, "投诉", "withheld", "", ""},
      {PersonalDataPolicy::masked, true, "投诉", "withheld", "", ""},
      {PersonalDataPolicy::clear, false, "举报", "withheld", "", ""},
      {PersonalDataPolicy::masked, false, "举报", "withheld", "", ""},
  };
  for (const auto& t : table) {
    Case c = sample_case();
    c.reporter.anonymous = t.anonymous;
    c.kind = t.kind;
    std::string json = render(c, t.policy);
    auto rep = parse(json)["reporter"];
    SCOPED_TRACE(json);
    EXPECT_EQ(std::string_view(rep["disclosure"]), t.disclosure);
    if (t.name.empty()) {
      EXPECT_EQ(rep["name"].error(), simdjson::NO_SUCH_FIELD);
      EXPECT_EQ(rep["phone"].error(), simdjson::NO_SUCH_FIELD);
    } else {
      EXPECT_EQ(std::string_view(rep["name"]), t.name);
      EXPECT_EQ(std::string_view(rep["phone"]), t.phone);
    }
    if (t.disclosure != "clear") {
      EXPECT_EQ(json.find("13830166131"), std::string::npos);
      EXPECT_EQ(json.find("王先生"), std::string::npos);
    }
  }
}

TEST(JsonString, EscapesControlQuoteAndBackslashOnly) {
  std::string out;
  append_json_string(out, std::string_view("a\"b\\c\n\x01\x1f/中", 12));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\\u001f/中\"");
}

TEST(JsonString, EscapesInEveryPositionOfAWordAndOfTheTail) {
  // Blocks of 32 bytes (AVX2) and words of 8 are tested at once, the 0-7 byte tail byte by
  // byte: put an escape at every position of strings of every length up to 80.
  for (std::size_t len = 1; len <= 80; ++len) {
    for (std::size_t at = 0; at < len; ++at) {
      std::string s(len, 'x');
      s[at] = '"';
      std::string out;
      append_json_string(out, s);
      std::string expected =
          "\"" + std::string(at, 'x') + "\\\"" + std::string(len - at - 1, 'x') + "\"";
      ASSERT_EQ(out, expected) << "len " << len << " at " << at;
    }
  }
}

TEST(JsonString, RandomTextRoundTripsThroughAJsonParser) {
  // Bytes drawn mostly from what needs escaping and from UTF-8 text, at lengths that cross
  // every block and word boundary; simdjson must read back exactly the input.
  const std::string_view pieces[] = {"\"", "\\", "\n", "\x01", "\x1f", " ", "a", "/", "中", "\x7f"};
  std::mt19937 rng(12345);
  simdjson::dom::parser p;
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    const std::size_t pieces_wanted = rng() % 90;
    for (std::size_t i = 0; i < pieces_wanted; ++i) s.append(pieces[rng() % std::size(pieces)]);
    std::string out;
    append_json_string(out, s);
    auto r = p.parse(simdjson::padded_string(out));
    ASSERT_EQ(r.error(), simdjson::SUCCESS) << out;
    ASSERT_EQ(std::string_view(r.value()), s);
  }
}

TEST(JsonString, EveryByteBelow0x20RoundTrips) {
  std::string s;
  for (int i = 0; i < 0x20; ++i) s.push_back(static_cast<char>(i));
  std::string out;
  append_json_string(out, s);
  simdjson::dom::parser p;
  auto r = p.parse(simdjson::padded_string(out));
  ASSERT_EQ(r.error(), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(r.value()), s);
}

}  // namespace
}  // namespace gw
