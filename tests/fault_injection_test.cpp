// Producer retries under librdkafka's mock-cluster fault injection (issue 3, section 2): the
// whole gateway (both stages, the shipped configuration) works through a backlog of good and
// bad inputs from both sources while the brokers refuse Produce requests, one of three
// brokers goes down and comes back, and every round trip slows down. Afterwards every input
// is accounted for: its case on each department topic it should reach, or its dead letter.
//
// Scale: GW_FAULT_SCALE inputs (default 3000, what CI runs); scripts/faults/run-all.sh runs
// it at 100000 for docs/reliability.md. The inputs arrive at a steady rate, so the faults
// land mid-stream. The mock keeps about 5 MB per partition and evicts older records: a
// collector thread reads the output topics while the gateway writes them, and the gateway
// keeps up with the feed, so nothing is evicted before it is read.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "adapters/intake/input_decoders.h"
#include "adapters/kafka/case_gateway.h"
#include "adapters/kafka/embedded_cluster.h"
#include "adapters/kafka/kafka_config.h"
#include "adapters/kafka/rdkafka_handles.h"
#include "adapters/kafka/topic_io.h"
#include "tests/sample_cases.h"

namespace gw::test {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kPartitions = 12;
constexpr std::int16_t kProduceApiKey = 0;

std::size_t scale() {
  const char* s = std::getenv("GW_FAULT_SCALE");
  return s != nullptr && *s != '\0' ? std::stoul(s) : 3000;
}

// Reads topics from their beginning on its own thread, as records arrive, and keeps each
// record's key per topic.
class Collector {
 public:
  Collector(const KafkaSettings& settings, const std::vector<std::string>& topics) {
    consumer_ = kafka::make_client(
        kafka::make_conf(settings, kafka::ClientRole::reader,
                         {{"group.id", "fault-collector"}, {"fetch.wait.max.ms", "20"}}),
        kafka::ClientRole::reader);
    kafka::PartitionListHandle parts =
        kafka::make_partition_list(static_cast<int>(topics.size()) * kPartitions);
    for (const std::string& t : topics) {
      for (int p = 0; p < kPartitions; ++p) {
        rd_kafka_topic_partition_list_add(parts.get(), t.c_str(), p)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
      }
    }
    rd_kafka_assign(consumer_.get(), parts.get());
    thread_ = std::thread([this] { run(); });
  }
  ~Collector() { stop(); }
  void stop() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::map<std::string, std::multiset<std::string>> keys_by_topic() {
    std::lock_guard lock(mutex_);
    return keys_;
  }
  std::size_t records() {
    std::lock_guard lock(mutex_);
    return records_;
  }

