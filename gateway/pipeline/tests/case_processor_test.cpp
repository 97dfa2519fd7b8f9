#include "gateway/pipeline/case_processor.h"

#include <gtest/gtest.h>

#include "gateway/core/case_id.h"

namespace gw {
namespace {

// "ref|kind" or a refusal for anything else: enough to drive the processor without a format.
class TinyDecoder : public InputDecoder {
 public:
  MaybeRefusal decode_into(std::string_view bytes, EpochMs received_at, Case& out) override {
    std::size_t bar = bytes.find('|');
    if (bar == std::string_view::npos) {
      return Refusal{RefusalCode::malformed_json, "", "expected ref|kind"};
    }
    Case c;
    c.source = Source::hotline;
    c.source_ref = std::string(bytes.substr(0, bar));
    c.case_id = make_case_id(c.source, c.source_ref);
    c.kind = std::string(bytes.substr(bar + 1));
    c.description = "d";
    c.reporter.name = "王先生";
    c.reporter.phone = "13830166131";
    c.received_at = received_at;
    c.reported_at = received_at;
    c.region.grid_code = "64020200100101";
    out = std::move(c);
    return std::nullopt;
  }
};

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

}  // namespace
}  // namespace gw
