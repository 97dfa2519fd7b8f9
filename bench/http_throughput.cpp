// Webhook throughput and latency (issue 4): signed POST /v1/webhooks/hotline through the
// gateway's HTTP path (cpp-httplib HttpServer -> WebhookService -> AckedProducer, answering
// 202 only after Kafka acknowledged), against a trivial cpp-httplib server that answers 202
// at once, in the same process run, with the same load generator. Not a Google Benchmark.
//
//   build/bench/gw_http_bench --brokers 127.0.0.1:19092 --rounds 3 --broker-pid PID
//
// For each connection count (--connections, default 8,64) and round: the baseline, then the
// gateway (the order alternates between rounds). The load generator runs in this process:
// one thread per connection, each with one keep-alive httplib::Client sending the next
// request as soon as the previous answer arrived (closed loop). The clients connect one after
// the other; then a warm-up (--warmup, 2 s) and a measured window (--duration, 10 s): the
// requests sent in the window and answered before its end give requests/s and the
// percentiles. Every gateway request carries a fresh ticketNo (a distinct case id), signed
// with a fresh timestamp each second. One request goes through the gateway before anything
// is measured (the first write to the fresh topic waits for partition leaders). Any answer
// other than 202, or a transport error, is counted and reported, and makes the program exit
// 1; so does a count of accepted cases in the service that differs from the 202s seen.
//
// Both servers use the same pool size (--threads, default max(connections, 64) + 8;
// cpp-httplib serves one connection per pool thread). --linger-ms sets the webhook
// producer's linger.ms (http.linger_ms, default 1). --broker-pid PID also reports the
// broker's CPU time per request. --kafka-prop name=value (repeatable) sets a producer
// property and --only baseline|gateway measures one side (for perf). The run's two topics
// are deleted at the end (--keep-topics 1 keeps them). Without --brokers the
// embedded mock cluster stands in for Kafka: its figures say little. The load generator's
// threads are named "loadgen" (perf report --sort comm). docs/performance.md records the
// figures.
#include <httplib.h>
#include <spdlog/spdlog.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "adapters/http/http_server.h"
#include "adapters/http/request_signature.h"
#include "adapters/http/webhook_service.h"
#include "adapters/intake/input_decoders.h"
#include "adapters/kafka/acked_producer.h"
#include "adapters/kafka/embedded_cluster.h"
#include "adapters/kafka/kafka_config.h"
#include "bench/bench_support.h"
#include "adapters/kafka/topic_io.h"
#include "gateway/app/admin_api.h"
#include "gateway/app/config_loading.h"
#include "gateway/app/sample_feed.h"

namespace gw::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kSenderId = "bench-hotline";
constexpr const char* kSecret = "bench-secret-not-for-production";
constexpr const char* kPath = "/v1/webhooks/hotline";

struct Options {
  std::string brokers;
  std::vector<int> connections{8, 64};
  int rounds = 1;
  double warmup_s = 2;
  double duration_s = 10;
  int threads = 0;     // 0: max(largest connection count, 64) + 8
  int linger_ms = -1;  // -1: http.linger_ms from gateway.yaml (its default, 1)
  int broker_pid = 0;
  std::string repo = GW_SOURCE_DIR;
  std::map<std::string, std::string> producer_properties;
  std::string only;  // "baseline" or "gateway": that side alone (for perf), no ratio
  bool keep_topics = false;  // this run's topics are deleted at the end unless set
};

double thread_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// What one side did in its measured window.
struct LoadResult {
  double seconds = 0;
  std::uint64_t requests = 0;  // sent in the window and answered 202 before its end
  std::uint64_t answered_202 = 0;  // over warm-up and window
  std::map<int, std::uint64_t> other_statuses;  // non-202 answers (whole run)
  std::map<std::string, std::uint64_t> transport_errors;
  std::string first_error_body;
  std::vector<float> latencies_us;  // of the window's requests
  double max_us = 0;                // the slowest of the window's requests,
  std::chrono::system_clock::time_point max_sent;  // sent then (to compare with broker logs)
  std::uint64_t over_100ms = 0;     // window requests slower than 100 ms
  std::chrono::system_clock::time_point window_start;
  double client_cpu_s = 0;   // the load generator's threads, in the window
  double process_cpu_s = 0;  // this whole process, in the window
  double broker_cpu_s = 0;

