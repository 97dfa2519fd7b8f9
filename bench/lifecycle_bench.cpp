// The case lifecycle's costs (issue 5; docs/performance.md, "Case lifecycle and SLA timers"):
//
//   memory    bytes per open case in a CaseBook, from the allocator (mallinfo2), split into
//             the timer state, the index and the encoded states; RoutedCases per case
//   timers    Google Benchmark: CaseBook::put arming a timer (add), moving it (reschedule),
//             remove (cancel), take_due per case, at 10^4..10^6 cases, against an
//             unordered_map insert + erase of the same key type (the baseline)
//   rebuild   1,000,000 states on a 6-partition compacted topic of a real broker, read back
//             partition after partition as CaseGateway::restore does (read_partition ->
//             LifecycleStage::restore), against read_partition with an empty callback
//   lateness  LifecycleStage::fire_due driven as CaseGateway drives it (a 100 ms steady_timer
//             tick, at most 1000 cases a turn, re-posted while turns are full), no Kafka
//
//   taskset -c 1 build/bench/gw_lifecycle_bench --parts memory,timers
//     --benchmark_min_time=0.2 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//     (one command line)
//   build/bench/gw_lifecycle_bench --brokers 127.0.0.1:19092 --parts rebuild,lateness --rounds 3
//
// The open states are the shipped samples (config/samples) decoded, routed and started by
// create() with the shipped sla.yaml and calendars, each copy under its own case id and
// receive time. Flags: --parts memory,timers,rebuild,lateness (default all; rebuild needs
// --brokers), --cases N, --rounds N, --timers N, --window-s S, --burst N, --keep-topic 1;
// --benchmark_* flags go to Google Benchmark.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <spdlog/spdlog.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "adapters/intake/input_decoders.h"
#include "adapters/kafka/case_gateway.h"
#include "adapters/kafka/kafka_config.h"
#include "bench/bench_support.h"
#include "adapters/kafka/rdkafka_handles.h"
#include "adapters/kafka/topic_io.h"
#include "gateway/app/config_loading.h"
#include "gateway/app/sample_feed.h"
#include "gateway/core/case_id.h"
#include "gateway/pipeline/case_book.h"
#include "gateway/pipeline/lifecycle_stage.h"

namespace gw::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string brokers;
  std::string parts = "memory,timers,rebuild,lateness";
  std::size_t cases = 1'000'000;
  int partitions = 6;
  int rounds = 2;
  std::size_t timers = 100'000;  // lateness: cases due over the window
  double window_s = 20;
  std::size_t burst = 100'000;  // lateness: cases all due at once (a backlog)
  bool keep_topic = false;
  std::string repo = GW_SOURCE_DIR;
};

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

double process_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Bytes the allocator has handed out and not got back (arena chunks in use + mmapped blocks).
std::size_t heap_in_use() {
  const struct mallinfo2 m = ::mallinfo2();
  return m.uordblks + m.hblkhd;
}

// --- realistic open states ------------------------------------------------------------------

// 2025-09-22 00:00 +08:00: the first copy's receive time; copy i comes 2 s after copy i-1, so
// 1,000,000 cases span 23 days, all inside the shipped calendars.
constexpr EpochMs kFirstReceived = 1758470400000;
constexpr EpochMs kReceiveStep = 2000;

struct Template {
  Case c;
  RouteDecision decision;
};

struct World {
  std::optional<GatewayConfig> config;
  std::shared_ptr<const RouteTable> table;
  std::optional<app::Lifecycle> lifecycle;
  std::unique_ptr<CaseProcessor> processor;
  std::vector<Template> templates;  // the shipped good samples whose state is open
};

struct OpenCase {
  std::string id;
  std::string encoded;
  std::int32_t partition = 0;
};

World load_world(const Options& opt) {
  World w;
  w.config = app::load_gateway(opt.repo + "/config/gateway.yaml", std::cerr);
  if (!w.config || !w.config->lifecycle)
    throw std::runtime_error("config/gateway.yaml: no lifecycle");
  w.table = app::load_route_table(w.config->routing_file, std::cerr);
  if (!w.table) throw std::runtime_error("routing file did not load");
  w.lifecycle = app::load_lifecycle(*w.config->lifecycle, w.table->config(), std::cerr);
  if (!w.lifecycle) throw std::runtime_error("sla.yaml or the calendars did not load");
  w.processor =
      std::make_unique<CaseProcessor>([t = w.table] { return t; }, w.config->dead_letter_topic);
  for (const InputSpec& in : w.config->inputs)
    w.processor->add_input(in.topic, make_input_decoder(in));
  for (const app::SampleInput& s : app::read_samples(opt.repo + "/config/samples")) {
    InputRecord in;
    in.topic = s.topic;
    in.value = s.bytes;
    in.timestamp = kFirstReceived;
    Result<Case> c = w.processor->normalize(in, *w.table);
    if (!c) continue;  // the bad samples
    RouteDecision d = w.table->route(*c);
    Result<Transition> t = create(*c, d, *w.lifecycle->policy, w.lifecycle->options);
    if (!t || !is_open(t->state.status) || !next_timer(t->state)) continue;
    w.templates.push_back(Template{std::move(*c), d});
  }
  if (w.templates.empty()) throw std::runtime_error("no sample gives an open state");
  return w;
}

