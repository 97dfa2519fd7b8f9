// The routing stage with the lifecycle, without Kafka: what it writes for a new case, a
// status update (applied, duplicate, refused, for an unknown case), a return (routed again
// from the input read back), a due timer, and a restore from state records.
#include "gateway/pipeline/lifecycle_stage.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "gateway/core/case_id.h"
#include "gateway/pipeline/tests/tiny_decoder.h"
#include "gateway/core/tests/lifecycle_fakes.h"

namespace gw {
namespace {

using testing::FakePolicy;
using testing::kHour;
using testing::kMinute;
using testing::kT0;

using testing::TinyDecoder;

// "caseId|department|action|updateId|minutes after kT0[|reason]".
Result<StatusUpdate> tiny_update(std::string_view bytes) {
  std::vector<std::string> parts;
  std::size_t from = 0;
  while (true) {
    const std::size_t bar = bytes.find('|', from);
    parts.emplace_back(bytes.substr(from, bar - from));
    if (bar == std::string_view::npos) break;
    from = bar + 1;
  }
  if (parts.size() < 5) return Refusal{RefusalCode::malformed_json, "", "expected 5 fields"};
  StatusUpdate u;
  u.case_id = parts[0];
  u.department = parts[1];
  const std::map<std::string, UpdateAction> actions = {
      {"sign_for", UpdateAction::sign_for},
      {"return", UpdateAction::return_misrouted},
      {"resolve", UpdateAction::resolve}};
  auto action = actions.find(parts[2]);
  if (action == actions.end()) return Refusal{RefusalCode::out_of_range, "action", parts[2]};
  u.action = action->second;
  u.update_id = parts[3];
  u.at = kT0 + std::stoll(parts[4]) * kMinute;
  if (parts.size() > 5) u.reason = parts[5];
  if (u.action == UpdateAction::resolve) u.result = "done";
  return u;
}

std::shared_ptr<const RouteTable> table() {
  auto config = std::make_shared<RoutingConfig>();
  config->file = "t.yaml";
  config->departments = {
      {"housing", "住建局", "dept.housing", PersonalDataPolicy::masked, {}},
      {"water", "水务局", "dept.water", PersonalDataPolicy::masked, {}},
      {"command-center", "指挥中心", "dept.center", PersonalDataPolicy::omit, {}},
  };
  Rule housing;
  housing.id = "complaints-housing";
  housing.match.kinds = {"投诉"};
  housing.lead = "housing";
  Rule water;
  water.id = "complaints-water";
  water.match.kinds = {"投诉"};
  water.lead = "water";
  config->rules = {housing, water};
  config->default_department = "command-center";
  return std::make_shared<const RouteTable>(config);
}

std::string header(const OutRecord& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

std::vector<std::string> topics_of(const std::vector<OutRecord>& records) {
  std::vector<std::string> out;
  for (const OutRecord& r : records) out.push_back(r.topic);
  return out;
}

struct LifecycleStageTest : ::testing::Test {
  std::shared_ptr<const RouteTable> current = table();
  CaseProcessor intake{[this] { return current; }, "dlq"};
  CaseProcessor routing{[this] { return current; }, "dlq"};
  std::shared_ptr<FakePolicy> policy = std::make_shared<FakePolicy>();
  // The internal topic, as the records forward() wrote, by (partition, offset).
  std::map<std::pair<std::int32_t, std::int64_t>, StoredRecord> internal;
  std::int64_t next_offset = 100;
  std::unique_ptr<LifecycleStage> stage;
  RoutedCases routed;
  const std::string id = make_case_id(Source::hotline, "T-1");

  void SetUp() override {
    for (CaseProcessor* p : {&intake, &routing}) {
      p->add_input("tickets", std::make_unique<TinyDecoder>());
      p->add_update_input("updates", tiny_update);
    }
    LifecycleOptions options;
    options.command_center = "command-center";
    options.max_returns = 2;
    LifecycleTopics topics{"state", "events", 6, "supervision"};
    stage = std::make_unique<LifecycleStage>(
        routing, policy, options, topics,
        [this](std::int32_t partition, std::int64_t offset) -> Result<StoredRecord> {
          auto it = internal.find({partition, offset});
          if (it == internal.end()) return Refusal{RefusalCode::out_of_range, "inputOffset", "gone"};
          return it->second;
        });
  }

  // Through the intake stage onto the "internal topic", then the routing stage.
  // now: late enough that no update is ahead of it (updates from the future are refused).
  ProcessOutcome feed(std::string_view topic, std::string_view value,
                      EpochMs now = kT0 + testing::kDay) {
    InputRecord in;
    in.topic = topic;
    in.partition = 0;
    in.offset = 7;
    in.value = value;
    in.timestamp = kT0;
    ProcessOutcome fwd = intake.forward(in, "cases", 6);
    if (fwd.dead_lettered) return fwd;
    const OutRecord& r = fwd.records.at(0);
    StoredRecord stored{r.topic, r.partition, next_offset++, r.key, r.value, r.timestamp.value_or(0),
                        r.headers};
    auto [it, inserted] = internal.emplace(std::make_pair(stored.partition, stored.offset), stored);
    return stage->process(it->second.view(), routed, now);
  }
};

TEST_F(LifecycleStageTest, ANewCaseIsRoutedWithItsEventsThenItsStateLast) {
  ProcessOutcome o = feed("tickets", "T-1|投诉");
  ASSERT_FALSE(o.dead_lettered);
  EXPECT_EQ(topics_of(o.records),
            (std::vector<std::string>{"dept.housing", "events", "events", "state"}));
  const OutRecord& created = o.records[1];
  EXPECT_EQ(created.key, id);
  EXPECT_EQ(created.partition, internal_partition(id, 6));
  EXPECT_EQ(header(created, "event.type"), "created");
  EXPECT_EQ(header(o.records[2], "event.type"), "routed");
  const OutRecord& state = o.records.back();
  EXPECT_TRUE(state.after_others);
  EXPECT_EQ(state.partition, internal_partition(id, 6));
  const auto decoded = decode_case_state(state.value);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->lead, "housing");
  EXPECT_EQ(decoded->input_offset, 100);
  EXPECT_EQ(stage->book().size(), 1u);
  EXPECT_EQ(stage->next_due(), kT0 + kHour);  // the first sign-for warning (50% of 2 h)
  EXPECT_EQ(stage->counters().cases_tracked, 1u);
  // A repeat of the case is suppressed, as without the lifecycle.
  EXPECT_TRUE(feed("tickets", "T-1|投诉").duplicate);
}

TEST_F(LifecycleStageTest, UpdatesAreAppliedOnceAndRefusalsAreDeadLettered) {
  feed("tickets", "T-1|投诉");
  ProcessOutcome signed_for = feed("updates", id + "|housing|sign_for|u1|10");
  ASSERT_FALSE(signed_for.dead_lettered) << signed_for.refusal->message();
  EXPECT_EQ(topics_of(signed_for.records), (std::vector<std::string>{"events", "state"}));
  EXPECT_EQ(header(signed_for.records[0], "event.type"), "signed_for");
  EXPECT_EQ(decode_case_state(*stage->book().find(id))->status, LifecycleStatus::signed_for);

  ProcessOutcome again = feed("updates", id + "|housing|sign_for|u1|10");
  EXPECT_FALSE(again.dead_lettered);
  EXPECT_TRUE(again.records.empty());

  ProcessOutcome wrong = feed("updates", id + "|water|resolve|u2|20");
  ASSERT_TRUE(wrong.dead_lettered);
  ASSERT_EQ(wrong.records.size(), 1u);
  EXPECT_EQ(wrong.records[0].topic, "dlq");
  EXPECT_EQ(header(wrong.records[0], kDlqSourceTopic), "updates");  // the original coordinates
  EXPECT_EQ(decode_case_state(*stage->book().find(id))->status, LifecycleStatus::signed_for);

  const std::string unknown = make_case_id(Source::hotline, "nobody");
  ProcessOutcome lost = feed("updates", unknown + "|housing|sign_for|u3|20");
  ASSERT_TRUE(lost.dead_lettered);
  EXPECT_EQ(lost.refusal->field, "caseId");

  ProcessOutcome garbage = feed("updates", "not an update");
  EXPECT_TRUE(garbage.dead_lettered);  // refused by the intake stage already
  EXPECT_EQ(stage->counters().updates_applied, 1u);
  EXPECT_EQ(stage->counters().updates_duplicate, 1u);
}

TEST_F(LifecycleStageTest, AReturnedCaseIsRoutedAgainWithoutTheDepartmentThatReturnedIt) {
  feed("tickets", "T-1|投诉");
  ProcessOutcome returned = feed("updates", id + "|housing|return|r1|5|不归我局管");
  ASSERT_FALSE(returned.dead_lettered) << returned.refusal->message();
  // The case goes to the next rule's department, with the events and the new state.
  ASSERT_FALSE(returned.records.empty());
  EXPECT_EQ(returned.records[0].topic, "dept.water");
  EXPECT_EQ(returned.records.back().topic, "state");
  const auto state = decode_case_state(returned.records.back().value);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->lead, "water");
  EXPECT_EQ(state->status, LifecycleStatus::dispatched);
  EXPECT_EQ(state->returned_by, (std::vector<std::string>{"housing"}));
  std::vector<std::string> types;
  for (const OutRecord& r : returned.records) {
    if (r.topic == "events") types.push_back(header(r, "event.type"));
  }
  EXPECT_EQ(types, (std::vector<std::string>{"returned", "redispatched"}));

