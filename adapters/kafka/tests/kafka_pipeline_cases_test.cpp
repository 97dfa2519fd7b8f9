// The pipeline with the real CaseProcessor on the embedded cluster. The decoder is made by
// hand here (a "ticketNo|kind|title" text form), so these tests depend on no format adapter.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "adapters/kafka/kafka_pipeline.h"
#include "adapters/kafka/tests/pipeline_harness.h"
#include "gateway/core/case_id.h"
#include "gateway/core/route_table.h"
#include "gateway/core/routing_config.h"
#include "gateway/pipeline/case_processor.h"
#include "gateway/pipeline/input_decoder.h"

namespace gw {
namespace {

using testing::PipelineHarness;

constexpr const char* kHotline = "hotline.in";
constexpr const char* kUnconfigured = "grid.in";  // consumed, but no decoder registered
constexpr const char* kHousing = "dept.housing";
constexpr const char* kEnv = "dept.env";
constexpr const char* kCenter = "dept.center";
constexpr const char* kDeadLetters = "gateway.dead-letter";

// "ticketNo|kind|title"; refuses empty input, other shapes, a missing ticketNo, and a leading
// 0xff byte (standing in for bytes that are not UTF-8).
class PipeSeparatedTicketDecoder : public InputDecoder {
 public:
  MaybeRefusal decode_into(std::string_view bytes, EpochMs received_at, Case& out) override {
    if (bytes.empty()) return Refusal{RefusalCode::empty_input, "", "zero bytes"};
    if (bytes.front() == '\xff') {
      return Refusal{RefusalCode::invalid_encoding, "", "byte 0xff at offset 0"};
    }
    std::size_t a = bytes.find('|');
    std::size_t b = a == std::string_view::npos ? a : bytes.find('|', a + 1);
    if (b == std::string_view::npos) {
      return Refusal{RefusalCode::malformed_json, "", "expected ticketNo|kind|title"};
    }
    if (a == 0) return Refusal{RefusalCode::missing_field, "ticketNo", "empty"};
    Case c;
    c.source = Source::hotline;
    c.source_ref = std::string(bytes.substr(0, a));
    c.case_id = make_case_id(c.source, c.source_ref);
    c.kind = std::string(bytes.substr(a + 1, b - a - 1));
    c.title = std::string(bytes.substr(b + 1));
    c.description = c.title;
    c.reported_at = received_at;
    c.received_at = received_at;
    out = std::move(c);
    return std::nullopt;
  }
};

std::shared_ptr<const RouteTable> complaint_routes() {
  auto config = std::make_shared<RoutingConfig>();
  config->file = "test-routes.yaml";
  config->departments = {
      Department{"housing", "住房和城乡建设局", kHousing, PersonalDataPolicy::masked, {}},
      Department{"env", "生态环境局", kEnv, PersonalDataPolicy::omit, {}},
      Department{"center", "指挥中心", kCenter, PersonalDataPolicy::clear, {}},
  };
  Rule complaints;
  complaints.id = "complaints";
  complaints.match.kinds = {"投诉"};
  complaints.lead = "housing";
  complaints.co = {"env"};
  config->rules = {complaints};
  config->default_department = "center";
  return std::make_shared<RouteTable>(config);
}

class KafkaPipelineCasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    create_topics(h.cluster, {kHotline, kUnconfigured}, 3);
    create_topics(h.cluster, {kHousing, kEnv, kCenter, kDeadLetters}, 2);
    std::shared_ptr<const RouteTable> table = complaint_routes();
    processor = std::make_unique<CaseProcessor>([table] { return table; }, kDeadLetters);
    processor->add_input(kHotline, std::make_unique<PipeSeparatedTicketDecoder>());
    options.input_topics = {kHotline, kUnconfigured};
    options.tick = std::chrono::milliseconds(50);
  }

  PipelineHarness h;
  std::unique_ptr<CaseProcessor> processor;
  KafkaPipelineOptions options;
};

std::string position_of(const ConsumedRecord& r) {
  return r.topic + "/" + std::to_string(r.partition) + "/" + std::to_string(r.offset);
}

std::string header_or_empty(const ConsumedRecord& r, std::string_view name) {
  const std::string* v = r.header(name);
  return v == nullptr ? std::string() : *v;
}