// Case i: template i % T under its own source id (so its own case id), received at
// kFirstReceived + i * kReceiveStep, started by create() as the routing stage does.
std::vector<OpenCase> make_open_cases(const World& w, std::size_t n, int partitions) {
  std::vector<OpenCase> out;
  out.reserve(n);
  std::size_t refused = 0;
  for (std::size_t i = 0; out.size() < n; ++i) {
    const Template& t = w.templates[i % w.templates.size()];
    Case c = t.c;
    c.source_ref += "-lc" + std::to_string(i);
    c.case_id = make_case_id(c.source, c.source_ref);
    c.received_at = kFirstReceived + static_cast<EpochMs>(i) * kReceiveStep;
    Result<Transition> created = create(c, t.decision, *w.lifecycle->policy, w.lifecycle->options);
    if (!created || !is_open(created->state.status)) {
      if (++refused > n / 10 + 100) throw std::runtime_error("create() refuses too many cases");
      continue;
    }
    created->state.input_offset = static_cast<std::int64_t>(i);  // as write_created sets it
    OpenCase& o = out.emplace_back();
    o.id = c.case_id;
    o.encoded = encode_case_state(created->state);
    o.partition = internal_partition(o.id, partitions);
  }
  if (refused > 0) std::printf("  (create() refused %zu copies; left out)\n", refused);
  return out;
}

CaseState decoded(const std::string& encoded) {
  Result<CaseState> s = decode_case_state(encoded);
  if (!s) throw std::runtime_error("decode_case_state: " + s.refusal().message());
  return std::move(*s);
}

// --- 1. memory per open case ---------------------------------------------------------------

// As case_book.h's private HeapItem: the heap entry per armed timer.
struct HeapItemMirror {
  EpochMs at = 0;
  std::uint32_t slot = 0;
  std::uint32_t generation = 0;
};

void run_memory(const std::vector<OpenCase>& cases) {
  const double n = static_cast<double>(cases.size());
  std::size_t encoded_bytes = 0;
  for (const OpenCase& c : cases) encoded_bytes += c.encoded.size();
  std::printf("\n== memory: %zu open cases, encoded state %.1f bytes on average\n", cases.size(),
              static_cast<double>(encoded_bytes) / n);

  std::size_t with_states = 0;
  std::size_t estimate = 0;
  std::size_t timed = 0;
  {
    const std::size_t before = heap_in_use();
    CaseBook book;
    for (const OpenCase& c : cases) {
      if (book.restore(c.partition, c.id, c.encoded)) throw std::runtime_error("restore refused");
    }
    with_states = heap_in_use() - before;
    estimate = book.approximate_bytes();
    timed = book.timed();
  }
  std::size_t without_states = 0;
  {
    const std::size_t before = heap_in_use();
    CaseBook book;
    for (const OpenCase& c : cases) book.put(c.partition, decoded(c.encoded), std::string());
    without_states = heap_in_use() - before;
  }
  // The timer state alone, laid out as CaseBook lays it out: a heap vector grown by
  // push_back, and per case its next instant and generation (in CaseBook, members of Entry).
  std::size_t timer_only = 0;
  {
    const std::size_t before = heap_in_use();
    std::vector<HeapItemMirror> heap;
    std::vector<EpochMs> next_at;
    std::vector<std::uint32_t> generation;
    std::mt19937_64 rng(5);
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const EpochMs at = static_cast<EpochMs>(rng() >> 24);
      heap.push_back(HeapItemMirror{at, static_cast<std::uint32_t>(i), 1});
      std::push_heap(heap.begin(), heap.end(),
                     [](const auto& a, const auto& b) { return a.at > b.at; });
      next_at.push_back(at);
      generation.push_back(1);
    }
    timer_only = heap_in_use() - before;
  }
  std::size_t routed_bytes = 0;
  {
    const std::size_t before = heap_in_use();
    RoutedCases routed;
    for (const OpenCase& c : cases) routed.add(c.partition, c.id);
    routed_bytes = heap_in_use() - before;
  }
  const double timer_computed = sizeof(HeapItemMirror) * static_cast<double>(timed) / n +
                                sizeof(EpochMs) + sizeof(std::uint32_t);
  std::printf("  timed cases: %zu of %zu\n", timed, cases.size());
  std::printf(
      "  CaseBook as restored (measured):        %7.1f bytes/case (approximate_bytes() "
      "says %.1f)\n",
      with_states / n, estimate / n);
  std::printf(
      "  (a) timer state proper: computed %.1f (heap item %zu + next instant %zu + "
      "generation %zu); measured alone, with vector growth: %.1f\n",
      timer_computed, sizeof(HeapItemMirror), sizeof(EpochMs), sizeof(std::uint32_t),
      timer_only / n);
  std::printf("  (b) index and entries (book without states − (a) measured): %7.1f\n",
              (static_cast<double>(without_states) - static_cast<double>(timer_only)) / n);
  std::printf("  (c) encoded states (book − book without states): %7.1f (payload %.1f)\n",
              (static_cast<double>(with_states) - static_cast<double>(without_states)) / n,
              static_cast<double>(encoded_bytes) / n);
  std::printf("  RoutedCases (measured):                 %7.1f bytes/case\n", routed_bytes / n);
  std::printf("  whole, CaseBook + RoutedCases:          %7.1f bytes/case (%.0f MB for %zu)\n",
              (with_states + routed_bytes) / n, (with_states + routed_bytes) / 1e6, cases.size());
  std::fflush(stdout);
}

