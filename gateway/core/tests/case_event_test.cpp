// parse_event_json: the inverse of append_event_json over every event type and member, and
// refusals (never a crash) for anything else.
#include "gateway/core/case_event.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gw {
namespace {

constexpr EpochMs kT0 = 1758506400000;  // 2025-09-22T10:00:00+08:00

std::string json_of(const CaseEvent& e) {
  std::string out;
  append_event_json(out, e);
  return out;
}

CaseEvent minimal(EventType type) {
  CaseEvent e;
  e.id = make_event_id("HL-0123456789abcdef01234567", type, std::nullopt, 0, 7);
  e.case_id = "HL-0123456789abcdef01234567";
  e.type = type;
  e.at = kT0;
  e.seq = 3;
  return e;
}

// What append_event_json writes of e: the index only for the types that carry one.
CaseEvent as_written(CaseEvent e) {
  if (e.type != EventType::warned && e.type != EventType::escalated) e.index = 0;
  return e;
}

void expect_round_trip(const CaseEvent& e) {
  const std::string json = json_of(e);
  Result<CaseEvent> back = parse_event_json(json);
  ASSERT_TRUE(back.ok()) << json << "\n" << back.refusal().message();
  EXPECT_EQ(*back, as_written(e)) << json;
  EXPECT_EQ(json_of(*back), json);
}

TEST(CaseEventJson, EveryTypeWithOnlyTheRequiredMembersRoundTrips) {
  for (std::size_t i = 0; i < kEventTypeCount; ++i) {
    const auto type = static_cast<EventType>(i);
    SCOPED_TRACE(std::string(to_string(type)));
    CaseEvent e = minimal(type);
    e.index = 2;  // written for warned and escalated only
    expect_round_trip(e);
    EXPECT_EQ(event_type_from_string(to_string(type)), type);
  }
  EXPECT_EQ(event_type_from_string("unknown"), std::nullopt);
  EXPECT_EQ(event_type_from_string(""), std::nullopt);
}

TEST(CaseEventJson, EveryTypeWithEveryMemberRoundTrips) {
  for (std::size_t i = 0; i < kEventTypeCount; ++i) {
    const auto type = static_cast<EventType>(i);
    SCOPED_TRACE(std::string(to_string(type)));
    CaseEvent e = minimal(type);
    e.at = kT0 + 123;  // milliseconds are written when not zero
    e.seq = 4294967295u;
    e.department = "housing";
    e.status = LifecycleStatus::extension_pending;
    e.update_id = "u-\"1\"\\x";
    e.stage = SlaStage::extension_decision;
    e.due = kT0 + 86400000;
    e.index = 3;
    e.tier = "street";
    e.topic = "supervision.street";
    e.reason = "不属于本单位职责\n(转交)";
    e.co = {"water", "gas", ""};
    e.satisfaction = 5;
    e.supervision = true;
    expect_round_trip(e);
  }
}

TEST(CaseEventJson, EachOptionalMemberRoundTripsAlone) {
  std::vector<CaseEvent> events;
  auto with = [&](auto&& set) {
    CaseEvent e = minimal(EventType::progress);
    set(e);
    events.push_back(e);
  };
  with([](CaseEvent& e) { e.department = "d"; });
  with([](CaseEvent& e) { e.update_id = "u"; });
  with([](CaseEvent& e) { e.due = kT0 - 1; });
  with([](CaseEvent& e) { e.tier = "city"; });
  with([](CaseEvent& e) { e.topic = "t"; });
  with([](CaseEvent& e) { e.reason = "r"; });
  with([](CaseEvent& e) { e.co = {"a"}; });
  with([](CaseEvent& e) { e.satisfaction = -3; });
  with([](CaseEvent& e) { e.supervision = true; });
  for (std::size_t s = 0; s < kSlaStageCount; ++s) {
    with([s](CaseEvent& e) { e.stage = static_cast<SlaStage>(s); });
  }
  for (std::size_t s = 0; s < kLifecycleStatusCount; ++s) {
    with([s](CaseEvent& e) { e.status = static_cast<LifecycleStatus>(s); });
  }
  for (const CaseEvent& e : events) expect_round_trip(e);
}

TEST(CaseEventJson, WarningAndTierIndexesRoundTrip) {
  for (int index : {0, 1, 4, -1, 2147483647}) {
    CaseEvent w = minimal(EventType::warned);
    w.index = index;
    w.stage = SlaStage::resolve;
    expect_round_trip(w);
    CaseEvent t = minimal(EventType::escalated);
    t.index = index;
    expect_round_trip(t);
  }
}

TEST(CaseEventJson, UnknownMembersAndWhitespaceAreAccepted) {
  const std::string json =
      " {\"id\":\"EV-1\", "
      "\"caseId\":\"HL-1\",\"type\":\"signed_for\",\"at\":\"2025-09-22T02:00:00Z\","
      "\"seq\":1,\"status\":\"signed_for\",\"supervision\":false,\"later\":{\"a\":[1,null]}}\n";
  Result<CaseEvent> e = parse_event_json(json);
  ASSERT_TRUE(e.ok()) << e.refusal().message();
  EXPECT_EQ(e->type, EventType::signed_for);
  EXPECT_EQ(e->at, kT0);
  EXPECT_EQ(e->status, LifecycleStatus::signed_for);
}

struct Refused {
  std::string json;
  RefusalCode code;
  std::string field;
};

TEST(CaseEventJson, MalformedInputIsRefusedNamingTheMember) {
  const std::string head =
      R"({"id":"EV-1","caseId":"HL-1","type":"progress","at":"2025-09-22T10:00:00+08:00",)";
  const std::string tail = R"("seq":1,"status":"in_progress","supervision":false)";
  const std::vector<Refused> cases = {
      {"", RefusalCode::empty_input, ""},
      {"{", RefusalCode::malformed_json, ""},
      {"{\"id\":", RefusalCode::malformed_json, ""},
      {"nul", RefusalCode::malformed_json, ""},
      {head + tail, RefusalCode::malformed_json, ""},  // not closed
      {head + tail + "}}", RefusalCode::malformed_json, ""},
      {head + tail + "} x", RefusalCode::malformed_json, ""},
      {"[1]", RefusalCode::not_an_object, ""},
      {"\"text\"", RefusalCode::not_an_object, ""},
      {"null", RefusalCode::not_an_object, ""},
      {"{\"id\":\"\xff\"}", RefusalCode::invalid_encoding, ""},
      {"{}", RefusalCode::missing_field, "id"},
      {head + R"("status":"in_progress","supervision":false})", RefusalCode::missing_field, "seq"},
      {head + R"("seq":1,"supervision":false})", RefusalCode::missing_field, "status"},
      {head + R"("seq":1,"status":"in_progress"})", RefusalCode::missing_field, "supervision"},
      {head + tail + R"(,"id":"EV-2"})", RefusalCode::malformed_json, "id"},
      {R"({"id":1})", RefusalCode::wrong_type, "id"},
      {R"({"id":null})", RefusalCode::wrong_type, "id"},
      {R"({"caseId":["HL-1"]})", RefusalCode::wrong_type, "caseId"},
      {R"({"type":"teleported"})", RefusalCode::out_of_range, "type"},
      {R"({"type":7})", RefusalCode::wrong_type, "type"},
      {R"({"at":"yesterday"})", RefusalCode::bad_time, "at"},
      {R"({"at":1758506400000})", RefusalCode::wrong_type, "at"},
      {R"({"due":"2025-02-30T10:00:00+08:00"})", RefusalCode::bad_time, "due"},
      {R"({"seq":-1})", RefusalCode::out_of_range, "seq"},
      {R"({"seq":4294967296})", RefusalCode::out_of_range, "seq"},
      {R"({"seq":18446744073709551615})", RefusalCode::out_of_range, "seq"},
      {R"({"seq":1.5})", RefusalCode::wrong_type, "seq"},
      {R"({"seq":"1"})", RefusalCode::wrong_type, "seq"},
      {R"({"status":"lost"})", RefusalCode::out_of_range, "status"},
      {R"({"stage":"never"})", RefusalCode::out_of_range, "stage"},
      {R"({"warning":2147483648})", RefusalCode::out_of_range, "warning"},
      {R"({"tier":true})", RefusalCode::wrong_type, "tier"},
      {R"({"co":"water"})", RefusalCode::wrong_type, "co"},
      {R"({"co":["water",3]})", RefusalCode::wrong_type, "co[1]"},
      {R"({"satisfaction":"5"})", RefusalCode::wrong_type, "satisfaction"},
      {R"({"supervision":"no"})", RefusalCode::wrong_type, "supervision"},
      {R"({"reason":{}})", RefusalCode::wrong_type, "reason"},
      // warning belongs to warned events, tier to escalated ones.
      {head + tail + R"(,"warning":1})", RefusalCode::out_of_range, "warning"},
      {head + tail + R"(,"tier":1})", RefusalCode::out_of_range, "tier"},
      {R"({"id":"EV-1","caseId":"HL-1","type":"warned","at":"2025-09-22T10:00:00+08:00",)" + tail +
           "}",
       RefusalCode::missing_field, "warning"},
      {R"({"id":"EV-1","caseId":"HL-1","type":"escalated","at":"2025-09-22T10:00:00+08:00",)" +
           tail + "}",
       RefusalCode::missing_field, "tier"},
  };
  for (const Refused& c : cases) {
    Result<CaseEvent> e = parse_event_json(c.json);
    ASSERT_FALSE(e.ok()) << c.json;
    EXPECT_EQ(e.refusal().code, c.code) << c.json << "\n" << e.refusal().message();
    EXPECT_EQ(e.refusal().field, c.field) << c.json << "\n" << e.refusal().message();
    EXPECT_FALSE(e.refusal().detail.empty()) << c.json;
  }
}

TEST(CaseEventJson, EveryTruncationOfAnEventIsRefusedWithoutACrash) {
  CaseEvent e = minimal(EventType::escalated);
  e.department = "housing";
  e.stage = SlaStage::resolve;
  e.due = kT0;
  e.index = 2;
  e.tier = "street";
  e.topic = "supervision.street";
  e.co = {"a", "b"};
  const std::string json = json_of(e);
  for (std::size_t n = 0; n < json.size(); ++n) {
    EXPECT_FALSE(parse_event_json(std::string_view(json).substr(0, n)).ok()) << n;
  }
  // Every single byte flipped: refused or read, never a crash.
  for (std::size_t i = 0; i < json.size(); ++i) {
    for (char c : {'\0', '"', '}', '\\', '\x80', '9'}) {
      std::string bad = json;
      bad[i] = c;
      (void)parse_event_json(bad);
    }
  }
}

TEST(CaseEventJson, ReadsAPayloadWithoutPaddingAfterIt) {
  // A Kafka payload ends where its bytes end: the parser must not read past it.
  const std::string json = json_of(minimal(EventType::closed));
  std::vector<char> exact(json.begin(), json.end());
  Result<CaseEvent> e = parse_event_json(std::string_view(exact.data(), exact.size()));
  ASSERT_TRUE(e.ok()) << e.refusal().message();
  EXPECT_EQ(e->type, EventType::closed);
}

}  // namespace
}  // namespace gw
