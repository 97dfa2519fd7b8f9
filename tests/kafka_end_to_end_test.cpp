// The whole gateway over Kafka: the shipped configuration, the real adapters and both Kafka
// stages (intake, routing). A mixed batch of good and bad inputs from both sources goes in,
// some cases sent twice (the GB18030 sample repeats a UTF-8 ticket; a second round resends
// some inputs); every input is then accounted for: its case exactly once on each department
// topic it should reach, or its dead letter, and none is missing.
//
// Runs against the broker named by GW_TEST_KAFKA_BROKERS (scripts/test.sh starts a real
// Apache Kafka and sets it), otherwise against the embedded mock cluster.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "adapters/intake/input_decoders.h"
#include "adapters/kafka/embedded_cluster.h"
#include "adapters/kafka/case_gateway.h"
#include "adapters/kafka/topic_io.h"
#include "tests/sample_cases.h"

namespace gw::test {
namespace {

struct Input {
  std::string topic;
  std::string key;  // unique per input: how the test finds its dead letter
  std::string bytes;
};

class KafkaEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    shipped = load_shipped_config();
    ASSERT_NE(shipped.routes, nullptr);
    // Names of this run's own, so runs against a shared broker never see each other.
    const std::string run =
        "e2e-" + std::to_string(::getpid()) + "-" +
        std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000) + ".";
    gateway = shipped.gateway;
    for (InputSpec& in : gateway.inputs) in.topic = run + in.topic;
    gateway.dead_letter_topic = run + gateway.dead_letter_topic;
    gateway.internal_topic = run + gateway.internal_topic;
    gateway.state_topic = run + gateway.state_topic;
    auto routing = std::make_shared<RoutingConfig>(shipped.routes->config());
    for (Department& d : routing->departments) d.topic = run + d.topic;
    table = std::make_shared<const RouteTable>(routing);

    settings = gateway.kafka;
    settings.group_id = run + "group";
    settings.consumer_properties["fetch.wait.max.ms"] = "50";
    settings.consumer_properties["session.timeout.ms"] = "6000";
    settings.consumer_properties["heartbeat.interval.ms"] = "300";
    std::vector<std::string> topics{gateway.dead_letter_topic, gateway.internal_topic};
    for (const InputSpec& in : gateway.inputs) topics.push_back(in.topic);
    for (const Department& d : routing->departments) topics.push_back(d.topic);
    if (const char* brokers = std::getenv("GW_TEST_KAFKA_BROKERS"); brokers && *brokers) {
      settings.brokers = brokers;
      create_topics(settings, topics, 3, 1);
      create_topics(settings, {gateway.state_topic}, 3, 1, state_topic_config());
    } else {
      embedded = std::make_unique<EmbeddedCluster>(1);
      settings.brokers = embedded->bootstrap();
      topics.push_back(gateway.state_topic);
      create_topics(*embedded, topics, 3, 1);
    }
    std::printf("brokers: %s%s\n", settings.brokers.c_str(), embedded ? " (embedded)" : "");
  }

  std::unique_ptr<CaseProcessor> make_processor() {
    auto t = table;
    auto p = std::make_unique<CaseProcessor>([t] { return t; }, gateway.dead_letter_topic);
    for (const InputSpec& in : gateway.inputs) p->add_input(in.topic, make_input_decoder(in));
    return p;
  }

  // Every sample, good and bad, `copies` times, good ones with fresh source ids, shuffled.
  std::vector<Input> mixed_batch(int copies) {
    auto samples = app::read_samples(source_path("config/samples"));
    std::map<std::string, std::string> renamed;  // shipped topic -> this run's
    for (std::size_t i = 0; i < gateway.inputs.size(); ++i) {
      renamed[shipped.gateway.inputs[i].topic] = gateway.inputs[i].topic;
    }
    std::vector<Input> batch;
    for (int copy = 0; copy < copies; ++copy) {
      for (const auto& s : samples) {
        batch.push_back({renamed.at(s.topic), s.origin + "#" + std::to_string(copy),
                         app::with_ref_suffix(s.bytes, "-c" + std::to_string(copy))});
      }
    }
    std::mt19937 rng(12345);
    std::shuffle(batch.begin(), batch.end(), rng);
    return batch;
  }

  ShippedConfig shipped;
  GatewayConfig gateway;
  std::shared_ptr<const RouteTable> table;
  KafkaSettings settings;
  std::unique_ptr<EmbeddedCluster> embedded;
};