// --- 2. timer add / reschedule / cancel / take_due (Google Benchmark) -----------------------

constexpr std::size_t kBatch = 1000;  // operations per benchmark iteration

struct TimerWorld {
  const World* world = nullptr;
  std::vector<CaseState> states;  // distinct decoded open states (templates for the books)
  std::vector<std::string> encoded;
};
TimerWorld g_timer;

std::string bench_id(std::size_t i) {
  return make_case_id(Source::hotline, "tb-" + std::to_string(i));
}

// A book of n cases: case i is template i % T under id bench_id(i). Built once per size and
// shared by the benchmarks, each of which leaves it with the same cases it found.
struct BookFixture {
  CaseBook book;
  std::vector<std::string> ids;
  const CaseState& state_of(std::size_t i) const {
    return g_timer.states[i % g_timer.states.size()];
  }
  const std::string& encoded_of(std::size_t i) const {
    return g_timer.encoded[i % g_timer.encoded.size()];
  }
  void put(std::size_t i, CaseState& scratch) {
    scratch = state_of(i);
    scratch.case_id = ids[i];
    book.put(internal_partition(ids[i], 6), scratch, encoded_of(i));
  }
};
std::map<std::int64_t, std::unique_ptr<BookFixture>> g_books;

BookFixture& book_of(std::int64_t n) {
  std::unique_ptr<BookFixture>& f = g_books[n];
  if (!f) {
    f = std::make_unique<BookFixture>();
    CaseState scratch;
    for (std::int64_t i = 0; i < n; ++i) {
      f->ids.push_back(bench_id(static_cast<std::size_t>(i)));
      f->put(static_cast<std::size_t>(i), scratch);
    }
  }
  return *f;
}

// The cases a benchmark works on: kBatch of them, spread over the book.
std::size_t spread(std::int64_t n, std::size_t j) {
  return j * (static_cast<std::size_t>(n) / kBatch);
}

