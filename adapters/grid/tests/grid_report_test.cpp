#include "adapters/grid/grid_report.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "adapters/json/testing/sample_files.h"
#include "gateway/core/case_id.h"
#include "gateway/core/time_format.h"

namespace gw::grid {
namespace {

constexpr EpochMs kReceivedAt = 1758421400000;
constexpr std::string_view kWorkerName = "孙秀英";
constexpr std::string_view kWorkerPhone = "13909559083";

using Fields = std::vector<std::pair<std::string, std::string>>;

Fields base_report() {
  return {
      {"reportId", R"("GR-640202-20250921-0001")"},
      {"gridCode", R"("64020200200202")"},
      {"reporter", R"({"workerId": "W0275", "name": "孙秀英", "phone": "13909559083"})"},
      {"eventType", R"("安全隐患")"},
      {"subType", R"("消防通道堵塞")"},
      {"description", R"("小区消防通道被私家车长期占用。")"},
      {"location",
       R"({"lng": 106.371875, "lat": 39.011682, "address": "大武口区黄河东街", "crs": "GCJ-02"})"},
      {"occurredAt", R"("2025-09-21T10:19:00+08:00")"},
      {"reportedAt", R"("2025-09-21T10:22:00+08:00")"},
      {"photos", R"(["https://grid.example/p/0001-0.jpg", "https://grid.example/p/0001-1.jpg"])"},
      {"selfHandled", "false"},
      {"severity", "3"},
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
std::string report_with(const std::string& key, const std::string& raw,
                        Fields fields = base_report()) {
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

Result<Case> parse(const std::string& text, const GridOptions& options = {}) {
  static simdjson::ondemand::parser parser;
  const simdjson::padded_string padded(text);
  return parse_report(parser, padded, kReceivedAt, options);
}

TEST(ParseReport, MapsEveryFieldOfTheReferenceFormat) {
  const Result<Case> r = parse(to_json(base_report()));
  ASSERT_TRUE(r.ok()) << r.refusal().message();
  const Case& c = *r;
  EXPECT_EQ(c.source, Source::grid);
  EXPECT_EQ(c.source_ref, "GR-640202-20250921-0001");
  EXPECT_EQ(c.case_id, make_case_id(Source::grid, "GR-640202-20250921-0001"));
  EXPECT_EQ(c.channel, "grid-app");
  EXPECT_EQ(c.kind, "安全隐患");
  EXPECT_EQ(c.category, (std::vector<std::string>{"安全隐患", "消防通道堵塞"}));
  EXPECT_EQ(c.title, "消防通道堵塞");
  EXPECT_EQ(c.description, "小区消防通道被私家车长期占用。");
  EXPECT_EQ(c.address, "大武口区黄河东街");
  EXPECT_EQ(c.region.grid_code, "64020200200202");
  EXPECT_EQ(c.region.district_code, "640202");
  EXPECT_EQ(c.region.street_code, "640202002");
  EXPECT_EQ(c.region.community_code, "640202002002");
  EXPECT_EQ(c.reporter.worker_id, "W0275");
  EXPECT_EQ(c.reporter.name, kWorkerName);
  EXPECT_EQ(c.reporter.phone, kWorkerPhone);
  EXPECT_FALSE(c.reporter.anonymous);
  ASSERT_TRUE(c.coordinates.has_value());
  EXPECT_DOUBLE_EQ(c.coordinates->lng, 106.371875);
  EXPECT_DOUBLE_EQ(c.coordinates->lat, 39.011682);
  EXPECT_EQ(c.coordinates->crs, "GCJ-02");
  EXPECT_EQ(c.occurred_at, parse_time("2025-09-21T10:19:00+08:00"));
  EXPECT_EQ(c.reported_at, *parse_time("2025-09-21T10:22:00+08:00"));
  EXPECT_EQ(c.received_at, kReceivedAt);
  ASSERT_EQ(c.attachments.size(), 2u);
  EXPECT_EQ(c.attachments[0].type, "image");
  EXPECT_EQ(c.attachments[1].url, "https://grid.example/p/0001-1.jpg");
  EXPECT_EQ(c.severity, 3);
  EXPECT_EQ(c.priority, Priority::urgent);  // default mapping: 3 -> urgent
  EXPECT_EQ(c.status, CaseStatus::dispatched);
  EXPECT_FALSE(c.self_handled);
  EXPECT_FALSE(c.handled_at.has_value());
  EXPECT_FALSE(c.source_deadline.has_value());
}

TEST(ParseReport, OnlyTheRequiredFieldsAreEnough) {
  const Result<Case> r = parse(
      R"({"reportId": "R1", "gridCode": "64020200100311", "eventType": "民生服务", "description": "d"})");
  ASSERT_TRUE(r.ok()) << r.refusal().message();
  EXPECT_EQ(r->title, "民生服务");
  EXPECT_EQ(r->category, (std::vector<std::string>{"民生服务"}));
  EXPECT_EQ(r->reported_at, kReceivedAt);  // no time given: when it arrived
  EXPECT_FALSE(r->occurred_at.has_value());
  EXPECT_FALSE(r->coordinates.has_value());
  EXPECT_EQ(r->severity, 0);
  EXPECT_EQ(r->priority, Priority::normal);
}

TEST(ParseReport, ReportedAtFallsBackToOccurredAt) {
  const Result<Case> r = parse(report_with("reportedAt", ""));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->reported_at, *parse_time("2025-09-21T10:19:00+08:00"));
  const Result<Case> null_time = parse(report_with("reportedAt", "null"));
  ASSERT_TRUE(null_time.ok());
  EXPECT_EQ(null_time->reported_at, *parse_time("2025-09-21T10:19:00+08:00"));
}

TEST(ParseReport, EveryEventTypeAndCoordinateSystemIsAccepted) {
  for (std::string_view type : kEventTypes) {
    const Result<Case> r = parse(report_with("eventType", "\"" + std::string(type) + "\""));
    ASSERT_TRUE(r.ok()) << type;
    EXPECT_EQ(r->kind, type);
    EXPECT_EQ(r->category.front(), type);
  }
  for (std::string_view crs : kCoordinateSystems) {
    const Result<Case> r = parse(
        report_with("location", R"({"lng": -180, "lat": 90, "crs": ")" + std::string(crs) + "\"}"));
    ASSERT_TRUE(r.ok()) << crs;
    EXPECT_EQ(r->coordinates->crs, crs);
  }
}

TEST(ParseReport, CoordinatesNeedBothLngAndLat) {
  for (const char* location : {R"({"lng": 106.3, "crs": "WGS-84"})", R"({"lat": 39.0})",
                               R"({"lng": 106.3, "lat": null})", R"({"address": "x"})", "null"}) {
    const Result<Case> r = parse(report_with("location", location));
    ASSERT_TRUE(r.ok()) << location << ": " << r.refusal().message();
    EXPECT_FALSE(r->coordinates.has_value()) << location;
  }
}

TEST(ParseReport, SeverityBecomesPriorityThroughTheOptions) {
  const GridOptions defaults;
  for (int severity = 1; severity <= 4; ++severity) {
    const Result<Case> r = parse(report_with("severity", std::to_string(severity)));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->severity, severity);
    EXPECT_EQ(r->priority, defaults.severity_priority[severity]);
  }
  GridOptions reversed;  // an admin who reads 1 as the most severe
  reversed.severity_priority[1] = Priority::critical;
  reversed.severity_priority[4] = Priority::normal;
  const Result<Case> one = parse(report_with("severity", "1"), reversed);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->priority, Priority::critical);
  const Result<Case> four = parse(report_with("severity", "4"), reversed);
  ASSERT_TRUE(four.ok());
  EXPECT_EQ(four->priority, Priority::normal);
}

TEST(ParseReport, ASelfHandledReportArrivesResolved) {
  Fields fields = base_report();
  fields.emplace_back("handledResult", R"("已劝导居民停止飞线充电")");
  fields.emplace_back("handledAt", R"("2025-09-21T09:56:00+08:00")");
  const Result<Case> open = parse(to_json(fields));
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->status, CaseStatus::dispatched);
  EXPECT_FALSE(open->self_handled);
  EXPECT_EQ(open->handled_result, "");
  EXPECT_FALSE(open->handled_at.has_value());

