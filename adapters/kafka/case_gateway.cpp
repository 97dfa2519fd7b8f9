#include "adapters/kafka/case_gateway.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "adapters/kafka/kafka_config.h"
#include "adapters/kafka/topic_io.h"

namespace gw {
namespace {

// Reading a partition whose leader is away (a broker failing over) fails after 20 s; the
// attempts wait 0.25 + 0.5 + 1 + 2 + 4 s between them.
constexpr int kRestoreAttempts = 6;

}  // namespace

int internal_partition_count(const KafkaSettings& settings, const GatewayConfig& config) {
  // A topic created a moment ago may take a few metadata refreshes to show up.
  auto partitions_of = [&](const std::string& topic) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int n = topic_partitions(settings, topic);
    while (n == 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      n = topic_partitions(settings, topic);
    }
    return n;
  };
  const int cases = partitions_of(config.internal_topic);
  const int state = partitions_of(config.state_topic);
  if (cases == 0 || state == 0) {
    throw KafkaError("kafka: topic \"" + (cases == 0 ? config.internal_topic : config.state_topic) +
                     "\" does not exist");
  }
  if (cases != state) {
    throw KafkaError("kafka: internal_topic \"" + config.internal_topic + "\" has " +
                     std::to_string(cases) + " partitions but state_topic \"" +
                     config.state_topic + "\" has " + std::to_string(state) +
                     ": they must be equal (add partitions to the smaller one, or recreate both)");
  }
  return cases;
}

const std::map<std::string, std::string>& state_topic_config() {
  static const std::map<std::string, std::string> config = {{"cleanup.policy", "compact"}};
  return config;
}

CaseGateway::CaseGateway(boost::asio::io_context& io, const KafkaSettings& settings,
                         const GatewayConfig& config, const ProcessorFactory& make_processor,
                         int internal_partitions, KafkaPipelineOptions options)
    : io_(io),
      routing_settings_(settings),
      state_topic_(config.state_topic),
      intake_processor_(make_processor()),
      routing_processor_(make_processor()),
      routing_work_(boost::asio::make_work_guard(routing_io_)) {
  routing_settings_.group_id = settings.group_id + ".routing";
  // A stage that fails stops the whole gateway, on the main io thread: half a gateway would
  // look alive to systemd while nothing gets routed.
  std::function<void(const std::string&)> stop_all =
      [this, report = options.on_fatal_error](const std::string& reason) {
        boost::asio::post(io_, [this, report, reason] {
          stop();
          if (report) report(reason);
        });
      };

  KafkaPipelineOptions intake = options;
  intake.input_topics.clear();
  for (const InputSpec& in : config.inputs) intake.input_topics.push_back(in.topic);
  intake.read_headers = false;
  intake.on_assigned = nullptr;
  intake.on_revoked = nullptr;
  intake.on_fatal_error = stop_all;
  intake_ = std::make_unique<KafkaPipeline>(
      io_, settings, std::move(intake),
      [processor = intake_processor_.get(), topic = config.internal_topic,
       internal_partitions](const InputRecord& in) {
        return processor->forward(in, topic, internal_partitions);
      });

  KafkaPipelineOptions routing = std::move(options);
  routing.input_topics = {config.internal_topic};
  routing.read_headers = true;
  routing.on_assigned = [this](const std::vector<TopicPartition>& parts) { restore(parts); };
  routing.on_revoked = [this](const std::vector<TopicPartition>& parts) {
    for (const TopicPartition& tp : parts) routed_.forget(tp.partition);
  };
  routing.on_fatal_error = stop_all;
  routing_ = std::make_unique<KafkaPipeline>(
      routing_io_, routing_settings_, std::move(routing),
      [this](const InputRecord& in) {
        return routing_processor_->route_forwarded(in, routed_, state_topic_);
      });
}

CaseGateway::~CaseGateway() {
  try {
    stop();
  } catch (const std::exception& e) {
    spdlog::error("case gateway: stopping failed: {}", e.what());
  }
}

template <typename F>
auto CaseGateway::on_routing_thread(F&& f) const -> decltype(f()) {
  if (!routing_thread_.joinable() || std::this_thread::get_id() == routing_thread_.get_id()) {
    return f();
  }
  std::packaged_task<decltype(f())()> task(std::forward<F>(f));
  auto result = task.get_future();
  boost::asio::post(routing_io_, [&task] { task(); });
  return result.get();
}

void CaseGateway::start() {
  if (started_ || stopped_) return;
  started_ = true;
  routing_thread_ = std::thread([this] { routing_io_.run(); });
  on_routing_thread([this] { routing_->start(); });
  intake_->start();
}

StopReport CaseGateway::stop() {
  if (stopped_) return stop_report_;
  stopped_ = true;
  const StopReport intake = intake_->stop();
  StopReport report = on_routing_thread([this] { return routing_->stop(); });
  routing_work_.reset();
  if (routing_thread_.joinable()) routing_thread_.join();
  report.drained = report.drained && intake.drained;
  report.committed = report.committed && intake.committed;
  report.abandoned += intake.abandoned;
  stop_report_ = report;
  return report;
}

PipelineCounters CaseGateway::routing_counters() const {
  return on_routing_thread([this] { return routing_->counters(); });
}

std::vector<PartitionLag> CaseGateway::routing_lag() const {
  return on_routing_thread([this] { return routing_->lag(); });
}

void CaseGateway::when_caught_up(std::function<void()> handler) {
  intake_->when_caught_up([this, handler = std::move(handler)]() mutable {
    boost::asio::post(routing_io_, [this, handler = std::move(handler)]() mutable {
      routing_->when_caught_up([this, handler = std::move(handler)]() mutable {
        boost::asio::post(io_, std::move(handler));
      });
    });
  });
}

void CaseGateway::restore(const std::vector<TopicPartition>& partitions) {
  // Blocks the routing thread while it reads (intake goes on on its own): records of these
  // partitions wait. Bounded by the state topic's size (one record per case, compacted).
  for (const TopicPartition& tp : partitions) {
    const auto started = std::chrono::steady_clock::now();
    std::size_t records = 0;
    bool restored = false;
    // A partition just created may have no leader for a moment: retry with a short backoff.
    for (int attempt = 1; attempt <= kRestoreAttempts && !restored; ++attempt) {
      if (attempt > 1) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250 << (attempt - 2)));
      }
      routed_.forget(tp.partition);
      records = 0;
      try {
        read_partition(routing_settings_, state_topic_, tp.partition,
                       [&](std::string_view key, std::string_view, bool tombstone) {
                         ++records;
                         if (tombstone) {
                           routed_.remove(tp.partition, key);
                         } else {
                           routed_.add(tp.partition, key);
                         }
                       },
                       std::chrono::seconds(20));
        restored = true;
      } catch (const std::exception& e) {
        spdlog::warn("routing: restoring partition {} from {} failed (attempt {} of {}): {}",
                     tp.partition, state_topic_, attempt, kRestoreAttempts, e.what());
      }
    }
    if (!restored) {
      // Stopping would halt every partition; going on risks only repeats, which at-least-once
      // allows and departments recognise by case id.
      spdlog::error("routing: partition {} runs without its routed-case memory: cases sent "
                    "again may be routed again",
                    tp.partition);
      continue;
    }
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    spdlog::info("routing: partition {} assigned; {} routed cases restored from {} ({} records, {} ms)",
                 tp.partition, routed_.size(tp.partition), state_topic_, records, took.count());
  }
}

}  // namespace gw
