// Kafka to Kafka through the gateway, against a raw consume-and-produce copy of the same
// bytes with the same client settings, in the same run on the same broker (issue 3, section
// 6). Not a Google Benchmark: each side is one long run over a preloaded backlog.
//
//   build/bench/gw_kafka_bench --brokers 127.0.0.1:19092 --count 50000 --rounds 3
//
// Both sides are KafkaPipelines with the gateway's client settings (idempotent producer,
// acks=all, offsets stored only after acknowledgement): the raw copy's process() copies each
// record to one topic; the gateway runs both of its stages (intake, routing with repeat
// suppression and state records) with the shipped configuration. A side is done when every
// input is consumed and every output acknowledged. Rounds alternate raw and gateway, each
// with a fresh consumer group (the gateway also with fresh internal topics), all reading the
// same backlog. docs/performance.md records the figures.
//
// For exploring (both sides get the same): GW_MAX_IN_FLIGHT sets KafkaPipelineOptions::
// max_in_flight, GW_LINGER_MS the producers' linger.ms.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

#include "adapters/intake/input_decoders.h"
#include "adapters/kafka/case_gateway.h"
#include "adapters/kafka/embedded_cluster.h"
#include "adapters/kafka/kafka_pipeline.h"
#include "adapters/kafka/topic_io.h"
#include "bench/bench_support.h"
#include "gateway/app/config_loading.h"
#include "gateway/app/sample_feed.h"

namespace gw::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string brokers;
  std::size_t count = 50000;
  int rounds = 3;
  int partitions = 6;
  std::string repo = GW_SOURCE_DIR;
  bool trace = false;  // print the gateway's counters every 250 ms
  int broker_pid = 0;  // a local broker's process: report its CPU time per input too
};

// CPU seconds used so far by this process and, when pid > 0, by that (broker) process.
struct CpuTimes {
  double self = 0;
  double broker = 0;
};

CpuTimes cpu_now(int broker_pid) {
  return CpuTimes{process_cpu_seconds(::getpid()), process_cpu_seconds(broker_pid)};
}

void print_cpu(const char* side, const CpuTimes& before, const CpuTimes& after, std::size_t n,
               int broker_pid) {
  std::printf("  %s CPU per input: gateway process %.1f us", side,
              (after.self - before.self) * 1e6 / static_cast<double>(n));
  if (broker_pid > 0) {
    std::printf(", broker %.1f us", (after.broker - before.broker) * 1e6 / static_cast<double>(n));
  }
  std::printf("\n");
}

// Runs io until done() or the deadline; returns the seconds from the moment started() first
// held (the first record consumed: joining the group is not throughput) to done(), or -1 on
// timeout. Both are checked every 5 ms, which bounds the error at a few ms per run.
template <typename Started, typename Done>
double run_until(boost::asio::io_context& io, Started&& started, Done&& done,
                 std::chrono::seconds limit, const std::function<void()>& trace = {}) {
  const auto deadline = Clock::now() + limit;
  std::optional<Clock::time_point> start;
  auto next_trace = Clock::now();
  // done() asks the routing thread for its counters: every 5 ms keeps that cheap.
  while (!done()) {
    if (Clock::now() > deadline) return -1;
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
    if (!start && started()) start = Clock::now();
    if (trace && start && Clock::now() >= next_trace) {
      next_trace = Clock::now() + std::chrono::milliseconds(250);
      trace();
    }
  }
  return std::chrono::duration<double>(Clock::now() - start.value_or(Clock::now())).count();
}