  const Result<Case> done = parse(report_with("selfHandled", "true", fields));
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->status, CaseStatus::resolved);
  EXPECT_TRUE(done->self_handled);
  EXPECT_EQ(done->handled_result, "已劝导居民停止飞线充电");
  EXPECT_EQ(done->handled_at, parse_time("2025-09-21T09:56:00+08:00"));
}

TEST(ParseReport, AnEmptySubTypeIsNoSubType) {
  const Result<Case> r = parse(report_with("subType", R"("")"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->title, "安全隐患");
  EXPECT_EQ(r->category.size(), 1u);
}

TEST(ParseReport, ExtraFieldsAndLongTextsAreAccepted) {
  std::string long_text;
  while (long_text.size() < 200 * 1024) long_text += "井盖破损，存在安全隐患。";
  Fields fields = base_report();
  fields.emplace_back("appVersion", R"({"build": [3, 1], "os": "android"})");
  fields[2].second = R"({"workerId": "W1", "team": {"lead": "W0"}})";
  const Result<Case> r = parse(report_with("description", "\"" + long_text + "\"", fields));
  ASSERT_TRUE(r.ok()) << r.refusal().message();
  EXPECT_EQ(r->description, long_text);
}

struct Refused {
  std::string key;
  std::string raw;  // empty removes the key
  RefusalCode code;
  std::string field;
  std::string detail_contains;
};

const std::vector<Refused>& refusal_cases() {
  static const std::vector<Refused> cases = {
      {"reportId", "", RefusalCode::missing_field, "reportId", "absent or null"},
      {"reportId", "null", RefusalCode::missing_field, "reportId", ""},
      {"gridCode", "", RefusalCode::missing_field, "gridCode", ""},
      {"gridCode", "null", RefusalCode::missing_field, "gridCode", ""},
      {"eventType", "", RefusalCode::missing_field, "eventType", ""},
      {"eventType", "null", RefusalCode::missing_field, "eventType", ""},
      {"description", "", RefusalCode::missing_field, "description", ""},
      {"description", "null", RefusalCode::missing_field, "description", ""},
      {"location", R"({"lng": 106.3, "lat": 39.0})", RefusalCode::missing_field, "location.crs",
       ""},
      {"location", R"({"lng": 106.3, "lat": 39.0, "crs": null})", RefusalCode::missing_field,
       "location.crs", ""},
      {"photos", R"(["a", null])", RefusalCode::missing_field, "photos[1]", ""},
      {"reportId", "7", RefusalCode::wrong_type, "reportId", "expected string, found number"},
      {"gridCode", "64020200200202", RefusalCode::wrong_type, "gridCode",
       "expected string, found number"},
      {"reporter", R"(["W1"])", RefusalCode::wrong_type, "reporter",
       "expected object, found array"},
      {"reporter", R"({"workerId": 275})", RefusalCode::wrong_type, "reporter.workerId", ""},
      {"reporter", R"({"name": {"first": "孙"}})", RefusalCode::wrong_type, "reporter.name",
       "found object"},
      {"reporter", R"({"phone": 13909559083})", RefusalCode::wrong_type, "reporter.phone",
       "found number"},
      {"eventType", "[]", RefusalCode::wrong_type, "eventType", "found array"},
      {"subType", "1", RefusalCode::wrong_type, "subType", ""},
      {"description", "true", RefusalCode::wrong_type, "description", "found boolean"},
      {"location", R"("106.3,39.0")", RefusalCode::wrong_type, "location", "expected object"},
      {"location", R"({"lng": "106.3", "lat": 39.0, "crs": "WGS-84"})", RefusalCode::wrong_type,
       "location.lng", "expected number, found string"},
      {"location", R"({"lng": 106.3, "lat": [39.0], "crs": "WGS-84"})", RefusalCode::wrong_type,
       "location.lat", "found array"},
      {"location", R"({"address": 5})", RefusalCode::wrong_type, "location.address", ""},
      {"location", R"({"crs": 84})", RefusalCode::wrong_type, "location.crs", ""},
      {"occurredAt", "{}", RefusalCode::wrong_type, "occurredAt", "found object"},
      {"photos", R"("https://x")", RefusalCode::wrong_type, "photos", "expected array"},
      {"photos", R"([{"url": "https://x"}])", RefusalCode::wrong_type, "photos[0]",
       "expected string, found object"},
      {"selfHandled", R"("false")", RefusalCode::wrong_type, "selfHandled",
       "expected boolean, found string"},
      {"handledResult", "1", RefusalCode::wrong_type, "handledResult", ""},
      {"severity", R"("3")", RefusalCode::wrong_type, "severity", "expected integer, found string"},
      {"severity", "2.5", RefusalCode::wrong_type, "severity", "fraction"},
      {"gridCode", R"("6402020020020")", RefusalCode::out_of_range, "gridCode",
       "exactly 14 ASCII digits"},
      {"gridCode", R"("640202002002020")", RefusalCode::out_of_range, "gridCode", ""},
      {"gridCode", R"("6402020020020X")", RefusalCode::out_of_range, "gridCode",
       "found \"6402020020020X\""},
      {"eventType", R"("噪音扰民")", RefusalCode::out_of_range, "eventType",
       "expected one of 矛盾纠纷, 安全隐患, 城市管理, 民生服务, 治安事件; found \"噪音扰民\""},
      {"reportId", R"("")", RefusalCode::out_of_range, "reportId", "expected 1 to 64 bytes"},
      {"reportId", "\"" + std::string(65, 'R') + "\"", RefusalCode::out_of_range, "reportId",
       "found 65"},
      {"location", R"({"lng": 180.5, "lat": 39.0, "crs": "WGS-84"})", RefusalCode::out_of_range,
       "location.lng", "expected a number in [-180, 180], found 180.5"},
      {"location", R"({"lng": 106.3, "lat": -90.01, "crs": "WGS-84"})", RefusalCode::out_of_range,
       "location.lat", "[-90, 90]"},
      {"location", R"({"lng": 106.3, "lat": 39.0, "crs": "CGCS2000"})", RefusalCode::out_of_range,
       "location.crs", "expected one of WGS-84, GCJ-02, BD-09"},
      {"photos", R"([""])", RefusalCode::out_of_range, "photos[0]", "must not be empty"},
      {"severity", "0", RefusalCode::out_of_range, "severity", "from 1 to 4, found 0"},
      {"severity", "5", RefusalCode::out_of_range, "severity", "found 5"},
      {"severity", "99999999999999999999", RefusalCode::out_of_range, "severity", "64-bit"},
      {"occurredAt", R"("2025-09-21")", RefusalCode::bad_time, "occurredAt", "YYYY-MM-DD HH:MM:SS"},
      {"reportedAt", R"("2025-09-21T10:22:00+15:00")", RefusalCode::bad_time, "reportedAt", ""},
      {"reportedAt", "1758421320000.0", RefusalCode::bad_time, "reportedAt", ""},
      {"handledAt", R"("2101-01-01 00:00:00")", RefusalCode::bad_time, "handledAt",
       "accepted range"},
      {"reporter", R"({"workerId": "W1", "workerId": "W2"})", RefusalCode::malformed_json,
       "reporter.workerId", "duplicate key"},
      {"location", R"({"lng": 1, "lat": 2, "crs": "WGS-84", "lng": 3})",
       RefusalCode::malformed_json, "location.lng", "duplicate key"},
      {"extra", "[1, 2,]", RefusalCode::malformed_json, "", ""},
  };
  return cases;
}

TEST(ParseReport, EveryRefusalNamesTheFieldAndTheProblem) {
  for (const Refused& c : refusal_cases()) {
    SCOPED_TRACE(c.key + " = " + c.raw);
    const Result<Case> r = parse(report_with(c.key, c.raw));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.refusal().code, c.code) << r.refusal().message();
    if (!c.field.empty()) {
      EXPECT_EQ(r.refusal().field, c.field) << r.refusal().message();
    }
    EXPECT_NE(r.refusal().detail.find(c.detail_contains), std::string::npos) << r.refusal().detail;
  }
}

TEST(ParseReport, NoRefusalMessageCarriesTheReportersNameOrPhone) {
  for (const Refused& c : refusal_cases()) {
    const Result<Case> r = parse(report_with(c.key, c.raw));
    ASSERT_FALSE(r.ok());
    const std::string message = r.refusal().message();
    EXPECT_EQ(message.find(kWorkerName), std::string::npos) << message;
    EXPECT_EQ(message.find(kWorkerPhone), std::string::npos) << message;
  }
}

TEST(ParseReport, EverySampleReportDecodes) {
  const std::vector<std::string> lines = testing::read_sample_lines("grid-reports.jsonl");
  ASSERT_EQ(lines.size(), 20u);
  int self_handled = 0;
  for (const std::string& line : lines) {
    const Result<Case> r = parse(line);
    ASSERT_TRUE(r.ok()) << r.refusal().message() << "\n" << line;
    EXPECT_TRUE(is_case_id(r->case_id));
    EXPECT_EQ(r->region.grid_code.size(), 14u);
    EXPECT_TRUE(r->coordinates.has_value());
    EXPECT_GE(r->severity, 1);
    if (r->self_handled) {
      ++self_handled;
      EXPECT_EQ(r->status, CaseStatus::resolved);
      EXPECT_TRUE(r->handled_at.has_value());
    }
  }
  EXPECT_GT(self_handled, 0);
}

}  // namespace
}  // namespace gw::grid
