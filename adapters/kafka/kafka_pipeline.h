// The gateway's main loop over Kafka: consume input records, turn each into its outputs
// (gw::CaseProcessor), produce them, and commit an input offset only when every output of
// it and of every earlier record of its partition is acknowledged (at-least-once).
//
// Threading: everything runs on one boost::asio::io_context thread. librdkafka wakes that
// thread through eventfds (QueueWakeup) and never calls into the pipeline from its own
// threads. A steady_timer tick also serves both clients, so librdkafka's max.poll.interval
// is honoured while idle. Call every member on the io thread (from another thread,
// asio::post to it).
//
// Delivery failures are never skipped: the output is produced again with exponential backoff
// while its input offset stays unstored. Above max_in_flight unacknowledged outputs the
// pipeline stops taking records from the consumer until half of them are acknowledged
// (records librdkafka already fetched wait in its queue, which it bounds). Nothing is polled
// meanwhile: if outputs stay unacknowledged for longer than max.poll.interval.ms, the
// consumer leaves the group and rejoins when it polls again; nothing is committed past an
// unacknowledged output either way.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "adapters/kafka/kafka_sink.h"
#include "adapters/kafka/kafka_source.h"
#include "adapters/kafka/pipeline_counters.h"
#include "adapters/kafka/queue_wakeup.h"
#include "gateway/core/gateway_config.h"
#include "gateway/pipeline/case_processor.h"
#include "gateway/pipeline/offset_tracker.h"

namespace gw {

struct KafkaPipelineOptions {
  std::vector<std::string> input_topics;
  // Stop consuming above this many unacknowledged outputs; consume again at half of it.
  std::size_t max_in_flight = 10000;
  // Records handled per turn of the loop before timers and delivery reports get a turn.
  std::size_t batch_size = 500;
  // How long stop() and a revocation wait for in-flight outputs before giving up on them
  // (their inputs stay uncommitted and are consumed again).
  std::chrono::milliseconds drain_timeout{10000};
  std::chrono::milliseconds retry_backoff_initial{100};
  std::chrono::milliseconds retry_backoff_max{10000};
  // Safety-net poll of both clients; wakeups normally come from the eventfds.
  std::chrono::milliseconds tick{100};
  // Called on the io thread after the pipeline stopped itself because of a fatal error.
  std::function<void(const std::string& reason)> on_fatal_error;
  // Fill InputRecord::headers (the routing stage reads the intake stage's headers).
  bool read_headers = false;
  // Called on the io thread when partitions are assigned, before any of their records is
  // processed (the routing stage restores their state here; it may block), and when they
  // are revoked or lost, after their in-flight outputs were drained or abandoned.
  std::function<void(const std::vector<TopicPartition>&)> on_assigned;
  std::function<void(const std::vector<TopicPartition>&)> on_revoked;
  // Called on the io thread for every output the brokers acknowledged (dead letters
  // included), with the timestamp of the input it came from: for latency metrics.
  std::function<void(const OutRecord&, EpochMs input_timestamp)> on_acknowledged;
};

struct StopReport {
  bool drained = true;        // every output acknowledged before the deadline
  std::size_t abandoned = 0;  // outputs given up on; their inputs were not committed
  bool committed = true;      // the final synchronous commit succeeded
};

class KafkaPipeline : private kafka::ConsumerEvents, private kafka::ProducerEvents {
 public:
  // Turns one input record into its outputs: CaseProcessor::process, or a test's stand-in.
  using Process = std::function<ProcessOutcome(const InputRecord&)>;

  // settings.brokers must name a cluster (for the embedded mode, EmbeddedCluster::bootstrap()).
  // Throws KafkaError when librdkafka rejects a property (the message names it).
  KafkaPipeline(boost::asio::io_context& io, const KafkaSettings& settings,
                KafkaPipelineOptions options, Process process);
  KafkaPipeline(boost::asio::io_context& io, const KafkaSettings& settings,
                KafkaPipelineOptions options, CaseProcessor& processor)
      : KafkaPipeline(io, settings, std::move(options),
                      [&processor](const InputRecord& in) { return processor.process(in); }) {}
  // Stops (as stop()) if still running.
  ~KafkaPipeline() override;
  KafkaPipeline(const KafkaPipeline&) = delete;
  KafkaPipeline& operator=(const KafkaPipeline&) = delete;

  // Subscribes and starts consuming when the io_context runs.
  void start();

  // For SIGTERM/SIGINT: stop consuming, wait (up to drain_timeout) for in-flight outputs,
  // commit synchronously, leave the group. Blocks the io thread meanwhile. Afterwards the
  // pipeline holds no pending io work, so io_context::run() returns once nothing else is
  // queued. Idempotent: later calls return the first report.
  StopReport stop();
  bool stopped() const { return stopped_; }

  // Calls handler (on the io thread) once everything consumed so far is committed and every
  // assigned input partition has been consumed to its end offset. Needs an assignment: this
  // instance's partitions only (the `gateway run --feed` demo runs one instance). Checking
  // asks the brokers for end and committed offsets, once per tick while a caller waits.
  void when_caught_up(std::function<void()> handler);