void per_op(benchmark::State& state) {
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kBatch));
  // Printed as a time: seconds per case ("312n" is 312 ns).
  state.counters["per_case"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kBatch,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Baseline: insert and erase a PackedCaseId in an unordered_map of n (the book's index type).
void BM_Baseline_IndexInsertErase(benchmark::State& state) {
  std::unordered_map<PackedCaseId, std::uint32_t, PackedCaseIdHash> index;
  for (std::int64_t i = 0; i < state.range(0); ++i) index.emplace(*pack_case_id(bench_id(i)), 0);
  std::vector<PackedCaseId> extra;
  for (std::size_t j = 0; j < kBatch; ++j) extra.push_back(*pack_case_id(bench_id(50'000'000 + j)));
  for (auto _ : state) {
    for (const PackedCaseId& k : extra) index.emplace(k, 1);
    for (const PackedCaseId& k : extra) index.erase(k);
  }
  per_op(state);
}

// Add: put() of a case new to the book (its first state: arms its timer), a copy of the
// encoded state handed over as LifecycleStage does. Removed again outside the timing.
void BM_TimerAdd(benchmark::State& state) {
  BookFixture& f = book_of(state.range(0));
  std::vector<CaseState> extra;
  for (std::size_t j = 0; j < kBatch; ++j) {
    extra.push_back(g_timer.states[j % g_timer.states.size()]);
    extra.back().case_id = bench_id(60'000'000 + j);
  }
  for (auto _ : state) {
    for (std::size_t j = 0; j < kBatch; ++j) {
      f.book.put(internal_partition(extra[j].case_id, 6), extra[j],
                 g_timer.encoded[j % g_timer.encoded.size()]);
    }
    state.PauseTiming();
    for (const CaseState& s : extra) f.book.remove(s.case_id);
    state.ResumeTiming();
  }
  per_op(state);
}

// Reschedule: put() of a tracked case whose next timer moved (its first warning fired, as
// after fire_due), then back: every put moves a timer and leaves a stale heap entry.
void BM_TimerReschedule(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  BookFixture& f = book_of(n);
  const World& w = *g_timer.world;
  std::vector<CaseState> before, after;
  std::vector<std::string> before_enc, after_enc;
  for (std::size_t j = 0; j < kBatch; ++j) {
    const std::size_t i = spread(n, j);
    CaseState s = f.state_of(i);
    s.case_id = f.ids[i];
    Transition t = fire_due(s, next_timer(s)->at, *w.lifecycle->policy, w.lifecycle->options);
    before_enc.push_back(encode_case_state(s));
    after_enc.push_back(encode_case_state(t.state));
    before.push_back(std::move(s));
    after.push_back(std::move(t.state));
  }
  bool moved = false;
  for (auto _ : state) {
    moved = !moved;
    const auto& states = moved ? after : before;
    const auto& enc = moved ? after_enc : before_enc;
    for (std::size_t j = 0; j < kBatch; ++j) {
      f.book.put(internal_partition(states[j].case_id, 6), states[j], enc[j]);
    }
  }
  for (std::size_t j = 0; j < kBatch; ++j) {
    f.book.put(internal_partition(before[j].case_id, 6), before[j], before_enc[j]);
  }
  per_op(state);
}

// Cancel: remove() of a tracked case (its heap entry goes stale, dropped lazily). Put back
// outside the timing.
void BM_TimerCancel(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  BookFixture& f = book_of(n);
  CaseState scratch;
  for (auto _ : state) {
    for (std::size_t j = 0; j < kBatch; ++j) f.book.remove(f.ids[spread(n, j)]);
    state.PauseTiming();
    for (std::size_t j = 0; j < kBatch; ++j) f.put(spread(n, j), scratch);
    state.ResumeTiming();
  }
  per_op(state);
}

// take_due per fired case: the kBatch earliest timers in one call. Re-armed outside the
// timing from the stored state (find, decode, put: as the stage does after firing). The heap
// is compacted first (forget() of a partition the book does not have): the stale entries the
// benchmarks above left would otherwise be popped here, one pop each.
void BM_TimerTakeDue(benchmark::State& state) {
  BookFixture& f = book_of(state.range(0));
  f.book.forget(-1);
  for (auto _ : state) {
    std::vector<CaseBook::DueCase> due = f.book.take_due(INT64_MAX, kBatch);
    state.PauseTiming();
    for (const CaseBook::DueCase& d : due) {
      const std::string encoded = *f.book.find(d.case_id);
      f.book.put(d.partition, decoded(encoded), encoded);
    }
    state.ResumeTiming();
  }
  per_op(state);
}

// What put() and restore() pay per case besides the book: the next timer of a state, and
// decoding it.
void BM_NextTimer(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(next_timer(g_timer.states[i++ % g_timer.states.size()]));
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_DecodeCaseState(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(decode_case_state(g_timer.encoded[i++ % g_timer.encoded.size()]));
  }
  state.SetItemsProcessed(state.iterations());
}

// With --benchmark_repetitions, also the fastest repetition: other load only adds time.
double fastest(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }
#define GW_TIMER_SIZES Arg(10'000)->Arg(100'000)->Arg(1'000'000)->ComputeStatistics("min", fastest)
BENCHMARK(BM_Baseline_IndexInsertErase)->GW_TIMER_SIZES;
BENCHMARK(BM_TimerAdd)->GW_TIMER_SIZES;
BENCHMARK(BM_TimerReschedule)->GW_TIMER_SIZES;
BENCHMARK(BM_TimerCancel)->GW_TIMER_SIZES;
BENCHMARK(BM_TimerTakeDue)->GW_TIMER_SIZES;
BENCHMARK(BM_NextTimer)->ComputeStatistics("min", fastest);
BENCHMARK(BM_DecodeCaseState)->ComputeStatistics("min", fastest);

void run_timers(const World& w, const std::vector<OpenCase>& cases, int argc, char** argv) {
  std::printf("\n== timers (Google Benchmark; per_case is the time per case)\n");
  std::fflush(stdout);
  g_timer.world = &w;
  for (std::size_t i = 0; i < std::min<std::size_t>(cases.size(), 4096); ++i) {
    g_timer.states.push_back(decoded(cases[i].encoded));
    g_timer.encoded.push_back(cases[i].encoded);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  g_books.clear();
}

// --- 3. rebuild from the state topic --------------------------------------------------------

struct DeliveryTally {
  std::size_t acknowledged = 0;
  rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;
};
void count_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* tally = static_cast<DeliveryTally*>(opaque);
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR)
    ++tally->acknowledged;
  else if (tally->first_error == RD_KAFKA_RESP_ERR_NO_ERROR)
    tally->first_error = msg->err;
}

// Each state to its case's partition, as the routing stage writes it. Setup, not measured:
// linger and large batches to be quick.
void produce_states(const KafkaSettings& settings, const std::string& topic,
                    const std::vector<OpenCase>& cases) {
  DeliveryTally tally;
  kafka::ConfHandle conf = kafka::make_conf(
      settings, kafka::ClientRole::producer,
      {{"linger.ms", "50"}, {"batch.size", "1000000"}, {"queue.buffering.max.kbytes", "1048576"}});
  rd_kafka_conf_set_opaque(conf.get(), &tally);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &count_delivery);
  kafka::KafkaHandle producer = kafka::make_client(std::move(conf), kafka::ClientRole::producer);
  for (const OpenCase& c : cases) {
    for (;;) {
      const rd_kafka_resp_err_t err = rd_kafka_producev(
          producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(c.partition),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(c.id.data(), c.id.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(c.encoded.data()), c.encoded.size()), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) throw KafkaError(rd_kafka_err2str(err));
      rd_kafka_poll(producer.get(), 10);
    }
    rd_kafka_poll(producer.get(), 0);
  }
  rd_kafka_flush(producer.get(), 300'000);
  if (tally.first_error != RD_KAFKA_RESP_ERR_NO_ERROR || tally.acknowledged != cases.size()) {
    throw KafkaError("producing the states: " + std::to_string(tally.acknowledged) + " of " +
                     std::to_string(cases.size()) + " acknowledged; " +
                     rd_kafka_err2str(tally.first_error));
  }
}

// Best effort (bench_support.h).
void delete_topic(const KafkaSettings& settings, const std::string& topic) {
  if (delete_topics(settings, {topic})) std::printf("  topic %s deleted\n", topic.c_str());
}

struct Pass {
  std::vector<double> partition_s;
  std::size_t records = 0;
  std::size_t bytes = 0;  // keys and values
  double total_s = 0;
  double cpu_s = 0;  // this process, all threads (librdkafka's included)
};

void print_pass(const char* what, const Pass& p, double baseline_s) {
  std::printf("  %-34s %6.2f s  %9.0f records/s  %6.1f MB/s  cpu %5.2f s", what, p.total_s,
              static_cast<double>(p.records) / p.total_s,
              static_cast<double>(p.bytes) / 1e6 / p.total_s, p.cpu_s);
  if (baseline_s > 0) std::printf("  x%.2f of the raw read", p.total_s / baseline_s);
  std::printf("\n     per partition (s):");
  for (double s : p.partition_s) std::printf(" %.2f", s);
  std::printf("\n");
  std::fflush(stdout);
}

// One pass over every partition, one after the other on this thread. on_partition(p) returns
// the callback for p's records (CaseGateway::restore: forget, then restore each record).
template <typename OnPartition>
Pass read_all(const KafkaSettings& settings, const std::string& topic, int partitions,
              OnPartition&& on_partition) {
  Pass pass;
  const double cpu0 = process_cpu_seconds();
  const auto t0 = Clock::now();
  for (std::int32_t p = 0; p < partitions; ++p) {
    const auto started = Clock::now();
    auto on_record = on_partition(p);
    read_partition(
        settings, topic, p,
        [&](std::string_view key, std::string_view value, bool tombstone) {
          ++pass.records;
          pass.bytes += key.size() + value.size();
          on_record(key, value, tombstone);
        },
        std::chrono::seconds(20));  // CaseGateway::restore's timeout
    pass.partition_s.push_back(seconds_since(started));
  }
  pass.total_s = seconds_since(t0);
  pass.cpu_s = process_cpu_seconds() - cpu0;
  return pass;
}

void run_rebuild(const World& w, const Options& opt, const std::vector<OpenCase>& cases) {
  std::printf("\n== rebuild of %zu open cases from a %d-partition compacted state topic\n",
              cases.size(), opt.partitions);
  KafkaSettings settings = w.config->kafka;
  settings.brokers = opt.brokers;
  const std::string topic = "lcbench-" + std::to_string(::getpid()) + ".case-state";
  create_topics(settings, {topic}, opt.partitions, settings.replication_factor,
                state_topic_config());
  try {
    const auto load_start = Clock::now();
    produce_states(settings, topic, cases);
    std::printf("  setup: %zu states produced to %s in %.1f s (not measured)\n", cases.size(),
                topic.c_str(), seconds_since(load_start));
    // The restore's CPU work alone, from memory (no Kafka): what the rebuild adds to the read.
    {
      std::vector<std::vector<const OpenCase*>> by_partition(
          static_cast<std::size_t>(opt.partitions));
      for (const OpenCase& c : cases)
        by_partition[static_cast<std::size_t>(c.partition)].push_back(&c);
      LifecycleStage stage(*w.processor, w.lifecycle->policy, w.lifecycle->options, {}, nullptr);
      RoutedCases routed;
      const auto t0 = Clock::now();
      for (std::int32_t p = 0; p < opt.partitions; ++p) {
        for (const OpenCase* c : by_partition[static_cast<std::size_t>(p)]) {
          stage.restore(p, c->id, c->encoded, false, routed);
        }
      }
      const double s = seconds_since(t0);
      std::printf(
          "  LifecycleStage::restore alone, from memory: %.2f s, %.0f records/s (%.2f us each)\n",
          s, static_cast<double>(cases.size()) / s, s * 1e6 / static_cast<double>(cases.size()));
    }
    for (int round = 1; round <= opt.rounds; ++round) {
      std::printf("  round %d\n", round);
      auto raw = [&] {
        return read_all(settings, topic, opt.partitions, [](std::int32_t) {
          return [](std::string_view, std::string_view, bool) {};
        });
      };
      auto rebuild = [&] {
        auto stage = std::make_unique<LifecycleStage>(
            *w.processor, w.lifecycle->policy, w.lifecycle->options, LifecycleTopics{}, nullptr);
        auto routed = std::make_unique<RoutedCases>();
        Pass p = read_all(settings, topic, opt.partitions, [&](std::int32_t partition) {
          routed->forget(partition);
          stage->forget(partition);
          return [&, partition](std::string_view key, std::string_view value, bool tombstone) {
            stage->restore(partition, key, value, tombstone, *routed);
          };
        });
        if (stage->book().size() != cases.size() || routed->size() != cases.size() ||
            stage->counters().restore_refused != 0) {
          std::printf("  !!! rebuilt %zu cases, %zu routed, %zu refused (expected %zu)\n",
                      stage->book().size(), routed->size(), stage->counters().restore_refused,
                      cases.size());
        }
        return p;
      };
      // The order alternates between rounds (the first read may warm the broker's cache).
      Pass r, b;
      if (round % 2 == 1) {
        r = raw();
        b = rebuild();
      } else {
        b = rebuild();
        r = raw();
      }
      print_pass("read_partition alone (baseline)", r, 0);
      print_pass("rebuild (read_partition + restore)", b, r.total_s);
    }
  } catch (const std::exception& e) {
    std::printf("  !!! rebuild failed: %s\n", e.what());
  }
  if (!opt.keep_topic) delete_topic(settings, topic);
}

// --- 4. lateness of firing -----------------------------------------------------------------

// Moves every instant of a state by delta (the clock's durations stay): the bench's way to
// have realistic states fall due when it wants. policy_data[2..3] are instants (see
// sla_deadline_policy.h), [0..1] durations.
void shift(CaseState& s, EpochMs delta) {
  auto move = [delta](std::optional<EpochMs>& t) {
    if (t) *t += delta;
  };
  s.created_at += delta;
  move(s.return_until);
  move(s.requested_due);
  move(s.last_at);
  for (StageClock& c : s.clocks) {
    Deadline& d = c.deadline;
    d.start += delta;
    d.due += delta;
    for (std::uint8_t i = 0; i < d.warning_count; ++i) d.warning_at[i] += delta;
    for (std::uint8_t i = 0; i < d.tier_count; ++i) d.escalation_at[i] += delta;
    d.policy_data[2] += delta;
    d.policy_data[3] += delta;
    move(c.paused_at);
  }
}

constexpr EpochMs kLatenessEpoch =
    1759885200000;  // 2025-10-08 09:00 +08:00: the stage's "now" at start

struct LatenessResult {
  std::vector<double> late_ms;       // when the turn that fired the case ended, minus its due
  std::vector<EpochMs> late_now_ms;  // the turn's now (what the events say) minus the due
  std::size_t fired = 0, turns = 0, full_turns = 0, records = 0, bytes = 0;
  double busy_s = 0, first_s = -1, last_s = 0;
};

// Cases from `cases` (the first n), each with its first timer moved to
// now0 + lead + offset(i), restored into a stage, then fired by the gateway's tick loop.
LatenessResult run_firing(const World& w, const std::vector<OpenCase>& cases, std::size_t n,
                          const std::function<EpochMs(std::size_t)>& offset_ms) {
  LifecycleTopics topics;
  topics.state = "case-state";
  topics.events = "case-events";
  topics.events_partitions = 6;
  topics.supervision = "case-supervision";
  LifecycleStage stage(*w.processor, w.lifecycle->policy, w.lifecycle->options, topics, nullptr);
  RoutedCases routed;
  constexpr EpochMs kLead = 1000;
  for (std::size_t i = 0; i < n; ++i) {
    CaseState s = decoded(cases[i].encoded);
    shift(s, kLatenessEpoch + kLead + offset_ms(i) - next_timer(s)->at);
    stage.restore(cases[i].partition, cases[i].id, encode_case_state(s), false, routed);
  }
  LatenessResult r;
  r.late_ms.reserve(n);
  r.late_now_ms.reserve(n);
  boost::asio::io_context io;
  boost::asio::steady_timer tick(io);
  const auto start = Clock::now();
  auto now_us = [&] {
    return kLatenessEpoch * 1000 +
           std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
  };
  // CaseGateway::fire_due_timers and arm_timer_tick, with the records counted, not produced.
  std::function<void()> fire_turn = [&] {
    constexpr std::size_t kCasesPerTurn = 1000;
    const auto began = Clock::now();
    const EpochMs t = now_us() / 1000;
    std::vector<LifecycleStage::Fired> fired = stage.fire_due(t, kCasesPerTurn);
    const std::int64_t done_us = now_us();
    r.busy_s += seconds_since(began);
    ++r.turns;
    for (const LifecycleStage::Fired& f : fired) {
      const EpochMs due = f.records.front().timestamp.value();  // the first event's at
      r.late_ms.push_back(static_cast<double>(done_us - due * 1000) / 1000.0);
      r.late_now_ms.push_back(t - due);
      r.records += f.records.size();
      for (const OutRecord& o : f.records) r.bytes += o.key.size() + o.value.size();
    }
    if (!fired.empty()) {
      if (r.first_s < 0) r.first_s = seconds_since(start);
      r.last_s = seconds_since(start);
    }
    r.fired += fired.size();
    if (r.fired >= n) io.stop();
    if (fired.size() == kCasesPerTurn) {
      ++r.full_turns;
      boost::asio::post(io, [&] { fire_turn(); });
    }
  };
  std::function<void()> arm = [&] {
    tick.expires_after(std::chrono::milliseconds(100));
    tick.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      fire_turn();
      arm();
    });
  };
  arm();
  io.run_for(std::chrono::milliseconds(kLead) + std::chrono::seconds(60) +
             std::chrono::milliseconds(offset_ms(n)));
  return r;
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

