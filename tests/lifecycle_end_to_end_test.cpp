// The case lifecycle through the whole gateway over Kafka, on simulated time: the shipped
// configuration (routing, sla.yaml, calendars), both stages, a clock the test moves. A ticket
// is routed and its clocks start; the lead department signs for it through the updates topic
// (a resend is ignored, a forged resolve dead-lettered); the clock jumps past every deadline
// and the warnings, the breach and the escalations come out once, with their records on the
// supervision and tier topics; a restarted gateway restores the state and fires nothing new.
//
// Runs against the broker named by GW_TEST_KAFKA_BROKERS (scripts/test.sh starts a real
// Apache Kafka and sets it), otherwise against the embedded mock cluster.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include "adapters/intake/input_decoders.h"
#include "adapters/kafka/case_gateway.h"
#include "adapters/kafka/embedded_cluster.h"
#include "adapters/kafka/testing/timed_records.h"
#include "adapters/kafka/topic_io.h"
#include "adapters/updates/status_update_json.h"
#include "gateway/app/case_queries.h"
#include "gateway/app/lifecycle_wiring.h"
#include "gateway/app/sample_feed.h"
#include "gateway/core/case_event.h"
#include "gateway/core/sla_deadline_policy.h"
#include "tests/sample_cases.h"

namespace gw::test {
namespace {

// 2025-09-22 09:00:00 +08:00, a Monday and a working day.
constexpr EpochMs kT0 = 1758502800000;
constexpr EpochMs kMinute = 60'000;
constexpr EpochMs kDay = 24 * 60 * kMinute;

class LifecycleEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    shipped = load_shipped_config();
    ASSERT_NE(shipped.routes, nullptr);
    ASSERT_TRUE(shipped.gateway.lifecycle) << "config/gateway.yaml has the lifecycle on";
    run = "lc-e2e-" + std::to_string(::getpid()) + "-" +
          std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
    gateway = shipped.gateway;
    for (InputSpec& in : gateway.inputs) in.topic = run + "." + in.topic;
    gateway.dead_letter_topic = run + ".dlq";
    gateway.internal_topic = run + ".cases";
    gateway.state_topic = run + ".state";
    gateway.updates_topic = run + ".updates";
    gateway.lifecycle->events_topic = run + ".events";
    gateway.lifecycle->supervision_topic = run + ".supervision";
    auto routing = std::make_shared<RoutingConfig>(shipped.routes->config());
    for (Department& d : routing->departments) d.topic = run + "." + d.topic;
    table = std::make_shared<const RouteTable>(routing);
    std::ostringstream err;
    lifecycle = app::load_lifecycle(*gateway.lifecycle, table->config(), err);
    ASSERT_TRUE(lifecycle) << err.str();

    settings = gateway.kafka;
    settings.group_id = run + ".group";
    settings.consumer_properties["fetch.wait.max.ms"] = "50";
    std::vector<std::string> topics{gateway.dead_letter_topic, gateway.internal_topic,
                                    gateway.updates_topic, gateway.lifecycle->events_topic,
                                    gateway.lifecycle->supervision_topic};
    for (const InputSpec& in : gateway.inputs) topics.push_back(in.topic);
    for (const Department& d : routing->departments) topics.push_back(d.topic);
    // The tier topics sla.yaml names (shared names: records are told apart by case id).
    for (const char* tier : {"supervision.street", "supervision.district", "supervision.city"}) {
      topics.push_back(tier);
    }
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
  }

  std::unique_ptr<CaseProcessor> make_processor() {
    auto t = table;
    auto p = std::make_unique<CaseProcessor>([t] { return t; }, gateway.dead_letter_topic);
    for (const InputSpec& in : gateway.inputs) p->add_input(in.topic, make_input_decoder(in));
    return p;
  }

  std::unique_ptr<CaseGateway> start_gateway(boost::asio::io_context& io) {
    LifecycleWiring wiring = app::make_lifecycle_wiring(gateway, *lifecycle);
    wiring.clock = [this] { return now.load(); };
    wiring.timer_tick = std::chrono::milliseconds(20);
    KafkaPipelineOptions options;
    options.tick = std::chrono::milliseconds(50);
    auto g = std::make_unique<CaseGateway>(io, settings, gateway,
                                           [this] { return make_processor(); }, 3, options,
                                           std::move(wiring));
    g->start();
    return g;
  }