  // Outputs that no input caused (the lifecycle's timers), produced on behalf of owner, an
  // assigned input partition: after_others records wait for the others as with an input's
  // outputs, and every after_others record of a partition is produced in the order its
  // group was handed over, whichever group's others are acknowledged first (the state
  // topic's last record of a case must be its newest state). Nothing is committed for them;
  // a revocation waits for them as for the partition's inputs. False (nothing produced)
  // when owner is not assigned.
  bool emit(const TopicPartition& owner, std::vector<OutRecord> records, EpochMs timestamp);
  PipelineCounters counters() const;
  // Per assigned input partition; from librdkafka's cached watermarks (no broker call).
  std::vector<PartitionLag> lag() const;
  // Set when a fatal error stopped the pipeline.
  const std::string& failure() const { return failure_; }

 private:
  // One output record between produce() and its acknowledgement. Owned by outputs_; while
  // librdkafka holds it, its address is the record's opaque.
  struct HeldOutputs;
  struct PendingOutput {
    OutRecord record;
    TopicPartition source;
    std::int64_t source_offset = 0;
    EpochMs source_timestamp = 0;
    std::uint64_t generation = 0;  // the source partition's assignment it belongs to
    bool dead_letter = false;
    int attempts = 0;
    std::list<PendingOutput>::iterator self;
    // Outputs marked after_others wait here, unproduced ("held"), until the other outputs
    // of their input are acknowledged; those others share the group and count it down.
    std::shared_ptr<HeldOutputs> held_by;
    bool held = false;
  };
  struct HeldOutputs {
    std::size_t waiting = 0;  // outputs of the input not yet acknowledged
    std::vector<PendingOutput*> outputs;
    TopicPartition source;
    std::uint64_t generation = 0;
  };
  using Clock = std::chrono::steady_clock;

  // ConsumerEvents / ProducerEvents (called by librdkafka on this thread).
  void on_assigned(const std::vector<TopicPartition>& partitions) override;
  void on_revoking(const std::vector<TopicPartition>& partitions, bool lost) override;
  void on_committed(const std::vector<kafka::PartitionOffset>& offsets) override;
  void on_delivery(void* opaque, rd_kafka_resp_err_t err) override;
  void on_fatal_error(const std::string& reason) override;

  void serve_consumer();
  void serve_producer();
  void handle_record(const rd_kafka_message_t& msg);
  void produce(PendingOutput& out);
  void schedule_retry(PendingOutput& out);
  void run_due_retries();
  void arm_retry_timer();
  void erase(PendingOutput& out);
  void enqueue(std::vector<OutRecord>& records, const TopicPartition& source, std::int64_t offset,
               EpochMs timestamp, std::uint64_t generation, bool dead_letter);
  void release_held(PendingOutput& acknowledged);
  void produce_ready_held(const TopicPartition& source);
  void drop_stale_held();
  bool stale(const PendingOutput& out) const;
  void store_committable();
  std::vector<kafka::PartitionOffset> committable_of(const std::vector<TopicPartition>& parts);
  bool drain(const std::vector<TopicPartition>& partitions, Clock::time_point deadline);
  void pause_if_full();
  void resume_if_drained();
  void arm_tick();
  void check_caught_up();
  void post_turn();
  void fail(const std::string& reason);

  boost::asio::io_context& io_;
  KafkaPipelineOptions options_;
  Process process_;

  // Declared before the clients: the producer must be destroyed before the outputs whose
  // bytes it may still be sending.
  std::list<PendingOutput> outputs_;
  // Per input partition, its held groups in the order they were created: released from the
  // front only (emit()).
  std::map<TopicPartition, std::deque<std::shared_ptr<HeldOutputs>>> held_order_;
  // Per input partition, emitted outputs not yet acknowledged (drain() waits for them).
  std::map<TopicPartition, std::size_t> emitted_pending_;
  std::multimap<Clock::time_point, PendingOutput*> retries_;
  OffsetTracker tracker_;
  std::map<TopicPartition, std::uint64_t> generation_;  // assigned partitions
  std::uint64_t next_generation_ = 0;
  std::map<TopicPartition, std::int64_t> stored_;     // last offset stored per partition
  std::map<TopicPartition, std::int64_t> committed_;  // last offset the coordinator accepted
  std::set<TopicPartition> acked_since_store_;

  std::unique_ptr<kafka::KafkaSource> source_;
  std::unique_ptr<kafka::KafkaSink> sink_;
  std::unique_ptr<kafka::QueueWakeup> consumer_wakeup_;
  std::unique_ptr<kafka::QueueWakeup> producer_wakeup_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer retry_timer_;

  PipelineCounters counters_;
  std::vector<std::function<void()>> caught_up_waiters_;
  bool started_ = false;
  bool paused_ = false;
  bool turn_posted_ = false;
  bool stopping_ = false;
  bool stopped_ = false;
  bool draining_ = false;
  StopReport stop_report_;
  std::string failure_;
  // Expires with this object, so completions already queued never touch a destroyed pipeline.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace gw