void print_firing(const char* what, std::size_t n, const LatenessResult& r) {
  std::vector<double> at_now(r.late_now_ms.begin(), r.late_now_ms.end());
  std::printf("  %s: %zu of %zu fired in %zu turns (%zu full)\n", what, r.fired, n, r.turns,
              r.full_turns);
  std::printf("    lateness, turn end − due (ms): p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f\n",
              percentile(r.late_ms, 0.5), percentile(r.late_ms, 0.99), percentile(r.late_ms, 0.999),
              percentile(r.late_ms, 1.0));
  std::printf("    lateness, turn's now − due (ms): p50 %.0f  p99 %.0f  max %.0f\n",
              percentile(at_now, 0.5), percentile(at_now, 0.99), percentile(at_now, 1.0));
  std::printf(
      "    firing: %.1f s busy, %.0f cases/s of busy time (%.1f us per case); first fired "
      "at %.2f s, last at %.2f s; %.1f records, %.0f bytes per case\n",
      r.busy_s, static_cast<double>(r.fired) / r.busy_s,
      r.busy_s * 1e6 / static_cast<double>(r.fired), r.first_s, r.last_s,
      static_cast<double>(r.records) / static_cast<double>(r.fired),
      static_cast<double>(r.bytes) / static_cast<double>(r.fired));
  std::fflush(stdout);
}

