// The gateway's two Kafka stages (docs/architecture.md, "Data flow: two stages"):
//
//   input topics --intake--> internal topic (keyed by case id) --routing--> department topics
//        |                                                          |  \-> state topic
//        \--> dead-letter topic                                      \--> (dead letters)
//
// Intake (consumer group <group_id>) decodes each input and dead-letters what it refuses; it
// forwards the rest, keyed by case id, so every copy of a case lands on one partition of the
// internal topic whatever partition its input came from. Routing (group <group_id>.routing)
// owns internal partitions: on assignment it restores from the compacted state topic which
// cases of that partition were routed, suppresses repeats, routes the others and records
// them. Both stages commit an input only after its outputs are acknowledged; a crash repeats
// work, never skips it.
//
// Threads: intake runs on the caller's io_context (the "main" io thread); routing runs on an
// io_context and thread of its own, so the two stages use two cores. Each stage has its own
// CaseProcessor. Call every member on the main io thread; the routing stage's handlers
// (rebalance, restore, processing) run on its thread, and what crosses over (when_caught_up,
// counters, stop) is posted and waited for.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "adapters/kafka/kafka_pipeline.h"
#include "gateway/core/gateway_config.h"
#include "gateway/core/case_lifecycle.h"
#include "gateway/pipeline/case_processor.h"
#include "gateway/pipeline/lifecycle_stage.h"
#include "gateway/pipeline/routed_cases.h"

namespace gw {

// The internal topic's partition count, after checking that the state topic has the same
// (restoring partition p of the state must give exactly the cases of internal partition p).
// Throws KafkaError naming both counts when they differ or a topic is missing.
int internal_partition_count(const KafkaSettings& settings, const GatewayConfig& config);

// Topic settings the state topic is created with: compacted, so it keeps the last record of
// every case and stays bounded by the number of cases, not of inputs.
const std::map<std::string, std::string>& state_topic_config();

// The case lifecycle in the routing stage (gateway.yaml's lifecycle section;
// docs/lifecycle.md). Off when policy is null.
struct LifecycleWiring {
  std::shared_ptr<const DeadlinePolicy> policy;
  LifecycleOptions options;
  std::string events_topic;
  std::string supervision_topic;
  // Topics of department status updates: the intake stage consumes them and forwards each
  // update to its case's partition.
  std::vector<std::string> update_topics;
  // One parser per stage (parsers keep buffers).
  std::function<UpdateParser()> make_update_parser;
  // Now, for the state machine and the timers; the system clock when empty (tests inject one).
  std::function<EpochMs()> clock;
  // How often the routing thread looks for due timers: the bound on a timer's lateness when
  // the thread is idle.
  std::chrono::milliseconds timer_tick{100};
};

// What the lifecycle did, read from the routing thread.
struct LifecycleReport {
  LifecycleCounters counters;
  std::size_t tracked_cases = 0;  // in memory, all owned partitions
  std::size_t timed_cases = 0;    // with an armed timer
  std::size_t book_bytes = 0;     // CaseBook::approximate_bytes()
};

class CaseGateway {
 public:
  using ProcessorFactory = std::function<std::unique_ptr<CaseProcessor>()>;

  // make_processor makes each stage's CaseProcessor (a decoder for every input topic).
  // options are the template for both stages (input_topics is ignored).
  // Throws KafkaError when librdkafka rejects a property.
  CaseGateway(boost::asio::io_context& io, const KafkaSettings& settings,
              const GatewayConfig& config, const ProcessorFactory& make_processor,
              int internal_partitions, KafkaPipelineOptions options = {},
              LifecycleWiring lifecycle = {});
  // Stops (as stop()) if still running.
  ~CaseGateway();
  // The stages' callbacks hold `this`.
  CaseGateway(const CaseGateway&) = delete;
  CaseGateway& operator=(const CaseGateway&) = delete;

  // Starts both stages; the routing thread starts here.
  void start();
  // Stops intake first (drain, commit, leave), then routing, and joins the routing thread;
  // the report merges both (drained and committed only if both were). Idempotent.
  StopReport stop();
  bool stopped() const { return stopped_; }

  // handler runs on the main io thread once intake has committed everything assigned to it
  // and then routing has committed everything intake forwarded.
  void when_caught_up(std::function<void()> handler);

  PipelineCounters intake_counters() const { return intake_->counters(); }
  // Waits for the routing thread to copy them (or reads them directly once it has stopped).
  PipelineCounters routing_counters() const;
  std::vector<PartitionLag> intake_lag() const { return intake_->lag(); }
  std::vector<PartitionLag> routing_lag() const;
  // Nothing when the lifecycle is off.
  std::optional<LifecycleReport> lifecycle_report() const;

 private:
  void restore(const std::vector<TopicPartition>& partitions);
  EpochMs now() const;
  void arm_timer_tick();
  void fire_due_timers();
  Result<StoredRecord> read_forwarded(std::int32_t partition, std::int64_t offset) const;
  // Runs f on the routing thread and waits for it (directly when that thread is gone).
  template <typename F>
  auto on_routing_thread(F&& f) const -> decltype(f());

  boost::asio::io_context& io_;
  KafkaSettings routing_settings_;
  std::string state_topic_;
  std::unique_ptr<CaseProcessor> intake_processor_;
  std::unique_ptr<CaseProcessor> routing_processor_;
  std::string internal_topic_;
  RoutedCases routed_;  // routing thread only
  LifecycleWiring lifecycle_wiring_;
  std::unique_ptr<LifecycleStage> lifecycle_;  // routing thread only; null when off
  mutable boost::asio::io_context routing_io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> routing_work_;
  std::unique_ptr<boost::asio::steady_timer> timer_tick_;  // routing thread; lifecycle only
  std::string last_lifecycle_problem_;
  std::thread routing_thread_;
  std::unique_ptr<KafkaPipeline> intake_;
  std::unique_ptr<KafkaPipeline> routing_;
  bool started_ = false;
  bool stopped_ = false;
  StopReport stop_report_;
};

}  // namespace gw