  // The case's events on the events topic, by type (event ids deduplicated).
  std::map<std::string, std::set<std::string>> events_of(const std::string& case_id) {
    std::map<std::string, std::set<std::string>> by_type;
    for (const ConsumedRecord& r : read_topic(settings, gateway.lifecycle->events_topic)) {
      if (r.key != case_id) continue;
      Result<CaseEvent> e = parse_event_json(r.value);
      EXPECT_TRUE(e) << r.value;
      if (e) by_type[std::string(to_string(e->type))].insert(e->id);
    }
    return by_type;
  }

  // Runs the io loop until done() or the timeout.
  static bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
                        std::chrono::seconds timeout = std::chrono::seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      for (int i = 0; i < 10; ++i) {
        io.restart();
        io.run_for(std::chrono::milliseconds(20));
      }
    }
    return true;
  }

  std::string update_json(const std::string& case_id, const std::string& department,
                          UpdateAction action, const std::string& id, EpochMs at) {
    StatusUpdate u;
    u.update_id = id;
    u.case_id = case_id;
    u.department = department;
    u.action = action;
    u.at = at;
    if (action == UpdateAction::resolve) u.result = "已处理";
    std::string json;
    updates::append_status_update_json(json, u);
    return json;
  }

  ShippedConfig shipped;
  GatewayConfig gateway;
  std::string run;
  std::shared_ptr<const RouteTable> table;
  std::optional<app::Lifecycle> lifecycle;
  KafkaSettings settings;
  std::unique_ptr<EmbeddedCluster> embedded;
  std::atomic<EpochMs> now{kT0};
};