  std::uint64_t errors() const {
    std::uint64_t n = 0;
    for (const auto& [s, c] : other_statuses) n += c;
    for (const auto& [s, c] : transport_errors) n += c;
    return n;
  }
  double rps() const { return static_cast<double>(requests) / seconds; }
  double percentile_ms(double q) const {
    if (latencies_us.empty()) return 0;
    std::vector<float> v = latencies_us;
    const std::size_t k = std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k] / 1000.0;
  }
};

// Closed-loop load: `connections` threads, one keep-alive client each, for warm-up plus
// duration. tag makes the ticket numbers of this run distinct from every other run.
LoadResult run_load(int port, int connections, const std::vector<std::string>& tickets,
                    const std::string& tag, const Options& opt) {
  // The clients connect one after the other (each once the previous one had its first 202),
  // and the clock starts once all are connected. The baseline, a plain cpp-httplib server
  // (Debian's 0.11.4 library), listens with a backlog of 5 (the gateway's HttpServer widens
  // it): when dozens of clients connect at the same moment, the accept queue
  // overflows and some first requests fail ("Read") after about 1 s. That is connection
  // set-up, not the steady state measured here. The clients connected first keep sending
  // meanwhile, so that no connection idles past the server's keep-alive timeout (5 s).
  std::atomic<int> connected{0};
  std::atomic<bool> go{false};
  Clock::time_point t0;  // written before go is set, read after it is seen
  Clock::time_point t1;
  struct PerThread {
    LoadResult r;
    double cpu_at_t0 = -1;
  };
  std::vector<PerThread> per(static_cast<std::size_t>(connections));
  std::vector<std::thread> threads;
  threads.reserve(per.size());
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      PerThread& me = per[static_cast<std::size_t>(c)];
      ::pthread_setname_np(::pthread_self(), "loadgen");  // for perf --sort comm
      me.r.latencies_us.reserve(static_cast<std::size_t>(opt.duration_s * 40000 / connections) + 1024);
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      client.set_connection_timeout(5);
      client.set_read_timeout(30);
      client.set_write_timeout(30);
      const std::string prefix = "-" + tag + "c" + std::to_string(c) + "n";
      std::int64_t signed_at = 0;
      std::string ts;
      bool timed = false;  // go seen: t0 and t1 are set
      while (connected.load() < c && !go.load()) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      bool counted = false;  // in connected
      for (std::uint64_t n = 0;; ++n) {
        if (!timed) timed = go.load(std::memory_order_acquire);
        const auto sent = Clock::now();
        if (timed && sent >= t1) break;
        if (timed && me.cpu_at_t0 < 0 && sent >= t0) me.cpu_at_t0 = thread_cpu_seconds();
        const std::string body = app::with_ref_suffix(
            tickets[(static_cast<std::size_t>(c) + n) % tickets.size()], prefix + std::to_string(n));
        if (const std::int64_t now = unix_seconds(); now != signed_at) {
          signed_at = now;
          ts = std::to_string(now);
        }
        httplib::Headers headers{{"X-Gateway-Sender", kSenderId},
                                 {"X-Gateway-Timestamp", ts},
                                 {"X-Gateway-Signature", http::sign_request(kSecret, ts, body)}};
        auto res = client.Post(kPath, headers, body, "application/json");
        const auto done = Clock::now();
        if (!res) {
          if (me.r.first_error_body.empty()) {
            me.r.first_error_body = "connection " + std::to_string(c) + ", request " +
                                    std::to_string(n) + ": " + httplib::to_string(res.error()) +
                                    " after " +
                                    std::to_string(std::chrono::duration<double, std::milli>(done - sent).count()) +
                                    " ms";
          }
          ++me.r.transport_errors[httplib::to_string(res.error())];
          continue;
        }
        if (res->status != 202) {
          ++me.r.other_statuses[res->status];
          if (me.r.first_error_body.empty()) me.r.first_error_body = res->body;
          continue;
        }
        ++me.r.answered_202;
        if (!counted) {
          counted = true;
          connected.fetch_add(1);
        }
        // The window's requests: sent in it and answered before its end (a request sent in
        // the warm-up may have waited for something the warm-up was there to absorb).
        if (timed && sent >= t0 && done < t1) {
          ++me.r.requests;
          const double us = std::chrono::duration<double, std::micro>(done - sent).count();
          me.r.latencies_us.push_back(static_cast<float>(us));
          if (us > 100000) ++me.r.over_100ms;
          if (us > me.r.max_us) {
            me.r.max_us = us;
            me.r.max_sent = std::chrono::system_clock::now() -
                            std::chrono::duration_cast<std::chrono::system_clock::duration>(done - sent);
          }
        }
      }
      if (me.cpu_at_t0 >= 0) me.r.client_cpu_s = thread_cpu_seconds() - me.cpu_at_t0;
    });
  }
  // Without a 202 at all (a server that refuses everything) the clock starts after 60 s.
  const auto connect_deadline = Clock::now() + std::chrono::seconds(60);
  while (connected.load() < connections && Clock::now() < connect_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto start = Clock::now();
  t0 = start + std::chrono::duration_cast<Clock::duration>(
                   std::chrono::duration<double>(opt.warmup_s));
  t1 = t0 + std::chrono::duration_cast<Clock::duration>(
                std::chrono::duration<double>(opt.duration_s));
  go.store(true, std::memory_order_release);
  const auto window_start = std::chrono::system_clock::now() + (t0 - Clock::now());
  // Process and broker CPU over the window, read from this (otherwise idle) thread.
  std::this_thread::sleep_until(t0);
  const double self0 = process_cpu_seconds(::getpid());
  const double broker0 = process_cpu_seconds(opt.broker_pid);
  std::this_thread::sleep_until(t1);
  const double self1 = process_cpu_seconds(::getpid());
  const double broker1 = process_cpu_seconds(opt.broker_pid);
  for (std::thread& t : threads) t.join();

  LoadResult all;
  all.seconds = std::chrono::duration<double>(t1 - t0).count();
  all.window_start = window_start;
  all.process_cpu_s = self1 - self0;
  all.broker_cpu_s = broker1 - broker0;
  for (PerThread& p : per) {
    all.requests += p.r.requests;
    all.answered_202 += p.r.answered_202;
    all.client_cpu_s += p.r.client_cpu_s;
    all.over_100ms += p.r.over_100ms;
    if (p.r.max_us > all.max_us) {
      all.max_us = p.r.max_us;
      all.max_sent = p.r.max_sent;
    }
    for (const auto& [s, n] : p.r.other_statuses) all.other_statuses[s] += n;
    for (const auto& [e, n] : p.r.transport_errors) all.transport_errors[e] += n;
    if (all.first_error_body.empty()) all.first_error_body = p.r.first_error_body;
    all.latencies_us.insert(all.latencies_us.end(), p.r.latencies_us.begin(), p.r.latencies_us.end());
  }
  return all;
}