 private:
  void run() {
    while (!done_) {
      kafka::MessageHandle msg(rd_kafka_consumer_poll(consumer_.get(), 50));
      if (!msg || msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
      std::lock_guard lock(mutex_);
      keys_[rd_kafka_topic_name(msg->rkt)].insert(
          std::string(static_cast<const char*>(msg->key), msg->key_len));
      ++records_;
    }
  }
  kafka::KafkaHandle consumer_;
  std::thread thread_;
  std::atomic<bool> done_{false};
  std::mutex mutex_;
  std::map<std::string, std::multiset<std::string>> keys_;
  std::size_t records_ = 0;
};

TEST(FaultInjection, ProducerRetriesLoseNothingUnderRequestErrorsABrokerDownAndSlowRoundTrips) {
  const std::size_t n = scale();
  ShippedConfig shipped = load_shipped_config();
  ASSERT_NE(shipped.routes, nullptr);
  GatewayConfig config = shipped.gateway;
  EmbeddedCluster cluster(3);
  KafkaSettings settings = config.kafka;
  settings.brokers = cluster.bootstrap();
  settings.group_id = "faults";
  settings.consumer_properties["fetch.wait.max.ms"] = "20";
  settings.consumer_properties["session.timeout.ms"] = "6000";
  settings.consumer_properties["heartbeat.interval.ms"] = "500";
  config.internal_topic = "faults.cases";
  config.state_topic = "faults.case-state";
  std::vector<std::string> outputs{config.dead_letter_topic};
  for (const Department& d : shipped.routes->config().departments) outputs.push_back(d.topic);
  std::vector<std::string> topics = outputs;
  for (const InputSpec& in : config.inputs) topics.push_back(in.topic);
  topics.push_back(config.internal_topic);
  topics.push_back(config.state_topic);
  create_topics(cluster, topics, kPartitions, 3);

  // The backlog and what each input should become (first copy of a case routes it).
  const auto samples = app::read_samples(source_path("config/samples"));
  auto expectation = make_processor(shipped);
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> by_topic;
  for (std::size_t i = 0; i < n; ++i) {
    const app::SampleInput& s = samples[i % samples.size()];
    by_topic[s.topic].emplace_back(
        "in-" + std::to_string(i),
        app::with_ref_suffix(s.bytes, "-f" + std::to_string(i / samples.size())));
  }
  std::map<std::string, std::set<std::string>> expected_cases;  // case id -> topics
  std::set<std::string> expected_dead;                          // input keys
  // What the inputs present in the input topics must become (first copy of a case routes it).
  auto expect = [&](const std::set<std::string>& present) {
    expected_cases.clear();
    expected_dead.clear();
    std::map<std::string, std::size_t> next;
    for (std::size_t i = 0; i < n; ++i) {
      const std::string& topic = samples[i % samples.size()].topic;
      const auto& [key, bytes] = by_topic[topic][next[topic]++];
      if (!present.count(key)) continue;
      InputRecord r;
      r.topic = topic;
      r.key = key;
      r.value = bytes;
      ProcessOutcome o = expectation->process(r);
      if (o.dead_lettered) {
        expected_dead.insert(key);
      } else if (!expected_cases.count(o.case_id)) {
        for (const OutRecord& out : o.records) expected_cases[o.case_id].insert(out.topic);
      }
    }
  };

  Collector collector(settings, outputs);
  // Inputs not accounted for yet; the first few are named in `sample`.
  auto unaccounted = [&](std::vector<std::string>* sample = nullptr) {
    auto keys = collector.keys_by_topic();
    std::size_t open = 0;
    auto note = [&](const std::string& what) {
      if (sample != nullptr && sample->size() < 5) sample->push_back(what);
      ++open;
    };
    for (const auto& [id, want] : expected_cases) {
      for (const std::string& t : want) {
        if (!keys[t].count(id)) note(id + " on " + t);
      }
    }
    for (const std::string& k : expected_dead) {
      if (!keys[config.dead_letter_topic].count(k)) note(k + " dead letter");
    }
    return open;
  };

  boost::asio::io_context io;
  KafkaPipelineOptions options;
  options.tick = std::chrono::milliseconds(50);
  options.retry_backoff_initial = std::chrono::milliseconds(50);
  options.retry_backoff_max = std::chrono::seconds(2);
  CaseGateway gateway(io, settings, config, [&shipped] { return make_processor(shipped); },
                      kPartitions, options);
  gateway.start();

  // The inputs arrive at a steady rate while the faults come and go: the first 12 s at the
  // default scale, about 25 s at 100000. The feeder is an ordinary producer (it retries too).
  const double rate = std::max(250.0, static_cast<double>(n) / 25.0);  // inputs per second
  const double feed_seconds = static_cast<double>(n) / rate;
  std::atomic<bool> fed{false};
  std::atomic<std::size_t> feeder_resends{0};
  std::thread feeder([&] {
    // An input whose delivery fails (librdkafka gave up under the injected errors) is sent
    // again until acknowledged: "sent" means acknowledged, as for any upstream producer.
    struct Failed {
      std::vector<std::pair<std::string, std::size_t>> inputs;  // topic, index in by_topic
    } failed;
    kafka::ConfHandle conf = kafka::make_conf(settings, kafka::ClientRole::producer);
    rd_kafka_conf_set_opaque(conf.get(), &failed);
    rd_kafka_conf_set_dr_msg_cb(conf.get(), [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
      static_cast<Failed*>(opaque)->inputs.emplace_back(
          rd_kafka_topic_name(m->rkt), reinterpret_cast<std::uintptr_t>(m->_private));
    });
    kafka::KafkaHandle producer = kafka::make_client(std::move(conf), kafka::ClientRole::producer);
    auto send = [&](const std::string& topic, std::size_t index) {
      const auto& [key, bytes] = by_topic[topic][index];
      while (rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                               RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                               RD_KAFKA_V_KEY(key.data(), key.size()),
                               RD_KAFKA_V_VALUE(const_cast<char*>(bytes.data()), bytes.size()),
                               RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(index)),
                               RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(producer.get(), 10);
      }
    };
    const auto begin = Clock::now();
    std::size_t sent = 0;
    std::map<std::string, std::size_t> next;
    while (sent < n) {
      const double due = std::chrono::duration<double>(Clock::now() - begin).count() * rate;
      for (; sent < n && static_cast<double>(sent) < due; ++sent) {
        const std::string& topic = samples[sent % samples.size()].topic;
        send(topic, next[topic]++);
      }
      rd_kafka_poll(producer.get(), 10);
    }
    for (;;) {
      rd_kafka_flush(producer.get(), 300000);
      if (failed.inputs.empty()) break;
      auto again = std::move(failed.inputs);
      failed.inputs.clear();
      feeder_resends += again.size();
      for (const auto& [topic, index] : again) send(topic, index);
    }
    fed = true;
  });

