// CaseQueries against the embedded mock cluster: state and event records written as the
// gateway writes them, read back by GET /v1/cases/{caseId} and GET /v1/stats (through the
// admin API's replies too).
#include "gateway/app/case_queries.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "adapters/kafka/embedded_cluster.h"
#include "adapters/kafka/testing/timed_records.h"
#include "gateway/app/admin_api.h"
#include "gateway/pipeline/routed_cases.h"

namespace gw::app {
namespace {

constexpr EpochMs kHour = 3600 * 1000;
constexpr EpochMs kT0 = 1756656000000;  // 2025-09-01T00:00:00+08:00
constexpr char kStateTopic[] = "gw.case-state";
constexpr char kEventsTopic[] = "case-events";
constexpr int kStatePartitions = 3;
constexpr int kEventPartitions = 2;

constexpr char kA[] = "HL-aaaaaaaaaaaaaaaaaaaaaaaa";  // lifecycle state, events
constexpr char kB[] = "GR-bbbbbbbbbbbbbbbbbbbbbbbb";  // lifecycle state, events, another street
constexpr char kLegacy[] = "HL-cccccccccccccccccccccccc";   // routed before the lifecycle
constexpr char kDeleted[] = "HL-dddddddddddddddddddddddd";  // tombstoned
constexpr char kNever[] = "HL-eeeeeeeeeeeeeeeeeeeeeeee";    // never routed

CaseState state_of(const std::string& id, LifecycleStatus status, const std::string& lead,
                   const std::string& street) {
  CaseState s;
  s.case_id = id;
  s.status = status;
  s.lead = lead;
  s.co = {"water"};
  s.facts.kind = "投诉";
  s.facts.category = {"城乡建设", "市政设施"};
  s.facts.priority = Priority::urgent;
  s.facts.street_code = street;
  s.created_at = kT0 + kHour;
  StageClock resolve;
  resolve.stage = SlaStage::resolve;
  resolve.deadline.start = kT0 + kHour;
  resolve.deadline.due = kT0 + 49 * kHour;
  resolve.deadline.add_warning(kT0 + 25 * kHour);
  resolve.deadline.add_escalation(kT0 + 73 * kHour);
  resolve.warned = 1;
  s.clocks.push_back(resolve);
  s.event_seq = 3;
  return s;
}

CaseEvent event(const std::string& id, std::uint32_t seq, EventType type, EpochMs at,
                const std::string& department, std::optional<SlaStage> stage = std::nullopt) {
  CaseEvent e;
  e.case_id = id;
  e.seq = seq;
  e.type = type;
  e.at = at;
  e.department = department;
  e.stage = stage;
  e.id = make_event_id(id, type, stage, static_cast<int>(seq), 0);
  return e;
}

testing::TimedRecord state_record(const std::string& id, std::optional<std::string> value,
                                  EpochMs at) {
  return {internal_partition(id, kStatePartitions), id, std::move(value), at};
}

testing::TimedRecord event_record(const CaseEvent& e) {
  std::string json;
  append_event_json(json, e);
  return {internal_partition(e.case_id, kEventPartitions), e.case_id, json, e.at};
}

class CaseQueriesTest : public ::testing::Test {
 protected:
  CaseQueriesTest() {
    settings.brokers = cluster.bootstrap();
    settings.consumer_properties["fetch.wait.max.ms"] = "50";
    cluster.create_topic(kStateTopic, kStatePartitions);
    cluster.create_topic(kEventsTopic, kEventPartitions);
    a_state = state_of(kA, LifecycleStatus::signed_for, "housing", "110105001");
    CaseState a_before = a_state;
    a_before.status = LifecycleStatus::dispatched;
    testing::produce_timed(
        settings, kStateTopic,
        {state_record(kA, encode_case_state(a_before), kT0 + kHour),
         state_record(
             kLegacy,
             R"({"caseId":"HL-cccccccccccccccccccccccc","version":1,"status":"dispatched",)"
             R"("lead":"gas","rule":null,"receivedAt":"2025-08-01T10:00:00+08:00"})",
             kT0 - 700 * kHour),
         state_record(kDeleted,
                      encode_case_state(state_of(kDeleted, LifecycleStatus::closed, "housing", "")),
                      kT0),
         state_record(
             kB, encode_case_state(state_of(kB, LifecycleStatus::resolved, "water", "110105002")),
             kT0 + 2 * kHour),
         state_record(kA, encode_case_state(a_state), kT0 + 3 * kHour),
         state_record(kDeleted, std::nullopt, kT0 + 4 * kHour)});

    a_events = {event(kA, 0, EventType::created, kT0 + kHour, ""),
                event(kA, 1, EventType::routed, kT0 + kHour, "housing"),
                event(kA, 2, EventType::signed_for, kT0 + 3 * kHour, "housing")};
    const std::vector<CaseEvent> b_events = {
        event(kB, 0, EventType::created, kT0 + 2 * kHour, ""),
        event(kB, 1, EventType::routed, kT0 + 2 * kHour, "water"),
        event(kB, 2, EventType::signed_for, kT0 + 2 * kHour + 1, "water"),
        event(kB, 3, EventType::breached, kT0 + 5 * kHour, "water", SlaStage::resolve),
        event(kB, 4, EventType::resolved, kT0 + 6 * kHour, "water")};
    std::vector<testing::TimedRecord> records;
    // Written out of order across cases, with a repeat and a record that is not an event.
    records.push_back(event_record(b_events[0]));
    records.push_back(event_record(a_events[0]));
    records.push_back(event_record(b_events[1]));
    records.push_back(event_record(a_events[1]));
    records.push_back(event_record(b_events[2]));
    records.push_back(event_record(a_events[2]));
    records.push_back(event_record(a_events[2]));  // at least once
    records.push_back({internal_partition(kA, kEventPartitions), kA, "{\"id\":", kT0 + 4 * kHour});
    for (std::size_t i = 3; i < b_events.size(); ++i) records.push_back(event_record(b_events[i]));
    testing::produce_timed(settings, kEventsTopic, records);
  }