TEST_F(KafkaEndToEnd, EveryInputIsAccountedForAndEachCaseRoutedOnce) {
  std::vector<Input> batch = mixed_batch(12);  // ~620 inputs, a few hundred KB
  ASSERT_GT(batch.size(), 600u);
  // Resend every 10th input under a new Kafka key (so it may land on another partition).
  const std::size_t first_round = batch.size();
  for (std::size_t i = 0; i < first_round; i += 10) {
    Input again = batch[i];
    again.key += "#again";
    batch.push_back(again);
  }

  // What each input should become, from the same pure code the pipeline runs: each case
  // once on each of its topics, each refused input once in the dead-letter topic.
  auto expectation = make_processor();
  std::map<std::string, std::set<std::string>> expected_cases;  // case id -> topics
  std::map<std::string, std::string> expected_dead;             // input key -> error code
  std::size_t expected_repeats = 0;
  for (const Input& in : batch) {
    InputRecord r;
    r.topic = in.topic;
    r.key = in.key;
    r.value = in.bytes;
    ProcessOutcome o = expectation->process(r);
    if (o.dead_lettered) {
      expected_dead[in.key] = std::string(to_string(o.refusal->code));
    } else if (expected_cases.count(o.case_id) != 0) {
      ++expected_repeats;
    } else {
      for (const OutRecord& out : o.records) expected_cases[o.case_id].insert(out.topic);
    }
  }
  ASSERT_GT(expected_dead.size(), 90u);
  ASSERT_GT(expected_cases.size(), 450u);
  ASSERT_GT(expected_repeats, 50u);

  std::map<std::string, std::vector<std::pair<std::string, std::string>>> by_topic;
  for (const Input& in : batch) by_topic[in.topic].emplace_back(in.key, in.bytes);
  for (const auto& [topic, records] : by_topic) produce_records(settings, topic, records);

  boost::asio::io_context io;
  KafkaPipelineOptions options;
  options.tick = std::chrono::milliseconds(50);
  CaseGateway pipeline(io, settings, gateway, [this] { return make_processor(); }, 3, options);
  pipeline.start();
  bool caught_up = false;
  pipeline.when_caught_up([&] { caught_up = true; });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (!caught_up && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(caught_up) << "the gateway did not commit the batch within 90 s";
  StopReport stop = pipeline.stop();
  EXPECT_TRUE(stop.drained);
  EXPECT_TRUE(stop.committed);

  // What is on the topics.
  std::map<std::string, std::multiset<std::string>> found_cases;
  for (const Department& d : table->config().departments) {
    for (const ConsumedRecord& r : read_topic(settings, d.topic))
      found_cases[r.key].insert(r.topic);
  }
  std::map<std::string, std::vector<const ConsumedRecord*>> found_dead;
  std::vector<ConsumedRecord> dead = read_topic(settings, gateway.dead_letter_topic);
  for (const ConsumedRecord& r : dead) found_dead[r.key].push_back(&r);

  std::size_t missing = 0, duplicated = 0, misrouted = 0;
  for (const auto& [case_id, topics] : expected_cases) {
    auto it = found_cases.find(case_id);
    if (it == found_cases.end()) {
      ++missing;
      continue;
    }
    for (const std::string& t : topics) {
      const std::size_t got = it->second.count(t);
      if (got == 0) ++missing;
      if (got > 1) duplicated += got - 1;
    }
    for (const std::string& t : it->second) {
      if (!topics.count(t)) ++misrouted;
    }
  }
  for (const auto& [key, code] : expected_dead) {
    auto it = found_dead.find(key);
    if (it == found_dead.end()) {
      ++missing;
      continue;
    }
    if (it->second.size() > 1) ++duplicated;
    const std::string* got = it->second.front()->header(kDlqErrorCode);
    ASSERT_NE(got, nullptr) << key;
    EXPECT_EQ(*got, code) << key;
    EXPECT_NE(it->second.front()->header(kDlqSourceOffset), nullptr) << key;
  }
  std::size_t unexpected = 0;
  for (const auto& [case_id, _] : found_cases) unexpected += !expected_cases.count(case_id);
  for (const auto& [key, _] : found_dead) unexpected += !expected_dead.count(key);

  EXPECT_EQ(missing, 0u);
  EXPECT_EQ(duplicated, 0u);
  EXPECT_EQ(misrouted, 0u);
  EXPECT_EQ(unexpected, 0u);
  EXPECT_EQ(dead.size(), expected_dead.size());
  EXPECT_EQ(pipeline.intake_counters().records_consumed, batch.size());
  EXPECT_EQ(pipeline.routing_counters().duplicates, expected_repeats);
  EXPECT_EQ(pipeline.routing_counters().records_consumed, batch.size() - expected_dead.size());
  // The state topic remembers every routed case, so a restart would suppress repeats too.
  std::set<std::string> remembered;
  for (const ConsumedRecord& r : read_topic(settings, gateway.state_topic)) remembered.insert(r.key);
  std::size_t forgotten = 0;
  for (const auto& [case_id, _] : expected_cases) forgotten += !remembered.count(case_id);
  EXPECT_EQ(forgotten, 0u);
  std::printf("%zu inputs: %zu cases, %zu repeats suppressed, %zu dead letters; missing %zu, "
              "duplicated %zu\n",
              batch.size(), expected_cases.size(), expected_repeats, dead.size(), missing,
              duplicated);
}

}  // namespace
}  // namespace gw::test