  // Water returns it too: max_returns (2) reached, the command center holds it, without
  // routing, and gets the case.
  ProcessOutcome second = feed("updates", id + "|water|return|r2|6|也不归我们");
  ASSERT_FALSE(second.dead_lettered) << second.refusal->message();
  EXPECT_EQ(second.records[0].topic, "dept.center");
  EXPECT_EQ(decode_case_state(second.records.back().value)->lead, "command-center");
  EXPECT_EQ(stage->counters().rerouted, 1u);
  EXPECT_EQ(stage->counters().reroute_failures, 0u);
}

TEST_F(LifecycleStageTest, AReturnWhoseInputIsGoneGoesToTheCommandCenterByItsEventOnly) {
  feed("tickets", "T-1|投诉");
  internal.clear();  // deleted by retention
  ProcessOutcome returned = feed("updates", id + "|housing|return|r1|5|不归我局管");
  ASSERT_FALSE(returned.dead_lettered);
  EXPECT_EQ(decode_case_state(returned.records.back().value)->lead, "command-center");
  for (const OutRecord& r : returned.records) EXPECT_NE(r.topic.rfind("dept.", 0), 0u) << r.topic;
  EXPECT_EQ(stage->counters().reroute_failures, 1u);
  EXPECT_NE(stage->counters().last_problem.find("gone"), std::string::npos);
}

TEST_F(LifecycleStageTest, DueTimersFireWarningsBreachesAndEscalationsOnce) {
  feed("tickets", "T-1|投诉");
  EXPECT_TRUE(stage->fire_due(kT0 + kHour - 1).empty());
  auto warned = stage->fire_due(kT0 + kHour);
  ASSERT_EQ(warned.size(), 1u);
  EXPECT_EQ(warned[0].partition, internal_partition(id, 6));
  EXPECT_EQ(topics_of(warned[0].records),
            (std::vector<std::string>{"supervision", "events", "state"}));
  EXPECT_EQ(header(warned[0].records[1], "event.type"), "warned");
  EXPECT_TRUE(warned[0].records.back().after_others);
  EXPECT_TRUE(stage->fire_due(kT0 + kHour).empty());  // fired once

  // Everything due by 2 h: the second warning, the breach and tier 1 of the escalation.
  auto breached = stage->fire_due(kT0 + 2 * kHour);
  ASSERT_EQ(breached.size(), 1u);
  std::vector<std::string> types;
  for (const OutRecord& r : breached[0].records) {
    if (r.topic == "events") types.push_back(header(r, "event.type"));
  }
  EXPECT_EQ(types, (std::vector<std::string>{"warned", "breached", "escalated"}));
  const auto escalation_topic = std::string("supervision.community.sign_for.housing");
  const std::vector<std::string> topics = topics_of(breached[0].records);
  EXPECT_EQ(std::count(topics.begin(), topics.end(), escalation_topic), 1);
  // Signing for ends the sign-for clock: its next tiers never fire.
  feed("updates", id + "|housing|sign_for|u1|130", kT0 + 130 * kMinute);
  for (const auto& f : stage->fire_due(kT0 + 3 * testing::kDay)) {
    for (const OutRecord& r : f.records) {
      if (r.topic == "events") EXPECT_NE(header(r, "event.type"), "escalated");
    }
  }
}

TEST_F(LifecycleStageTest, RestoreRebuildsTimersAndKeepsOlderRecordsAsRoutedOnly) {
  ProcessOutcome o = feed("tickets", "T-1|投诉");
  const std::string state = o.records.back().value;
  const std::int32_t p = o.records.back().partition;

  RoutedCases fresh_routed;
  LifecycleStage fresh(routing, policy, LifecycleOptions{}, LifecycleTopics{"state", "events", 6, ""},
                       {});
  fresh.restore(p, id, state, false, fresh_routed);
  const std::string legacy_id = make_case_id(Source::hotline, "legacy");
  fresh.restore(p, legacy_id, R"({"caseId":"x","version":1,"status":"dispatched"})", false,
                fresh_routed);
  const std::string corrupt_id = make_case_id(Source::hotline, "corrupt");
  fresh.restore(p, corrupt_id, "\x01garbage", false, fresh_routed);
  EXPECT_TRUE(fresh_routed.contains(p, id));
  EXPECT_TRUE(fresh_routed.contains(p, legacy_id));
  EXPECT_TRUE(fresh_routed.contains(p, corrupt_id));
  EXPECT_EQ(fresh.book().size(), 1u);
  EXPECT_EQ(fresh.counters().restore_refused, 1u);
  EXPECT_EQ(fresh.next_due(), kT0 + kHour);
  // The same warning, with the same event id, as the first instance would have fired.
  auto a = stage->fire_due(kT0 + kHour);
  auto b = fresh.fire_due(kT0 + kHour);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0].records[1].value, b[0].records.front().value);
  // A tombstone forgets the case.
  fresh.restore(p, id, "", true, fresh_routed);
  EXPECT_FALSE(fresh_routed.contains(p, id));
  EXPECT_EQ(fresh.book().size(), 0u);
}

}  // namespace
}  // namespace gw
