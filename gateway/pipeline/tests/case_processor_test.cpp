#include "gateway/pipeline/case_processor.h"

#include <gtest/gtest.h>

#include "gateway/core/case_id.h"
#include "gateway/pipeline/tests/tiny_decoder.h"

namespace gw {
namespace {

using testing::TinyDecoder;

std::shared_ptr<const RouteTable> table(std::string lead_for_complaints) {
  auto config = std::make_shared<RoutingConfig>();
  config->file = "t.yaml";
  config->departments = {
      {"housing", "住建局", "dept.housing", PersonalDataPolicy::masked, {}},
      {"street", "街道", "dept.street", PersonalDataPolicy::clear, {}},
      {"center", "指挥中心", "dept.center", PersonalDataPolicy::omit, {}},
  };
  config->streets = {Street{"640202001", "长胜街道", {Community{"640202001001", "向阳社区"}}}};
  Rule r;
  r.id = "complaints";
  r.match.kinds = {"投诉"};
  r.lead = std::move(lead_for_complaints);
  r.co = {"street"};
  config->rules = {r};
  config->default_department = "center";
  return std::make_shared<const RouteTable>(config);
}

struct CaseProcessorTest : ::testing::Test {
  std::shared_ptr<const RouteTable> current = table("housing");
  CaseProcessor processor{[this] { return current; }, "dlq"};
  void SetUp() override { processor.add_input("in", std::make_unique<TinyDecoder>()); }
  InputRecord record(std::string_view value, std::string_view topic = "in") {
    InputRecord r;
    r.topic = topic;
    r.partition = 2;
    r.offset = 41;
    r.key = "k";
    r.value = value;
    r.timestamp = 1758421320000;
    return r;
  }
};

std::string header(const OutRecord& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

TEST_F(CaseProcessorTest, RoutedCaseGoesToLeadAndCoHandlerEachWithItsPolicy) {
  ProcessOutcome o = processor.process(record("T-1|投诉"));
  ASSERT_FALSE(o.dead_lettered);
  ASSERT_EQ(o.records.size(), 2u);
  EXPECT_EQ(o.case_id, make_case_id(Source::hotline, "T-1"));
  EXPECT_EQ(o.rule_id, "complaints");
  EXPECT_EQ(o.lead, "housing");
  const OutRecord& lead = o.records[0];
  const OutRecord& co = o.records[1];
  EXPECT_EQ(lead.topic, "dept.housing");
  EXPECT_EQ(co.topic, "dept.street");
  EXPECT_EQ(lead.key, o.case_id);
  EXPECT_EQ(header(lead, kCaseRoleHeader), "lead");
  EXPECT_EQ(header(co, kCaseRoleHeader), "co");
  EXPECT_EQ(header(lead, kCaseIdHeader), o.case_id);
  EXPECT_EQ(header(lead, kCaseSchemaHeader), "case.v1");
  EXPECT_NE(lead.value.find("138****6131"), std::string::npos);
  EXPECT_EQ(lead.value.find("13830166131"), std::string::npos);
  EXPECT_NE(co.value.find("13830166131"), std::string::npos);
  // The region was filled from the street directory before routing and writing.
  EXPECT_NE(lead.value.find("\"street\":\"长胜街道\""), std::string::npos) << lead.value;
}

TEST_F(CaseProcessorTest, UnmatchedCaseGoesToTheDefault) {
  ProcessOutcome o = processor.process(record("T-2|咨询"));
  ASSERT_EQ(o.records.size(), 1u);
  EXPECT_EQ(o.records[0].topic, "dept.center");
  EXPECT_TRUE(o.rule_id.empty());
  EXPECT_EQ(o.lead, "center");
}

TEST_F(CaseProcessorTest, RefusedInputBecomesOneDeadLetterWithOriginAndReason) {
  ProcessOutcome o = processor.process(record("garbage"));
  ASSERT_TRUE(o.dead_lettered);
  ASSERT_EQ(o.records.size(), 1u);
  const OutRecord& d = o.records[0];
  EXPECT_EQ(d.topic, "dlq");
  EXPECT_EQ(d.key, "k");
  EXPECT_EQ(d.value, "garbage");
  EXPECT_EQ(header(d, kDlqSourceTopic), "in");
  EXPECT_EQ(header(d, kDlqSourcePartition), "2");
  EXPECT_EQ(header(d, kDlqSourceOffset), "41");
  EXPECT_EQ(header(d, kDlqErrorCode), "malformed_json");
  EXPECT_EQ(header(d, kDlqErrorField), "");
  EXPECT_EQ(header(d, kDlqErrorReason), "malformed_json: expected ref|kind");
  EXPECT_EQ(o.refusal->code, RefusalCode::malformed_json);
}

TEST_F(CaseProcessorTest, RecordFromAnUnconfiguredTopicIsDeadLetteredNotDropped) {
  ProcessOutcome o = processor.process(record("T-3|投诉", "other"));
  ASSERT_TRUE(o.dead_lettered);
  EXPECT_EQ(header(o.records[0], kDlqErrorCode), "out_of_range");
  EXPECT_EQ(header(o.records[0], kDlqErrorField), "topic");
  EXPECT_EQ(header(o.records[0], kDlqSourceTopic), "other");
}

TEST_F(CaseProcessorTest, ASwappedTableAppliesFromTheNextRecord) {
  EXPECT_EQ(processor.process(record("T-4|投诉")).lead, "housing");
  current = table("center");
  EXPECT_EQ(processor.process(record("T-4|投诉")).lead, "center");
}

TEST_F(CaseProcessorTest, SameInputGivesByteIdenticalOutputs) {
  ProcessOutcome a = processor.process(record("T-5|投诉"));
  ProcessOutcome b = processor.process(record("T-5|投诉"));
  ASSERT_EQ(a.records.size(), b.records.size());
  for (std::size_t i = 0; i < a.records.size(); ++i)
    EXPECT_EQ(a.records[i].value, b.records[i].value);
}

// The two stages: forward() in the intake stage, route_forwarded() in the routing stage.

InputRecord forwarded_as_input(const OutRecord& r, std::int64_t offset) {
  InputRecord in;
  in.topic = r.topic;
  in.partition = r.partition;
  in.offset = offset;
  in.key = r.key;
  in.value = r.value;
  in.timestamp = r.timestamp.value_or(0);
  for (const auto& [k, v] : r.headers) in.headers.emplace_back(k, v);
  return in;
}

TEST_F(CaseProcessorTest, IntakeForwardsTheOriginalBytesKeyedByCaseIdWithTheirOrigin) {
  ProcessOutcome o = processor.forward(record("T-6|投诉"), "gateway.cases", 6);
  ASSERT_FALSE(o.dead_lettered);
  ASSERT_EQ(o.records.size(), 1u);
  const OutRecord& r = o.records[0];
  const std::string id = make_case_id(Source::hotline, "T-6");
  EXPECT_EQ(r.topic, "gateway.cases");
  EXPECT_EQ(r.key, id);
  EXPECT_EQ(r.partition, internal_partition(id, 6));
  EXPECT_EQ(r.value, "T-6|投诉");
  EXPECT_EQ(r.timestamp, 1758421320000);
  EXPECT_EQ(header(r, kForwardSourceTopic), "in");
  EXPECT_EQ(header(r, kForwardSourcePartition), "2");
  EXPECT_EQ(header(r, kForwardSourceOffset), "41");
  EXPECT_FALSE(r.after_others);
}

TEST_F(CaseProcessorTest, IntakeDeadLettersBadInputWithItsOwnCoordinates) {
  ProcessOutcome o = processor.forward(record("garbage"), "gateway.cases", 6);
  ASSERT_TRUE(o.dead_lettered);
  ASSERT_EQ(o.records.size(), 1u);
  EXPECT_EQ(o.records[0].topic, "dlq");
  EXPECT_EQ(header(o.records[0], kDlqSourceTopic), "in");
  EXPECT_EQ(header(o.records[0], kDlqSourceOffset), "41");
}

TEST_F(CaseProcessorTest, RoutingStageRoutesOnceThenSuppressesRepeats) {
  RoutedCases routed;
  ProcessOutcome fwd = processor.forward(record("T-7|投诉"), "gateway.cases", 6);
  InputRecord internal = forwarded_as_input(fwd.records[0], 100);

  ProcessOutcome first = processor.route_forwarded(internal, routed, "gateway.case-state");
  ASSERT_FALSE(first.dead_lettered);
  ASSERT_FALSE(first.duplicate);
  ASSERT_EQ(first.records.size(), 3u);  // lead, co-handler, state
  EXPECT_EQ(first.records[0].topic, "dept.housing");
  EXPECT_EQ(first.records[1].topic, "dept.street");
  const OutRecord& state = first.records[2];
  EXPECT_EQ(state.topic, "gateway.case-state");
  EXPECT_EQ(state.partition, internal.partition);
  EXPECT_EQ(state.key, make_case_id(Source::hotline, "T-7"));
  EXPECT_TRUE(state.after_others);
  EXPECT_FALSE(first.records[0].after_others);
  EXPECT_NE(state.value.find("\"lead\":\"housing\""), std::string::npos) << state.value;
  EXPECT_NE(state.value.find("\"rule\":\"complaints\""), std::string::npos) << state.value;
  // The case records are what single-stage processing writes.
  ProcessOutcome direct = processor.process(record("T-7|投诉"));
  EXPECT_EQ(first.records[0].value, direct.records[0].value);

  // The same ticket resent, even from another input partition, comes to the same internal
  // partition and is not routed again.
  InputRecord again_in = record("T-7|投诉");
  again_in.partition = 5;
  again_in.offset = 900;
  ProcessOutcome fwd_again = processor.forward(again_in, "gateway.cases", 6);
  EXPECT_EQ(fwd_again.records[0].partition, fwd.records[0].partition);
  ProcessOutcome again = processor.route_forwarded(forwarded_as_input(fwd_again.records[0], 101),
                                                   routed, "gateway.case-state");
  EXPECT_TRUE(again.duplicate);
  EXPECT_TRUE(again.records.empty());
  EXPECT_EQ(again.case_id, state.key);

  // Once the partition is forgotten (revoked), nothing suppresses it here any more.
  routed.forget(internal.partition);
  EXPECT_FALSE(processor.route_forwarded(internal, routed, "gateway.case-state").duplicate);
}

TEST_F(CaseProcessorTest, RoutingStageDeadLettersWithTheOriginalCoordinates) {
  RoutedCases routed;
  // A forwarded record whose source topic is no longer configured.
  OutRecord r;
  r.topic = "gateway.cases";
  r.partition = 1;
  r.key = make_case_id(Source::hotline, "T-8");
  r.value = "T-8|投诉";
  r.headers = {{std::string(kForwardSourceTopic), "removed"},
               {std::string(kForwardSourcePartition), "4"},
               {std::string(kForwardSourceOffset), "77"}};
  ProcessOutcome o = processor.route_forwarded(forwarded_as_input(r, 5), routed, "state");
  ASSERT_TRUE(o.dead_lettered);
  EXPECT_EQ(header(o.records[0], kDlqSourceTopic), "removed");
  EXPECT_EQ(header(o.records[0], kDlqSourcePartition), "4");
  EXPECT_EQ(header(o.records[0], kDlqSourceOffset), "77");
  EXPECT_EQ(routed.size(), 0u);
}

}  // namespace
}  // namespace gw
