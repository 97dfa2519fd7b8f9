#include "adapters/hotline/hotline_ticket.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "adapters/json/testing/sample_files.h"
#include "gateway/core/case_id.h"
#include "gateway/core/time_format.h"

namespace gw::hotline {
namespace {

constexpr EpochMs kReceivedAt = 1758421330000;  // 2025-09-21T10:22:10+08:00
constexpr std::string_view kCallerName = "王先生";
constexpr std::string_view kCallerPhone = "13830166131";

// A ticket as (key, raw JSON value) pairs, so a test can change one field.
using Fields = std::vector<std::pair<std::string, std::string>>;

Fields base_ticket() {
  return {
      {"ticketNo", R"("SZS12345-20250921-000001")"},
      {"channel", R"("phone")"},
      {"callTime", R"("2025-09-21 10:22:00")"},
      {"caller", R"({"name": "王先生", "phone": "13830166131", "anonymous": false})"},
      {"appealType", R"("投诉")"},
      {"title", R"("暖气不热")"},
      {"content", R"("向阳社区小区暖气温度只有十几度。")"},
      {"address", R"("宁夏石嘴山市大武口区黄河东街")"},
      {"region",
       R"({"districtCode": "640202", "district": "大武口区", "street": "长胜街道", "community": "向阳社区"})"},
      {"category", R"(["住房保障", "物业管理", "供暖"])"},
      {"urgency", R"("紧急")"},
      {"deadline", R"("2025-09-25 10:22:00")"},
      {"attachments", R"([{"type": "audio", "url": "https://hotline.example/rec/1.mp3"}])"},
  };
}

std::string to_json(const Fields& fields) {
  std::string out = "{";
  for (const auto& [key, value] : fields) {
    if (out.size() > 1) out += ", ";
    out += "\"" + key + "\": " + value;
  }
  return out + "}";
}

// Sets (or adds) key to raw; an empty raw removes the key.
std::string ticket_with(const std::string& key, const std::string& raw) {
  Fields fields = base_ticket();
  bool found = false;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (it->first != key) continue;
    found = true;
    if (raw.empty()) {
      fields.erase(it);
    } else {
      it->second = raw;
    }
    break;
  }
  if (!found && !raw.empty()) fields.emplace_back(key, raw);
  return to_json(fields);
}

Result<Case> parse(const std::string& text) {
  static simdjson::ondemand::parser parser;  // reused, as the decoders do
  const simdjson::padded_string padded(text);
  return parse_ticket(parser, padded, kReceivedAt);
}

TEST(ParseTicket, MapsEveryFieldOfTheReferenceFormat) {
  const Result<Case> r = parse(to_json(base_ticket()));
  ASSERT_TRUE(r.ok()) << r.refusal().message();
  const Case& c = *r;
  EXPECT_EQ(c.source, Source::hotline);
  EXPECT_EQ(c.source_ref, "SZS12345-20250921-000001");
  EXPECT_EQ(c.case_id, make_case_id(Source::hotline, "SZS12345-20250921-000001"));
  EXPECT_EQ(c.channel, "phone");
  EXPECT_EQ(c.kind, "投诉");
  EXPECT_EQ(c.title, "暖气不热");
  EXPECT_EQ(c.description, "向阳社区小区暖气温度只有十几度。");
  EXPECT_EQ(c.address, "宁夏石嘴山市大武口区黄河东街");
  EXPECT_EQ(c.region.district_code, "640202");
  EXPECT_EQ(c.region.district, "大武口区");
  EXPECT_EQ(c.region.street, "长胜街道");
  EXPECT_EQ(c.region.community, "向阳社区");
  EXPECT_EQ(c.region.street_code, "");
  EXPECT_EQ(c.region.grid_code, "");
  EXPECT_EQ(c.category, (std::vector<std::string>{"住房保障", "物业管理", "供暖"}));
  EXPECT_EQ(c.reporter.name, kCallerName);
  EXPECT_EQ(c.reporter.phone, kCallerPhone);
  EXPECT_FALSE(c.reporter.anonymous);
  EXPECT_EQ(c.priority, Priority::urgent);
  EXPECT_EQ(c.severity, 0);
  EXPECT_EQ(c.reported_at, *parse_time("2025-09-21 10:22:00"));
  EXPECT_EQ(c.received_at, kReceivedAt);
  EXPECT_EQ(c.source_deadline, parse_time("2025-09-25 10:22:00"));
  EXPECT_FALSE(c.occurred_at.has_value());
  EXPECT_FALSE(c.coordinates.has_value());
  EXPECT_EQ(c.status, CaseStatus::dispatched);
  EXPECT_FALSE(c.self_handled);
  ASSERT_EQ(c.attachments.size(), 1u);
  EXPECT_EQ(c.attachments[0].type, "audio");
  EXPECT_EQ(c.attachments[0].url, "https://hotline.example/rec/1.mp3");
}

TEST(ParseTicket, OnlyTheRequiredFieldsAreEnough) {
  const Result<Case> r = parse(
      R"({"ticketNo": "T1", "callTime": 1758421320000, "appealType": "咨询", "content": ""})");
  ASSERT_TRUE(r.ok()) << r.refusal().message();
  EXPECT_EQ(r->reported_at, 1758421320000);
  EXPECT_EQ(r->priority, Priority::normal);
  EXPECT_TRUE(r->category.empty());
  EXPECT_TRUE(r->channel.empty());
  EXPECT_TRUE(r->attachments.empty());
  EXPECT_FALSE(r->source_deadline.has_value());
}

TEST(ParseTicket, EveryAppealTypeIsAcceptedAsTheKind) {
  for (std::string_view appeal : kAppealTypes) {
    const Result<Case> r = parse(ticket_with("appealType", "\"" + std::string(appeal) + "\""));
    ASSERT_TRUE(r.ok()) << appeal;
    EXPECT_EQ(r->kind, appeal);
  }
}

TEST(ParseTicket, UrgencyBecomesPriority) {
  const std::pair<std::string, Priority> cases[] = {{R"("一般")", Priority::normal},
                                                    {R"("紧急")", Priority::urgent},
                                                    {R"("特急")", Priority::critical},
                                                    {"null", Priority::normal},
                                                    {"", Priority::normal}};
  for (const auto& [raw, priority] : cases) {
    const Result<Case> r = parse(ticket_with("urgency", raw));
    ASSERT_TRUE(r.ok()) << raw;
    EXPECT_EQ(r->priority, priority) << raw;
  }
}

TEST(ParseTicket, AnAnonymousCallerIsNotKept) {
  const Result<Case> r = parse(
      ticket_with("caller", R"({"name": "王先生", "phone": "13830166131", "anonymous": true})"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->reporter.anonymous);
  EXPECT_EQ(r->reporter.name, "");
  EXPECT_EQ(r->reporter.phone, "");
  // anonymous first: the order of the keys does not matter.
  const Result<Case> first =
      parse(ticket_with("caller", R"({"anonymous": true, "name": "王先生", "phone": "1"})"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->reporter.name, "");
}

TEST(ParseTicket, EveryTimeFormIsAccepted) {
  const EpochMs expected = *parse_time("2025-09-21 10:22:00");
  for (const char* raw :
       {R"("2025-09-21 10:22:00")", R"("2025-09-21T10:22:00")", R"("2025-09-21T10:22:00+08:00")",
        R"("2025-09-21T02:22:00Z")", R"("2025-09-21T10:22:00.000+0800")", "1758421320000"}) {
    const Result<Case> r = parse(ticket_with("callTime", raw));
    ASSERT_TRUE(r.ok()) << raw << ": " << r.refusal().message();
    EXPECT_EQ(r->reported_at, expected) << raw;
  }
}

TEST(ParseTicket, ExtraFieldsAnywhereAreIgnored) {
  Fields fields = base_ticket();
  fields.emplace_back("vendorExtra", R"({"nested": [1, {"deep": null}], "flag": true})");
  fields[3].second =
      R"({"name": "王先生", "phone": "13830166131", "idCard": "x", "anonymous": false})";
  fields[8].second = R"({"districtCode": "640202", "gridHint": 7})";
  fields[12].second = R"([{"type": "image", "url": "https://x/1.jpg", "size": 1024}])";
  const Result<Case> r = parse(to_json(fields));
  ASSERT_TRUE(r.ok()) << r.refusal().message();
  EXPECT_EQ(r->region.district_code, "640202");
  EXPECT_EQ(r->attachments[0].type, "image");
}

TEST(ParseTicket, LongTextsAreKeptWhole) {
  std::string escaped;
  std::string expected;
  while (expected.size() < 200 * 1024) {
    escaped += "小区暖气温度只有十几度，多次找物业无果。\\n";
    expected += "小区暖气温度只有十几度，多次找物业无果。\n";
  }
  const Result<Case> r = parse(ticket_with("content", "\"" + escaped + "\""));
  ASSERT_TRUE(r.ok()) << r.refusal().message();
  EXPECT_EQ(r->description, expected);
}

TEST(ParseTicket, AttachmentWithoutTypeIsAFile) {
  const Result<Case> r = parse(ticket_with(
      "attachments", R"([{"url": "https://x/a"}, {"type": null, "url": "https://x/b"}])"));
  ASSERT_TRUE(r.ok()) << r.refusal().message();
  ASSERT_EQ(r->attachments.size(), 2u);
  EXPECT_EQ(r->attachments[0].type, "file");
  EXPECT_EQ(r->attachments[1].type, "file");
}

struct Refused {
  std::string key;  // top-level field to replace
  std::string raw;  // its new raw JSON; empty removes it
  RefusalCode code;
  std::string field;
  std::string detail_contains;
};

const std::vector<Refused>& refusal_cases() {
  static const std::vector<Refused> cases = {
      // Missing: absent or null, in the reference order.
      {"ticketNo", "", RefusalCode::missing_field, "ticketNo", "absent or null"},
      {"ticketNo", "null", RefusalCode::missing_field, "ticketNo", ""},
      {"callTime", "", RefusalCode::missing_field, "callTime", ""},
      {"callTime", "null", RefusalCode::missing_field, "callTime", ""},
      {"appealType", "", RefusalCode::missing_field, "appealType", ""},
      {"appealType", "null", RefusalCode::missing_field, "appealType", ""},
      {"content", "", RefusalCode::missing_field, "content", ""},
      {"content", "null", RefusalCode::missing_field, "content", ""},
      {"category", R"(["a", null])", RefusalCode::missing_field, "category[1]", ""},
      {"attachments", R"([{"type": "audio"}])", RefusalCode::missing_field, "attachments[0].url",
       ""},
      {"attachments", R"([{"url": "u"}, null])", RefusalCode::missing_field, "attachments[1]", ""},
      // Wrong types: expected vs found.
      {"ticketNo", "12345", RefusalCode::wrong_type, "ticketNo", "expected string, found number"},
      {"channel", "1", RefusalCode::wrong_type, "channel", "expected string, found number"},
      {"callTime", "true", RefusalCode::wrong_type, "callTime", "found boolean"},
      {"caller", R"("王先生")", RefusalCode::wrong_type, "caller", "expected object, found string"},
      {"caller", R"({"name": ["王先生"]})", RefusalCode::wrong_type, "caller.name", "found array"},
      {"caller", R"({"phone": 13830166131})", RefusalCode::wrong_type, "caller.phone",
       "expected string, found number"},
      {"caller", R"({"anonymous": "yes"})", RefusalCode::wrong_type, "caller.anonymous",
       "expected boolean"},
      {"appealType", "3", RefusalCode::wrong_type, "appealType", "found number"},
      {"title", "{}", RefusalCode::wrong_type, "title", "found object"},
      {"content", R"(["x"])", RefusalCode::wrong_type, "content", "found array"},
      {"address", "false", RefusalCode::wrong_type, "address", "found boolean"},
      {"region", R"("大武口区")", RefusalCode::wrong_type, "region", "expected object"},
      {"region", R"({"districtCode": 640202})", RefusalCode::wrong_type, "region.districtCode",
       "found number"},
      {"region", R"({"street": 1})", RefusalCode::wrong_type, "region.street", ""},
      {"category", R"("住房保障/物业管理")", RefusalCode::wrong_type, "category",
       "expected array, found string"},
      {"category", R"(["a", 2])", RefusalCode::wrong_type, "category[1]",
       "expected string, found number"},
      {"urgency", "2", RefusalCode::wrong_type, "urgency", ""},
      {"deadline", "{}", RefusalCode::wrong_type, "deadline", "found object"},
      {"attachments", R"({"url": "u"})", RefusalCode::wrong_type, "attachments", "expected array"},
      {"attachments", R"(["https://x"])", RefusalCode::wrong_type, "attachments[0]",
       "expected object, found string"},
      {"attachments", R"([{"url": 5}])", RefusalCode::wrong_type, "attachments[0].url", ""},
      {"attachments", R"([{"url": "u", "type": 5}])", RefusalCode::wrong_type,
       "attachments[0].type", ""},
      // Out of range: the allowed set or range.
      {"appealType", R"("抱怨")", RefusalCode::out_of_range, "appealType",
       "expected one of 咨询, 求助, 投诉, 举报, 建议, 表扬, 感谢, 其他; found \"抱怨\""},
      {"urgency", R"("urgent")", RefusalCode::out_of_range, "urgency",
       "expected one of 一般, 紧急, 特急"},
      {"ticketNo", R"("")", RefusalCode::out_of_range, "ticketNo",
       "expected 1 to 64 bytes, found 0"},
      {"ticketNo", "\"" + std::string(65, 'T') + "\"", RefusalCode::out_of_range, "ticketNo",
       "found 65"},
      {"channel", R"("")", RefusalCode::out_of_range, "channel", "expected 1 to 32 bytes"},
      {"channel", "\"" + std::string(33, 'c') + "\"", RefusalCode::out_of_range, "channel",
       "found 33"},
      {"category", "[]", RefusalCode::out_of_range, "category", "found none"},
      {"category", R"(["a", "b", "c", "d"])", RefusalCode::out_of_range, "category", "more than 3"},
      {"category", R"(["a", ""])", RefusalCode::out_of_range, "category[1]", "must not be empty"},
      {"region", R"({"districtCode": "64020"})", RefusalCode::out_of_range, "region.districtCode",
       "exactly 6 ASCII digits"},
      {"region", R"({"districtCode": "64020x"})", RefusalCode::out_of_range, "region.districtCode",
       "found \"64020x\""},
      {"attachments", R"([{"url": ""}])", RefusalCode::out_of_range, "attachments[0].url",
       "must not be empty"},
      // Bad times: the accepted forms.
      {"callTime", R"("yesterday")", RefusalCode::bad_time, "callTime", "YYYY-MM-DD HH:MM:SS"},
      {"callTime", R"("2025-09-31 10:00:00")", RefusalCode::bad_time, "callTime",
       "found \"2025-09-31 10:00:00\""},
      {"callTime", "0", RefusalCode::bad_time, "callTime", "accepted range"},
      {"callTime", R"("1999-12-31 23:59:59")", RefusalCode::bad_time, "callTime", "accepted range"},
      {"deadline", R"("2025-09-25 24:00:00")", RefusalCode::bad_time, "deadline", ""},
      // Duplicates and malformed values inside fields.
      {"vendorExtra", R"({"a": tru})", RefusalCode::malformed_json, "vendorExtra.a", "literal"},
      {"caller", R"({"name": "王先生", "name": "李四"})", RefusalCode::malformed_json,
       "caller.name", "duplicate key"},
      {"region", R"({"x": 1, "x": 2})", RefusalCode::malformed_json, "region.x", "duplicate key"},
  };
  return cases;
}

TEST(ParseTicket, EveryRefusalNamesTheFieldAndTheProblem) {
  for (const Refused& c : refusal_cases()) {
    SCOPED_TRACE(c.key + " = " + c.raw);
    const Result<Case> r = parse(ticket_with(c.key, c.raw));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.refusal().code, c.code) << r.refusal().message();
    EXPECT_EQ(r.refusal().field, c.field) << r.refusal().message();
    EXPECT_NE(r.refusal().detail.find(c.detail_contains), std::string::npos) << r.refusal().detail;
  }
}

TEST(ParseTicket, NoRefusalMessageCarriesTheCallersNameOrPhone) {
  for (const Refused& c : refusal_cases()) {
    const Result<Case> r = parse(ticket_with(c.key, c.raw));
    ASSERT_FALSE(r.ok());
    const std::string message = r.refusal().message();
    EXPECT_EQ(message.find(kCallerName), std::string::npos) << message;
    EXPECT_EQ(message.find(kCallerPhone), std::string::npos) << message;
  }
}

TEST(ParseTicket, DuplicateTopLevelKeyIsMalformed) {
  const std::string text = to_json(base_ticket());
  const Result<Case> r = parse(text.substr(0, text.size() - 1) + R"(, "ticketNo": "again"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.refusal().code, RefusalCode::malformed_json);
  EXPECT_EQ(r.refusal().field, "ticketNo");
  EXPECT_EQ(r.refusal().detail, "duplicate key");
}

TEST(ParseTicket, TrailingBytesAndOtherDocumentProblems) {
  const std::string good = to_json(base_ticket());
  const std::pair<std::string, RefusalCode> cases[] = {
      {good + " x", RefusalCode::trailing_data},
      {good + "}", RefusalCode::trailing_data},
      {good + good, RefusalCode::trailing_data},
      {good.substr(0, good.size() / 2), RefusalCode::malformed_json},
      {"[" + good + "]", RefusalCode::not_an_object},
      {"\"ticket\"", RefusalCode::not_an_object},
      {"", RefusalCode::malformed_json},
  };
  for (const auto& [text, code] : cases) {
    const Result<Case> r = parse(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.refusal().code, code) << r.refusal().message();
  }
  EXPECT_TRUE(parse(good + " \n").ok());
}

TEST(ParseTicket, EverySampleTicketDecodes) {
  const std::vector<std::string> lines = testing::read_sample_lines("hotline-tickets.jsonl");
  ASSERT_EQ(lines.size(), 20u);
  for (const std::string& line : lines) {
    const Result<Case> r = parse(line);
    ASSERT_TRUE(r.ok()) << r.refusal().message() << "\n" << line;
    EXPECT_TRUE(is_case_id(r->case_id));
    EXPECT_FALSE(r->description.empty());
    EXPECT_FALSE(r->category.empty());
    EXPECT_TRUE(time_in_accepted_range(r->reported_at));
  }
}

}  // namespace
}  // namespace gw::hotline