void run_lateness(const World& w, const Options& opt, const std::vector<OpenCase>& cases) {
  const std::size_t n = std::min(opt.timers, cases.size());
  const auto window_ms = static_cast<EpochMs>(opt.window_s * 1000);
  std::printf(
      "\n== lateness: LifecycleStage::fire_due on a 100 ms tick, at most 1000 cases a "
      "turn; no Kafka\n");
  std::mt19937_64 rng(55);
  std::vector<EpochMs> spread_at(n + 1, window_ms);
  for (std::size_t i = 0; i < n; ++i)
    spread_at[i] = static_cast<EpochMs>(rng() % static_cast<std::uint64_t>(window_ms));
  LatenessResult spread = run_firing(w, cases, n, [&](std::size_t i) { return spread_at[i]; });
  print_firing(("spread: " + std::to_string(n) + " due at random over " +
                std::to_string(window_ms / 1000) + " s")
                   .c_str(),
               n, spread);
  const std::size_t b = std::min(opt.burst, cases.size());
  LatenessResult burst = run_firing(w, cases, b, [&](std::size_t i) {
    return i < b ? static_cast<EpochMs>(i % 100) : EpochMs{100};
  });
  print_firing(("backlog: " + std::to_string(b) + " due within 100 ms").c_str(), b, burst);
}