void print_result(const char* side, int connections, const LoadResult& r, int broker_pid) {
  const double per = r.requests > 0 ? 1e6 / static_cast<double>(r.requests) : 0;
  std::printf("  %-8s %3d conns: %8.0f req/s  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  "
              "(%llu in %.1f s)\n",
              side, connections, r.rps(), r.percentile_ms(0.50), r.percentile_ms(0.99),
              r.percentile_ms(1.0), static_cast<unsigned long long>(r.requests), r.seconds);
  std::printf("           CPU per request: process %.1f us (load generator %.1f, rest %.1f)",
              r.process_cpu_s * per, r.client_cpu_s * per, (r.process_cpu_s - r.client_cpu_s) * per);
  if (broker_pid > 0) std::printf(", broker %.1f us", r.broker_cpu_s * per);
  std::printf("\n");
  if (r.over_100ms > 0) {
    const std::time_t at = std::chrono::system_clock::to_time_t(r.max_sent);
    char when[32] = {};
    std::strftime(when, sizeof when, "%H:%M:%S", std::localtime(&at));
    std::printf("           %llu requests over 100 ms; the slowest sent at %s (%+.2f s from "
                "the window's start)\n",
                static_cast<unsigned long long>(r.over_100ms), when,
                std::chrono::duration<double>(r.max_sent - r.window_start).count());
  }
  if (r.errors() > 0) {
    std::printf("  !!! %s: %llu ERRORS:", side, static_cast<unsigned long long>(r.errors()));
    for (const auto& [s, n] : r.other_statuses) {
      std::printf(" %llu x HTTP %d;", static_cast<unsigned long long>(n), s);
    }
    for (const auto& [e, n] : r.transport_errors) {
      std::printf(" %llu x %s;", static_cast<unsigned long long>(n), e.c_str());
    }
    std::printf("\n  first error: %s\n", r.first_error_body.substr(0, 400).c_str());
  }
  std::fflush(stdout);
}

