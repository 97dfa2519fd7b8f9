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

// A topic created a moment ago may take a few metadata refreshes to show up.
int partitions_of(const KafkaSettings& settings, const std::string& topic) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int n = topic_partitions(settings, topic);
  while (n == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    n = topic_partitions(settings, topic);
  }
  return n;
}

}  // namespace

int internal_partition_count(const KafkaSettings& settings, const GatewayConfig& config) {
  auto partitions_of = [&](const std::string& topic) { return gw::partitions_of(settings, topic); };
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
                         int internal_partitions, KafkaPipelineOptions options,
                         LifecycleWiring lifecycle)
    : io_(io),
      routing_settings_(settings),
      state_topic_(config.state_topic),
      intake_processor_(make_processor()),
      routing_processor_(make_processor()),
      internal_topic_(config.internal_topic),
      lifecycle_wiring_(std::move(lifecycle)),
      routing_work_(boost::asio::make_work_guard(routing_io_)) {
  routing_settings_.group_id = settings.group_id + ".routing";
  if (lifecycle_wiring_.policy) {
    for (const std::string& topic : lifecycle_wiring_.update_topics) {
      intake_processor_->add_update_input(topic, lifecycle_wiring_.make_update_parser());
      routing_processor_->add_update_input(topic, lifecycle_wiring_.make_update_parser());
    }
    LifecycleTopics topics;
    topics.state = config.state_topic;
    topics.events = lifecycle_wiring_.events_topic;
    topics.events_partitions = partitions_of(settings, topics.events);
    if (topics.events_partitions == 0) {
      throw KafkaError("kafka: topic \"" + topics.events + "\" (lifecycle.events_topic) does not exist");
    }
    topics.supervision = lifecycle_wiring_.supervision_topic;
    lifecycle_ = std::make_unique<LifecycleStage>(
        *routing_processor_, lifecycle_wiring_.policy, lifecycle_wiring_.options, std::move(topics),
        [this](std::int32_t partition, std::int64_t offset) {
          return read_forwarded(partition, offset);
        });
  }
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
  if (lifecycle_) {
    for (const std::string& topic : lifecycle_wiring_.update_topics) intake.input_topics.push_back(topic);
  }
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
    for (const TopicPartition& tp : parts) {
      routed_.forget(tp.partition);
      if (lifecycle_) lifecycle_->forget(tp.partition);
    }
  };
  routing.on_fatal_error = stop_all;
  routing_ = std::make_unique<KafkaPipeline>(
      routing_io_, routing_settings_, std::move(routing),
      [this](const InputRecord& in) {
        if (lifecycle_) return lifecycle_->process(in, routed_, now());
        return routing_processor_->route_forwarded(in, routed_, state_topic_);
      });
}

EpochMs CaseGateway::now() const {
  if (lifecycle_wiring_.clock) return lifecycle_wiring_.clock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<StoredRecord> CaseGateway::read_forwarded(std::int32_t partition, std::int64_t offset) const {
  try {
    std::optional<ConsumedRecord> r =
        read_record(routing_settings_, internal_topic_, partition, offset);
    if (!r) {
      return Refusal{RefusalCode::out_of_range, "inputOffset",
                     "no record at offset " + std::to_string(offset) + " of " + internal_topic_ +
                         " partition " + std::to_string(partition) + " (deleted by retention?)"};
    }
    StoredRecord out;
    out.topic = std::move(r->topic);
    out.partition = r->partition;
    out.offset = r->offset;
    out.key = std::move(r->key);
    out.value = std::move(r->value);
    out.timestamp = r->timestamp;
    out.headers = std::move(r->headers);
    return out;
  } catch (const std::exception& e) {
    return Refusal{RefusalCode::out_of_range, "inputOffset", e.what()};
  }
}

void CaseGateway::arm_timer_tick() {
  if (!timer_tick_) return;
  timer_tick_->expires_after(lifecycle_wiring_.timer_tick);
  timer_tick_->async_wait([this](const boost::system::error_code& ec) {
    if (ec || routing_->stopped()) return;
    fire_due_timers();
    arm_timer_tick();
  });
}

void CaseGateway::fire_due_timers() {
  // At most this many cases per turn, so that records keep flowing while a backlog of timers
  // (a restart after a long stop) is fired; the next turn comes at once.
  constexpr std::size_t kCasesPerTurn = 1000;
  const EpochMs t = now();
  std::vector<LifecycleStage::Fired> fired = lifecycle_->fire_due(t, kCasesPerTurn);
  for (LifecycleStage::Fired& f : fired) {
    routing_->emit(TopicPartition{internal_topic_, f.partition}, std::move(f.records), t);
  }
  const std::string& problem = lifecycle_->counters().last_problem;
  if (problem != last_lifecycle_problem_) {
    spdlog::warn("lifecycle: {}", problem);
    last_lifecycle_problem_ = problem;
  }
  if (fired.size() == kCasesPerTurn) {
    boost::asio::post(routing_io_, [this] {
      if (!routing_->stopped()) fire_due_timers();
    });
  }
}

std::optional<LifecycleReport> CaseGateway::lifecycle_report() const {
  if (!lifecycle_) return std::nullopt;
  return on_routing_thread([this] {
    LifecycleReport r;
    r.counters = lifecycle_->counters();
    r.tracked_cases = lifecycle_->book().size();
    r.timed_cases = lifecycle_->book().timed();
    r.book_bytes = lifecycle_->book().approximate_bytes();
    return std::optional<LifecycleReport>(std::move(r));
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
  on_routing_thread([this] {
    routing_->start();
    if (lifecycle_) {
      timer_tick_ = std::make_unique<boost::asio::steady_timer>(routing_io_);
      arm_timer_tick();
    }
  });
  intake_->start();
}

StopReport CaseGateway::stop() {
  if (stopped_) return stop_report_;
  stopped_ = true;
  const StopReport intake = intake_->stop();
  StopReport report = on_routing_thread([this] {
    if (timer_tick_) timer_tick_->cancel();
    return routing_->stop();
  });
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
      if (lifecycle_) lifecycle_->forget(tp.partition);
      records = 0;
      try {
        read_partition(routing_settings_, state_topic_, tp.partition,
                       [&](std::string_view key, std::string_view value, bool tombstone) {
                         ++records;
                         if (lifecycle_) {
                           lifecycle_->restore(tp.partition, key, value, tombstone, routed_);
                         } else if (tombstone) {
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
    if (lifecycle_) {
      spdlog::info("routing: partition {} assigned; {} routed cases restored from {}, {} of them "
                   "tracked ({} records, {} ms)",
                   tp.partition, routed_.size(tp.partition), state_topic_,
                   lifecycle_->book().size(tp.partition), records, took.count());
    } else {
      spdlog::info("routing: partition {} assigned; {} routed cases restored from {} ({} records, {} ms)",
                   tp.partition, routed_.size(tp.partition), state_topic_, records, took.count());
    }
  }
}

}  // namespace gw