TEST_F(KafkaPipelineCasesTest, MixedBatchAccountsForEveryInputExactlyOnce) {
  std::vector<std::pair<std::string, std::string>> hotline;
  for (int i = 0; i < 12; ++i) {
    hotline.emplace_back("c" + std::to_string(i), "C" + std::to_string(i) + "|投诉|井盖破损");
    hotline.emplace_back("q" + std::to_string(i), "Q" + std::to_string(i) + "|咨询|办事流程");
  }
  for (int i = 0; i < 3; ++i) {
    hotline.emplace_back("e" + std::to_string(i), "");
    hotline.emplace_back("m" + std::to_string(i), "not a ticket " + std::to_string(i));
    hotline.emplace_back("n" + std::to_string(i), "|投诉|no number " + std::to_string(i));
  }
  produce_records(h.settings, kHotline, hotline);
  produce_records(h.settings, kUnconfigured, {{"g1", "R1|城市管理|x"}, {"g2", "R2|城市管理|y"}});

  KafkaPipeline pipeline(h.io, h.settings, options, *processor);
  pipeline.start();
  ASSERT_TRUE(h.run_until_caught_up(pipeline));

  // Case id -> times seen, per department topic; dead letters by source position.
  std::map<std::string, std::map<std::string, int>> cases;
  for (const char* topic : {kHousing, kEnv, kCenter}) {
    for (const ConsumedRecord& r : h.read(topic)) {
      EXPECT_EQ(r.key, header_or_empty(r, kCaseIdHeader));
      ++cases[topic][header_or_empty(r, kCaseIdHeader)];
    }
  }
  std::map<std::string, const ConsumedRecord*> dead;
  std::vector<ConsumedRecord> dlq = h.read(kDeadLetters);
  for (const ConsumedRecord& r : dlq) {
    std::string pos = header_or_empty(r, kDlqSourceTopic) + "/" +
                      header_or_empty(r, kDlqSourcePartition) + "/" +
                      header_or_empty(r, kDlqSourceOffset);
    EXPECT_TRUE(dead.emplace(pos, &r).second) << "dead-lettered twice: " << pos;
  }

  std::size_t expected_cases = 0;
  std::vector<ConsumedRecord> inputs = h.read(kHotline);
  std::vector<ConsumedRecord> unconfigured = h.read(kUnconfigured);
  inputs.insert(inputs.end(), unconfigured.begin(), unconfigured.end());
  ASSERT_EQ(inputs.size(), hotline.size() + 2);
  for (const ConsumedRecord& in : inputs) {
    const std::string ref = in.value.substr(0, in.value.find('|'));
    const bool good = in.topic == kHotline && (ref.starts_with("C") || ref.starts_with("Q"));
    if (!good) {
      auto d = dead.find(position_of(in));
      ASSERT_NE(d, dead.end()) << "not dead-lettered: " << position_of(in);
      EXPECT_EQ(d->second->value, in.value);
      continue;
    }
    EXPECT_EQ(dead.count(position_of(in)), 0u) << position_of(in);
    const std::string id = make_case_id(Source::hotline, ref);
    if (ref.starts_with("C")) {
      EXPECT_EQ(cases[kHousing][id], 1) << ref;
      EXPECT_EQ(cases[kEnv][id], 1) << ref;
      EXPECT_EQ(cases[kCenter].count(id), 0u) << ref;
      expected_cases += 2;
    } else {
      EXPECT_EQ(cases[kCenter][id], 1) << ref;
      EXPECT_EQ(cases[kHousing].count(id), 0u) << ref;
      expected_cases += 1;
    }
  }
  // Nothing beyond what the inputs account for.
  EXPECT_EQ(dlq.size(), 11u);
  EXPECT_EQ(cases[kHousing].size() + cases[kEnv].size() + cases[kCenter].size(), expected_cases);

  PipelineCounters c = pipeline.counters();
  EXPECT_EQ(c.records_consumed, inputs.size());
  EXPECT_EQ(c.cases_produced[kHousing], 12u);
  EXPECT_EQ(c.cases_produced[kEnv], 12u);
  EXPECT_EQ(c.cases_produced[kCenter], 12u);
  EXPECT_EQ(c.dead_letters_produced, 11u);
  EXPECT_EQ(c.dead_letters["empty_input"], 3u);
  EXPECT_EQ(c.dead_letters["malformed_json"], 3u);
  EXPECT_EQ(c.dead_letters["missing_field"], 3u);
  EXPECT_EQ(c.dead_letters["out_of_range"], 2u);  // the topic without a decoder
}

TEST_F(KafkaPipelineCasesTest, DeadLetterCarriesTheOriginalBytesAndWhereAndWhyHeaders) {
  const std::string original("\xff\xfe\x00\x01 binary|投诉|x", 20);
  produce_records(h.settings, kHotline, {{"bad-key", original}});
  KafkaPipeline pipeline(h.io, h.settings, options, *processor);
  pipeline.start();
  ASSERT_TRUE(h.run_until_caught_up(pipeline));

  std::vector<ConsumedRecord> in = h.read(kHotline);
  std::vector<ConsumedRecord> dlq = h.read(kDeadLetters);
  ASSERT_EQ(in.size(), 1u);
  ASSERT_EQ(dlq.size(), 1u);
  const ConsumedRecord& d = dlq[0];
  EXPECT_EQ(d.value, original);
  EXPECT_EQ(d.key, "bad-key");
  const Refusal why{RefusalCode::invalid_encoding, "", "byte 0xff at offset 0"};
  const Headers expected = {
      {std::string(kDlqSourceTopic), kHotline},
      {std::string(kDlqSourcePartition), std::to_string(in[0].partition)},
      {std::string(kDlqSourceOffset), std::to_string(in[0].offset)},
      {std::string(kDlqErrorCode), "invalid_encoding"},
      {std::string(kDlqErrorField), ""},
      {std::string(kDlqErrorReason), why.message()},
  };
  EXPECT_EQ(d.headers, expected);
  for (const char* topic : {kHousing, kEnv, kCenter}) EXPECT_TRUE(h.read(topic).empty());
  EXPECT_EQ(pipeline.counters().dead_letters["invalid_encoding"], 1u);
}

}  // namespace
}  // namespace gw