TEST_F(LifecycleEndToEnd, UpdatesAndTimersOnSimulatedTimeSurviveARestart) {
  // A hotline sample routed to a department (not the default), made unique to this run.
  const InputSpec& hotline = gateway.inputs.front();
  auto expectation = make_processor();
  std::string ticket;
  ProcessOutcome expected;
  for (const auto& s : app::read_samples(source_path("config/samples"))) {
    if (s.topic != shipped.gateway.inputs.front().topic) continue;
    InputRecord r;
    r.topic = hotline.topic;
    const std::string bytes = app::with_ref_suffix(s.bytes, "-" + run);
    r.value = bytes;
    r.timestamp = kT0;
    expected = expectation->process(r);
    if (!expected.dead_lettered && !expected.rule_id.empty()) {
      ticket = bytes;
      break;
    }
  }
  ASSERT_FALSE(ticket.empty());
  const std::string case_id = expected.case_id;
  const std::string lead = expected.lead;
  // Received at kT0: the record's timestamp is when the clocks start.
  testing::produce_timed(settings, hotline.topic, {{0, "t", ticket, kT0}});

  boost::asio::io_context io;
  auto g = start_gateway(io);
  ASSERT_TRUE(run_until(io, [&] { return events_of(case_id).count("routed") == 1; }))
      << "the case was not routed";
  // The state record follows the events (it waits for their acknowledgement).
  std::string state_bytes;
  ASSERT_TRUE(run_until(io, [&] {
    read_partition(settings, gateway.state_topic, internal_partition(case_id, 3),
                   [&](std::string_view key, std::string_view v, bool) {
                     if (key == case_id) state_bytes.assign(v);
                   });
    return !state_bytes.empty();
  })) << "no state record";
  const Result<CaseState> state = decode_case_state(state_bytes);
  ASSERT_TRUE(state) << state.refusal().message();
  ASSERT_EQ(state->lead, lead);
  ASSERT_EQ(state->created_at, kT0);
  // What sla.yaml says for this case's resolve stage.
  const SlaRule* resolve = lifecycle->policy->rule(SlaStage::resolve, state->facts, lead);
  ASSERT_NE(resolve, nullptr);
  const std::size_t tiers = resolve->escalation.size();
  const std::size_t warnings = resolve->warnings.size();
  ASSERT_GT(tiers, 0u);
  const EpochMs received = kT0;
  now = received + 10 * kMinute;

  produce_records(settings, gateway.updates_topic,
                  {{case_id, update_json(case_id, lead, UpdateAction::sign_for, "u-1", now.load())},
                   {case_id, update_json(case_id, lead, UpdateAction::sign_for, "u-1", now.load())},
                   {case_id, update_json(case_id, "nobody", UpdateAction::resolve, "u-2", now.load())},
                   {case_id, "not json"}});
  ASSERT_TRUE(run_until(io, [&] { return events_of(case_id).count("signed_for") == 1; }));
  ASSERT_TRUE(run_until(io, [&] {
    return read_topic(settings, gateway.dead_letter_topic).size() >= 2;
  })) << "the forged resolve and the garbage were not dead-lettered";

  // Past every deadline of the resolve clock and its escalation tiers.
  now = received + 90 * kDay;
  ASSERT_TRUE(run_until(io, [&] {
    auto e = events_of(case_id);
    return e.count("breached") == 1 && e.count("escalated") == 1 && e["escalated"].size() >= tiers;
  })) << "the resolve clock did not breach and escalate; events: " << [&] {
    std::string out;
    for (const auto& [type, ids] : events_of(case_id)) out += type + " x" + std::to_string(ids.size()) + " ";
    return out;
  }();
  StopReport stopped = g->stop();
  EXPECT_TRUE(stopped.drained);

  const auto first = events_of(case_id);
  EXPECT_EQ(first.at("signed_for").size(), 1u) << "a resent update applied twice";
  EXPECT_EQ(first.at("warned").size(), warnings);  // 50% and 75% of the resolve time
  EXPECT_EQ(first.at("breached").size(), 1u);
  EXPECT_EQ(first.at("escalated").size(), tiers);
  std::size_t supervision = 0;
  for (const ConsumedRecord& r : read_topic(settings, gateway.lifecycle->supervision_topic)) {
    supervision += r.key == case_id;
  }
  EXPECT_EQ(supervision, warnings + 1);  // the warnings and the breach
  for (const EscalationTier& tier : resolve->escalation) {
    std::size_t records = 0;
    for (const ConsumedRecord& r : read_topic(settings, tier.topic)) records += r.key == case_id;
    EXPECT_EQ(records, 1u) << tier.topic;
  }

  // The queries read it back: the case with its timeline and clocks, and the day's figures.
  app::CaseQueries queries(settings, app::CaseQuerySettings{gateway.state_topic,
                                                           gateway.lifecycle->events_topic});
  const app::CaseView view = queries.case_view(case_id);
  ASSERT_TRUE(view.found);
  ASSERT_TRUE(view.state);
  EXPECT_EQ(view.state->lead, lead);
  EXPECT_EQ(view.state->status, LifecycleStatus::signed_for);
  std::size_t in_timeline = 0;
  for (const auto& [type, ids] : first) in_timeline += ids.size();
  EXPECT_EQ(view.timeline.size(), in_timeline);
  EXPECT_EQ(view.timeline.front().type, EventType::created);
  const app::StatsAnswer day =
      queries.stats(StatsQuery{StatsPeriod{kT0 - kDay, kT0 + kDay}, StatsGrouping::department});
  ASSERT_EQ(day.report.groups.size(), 1u);
  EXPECT_EQ(day.report.groups[0].key, lead);
  EXPECT_EQ(day.report.groups[0].figures.dispatched, 1u);
  EXPECT_EQ(day.report.groups[0].figures.signed_for, 1u);
  EXPECT_EQ(day.report.groups[0].figures.overdue, 1u);

  // A new instance restores the state: nothing fires again.
  boost::asio::io_context io2;
  auto again = start_gateway(io2);
  run_until(io2, [] { return false; }, std::chrono::seconds(8));
  again->stop();
  EXPECT_EQ(events_of(case_id), first);
}

}  // namespace
}  // namespace gw::test