std::vector<int> parse_list(const std::string& s) {
  std::vector<int> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(std::stoi(item));
  return out;
}

int main_impl(int argc, char** argv) {
  Options opt;
  if (const char* b = std::getenv("GW_TEST_KAFKA_BROKERS")) opt.brokers = b;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--brokers") opt.brokers = value;
    else if (flag == "--connections") opt.connections = parse_list(value);
    else if (flag == "--rounds") opt.rounds = std::stoi(value);
    else if (flag == "--warmup") opt.warmup_s = std::stod(value);
    else if (flag == "--duration") opt.duration_s = std::stod(value);
    else if (flag == "--threads") opt.threads = std::stoi(value);
    else if (flag == "--linger-ms") opt.linger_ms = std::stoi(value);
    else if (flag == "--broker-pid") opt.broker_pid = std::stoi(value);
    else if (flag == "--repo") opt.repo = value;
    else if (flag == "--only") opt.only = value;
    else if (flag == "--keep-topics") opt.keep_topics = value == "1";
    else if (flag == "--kafka-prop") {
      const auto eq = value.find('=');
      if (eq == std::string::npos) {
        std::cerr << "--kafka-prop wants name=value\n";
        return 2;
      }
      opt.producer_properties[value.substr(0, eq)] = value.substr(eq + 1);
    } else {
      std::cerr << "unknown flag " << flag
                << " (flags: --brokers --connections --rounds --warmup --duration --threads "
                   "--linger-ms --broker-pid --repo --kafka-prop --only --keep-topics)\n";
      return 2;
    }
  }
  if ((argc - 1) % 2 != 0) {
    std::cerr << "every flag takes a value\n";
    return 2;
  }
  if (!opt.only.empty() && opt.only != "baseline" && opt.only != "gateway") {
    std::cerr << "--only baseline or --only gateway\n";
    return 2;
  }
  if (opt.connections.empty() || opt.rounds < 1 || opt.duration_s <= 0) {
    std::cerr << "nothing to measure\n";
    return 2;
  }
  const int max_connections = *std::max_element(opt.connections.begin(), opt.connections.end());
  if (opt.threads <= 0) opt.threads = std::max(max_connections, 64) + 8;
  if (opt.threads < max_connections) {
    std::cerr << "warning: --threads " << opt.threads << " < " << max_connections
              << " connections: cpp-httplib serves one connection per pool thread, so some "
                 "connections wait for a free thread\n";
  }
  spdlog::set_level(spdlog::level::warn);

  auto gateway_config = app::load_gateway(opt.repo + "/config/gateway.yaml", std::cerr);
  auto table = gateway_config ? app::load_route_table(gateway_config->routing_file, std::cerr)
                              : nullptr;
  if (!gateway_config || !table) return 2;

  // Fresh topics for this run; the HTTP section set here rather than in gateway.yaml.
  const std::string run = "httpbench-" + std::to_string(::getpid()) + ".";
  GatewayConfig config = *gateway_config;
  config.internal_topic = run + "cases";
  config.dead_letter_topic = run + "dead-letter";
  HttpSettings& http = config.http;
  http.listen = "127.0.0.1:0";
  http.host = "127.0.0.1";
  http.port = 0;
  http.threads = opt.threads;
  http.admin_token = "bench-admin-token";
  if (opt.linger_ms >= 0) http.linger_ms = opt.linger_ms;
  HttpSender sender;
  sender.id = kSenderId;
  sender.secret = kSecret;
  sender.may_post_hotline = true;
  sender.rate_per_second = 0;  // unlimited
  http.senders = {sender};

  KafkaSettings settings = config.kafka;
  for (const auto& [k, v] : opt.producer_properties) settings.producer_properties[k] = v;
  const int partitions = settings.topic_partitions;
  std::unique_ptr<EmbeddedCluster> embedded;
  if (opt.brokers.empty()) {
    embedded = std::make_unique<EmbeddedCluster>(1);
    settings.brokers = embedded->bootstrap();
    std::cerr << "\n!!! no --brokers: writing to the EMBEDDED MOCK CLUSTER (librdkafka's, in "
                 "this process). The gateway's figures then say little about a real broker.\n\n";
    create_topics(*embedded, {config.internal_topic, config.dead_letter_topic}, partitions, 1);
  } else {
    settings.brokers = opt.brokers;
    create_topics(settings, {config.internal_topic, config.dead_letter_topic}, partitions,
                  settings.replication_factor);
  }

  // The good tickets of the shipped samples, each request a fresh ticketNo.
  std::vector<std::string> tickets;
  std::size_t ticket_bytes = 0;
  for (const app::SampleInput& s : app::read_samples(opt.repo + "/config/samples")) {
    if (s.origin.rfind("hotline.tickets/tickets.jsonl", 0) == 0) {
      tickets.push_back(s.bytes);
      ticket_bytes += s.bytes.size();
    }
  }
  if (tickets.empty()) {
    std::cerr << "no tickets in " << opt.repo << "/config/samples/hotline.tickets/tickets.jsonl\n";
    return 2;
  }

  // (b) The gateway's webhook path, as gateway/app/run.cpp assembles it.
  kafka::AckedProducer producer(settings, http.linger_ms,
                                std::chrono::milliseconds(http.request_timeout_ms));
  struct ProducerWriter : http::RecordWriter {
    explicit ProducerWriter(kafka::AckedProducer& p) : p_(p) {}
    std::vector<kafka::WriteResult> write(const std::vector<OutRecord>& records,
                                          std::chrono::steady_clock::time_point deadline) override {
      return p_.write(records, deadline);
    }
    kafka::AckedProducer& p_;
  } writer(producer);
  auto make_processor = [&config, t = table] {
    auto p = std::make_unique<CaseProcessor>([t] { return t; }, config.dead_letter_topic);
    for (const InputSpec& in : config.inputs) p->add_input(in.topic, make_input_decoder(in));
    http::add_webhook_decoders(*p, config.http);
    return p;
  };
  http::WebhookService webhooks(config, partitions, make_processor, writer);
  auto trivial = [] { return http::HttpReply{200, "application/json", "{}", {}}; };
  http::AdminHandlers admin{trivial, trivial, trivial,
                            [](std::string_view, std::string_view) {
                              return http::HttpReply{200, "application/json", "{}", {}};
                            },
                            trivial};
  app::GatewayMetrics metrics;  // the observer the gateway has: per-request counters
  http::HttpServer server(http, webhooks, admin,
                          [&metrics](std::string_view endpoint, int status, double seconds) {
                            metrics.observe_http(endpoint, status, seconds);
                          });
  if (!producer.reachable(std::chrono::seconds(10))) {
    std::cerr << "Kafka at " << settings.brokers << " does not answer\n";
    return 1;
  }
  server.start();

  // (a) The baseline: cpp-httplib with the same pool and socket settings, answering at once.
  httplib::Server baseline;
  baseline.new_task_queue = [threads = opt.threads] { return new httplib::ThreadPool(threads); };
  baseline.set_tcp_nodelay(true);
  baseline.set_keep_alive_max_count(100000);
  baseline.Post(kPath, [](const httplib::Request&, httplib::Response& res) {
    res.status = 202;
    res.set_content("{\"caseId\":\"x\"}", "application/json");
  });
  const int baseline_port = baseline.bind_to_any_port("127.0.0.1");
  if (baseline_port < 0) throw std::runtime_error("baseline: cannot bind");
  std::thread baseline_thread([&] { baseline.listen_after_bind(); });
  struct StopBaseline {  // also on an exception: a joinable thread must not be destroyed
    httplib::Server& s;
    std::thread& t;
    ~StopBaseline() {
      s.stop();
      if (t.joinable()) t.join();
    }
  } stop_baseline{baseline, baseline_thread};


  // One request through the gateway before anything is measured: the first write to a fresh
  // topic waits for its partitions' leaders (seconds on a single local broker).
  {
    httplib::Client client("127.0.0.1", server.port());
    client.set_read_timeout(30);
    const std::string body = app::with_ref_suffix(tickets.front(), "-prime" + std::to_string(::getpid()));
    const std::string ts = std::to_string(unix_seconds());
    const auto sent = Clock::now();
    auto res = client.Post(kPath,
                           httplib::Headers{{"X-Gateway-Sender", kSenderId},
                                            {"X-Gateway-Timestamp", ts},
                                            {"X-Gateway-Signature", http::sign_request(kSecret, ts, body)}},
                           body, "application/json");
    if (!res || res->status != 202) {
      std::fprintf(stderr, "the first request through the gateway failed: %s\n",
                   res ? (std::to_string(res->status) + " " + res->body).c_str()
                       : httplib::to_string(res.error()).c_str());
      return 1;
    }
    std::printf("first request through the gateway (fresh topic): 202 after %.0f ms\n",
                std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
  }
  std::uint64_t gateway_202 = 1;  // the one above

  std::printf("gw_http_bench: Kafka %s%s, topics %s (%d partitions), linger.ms %d, pool %d "
              "threads, warm-up %.1f s, window %.1f s, %zu tickets (%.0f bytes average)\n",
              settings.brokers.c_str(), embedded ? " (EMBEDDED MOCK)" : "",
              config.internal_topic.c_str(), partitions, http.linger_ms, opt.threads, opt.warmup_s,
              opt.duration_s, tickets.size(),
              static_cast<double>(ticket_bytes) / static_cast<double>(tickets.size()));
  std::fflush(stdout);

  struct Summary {
    int connections;
    std::vector<double> base_rps, gw_rps, base_p50, base_p99, gw_p50, gw_p99;
    std::vector<double> ratios;  // each round's gateway / baseline requests/s
  };
  std::vector<Summary> summaries;
  std::uint64_t errors = 0;
  for (const int connections : opt.connections) {
    Summary sum{connections, {}, {}, {}, {}, {}, {}};
    for (int round = 1; round <= opt.rounds; ++round) {
      std::printf("%d connections, round %d\n", connections, round);
      const std::string tag = "r" + std::to_string(round) + "x" + std::to_string(connections);
      auto run_baseline = [&] {
        LoadResult r = run_load(baseline_port, connections, tickets, "b" + tag, opt);
        print_result("baseline", connections, r, opt.broker_pid);
        errors += r.errors();
        sum.base_rps.push_back(r.rps());
        sum.base_p50.push_back(r.percentile_ms(0.5));
        sum.base_p99.push_back(r.percentile_ms(0.99));
      };
      auto run_gateway = [&] {
        LoadResult r = run_load(server.port(), connections, tickets,
                                "p" + std::to_string(::getpid()) + "g" + tag, opt);
        print_result("gateway", connections, r, opt.broker_pid);
        errors += r.errors();
        gateway_202 += r.answered_202;
        sum.gw_rps.push_back(r.rps());
        sum.gw_p50.push_back(r.percentile_ms(0.5));
        sum.gw_p99.push_back(r.percentile_ms(0.99));
      };
      // Rounds alternate which side goes first.
      if (!opt.only.empty()) {
        if (opt.only == "baseline") run_baseline();
        else run_gateway();
        continue;
      }
      if (round % 2 == 1) {
        run_baseline();
        run_gateway();
      } else {
        run_gateway();
        run_baseline();
      }
      sum.ratios.push_back(sum.gw_rps.back() / sum.base_rps.back());
      std::printf("  ratio gateway/baseline: %.2f\n", sum.ratios.back());
      std::fflush(stdout);
    }
    summaries.push_back(std::move(sum));
  }

  // The service's own count of acknowledged cases must match the 202s the clients saw.
  const http::WebhookCounts counts = webhooks.snapshot();
  const std::uint64_t accepted = counts.accepted[http::WebhookCounts::kHotline];
  if (accepted != gateway_202) {
    std::printf("!!! the gateway counted %llu accepted cases, the clients %llu answers 202\n",
                static_cast<unsigned long long>(accepted),
                static_cast<unsigned long long>(gateway_202));
    ++errors;
  }

  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  };
  auto lowest = [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); };
  auto highest = [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); };
  if (!opt.only.empty()) summaries.clear();  // one side: nothing to compare
  if (!summaries.empty()) {
    std::printf("\nmedians over %d round(s) (req/s; p50 / p99 in ms; ratio: the median of the "
                "rounds' ratios, and their range):\n", opt.rounds);
    std::printf("| connections | baseline req/s | gateway req/s | ratio | baseline p50 / p99 | "
                "gateway p50 / p99 |\n|---:|---:|---:|---:|---:|---:|\n");
  }
  for (const Summary& s : summaries) {
    std::printf("| %d | %.0f | %.0f | %.2f (%.2f-%.2f) | %.2f / %.2f | %.2f / %.2f |\n",
                s.connections, median(s.base_rps), median(s.gw_rps), median(s.ratios),
                lowest(s.ratios), highest(s.ratios), median(s.base_p50), median(s.base_p99),
                median(s.gw_p50), median(s.gw_p99));
  }
  for (const Summary& s : summaries) {
    if (s.connections == 64) {
      const double ratio = median(s.ratios);
      const auto below = std::count_if(s.ratios.begin(), s.ratios.end(), [](double r) { return r < 0.5; });
      std::printf("target, 64 connections: gateway >= 0.5 x baseline: median %.2f, %s (%zu of %zu "
                  "rounds below 0.5)\n",
                  ratio, ratio >= 0.5 ? "met" : "NOT met", static_cast<std::size_t>(below),
                  s.ratios.size());
    }
    if (s.connections == 8) {
      std::printf("target, 8 connections: gateway p99 <= 10 ms: median %.2f ms, %s (worst round "
                  "%.2f ms)\n",
                  median(s.gw_p99), median(s.gw_p99) <= 10 ? "met" : "NOT met", highest(s.gw_p99));
    }
  }
  if (embedded) {
    std::printf("!!! these figures are against the EMBEDDED MOCK CLUSTER, not a real broker\n");
  }

  server.stop();
  if (!embedded && !opt.keep_topics) {
    delete_topics(settings, {config.internal_topic, config.dead_letter_topic});
  }
  if (errors > 0) {
    std::printf("\n!!! THE RUN HAD %llu ERRORS (see above): its figures are not valid\n",
                static_cast<unsigned long long>(errors));
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace gw::bench

int main(int argc, char** argv) {
  try {
    return gw::bench::main_impl(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gw_http_bench: %s\n", e.what());
    return 1;
  }
}