  CaseQueries queries(std::size_t max_records = 1000, int max_concurrent = 2) const {
    CaseQuerySettings q;
    q.state_topic = kStateTopic;
    q.events_topic = kEventsTopic;
    q.max_records = max_records;
    q.max_concurrent = max_concurrent;
    return CaseQueries(settings, q);
  }

  EmbeddedCluster cluster;
  KafkaSettings settings;
  CaseState a_state;
  std::vector<CaseEvent> a_events;
};

TEST_F(CaseQueriesTest, ACaseIsItsLastStateAndItsEventsInOrder) {
  const CaseView v = queries().case_view(kA);
  ASSERT_TRUE(v.found);
  ASSERT_TRUE(v.state.has_value()) << v.state_error;
  EXPECT_EQ(*v.state, a_state);  // the last record of the key wins
  EXPECT_FALSE(v.legacy);
  EXPECT_EQ(v.timeline, a_events);  // ordered, the repeat dropped
  EXPECT_EQ(v.scan.unreadable, 1u);
  EXPECT_TRUE(v.scan.complete);
  EXPECT_GT(v.scan.records, 0u);

  const std::string json = case_view_json(v);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  EXPECT_EQ(std::string_view(doc["caseId"]), kA);
  EXPECT_EQ(std::string_view(doc["status"]), "signed_for");
  EXPECT_EQ(std::string_view(doc["lead"]), "housing");
  EXPECT_EQ(std::string_view(doc["streetCode"]), "110105001");
  EXPECT_EQ(std::string_view(doc["priority"]), "urgent");
  EXPECT_EQ(std::string_view(doc["createdAt"]), "2025-09-01T01:00:00+08:00");
  simdjson::dom::array deadlines = doc["deadlines"];
  ASSERT_EQ(deadlines.size(), 1u);
  EXPECT_EQ(std::string_view(deadlines.at(0)["stage"]), "resolve");
  EXPECT_EQ(std::string_view(deadlines.at(0)["due"]), "2025-09-03T01:00:00+08:00");
  EXPECT_EQ(int64_t(deadlines.at(0)["warningsFired"]), 1);
  EXPECT_FALSE(bool(deadlines.at(0)["breached"]));
  simdjson::dom::array timeline = doc["timeline"];
  ASSERT_EQ(timeline.size(), 3u);
  EXPECT_EQ(std::string_view(timeline.at(2)["type"]), "signed_for");
  EXPECT_TRUE(bool(doc["scan"]["complete"]));
  EXPECT_EQ(int64_t(doc["scan"]["unreadable"]), 1);
}

TEST_F(CaseQueriesTest, ALegacyRecordShowsStatusAndLeadOnly) {
  const CaseView v = queries().case_view(kLegacy);
  ASSERT_TRUE(v.found);
  EXPECT_TRUE(v.legacy);
  EXPECT_FALSE(v.state.has_value());
  EXPECT_EQ(v.legacy_status, "dispatched");
  EXPECT_EQ(v.legacy_lead, "gas");
  EXPECT_TRUE(v.timeline.empty());
  const std::string json = case_view_json(v);
  EXPECT_NE(json.find(R"("status":"dispatched","lead":"gas","legacy":true)"), std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("deadlines":[],"timeline":[])"), std::string::npos) << json;
}

TEST_F(CaseQueriesTest, DeletedNeverRoutedAndMalformedIdsAreNotFound) {
  const CaseQueries q = queries();
  EXPECT_FALSE(q.case_view(kDeleted).found);
  const CaseView never = q.case_view(kNever);
  EXPECT_FALSE(never.found);
  EXPECT_TRUE(never.scan.complete);
  const CaseView bad = q.case_view("../../etc/passwd");
  EXPECT_FALSE(bad.found);
  EXPECT_EQ(bad.scan.records, 0u);  // nothing read
}

TEST_F(CaseQueriesTest, StatsByDepartmentAndByStreet) {
  const CaseQueries q = queries();
  const StatsPeriod period{kT0, kT0 + 24 * kHour};
  const StatsAnswer by_department = q.stats(StatsQuery{period, StatsGrouping::department});
  ASSERT_EQ(by_department.report.groups.size(), 2u);
  EXPECT_EQ(by_department.report.groups[0].key, "housing");
  EXPECT_EQ(by_department.report.groups[0].figures,
            (StatsFigures{.dispatched = 1, .signed_for = 1, .open = 1}));
  EXPECT_EQ(by_department.report.groups[1].key, "water");
  EXPECT_EQ(by_department.report.groups[1].figures,
            (StatsFigures{.dispatched = 1, .signed_for = 1, .resolved = 1}));
  EXPECT_EQ(by_department.scan.unreadable, 1u);
  EXPECT_TRUE(by_department.scan.complete);

  const StatsAnswer by_street = q.stats(StatsQuery{period, StatsGrouping::street});
  ASSERT_EQ(by_street.report.groups.size(), 2u);
  EXPECT_EQ(by_street.report.groups[0].key, "110105001");
  EXPECT_EQ(by_street.report.groups[1].key, "110105002");
  EXPECT_EQ(by_street.report.total, by_department.report.total);

  // A period before every dispatch: nothing.
  EXPECT_TRUE(q.stats(StatsQuery{{kT0 - 24 * kHour, kT0}, StatsGrouping::department})
                  .report.groups.empty());

  const std::string json = stats_json(by_street);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  EXPECT_EQ(std::string_view(doc["from"]), "2025-09-01T00:00:00+08:00");
  EXPECT_EQ(std::string_view(doc["by"]), "street");
  EXPECT_EQ(int64_t(doc["total"]["dispatched"]), 2);
  EXPECT_DOUBLE_EQ(double(doc["total"]["completionRate"]), 0.5);
  EXPECT_DOUBLE_EQ(double(doc["total"]["onTimeCompletionRate"]), 0.0);
  EXPECT_TRUE(doc["groups"].at(0)["onTimeCompletionRate"].is_null());
}

TEST_F(CaseQueriesTest, TheRecordLimitIsReportedWhenHit) {
  const StatsAnswer a =
      queries(4).stats(StatsQuery{{kT0, kT0 + 24 * kHour}, StatsGrouping::street});
  EXPECT_FALSE(a.scan.complete);
  EXPECT_EQ(a.scan.records, 4u);
  EXPECT_EQ(a.scan.limit, 4u);
  EXPECT_NE(stats_json(a).find(R"("limit":4,"complete":false)"), std::string::npos);
  const CaseView v = queries(2).case_view(kA);
  EXPECT_FALSE(v.scan.complete);
}

TEST_F(CaseQueriesTest, TooManyQueriesAtOnceAreRefused) {
  const CaseQueries q = queries(1000, 0);
  EXPECT_THROW(q.case_view(kA), QueriesBusy);
  EXPECT_THROW(q.stats(StatsQuery{{kT0, kT0 + kHour}, StatsGrouping::department}), QueriesBusy);
  const http::HttpReply busy = case_view_reply(q, kA);
  EXPECT_EQ(busy.status, 429);
  EXPECT_EQ(busy.content_type, "application/problem+json");
}

TEST_F(CaseQueriesTest, AdminRepliesCarryTheStatuses) {
  const CaseQueries q = queries();
  EXPECT_EQ(case_view_reply(q, kA).status, 200);
  const http::HttpReply missing = case_view_reply(q, kNever);
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find(kNever), std::string::npos);
  const http::HttpReply not_an_id = case_view_reply(q, "x\xff");
  EXPECT_EQ(not_an_id.status, 404);
  EXPECT_EQ(not_an_id.body.find('\xff'), std::string::npos);

  using Params = std::multimap<std::string, std::string>;
  const http::HttpReply ok = stats_reply(
      q, Params{{"from", "2025-09-01T00:00:00+08:00"}, {"to", "2025-09-02T00:00:00+08:00"}});
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_NE(ok.body.find(R"("by":"department")"), std::string::npos);
  for (const Params& bad :
       {Params{{"to", "2025-09-02T00:00:00+08:00"}},
        Params{{"from", "2025-09-01"}, {"to", "2025-09-02T00:00:00Z"}},
        Params{
            {"from", "2025-09-01T00:00:00Z"}, {"to", "2025-09-02T00:00:00Z"}, {"by", "district"}},
        Params{{"from", "2025-09-01T00:00:00Z"},
               {"from", "2025-09-01T00:00:00Z"},
               {"to", "2025-09-02T00:00:00Z"}}}) {
    const http::HttpReply r = stats_reply(q, bad);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find(R"("code":"bad_query")"), std::string::npos) << r.body;
  }
}

TEST(CaseQueriesKafkaDown, AnswersServiceUnavailable) {
  KafkaSettings settings;
  settings.brokers = "127.0.0.1:1";  // nothing listens there
  CaseQuerySettings q;
  q.state_topic = kStateTopic;
  q.events_topic = kEventsTopic;
  q.timeout = std::chrono::milliseconds(300);
  const CaseQueries queries(settings, q);
  const http::HttpReply r = case_view_reply(queries, kA);
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("kafka_unavailable"), std::string::npos) << r.body;
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Retry-After");
}

}  // namespace
}  // namespace gw::app