// --- main -----------------------------------------------------------------------------------

std::string first_line_with(const char* path, const std::string& prefix) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return "";
}

int main_impl(int argc, char** argv) {
  Options opt;
  std::vector<char*> gb_args{argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag.rfind("--benchmark", 0) == 0) {
      gb_args.push_back(argv[i]);
      continue;
    }
    if (i + 1 >= argc) {
      std::cerr << "flag " << flag << " needs a value\n";
      return 2;
    }
    const std::string value = argv[++i];
    if (flag == "--brokers")
      opt.brokers = value;
    else if (flag == "--parts")
      opt.parts = value;
    else if (flag == "--cases")
      opt.cases = std::stoul(value);
    else if (flag == "--rounds")
      opt.rounds = std::stoi(value);
    else if (flag == "--timers")
      opt.timers = std::stoul(value);
    else if (flag == "--window-s")
      opt.window_s = std::stod(value);
    else if (flag == "--burst")
      opt.burst = std::stoul(value);
    else if (flag == "--keep-topic")
      opt.keep_topic = value == "1";
    else if (flag == "--repo")
      opt.repo = value;
    else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  auto wanted = [&](const char* part) { return opt.parts.find(part) != std::string::npos; };
  spdlog::set_level(spdlog::level::warn);
  std::string cpu = first_line_with("/proc/cpuinfo", "model name");
  cpu = cpu.substr(std::min(cpu.size(), cpu.find(':') + 2));
  std::printf("machine: %s, %ld cpus; load %s\n", cpu.c_str(), ::sysconf(_SC_NPROCESSORS_ONLN),
              first_line_with("/proc/loadavg", "").c_str());

  const World w = load_world(opt);
  const auto gen_start = Clock::now();
  const std::vector<OpenCase> cases = make_open_cases(w, opt.cases, opt.partitions);
  const double gen_s = seconds_since(gen_start);
  std::printf(
      "%zu open cases from %zu shipped samples: create() + encode in %.1f s (%.1f us each)\n",
      cases.size(), w.templates.size(), gen_s, gen_s * 1e6 / static_cast<double>(cases.size()));

  if (wanted("memory")) run_memory(cases);
  if (wanted("timers")) run_timers(w, cases, static_cast<int>(gb_args.size()), gb_args.data());
  if (wanted("rebuild")) {
    if (opt.brokers.empty())
      std::printf("\n== rebuild: skipped (no --brokers)\n");
    else
      run_rebuild(w, opt, cases);
  }
  if (wanted("lateness")) run_lateness(w, opt, cases);
  std::printf("\nload at the end: %s\n", first_line_with("/proc/loadavg", "").c_str());
  return 0;
}

}  // namespace
}  // namespace gw::bench

int main(int argc, char** argv) {
  try {
    return gw::bench::main_impl(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "gw_lifecycle_bench: " << e.what() << "\n";
    return 1;
  }
}