int main_impl(int argc, char** argv) {
  Options opt;
  if (const char* b = std::getenv("GW_TEST_KAFKA_BROKERS")) opt.brokers = b;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--brokers") opt.brokers = value;
    else if (flag == "--count") opt.count = std::stoul(value);
    else if (flag == "--rounds") opt.rounds = std::stoi(value);
    else if (flag == "--partitions") opt.partitions = std::stoi(value);
    else if (flag == "--repo") opt.repo = value;
    else if (flag == "--trace") opt.trace = value == "1";
    else if (flag == "--broker-pid") opt.broker_pid = std::stoi(value);
    else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  spdlog::set_level(spdlog::level::warn);
  auto gateway_config = app::load_gateway(opt.repo + "/config/gateway.yaml", std::cerr);
  auto table = gateway_config ? app::load_route_table(gateway_config->routing_file, std::cerr)
                              : nullptr;
  if (!table) return 2;

  const std::string run = "tput-" + std::to_string(::getpid()) + ".";
  GatewayConfig config = *gateway_config;
  for (InputSpec& in : config.inputs) in.topic = run + in.topic;
  config.dead_letter_topic = run + config.dead_letter_topic;
  auto routing = std::make_shared<RoutingConfig>(table->config());
  for (Department& d : routing->departments) d.topic = run + d.topic;
  table = std::make_shared<const RouteTable>(routing);
  const std::string copy_topic = run + "raw-copy";

  KafkaSettings settings = config.kafka;
  if (const char* l = std::getenv("GW_LINGER_MS")) settings.producer_properties["linger.ms"] = l;
  if (const char* b = std::getenv("GW_FETCH_BACKOFF")) settings.consumer_properties["fetch.error.backoff.ms"] = b;
  std::unique_ptr<EmbeddedCluster> embedded;
  std::vector<std::string> topics{config.dead_letter_topic, copy_topic};
  for (const InputSpec& in : config.inputs) topics.push_back(in.topic);
  for (const Department& d : routing->departments) topics.push_back(d.topic);
  if (opt.brokers.empty()) {
    embedded = std::make_unique<EmbeddedCluster>(1);
    settings.brokers = embedded->bootstrap();
    std::cerr << "no --brokers: the embedded mock cluster (figures say little about Kafka)\n";
  } else {
    settings.brokers = opt.brokers;
  }
  auto create = [&](const std::vector<std::string>& names, bool compacted) {
    if (embedded) {
      create_topics(*embedded, names, opt.partitions, 1);
    } else {
      create_topics(settings, names, opt.partitions, settings.replication_factor,
                    compacted ? state_topic_config() : std::map<std::string, std::string>{});
    }
  };
  create(topics, false);

  // The backlog: every shipped sample (good and bad, both sources), with fresh source ids,
  // repeated up to count.
  const auto samples = app::read_samples(opt.repo + "/config/samples");
  std::map<std::string, std::string> renamed;
  for (std::size_t i = 0; i < config.inputs.size(); ++i) {
    renamed[gateway_config->inputs[i].topic] = config.inputs[i].topic;
  }
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> by_topic;
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < opt.count; ++i) {
    const app::SampleInput& s = samples[i % samples.size()];
    std::string value = app::with_ref_suffix(s.bytes, "-b" + std::to_string(i));
    bytes += value.size();
    by_topic[renamed.at(s.topic)].emplace_back("k" + std::to_string(i), std::move(value));
  }
  const auto load_start = Clock::now();
  for (const auto& [topic, records] : by_topic) {
    produce_records(settings, topic, records, std::chrono::minutes(10));
  }
  std::printf("backlog: %zu inputs (%.1f MB, %zu samples repeated) loaded in %.1f s\n",
              opt.count, bytes / 1e6, samples.size(),
              std::chrono::duration<double>(Clock::now() - load_start).count());

  auto make_processor = [&] {
    auto p = std::make_unique<CaseProcessor>([t = table] { return t; }, config.dead_letter_topic);
    for (const InputSpec& in : config.inputs) p->add_input(in.topic, make_input_decoder(in));
    return p;
  };
  KafkaPipelineOptions base;
  base.tick = std::chrono::milliseconds(20);
  if (const char* m = std::getenv("GW_MAX_IN_FLIGHT")) base.max_in_flight = std::stoul(m);

  std::vector<double> raw_rates;
  std::vector<double> gateway_rates;
  for (int round = 1; round <= opt.rounds; ++round) {
    {  // raw copy
      boost::asio::io_context io;
      KafkaSettings s = settings;
      s.group_id = run + "raw-" + std::to_string(round);
      KafkaPipelineOptions o = base;
      for (const InputSpec& in : config.inputs) o.input_topics.push_back(in.topic);
      KafkaPipeline raw(io, s, o, [&copy_topic](const InputRecord& in) {
        ProcessOutcome out;
        OutRecord& r = out.records.emplace_back();
        r.topic = copy_topic;
        r.key.assign(in.key);
        r.value.assign(in.value);
        return out;
      });
      raw.start();
      const CpuTimes cpu_before = cpu_now(opt.broker_pid);
      const double secs = run_until(
          io, [&] { return raw.counters().records_consumed > 0; },
          [&] {
            const PipelineCounters c = raw.counters();
            return c.records_consumed == opt.count && c.in_flight == 0;
          },
          std::chrono::minutes(10), [&] {
            if (!opt.trace) return;
            const PipelineCounters c = raw.counters();
            std::printf("  raw consumed %zu in flight %zu pauses %zu\n",
                        static_cast<std::size_t>(c.records_consumed),
                        static_cast<std::size_t>(c.in_flight), static_cast<std::size_t>(c.pauses));
          });
      raw.stop();
      if (secs < 0) {
        std::fprintf(stderr, "raw copy round %d timed out\n", round);
        return 1;
      }
      raw_rates.push_back(static_cast<double>(opt.count) / secs);
      std::printf("round %d raw copy: %.2f s, %.0f inputs/s\n", round, secs, raw_rates.back());
      print_cpu("raw copy", cpu_before, cpu_now(opt.broker_pid), opt.count, opt.broker_pid);
    }
    {  // the gateway
      boost::asio::io_context io;
      KafkaSettings s = settings;
      s.group_id = run + "gw-" + std::to_string(round);
      GatewayConfig c = config;
      c.internal_topic = s.group_id + ".cases";
      c.state_topic = s.group_id + ".case-state";
      create({c.internal_topic}, false);
      create({c.state_topic}, true);
      CaseGateway gateway(io, s, c, make_processor, opt.partitions, base);
      gateway.start();
      const CpuTimes cpu_before = cpu_now(opt.broker_pid);
      const double secs = run_until(
          io, [&] { return gateway.intake_counters().records_consumed > 0; },
          [&] {
            const PipelineCounters in = gateway.intake_counters();
            const PipelineCounters out = gateway.routing_counters();
            std::uint64_t dead = 0;
            for (const auto& [code, n] : in.dead_letters) dead += n;
            return in.records_consumed == opt.count && in.in_flight == 0 &&
                   out.records_consumed == opt.count - dead && out.in_flight == 0;
          },
          std::chrono::minutes(10), [&] {
            if (!opt.trace) return;
            const PipelineCounters in = gateway.intake_counters();
            const PipelineCounters out = gateway.routing_counters();
            std::printf("  intake consumed %zu in flight %zu pauses %zu | routing consumed %zu "
                        "in flight %zu pauses %zu\n",
                        static_cast<std::size_t>(in.records_consumed),
                        static_cast<std::size_t>(in.in_flight),
                        static_cast<std::size_t>(in.pauses),
                        static_cast<std::size_t>(out.records_consumed),
                        static_cast<std::size_t>(out.in_flight),
                        static_cast<std::size_t>(out.pauses));
          });
      gateway.stop();
      if (secs < 0) {
        std::fprintf(stderr, "gateway round %d timed out\n", round);
        return 1;
      }
      gateway_rates.push_back(static_cast<double>(opt.count) / secs);
      std::printf("round %d gateway:  %.2f s, %.0f inputs/s (ratio to this round's raw copy %.2f)\n",
                  round, secs, gateway_rates.back(), gateway_rates.back() / raw_rates.back());
      print_cpu("gateway", cpu_before, cpu_now(opt.broker_pid), opt.count, opt.broker_pid);
    }
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::printf("median: raw copy %.0f inputs/s, gateway %.0f inputs/s, ratio %.2f\n",
              median(raw_rates), median(gateway_rates),
              median(gateway_rates) / median(raw_rates));
  return 0;
}

}  // namespace
}  // namespace gw::bench

int main(int argc, char** argv) {
  try {
    return gw::bench::main_impl(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gw_kafka_bench: %s\n", e.what());
    return 1;
  }
}
