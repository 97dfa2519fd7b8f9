// The shipped routing file over the shipped samples: every good sample is routed where an
// admin would expect, every bad one is refused with the reason it deserves. No Kafka.
#include <gtest/gtest.h>

#include <map>

#include "tests/sample_cases.h"

namespace gw::test {
namespace {

struct ShippedSamples : ::testing::Test {
  void SetUp() override {
    config = load_shipped_config();
    ASSERT_NE(config.routes, nullptr);
    processor = make_processor(config);
    samples = app::read_samples(source_path("config/samples"));
  }
  ProcessOutcome process(const app::SampleInput& s) {
    InputRecord in;
    in.topic = s.topic;
    in.value = s.bytes;
    in.timestamp = 1764201600000;
    return processor->process(in);
  }
  ShippedConfig config;
  std::unique_ptr<CaseProcessor> processor;
  std::vector<app::SampleInput> samples;
};

TEST_F(ShippedSamples, BadSamplesAreDeadLetteredWithTheirReason) {
  const std::map<std::string, std::pair<RefusalCode, std::string>> expected = {
      {"hotline.tickets/bad-invalid-utf8.json", {RefusalCode::invalid_encoding, ""}},
      {"hotline.tickets/bad-missing-required.json", {RefusalCode::missing_field, "callTime"}},
      {"hotline.tickets/bad-not-an-object.json", {RefusalCode::not_an_object, ""}},
      {"hotline.tickets/bad-truncated.json", {RefusalCode::malformed_json, ""}},
      {"hotline.tickets/bad-wrong-types.json", {RefusalCode::wrong_type, "ticketNo"}},
      {"grid.reports/bad-short-grid-code.json", {RefusalCode::out_of_range, "gridCode"}},
      {"grid.reports/bad-longitude.json", {RefusalCode::out_of_range, "location.lng"}},
      {"grid.reports/bad-date.json", {RefusalCode::bad_time, "reportedAt"}},
      {"grid.reports/bad-trailing-data.json", {RefusalCode::trailing_data, ""}},
  };
  std::size_t seen = 0;
  for (const auto& s : samples) {
    auto it = expected.find(s.origin);
    if (it == expected.end()) continue;
    ++seen;
    ProcessOutcome o = process(s);
    SCOPED_TRACE(s.origin);
    ASSERT_TRUE(o.dead_lettered);
    ASSERT_EQ(o.records.size(), 1u);
    EXPECT_EQ(o.records[0].topic, config.gateway.dead_letter_topic);
    EXPECT_EQ(o.records[0].value, s.bytes);  // the original bytes, untouched
    EXPECT_EQ(o.refusal->code, it->second.first) << o.refusal->message();
    if (!it->second.second.empty()) {
      EXPECT_EQ(o.refusal->field, it->second.second);
    }
  }
  EXPECT_EQ(seen, expected.size());
}

TEST_F(ShippedSamples, EveryGoodSampleIsRoutedToANamedDepartment) {
  std::size_t routed = 0;
  for (const auto& s : samples) {
    if (s.origin.find("/bad-") != std::string::npos) continue;
    ProcessOutcome o = process(s);
    SCOPED_TRACE(s.origin);
    ASSERT_FALSE(o.dead_lettered) << o.refusal->message();
    ++routed;
    // The catalogue covers every sample: none should fall to manual dispatch.
    EXPECT_NE(o.lead, config.routes->config().default_department);
    EXPECT_FALSE(o.rule_id.empty());
    for (const OutRecord& r : o.records) EXPECT_EQ(r.key, o.case_id);
  }
  EXPECT_GE(routed, 43u);
}

TEST_F(ShippedSamples, TheLegacyGb18030TicketBecomesTheSameCaseAsItsUtf8Original) {
  const app::SampleInput* legacy = nullptr;
  const app::SampleInput* original = nullptr;
  for (const auto& s : samples) {
    if (s.topic == "hotline.legacy") legacy = &s;
    if (s.origin == "hotline.tickets/tickets.jsonl:1") original = &s;
  }
  ASSERT_NE(legacy, nullptr);
  ASSERT_NE(original, nullptr);
  ProcessOutcome a = process(*legacy);
  ProcessOutcome b = process(*original);
  ASSERT_FALSE(a.dead_lettered) << a.refusal->message();
  ASSERT_FALSE(b.dead_lettered);
  EXPECT_EQ(a.case_id, b.case_id);
  ASSERT_EQ(a.records.size(), b.records.size());
  EXPECT_EQ(a.records[0].value, b.records[0].value);
}

TEST_F(ShippedSamples, WhistleblowersAreNeverExposed) {
  std::size_t whistleblowing = 0;
  for (const auto& s : samples) {
    if (s.bytes.find("\"举报\"") == std::string::npos) continue;
    ProcessOutcome o = process(s);
    if (o.dead_lettered) continue;
    ++whistleblowing;
    for (const OutRecord& r : o.records) {
      EXPECT_NE(r.value.find("\"disclosure\":\"withheld\""), std::string::npos) << r.value;
      std::size_t from = r.value.find("\"reporter\":{");
      ASSERT_NE(from, std::string::npos);
      std::string reporter = r.value.substr(from, r.value.find('}', from) - from);
      EXPECT_EQ(reporter.find("\"phone\""), std::string::npos) << reporter;
      EXPECT_EQ(reporter.find("\"name\""), std::string::npos) << reporter;
    }
  }
  EXPECT_GE(whistleblowing, 5u);
}

}  // namespace
}  // namespace gw::test