  // The faults come and go on their own thread, by the clock: the io thread may block for a
  // while (a restore waiting for a partition whose leader is down), and must not hold them up.
  rd_kafka_mock_cluster_t* mock = cluster.mock();
  const auto started = Clock::now();
  auto at = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
  std::atomic<int> stage{0};
  std::thread faults([&] {
    auto wait_until = [&](double share) {
      while (at() < share * feed_seconds) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    };
    wait_until(0.1);
    const rd_kafka_resp_err_t errors[] = {
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
        RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS};
    for (int i = 0; i < 10; ++i) {
      rd_kafka_mock_push_request_errors_array(mock, kProduceApiKey, std::size(errors), errors);
    }
    std::printf("%.1f s: the next 40 Produce requests fail\n", at());
    ++stage;
    wait_until(0.3);
    rd_kafka_mock_broker_set_down(mock, 2);
    std::printf("%.1f s: broker 2 down\n", at());
    ++stage;
    wait_until(0.5);
    rd_kafka_mock_broker_set_up(mock, 2);
    std::printf("%.1f s: broker 2 up\n", at());
    ++stage;
    wait_until(0.6);
    for (int b = 1; b <= 3; ++b) rd_kafka_mock_broker_set_rtt(mock, b, 100);
    std::printf("%.1f s: 100 ms round trips\n", at());
    ++stage;
    wait_until(0.85);
    for (int b = 1; b <= 3; ++b) rd_kafka_mock_broker_set_rtt(mock, b, 0);
    std::printf("%.1f s: round trips back to normal\n", at());
    ++stage;
  });

  const auto deadline =
      started + std::chrono::seconds(static_cast<long>(feed_seconds) + 120 + n / 1000);
  bool done = false;
  bool checked_inputs = false;
  std::size_t lost_by_mock = 0;
  auto last_check = Clock::now();
  auto last_report = Clock::now();
  while (!done && Clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
    if (stage == 5 && fed && !checked_inputs) {
      // The mock cluster itself, under injected Produce errors, acknowledges the odd record it
      // never stores (librdkafka 2.0.2; seen for 2 of 100000 inputs, right when the errors
      // were injected). What never reached an input topic is no input of the gateway's: it
      // is counted apart, and the gateway is held to everything that did.
      std::set<std::string> present;
      for (const InputSpec& in : config.inputs) {
        for (const ConsumedRecord& r : read_topic(settings, in.topic, std::chrono::minutes(2))) {
          present.insert(r.key);
        }
      }
      lost_by_mock = n - std::min(n, present.size());
      expect(present);
      checked_inputs = true;
    }
    if (checked_inputs && Clock::now() - last_check > std::chrono::milliseconds(500)) {
      last_check = Clock::now();
      done = unaccounted() == 0;
    }
    if (Clock::now() - last_report > std::chrono::seconds(10)) {
      last_report = Clock::now();
      std::printf("%.1f s: intake consumed %llu, routing consumed %llu, %zu output records read\n",
                  at(),
                  static_cast<unsigned long long>(gateway.intake_counters().records_consumed),
                  static_cast<unsigned long long>(gateway.routing_counters().records_consumed),
                  collector.records());
    }
  }
  if (!done) {
    std::vector<std::string> sample;
    const std::size_t open = unaccounted(&sample);
    std::printf("%zu outputs never seen, e.g.:\n", open);
    for (const std::string& s : sample) std::printf("  %s\n", s.c_str());
  }
  faults.join();
  feeder.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  const PipelineCounters intake = gateway.intake_counters();
  const PipelineCounters routing = gateway.routing_counters();
  gateway.stop();
  collector.stop();

  auto keys = collector.keys_by_topic();
  std::size_t routed = 0, dead = 0, missing = 0, duplicated = 0, duplicated_dead = 0;
  for (const auto& [id, want] : expected_cases) {
    bool all = true;
    for (const std::string& t : want) {
      const std::size_t got = keys[t].count(id);
      if (got == 0) all = false;
      if (got > 1) duplicated += got - 1;
    }
    all ? ++routed : ++missing;
  }
  for (const std::string& k : expected_dead) {
    const std::size_t got = keys[config.dead_letter_topic].count(k);
    if (got == 0) ++missing;
    if (got > 1) duplicated_dead += got - 1;
    dead += got > 0;
  }
  std::printf(
      "fault injection: %zu inputs sent, %zu cases routed, %zu dead-lettered, %zu missing, "
      "%zu duplicated (%zu case records, %zu dead letters), %.1f s; %llu delivery failures "
      "retried, %llu repeats suppressed; the feeder sent %zu inputs again; %zu acknowledged "
      "inputs never stored by the mock\n",
      n, routed, dead, missing, duplicated + duplicated_dead, duplicated, duplicated_dead, elapsed,
      static_cast<unsigned long long>(intake.delivery_failures + routing.delivery_failures),
      static_cast<unsigned long long>(routing.duplicates), feeder_resends.load(), lost_by_mock);
  EXPECT_EQ(stage, 5) << "not every fault was injected";
  EXPECT_LT(lost_by_mock, n / 1000 + 1) << "the mock lost more inputs than it ever did";
  EXPECT_EQ(missing, 0u);
  EXPECT_TRUE(done) << "not every input was accounted for within the time limit";
}

}  // namespace
}  // namespace gw::test
