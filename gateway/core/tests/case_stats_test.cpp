// CaseStatsAggregator and parse_stats_query: every figure of GET /v1/stats, the period's
// edges, duplicates, order, returns, reopenings, self-handled reports, streets.
#include "gateway/core/case_stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace gw {
namespace {

constexpr EpochMs kHour = 3600 * 1000;
constexpr EpochMs kFrom = 1756656000000;  // 2025-09-01T00:00:00+08:00
constexpr EpochMs kTo = kFrom + 30 * 24 * kHour;
constexpr StatsPeriod kPeriod{kFrom, kTo};

constexpr char kA[] = "HL-aaaaaaaaaaaaaaaaaaaaaaaa";
constexpr char kB[] = "HL-bbbbbbbbbbbbbbbbbbbbbbbb";
constexpr char kC[] = "GR-cccccccccccccccccccccccc";

CaseEvent ev(const std::string& case_id, std::uint32_t seq, EventType type, EpochMs at,
             const std::string& department = "", std::optional<SlaStage> stage = std::nullopt) {
  CaseEvent e;
  e.case_id = case_id;
  e.seq = seq;
  e.type = type;
  e.at = at;
  e.department = department;
  e.stage = stage;
  e.id = make_event_id(case_id, type, stage, static_cast<int>(seq), 0);
  return e;
}

// A case created and routed to department at `at` (seq 0 and 1).
std::vector<CaseEvent> routed(const std::string& case_id, EpochMs at,
                              const std::string& department) {
  return {ev(case_id, 0, EventType::created, at),
          ev(case_id, 1, EventType::routed, at, department)};
}

StatsReport report_of(const std::vector<CaseEvent>& events,
                      StatsGrouping by = StatsGrouping::department,
                      const std::unordered_map<std::string, std::string>& streets = {},
                      StatsPeriod period = kPeriod) {
  CaseStatsAggregator a(period);
  for (const CaseEvent& e : events) a.add(e);
  return a.report(by, streets);
}

StatsFigures figures_of(const StatsReport& r, const std::string& key) {
  for (const StatsGroup& g : r.groups) {
    if (g.key == key) return g.figures;
  }
  ADD_FAILURE() << "no group " << key;
  return {};
}

StatsFigures only_group(const std::vector<CaseEvent>& events) {
  const StatsReport r = report_of(events);
  EXPECT_EQ(r.groups.size(), 1u);
  return r.groups.empty() ? StatsFigures{} : r.groups[0].figures;
}

std::vector<CaseEvent> operator+(std::vector<CaseEvent> a, const std::vector<CaseEvent>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(CaseStats, NoEventsNoGroupsAndNoRates) {
  const StatsReport r = report_of({});
  EXPECT_TRUE(r.groups.empty());
  EXPECT_EQ(r.total, StatsFigures{});
  EXPECT_EQ(r.total.sign_for_rate(), std::nullopt);
  EXPECT_EQ(r.total.on_time_completion_rate(), std::nullopt);
  EXPECT_EQ(r.total.return_rate(), std::nullopt);
  EXPECT_EQ(r.total.completion_rate(), std::nullopt);
  EXPECT_EQ(r.query, (StatsQuery{kPeriod, StatsGrouping::department}));
}

TEST(CaseStats, ADispatchWithNothingElseIsOpen) {
  const StatsFigures f = only_group(routed(kA, kFrom + kHour, "housing"));
  EXPECT_EQ(f.dispatched, 1u);
  EXPECT_EQ(f.open, 1u);
  EXPECT_EQ(f.signed_for + f.returned + f.resolved + f.resolved_on_time + f.overdue, 0u);
  EXPECT_EQ(f.sign_for_rate(), 0.0);
  EXPECT_EQ(f.completion_rate(), 0.0);
  EXPECT_EQ(f.return_rate(), 0.0);
  EXPECT_EQ(f.on_time_completion_rate(), std::nullopt);  // nothing resolved
}

TEST(CaseStats, SignedAndResolvedWithoutBreachIsOnTime) {
  const StatsFigures f =
      only_group(routed(kA, kFrom, "housing") +
                 std::vector{ev(kA, 2, EventType::signed_for, kFrom + kHour, "housing"),
                             ev(kA, 3, EventType::progress, kFrom + 2 * kHour, "housing"),
                             ev(kA, 4, EventType::resolved, kFrom + 3 * kHour, "housing"),
                             ev(kA, 5, EventType::closed, kFrom + 4 * kHour, "center")});
  EXPECT_EQ(f,
            (StatsFigures{.dispatched = 1, .signed_for = 1, .resolved = 1, .resolved_on_time = 1}));
  EXPECT_EQ(f.sign_for_rate(), 1.0);
  EXPECT_EQ(f.on_time_completion_rate(), 1.0);
  EXPECT_EQ(f.completion_rate(), 1.0);
}

TEST(CaseStats, AResolveBreachBeforeResolutionIsLate) {
  const StatsFigures f = only_group(
      routed(kA, kFrom, "housing") +
      std::vector{ev(kA, 2, EventType::signed_for, kFrom + kHour, "housing"),
                  ev(kA, 3, EventType::warned, kFrom + 2 * kHour, "housing", SlaStage::resolve),
                  ev(kA, 4, EventType::breached, kFrom + 3 * kHour, "housing", SlaStage::resolve),
                  ev(kA, 5, EventType::resolved, kFrom + 4 * kHour, "housing")});
  EXPECT_EQ(f, (StatsFigures{.dispatched = 1, .signed_for = 1, .resolved = 1}));
  EXPECT_EQ(f.on_time_completion_rate(), 0.0);
}

TEST(CaseStats, ASignForBreachLateButSignedIsNotOnTimeRelevantNorOverdue) {
  const StatsFigures f = only_group(
      routed(kA, kFrom, "housing") +
      std::vector{ev(kA, 2, EventType::breached, kFrom + kHour, "housing", SlaStage::sign_for),
                  ev(kA, 3, EventType::signed_for, kFrom + 2 * kHour, "housing")});
  EXPECT_EQ(f, (StatsFigures{.dispatched = 1, .signed_for = 1, .open = 1}));

  const StatsFigures resolved = only_group(
      routed(kA, kFrom, "housing") +
      std::vector{ev(kA, 2, EventType::breached, kFrom + kHour, "housing", SlaStage::sign_for),
                  ev(kA, 3, EventType::signed_for, kFrom + 2 * kHour, "housing"),
                  ev(kA, 4, EventType::resolved, kFrom + 3 * kHour, "housing")});
  EXPECT_EQ(resolved.resolved_on_time, 1u) << "only a resolve-stage breach makes it late";
}

TEST(CaseStats, OverdueIsOpenWithTheCurrentDutyBreached) {
  // Not signed for, sign-for clock breached.
  EXPECT_EQ(only_group(routed(kA, kFrom, "housing") +
                       std::vector{ev(kA, 2, EventType::breached, kFrom + kHour, "housing",
                                      SlaStage::sign_for)})
                .overdue,
            1u);
  // Signed for, resolve clock breached.
  EXPECT_EQ(only_group(routed(kA, kFrom, "housing") +
                       std::vector{ev(kA, 2, EventType::signed_for, kFrom + kHour, "housing"),
                                   ev(kA, 3, EventType::breached, kFrom + 2 * kHour, "housing",
                                      SlaStage::resolve)})
                .overdue,
            1u);
  // Resolve clock breached before sign-for (it runs from dispatch).
  EXPECT_EQ(only_group(routed(kA, kFrom, "housing") +
                       std::vector{ev(kA, 2, EventType::breached, kFrom + kHour, "housing",
                                      SlaStage::resolve)})
                .overdue,
            1u);
  // The center's own clocks do not make the department's case overdue.
  EXPECT_EQ(only_group(routed(kA, kFrom, "housing") +
                       std::vector{ev(kA, 2, EventType::signed_for, kFrom + kHour, "housing"),
                                   ev(kA, 3, EventType::extension_requested, kFrom + 2 * kHour,
                                      "housing", SlaStage::extension_decision),
                                   ev(kA, 4, EventType::breached, kFrom + 3 * kHour, "center",
                                      SlaStage::extension_decision)})
                .overdue,
            0u);
  // Resolved after the breach: late, not overdue.
  const StatsFigures late = only_group(
      routed(kA, kFrom, "housing") +
      std::vector{ev(kA, 2, EventType::breached, kFrom + kHour, "housing", SlaStage::resolve),
                  ev(kA, 3, EventType::resolved, kFrom + 2 * kHour, "housing")});
  EXPECT_EQ(late.overdue, 0u);
  EXPECT_EQ(late.open, 0u);
}

TEST(CaseStats, AReturnEndsTheDispatchAndTheRedispatchStartsAnother) {
  const StatsReport r =
      report_of(routed(kA, kFrom, "housing") +
                std::vector{ev(kA, 2, EventType::signed_for, kFrom + kHour, "housing"),
                            ev(kA, 3, EventType::returned, kFrom + 2 * kHour, "housing"),
                            ev(kA, 4, EventType::redispatched, kFrom + 2 * kHour, "water"),
                            ev(kA, 5, EventType::signed_for, kFrom + 3 * kHour, "water"),
                            ev(kA, 6, EventType::returned, kFrom + 4 * kHour, "water"),
                            ev(kA, 7, EventType::redispatched, kFrom + 4 * kHour, "center"),
                            ev(kA, 8, EventType::signed_for, kFrom + 5 * kHour, "center"),
                            ev(kA, 9, EventType::resolved, kFrom + 6 * kHour, "center")});
  ASSERT_EQ(r.groups.size(), 3u);
  EXPECT_EQ(r.groups[0].key, "center");
  EXPECT_EQ(r.groups[1].key, "housing");
  EXPECT_EQ(r.groups[2].key, "water");
  for (const char* d : {"housing", "water"}) {
    EXPECT_EQ(figures_of(r, d), (StatsFigures{.dispatched = 1, .signed_for = 1, .returned = 1}))
        << d;
    EXPECT_EQ(figures_of(r, d).return_rate(), 1.0);
  }
  EXPECT_EQ(figures_of(r, "center"),
            (StatsFigures{.dispatched = 1, .signed_for = 1, .resolved = 1, .resolved_on_time = 1}));
  EXPECT_EQ(
      r.total,
      (StatsFigures{
          .dispatched = 3, .signed_for = 3, .returned = 2, .resolved = 1, .resolved_on_time = 1}));
}

TEST(CaseStats, AReturnedCaseNotYetRedispatchedIsNotOpenForTheDepartmentThatReturnedIt) {
  const StatsFigures f =
      only_group(routed(kA, kFrom, "housing") +
                 std::vector{ev(kA, 2, EventType::returned, kFrom + kHour, "housing")});
  EXPECT_EQ(f, (StatsFigures{.dispatched = 1, .returned = 1}));
}

TEST(CaseStats, AResolveBreachBeforeAReturnDoesNotMakeItOverdue) {
  const StatsFigures f = only_group(
      routed(kA, kFrom, "housing") +
      std::vector{ev(kA, 2, EventType::breached, kFrom + kHour, "housing", SlaStage::resolve),
                  ev(kA, 3, EventType::returned, kFrom + 2 * kHour, "housing")});
  EXPECT_EQ(f, (StatsFigures{.dispatched = 1, .returned = 1}));
}

TEST(CaseStats, OnlyDispatchesInThePeriodCount) {
  // Routed before the period, resolved in it: not in the cohort.
  const std::vector<CaseEvent> before =
      routed(kA, kFrom - kHour, "housing") +
      std::vector{ev(kA, 2, EventType::signed_for, kFrom + kHour, "housing"),
                  ev(kA, 3, EventType::resolved, kFrom + 2 * kHour, "housing")};
  EXPECT_TRUE(report_of(before).groups.empty());
  // Routed at the period's start: in. At its end: out.
  EXPECT_EQ(only_group(routed(kA, kFrom, "housing")).dispatched, 1u);
  EXPECT_TRUE(report_of(routed(kA, kTo, "housing")).groups.empty());
  EXPECT_EQ(only_group(routed(kA, kTo - 1, "housing")).dispatched, 1u);
}

TEST(CaseStats, OutcomesAfterThePeriodsEndDoNotCount) {
  const StatsFigures f =
      only_group(routed(kA, kTo - 2 * kHour, "housing") +
                 std::vector{ev(kA, 2, EventType::signed_for, kTo - kHour, "housing"),
                             ev(kA, 3, EventType::breached, kTo, "housing", SlaStage::resolve),
                             ev(kA, 4, EventType::resolved, kTo + kHour, "housing")});
  EXPECT_EQ(f, (StatsFigures{.dispatched = 1, .signed_for = 1, .open = 1}));
  // One millisecond earlier, the resolution is in.
  const StatsFigures in =
      only_group(routed(kA, kTo - 2 * kHour, "housing") +
                 std::vector{ev(kA, 2, EventType::resolved, kTo - 1, "housing")});
  EXPECT_EQ(in.resolved, 1u);
}

TEST(CaseStats, DuplicatesAreCountedOnce) {
  std::vector<CaseEvent> events =
      routed(kA, kFrom, "housing") +
      std::vector{ev(kA, 2, EventType::signed_for, kFrom + kHour, "housing"),
                  ev(kA, 3, EventType::resolved, kFrom + 2 * kHour, "housing")};
  std::vector<CaseEvent> twice = events + events;
  // A timer repeated after a restore: the same id under another seq.
  CaseEvent breach = ev(kB, 2, EventType::breached, kFrom + kHour, "water", SlaStage::resolve);
  CaseEvent repeat = breach;
  repeat.seq = 5;
  twice = twice + routed(kB, kFrom, "water") + std::vector{breach, repeat};
  CaseStatsAggregator a(kPeriod);
  for (const CaseEvent& e : twice) a.add(e);
  const StatsReport r = a.report(StatsGrouping::department);
  EXPECT_EQ(figures_of(r, "housing"),
            (StatsFigures{.dispatched = 1, .signed_for = 1, .resolved = 1, .resolved_on_time = 1}));
  EXPECT_EQ(figures_of(r, "water"), (StatsFigures{.dispatched = 1, .open = 1, .overdue = 1}));
}

TEST(CaseStats, ProductionOrderDecidesNotTheInstants) {
  // The breach fired (seq 2, at its due instant) before a resolution whose update carried an
  // earlier at (a sender's clock): the case was resolved late.
  const StatsFigures f = only_group(
      routed(kA, kFrom, "housing") +
      std::vector{ev(kA, 2, EventType::breached, kFrom + 5 * kHour, "housing", SlaStage::resolve),
                  ev(kA, 3, EventType::resolved, kFrom + 4 * kHour, "housing")});
  EXPECT_EQ(f.resolved, 1u);
  EXPECT_EQ(f.resolved_on_time, 0u);
}

TEST(CaseStats, AnyFeedingOrderGivesTheSameReport) {
  std::vector<CaseEvent> events =
      routed(kA, kFrom, "housing") +
      std::vector{ev(kA, 2, EventType::signed_for, kFrom + kHour, "housing"),
                  ev(kA, 3, EventType::returned, kFrom + 2 * kHour, "housing"),
                  ev(kA, 4, EventType::redispatched, kFrom + 2 * kHour, "water"),
                  ev(kA, 5, EventType::breached, kFrom + 9 * kHour, "water", SlaStage::sign_for)} +
      routed(kB, kFrom + kHour, "water") +
      std::vector{ev(kB, 2, EventType::signed_for, kFrom + 2 * kHour, "water"),
                  ev(kB, 3, EventType::breached, kFrom + 3 * kHour, "water", SlaStage::resolve),
                  ev(kB, 4, EventType::resolved, kFrom + 4 * kHour, "water"),
                  ev(kB, 5, EventType::reopened, kFrom + 5 * kHour, "water")} +
      routed(kC, kFrom + kHour, "housing") + std::vector{ev(kC, 2, EventType::resolved, kFrom, "")};
  const StatsReport expected = report_of(events);
  std::mt19937 rng(42);
  for (int i = 0; i < 50; ++i) {
    std::shuffle(events.begin(), events.end(), rng);
    const StatsReport r = report_of(events);
    EXPECT_EQ(r.groups, expected.groups);
    EXPECT_EQ(r.total, expected.total);
  }
  EXPECT_EQ(figures_of(expected, "housing"),
            (StatsFigures{.dispatched = 1, .signed_for = 1, .returned = 1, .self_handled = 1}));
  EXPECT_EQ(
      figures_of(expected, "water"),
      (StatsFigures{.dispatched = 3, .signed_for = 1, .resolved = 1, .open = 2, .overdue = 1}));
}

TEST(CaseStats, SelfHandledReportsAreCountedApart) {
  // Resolved by the grid worker before it reached the gateway: the resolution's at (handledAt)
  // is before the period, the dispatch in it.
  const StatsReport r =
      report_of(routed(kC, kFrom + kHour, "street-office") +
                std::vector{ev(kC, 2, EventType::resolved, kFrom - kHour, ""),
                            ev(kC, 3, EventType::closed, kFrom + 2 * kHour, "center")});
  ASSERT_EQ(r.groups.size(), 1u);
  EXPECT_EQ(r.groups[0].figures, (StatsFigures{.self_handled = 1}));
  EXPECT_EQ(r.total.sign_for_rate(), std::nullopt);
  // Reopened later: an ordinary dispatch from then on.
  const StatsFigures reopened =
      only_group(routed(kC, kFrom + kHour, "street-office") +
                 std::vector{ev(kC, 2, EventType::resolved, kFrom + kHour, ""),
                             ev(kC, 3, EventType::reopened, kFrom + 3 * kHour, "street-office"),
                             ev(kC, 4, EventType::signed_for, kFrom + 4 * kHour, "street-office")});
  EXPECT_EQ(reopened,
            (StatsFigures{.dispatched = 1, .signed_for = 1, .open = 1, .self_handled = 1}));
}

TEST(CaseStats, AReopenedCaseIsANewDispatch) {
  // Resolved before the period, reopened in it.
  const StatsFigures f =
      only_group(routed(kA, kFrom - 5 * kHour, "housing") +
                 std::vector{ev(kA, 2, EventType::signed_for, kFrom - 4 * kHour, "housing"),
                             ev(kA, 3, EventType::resolved, kFrom - 3 * kHour, "housing"),
                             ev(kA, 4, EventType::reopened, kFrom + kHour, "housing"),
                             ev(kA, 5, EventType::signed_for, kFrom + 2 * kHour, "housing"),
                             ev(kA, 6, EventType::resolved, kFrom + 3 * kHour, "housing")});
  EXPECT_EQ(f,
            (StatsFigures{.dispatched = 1, .signed_for = 1, .resolved = 1, .resolved_on_time = 1}));
  // Resolved and reopened both in the period: two dispatches, the second still open.
  const StatsFigures twice =
      only_group(routed(kA, kFrom, "housing") +
                 std::vector{ev(kA, 2, EventType::signed_for, kFrom + kHour, "housing"),
                             ev(kA, 3, EventType::resolved, kFrom + 2 * kHour, "housing"),
                             ev(kA, 4, EventType::reopened, kFrom + 3 * kHour, "housing")});
  EXPECT_EQ(
      twice,
      (StatsFigures{
          .dispatched = 2, .signed_for = 1, .resolved = 1, .resolved_on_time = 1, .open = 1}));
  EXPECT_EQ(twice.completion_rate(), 0.5);
}

TEST(CaseStats, EventsBeforeTheFirstDispatchInThePeriodAreIgnored) {
  // Partial history: the scan started in the middle of a case dispatched earlier.
  const StatsFigures f = only_group(
      std::vector{ev(kA, 5, EventType::signed_for, kFrom + kHour, "housing"),
                  ev(kA, 6, EventType::breached, kFrom + 2 * kHour, "housing", SlaStage::resolve),
                  ev(kA, 7, EventType::returned, kFrom + 3 * kHour, "housing"),
                  ev(kA, 8, EventType::redispatched, kFrom + 3 * kHour, "water")});
  EXPECT_EQ(f, (StatsFigures{.dispatched = 1, .open = 1}));
}

TEST(CaseStats, GroupsByStreetThroughTheCallersJoin) {
  const std::vector<CaseEvent> events =
      routed(kA, kFrom, "housing") + routed(kB, kFrom, "water") + routed(kC, kFrom, "housing") +
      std::vector{ev(kB, 2, EventType::signed_for, kFrom + kHour, "water")};
  const std::unordered_map<std::string, std::string> streets = {{kA, "110105001"},
                                                                {kB, "110105001"}};
  const StatsReport r = report_of(events, StatsGrouping::street, streets);
  ASSERT_EQ(r.groups.size(), 2u);
  EXPECT_EQ(r.groups[0].key, "");  // kC: street unknown
  EXPECT_EQ(r.groups[0].figures, (StatsFigures{.dispatched = 1, .open = 1}));
  EXPECT_EQ(r.groups[1].key, "110105001");
  EXPECT_EQ(r.groups[1].figures, (StatsFigures{.dispatched = 2, .signed_for = 1, .open = 2}));
  EXPECT_EQ(r.groups[1].figures.sign_for_rate(), 0.5);
  EXPECT_EQ(r.query.by, StatsGrouping::street);
  // The totals do not depend on the grouping.
  EXPECT_EQ(r.total, report_of(events).total);
}

TEST(CaseStats, DispatchedCasesNamesTheCohortOnly) {
  CaseStatsAggregator a(kPeriod);
  for (const CaseEvent& e : routed(kB, kFrom, "water") + routed(kA, kFrom + kHour, "housing") +
                                routed(kC, kFrom - kHour, "housing") +
                                std::vector{ev(kC, 2, EventType::signed_for, kFrom, "housing")}) {
    a.add(e);
  }
  EXPECT_EQ(a.dispatched_cases(), (std::vector<std::string>{kA, kB}));
  EXPECT_EQ(a.kept(), 4u);  // the created events are not kept
}

TEST(CaseStats, RatesOverSeveralCases) {
  std::vector<CaseEvent> events;
  // Eight cases to housing: 6 signed for, 1 returned, 4 resolved (3 on time), 1 overdue.
  for (int i = 0; i < 8; ++i) {
    const std::string id = "HL-00000000000000000000000" + std::to_string(i);
    events = events + routed(id, kFrom + i * kHour, "housing");
    if (i < 6) events.push_back(ev(id, 2, EventType::signed_for, kFrom + 10 * kHour, "housing"));
    if (i < 3) events.push_back(ev(id, 3, EventType::resolved, kFrom + 11 * kHour, "housing"));
    if (i == 3) {
      events.push_back(
          ev(id, 3, EventType::breached, kFrom + 11 * kHour, "housing", SlaStage::resolve));
      events.push_back(ev(id, 4, EventType::resolved, kFrom + 12 * kHour, "housing"));
    }
    if (i == 4) {
      events.push_back(
          ev(id, 3, EventType::breached, kFrom + 11 * kHour, "housing", SlaStage::resolve));
    }
    if (i == 6) events.push_back(ev(id, 2, EventType::returned, kFrom + 10 * kHour, "housing"));
  }
  const StatsFigures f = only_group(events);
  EXPECT_EQ(f, (StatsFigures{.dispatched = 8,
                             .signed_for = 6,
                             .returned = 1,
                             .resolved = 4,
                             .resolved_on_time = 3,
                             .open = 3,
                             .overdue = 1}));
  EXPECT_DOUBLE_EQ(*f.sign_for_rate(), 0.75);
  EXPECT_DOUBLE_EQ(*f.on_time_completion_rate(), 0.75);
  EXPECT_DOUBLE_EQ(*f.return_rate(), 0.125);
  EXPECT_DOUBLE_EQ(*f.completion_rate(), 0.5);
}

struct QueryCase {
  std::optional<std::string_view> from, to, by;
  std::optional<RefusalCode> refused;  // nothing: accepted
  std::string field;
};

TEST(StatsQuery, ParametersAreCheckedOneByOne) {
  const std::string_view f = "2025-09-01T00:00:00+08:00";
  const std::string_view t = "2025-10-01T00:00:00+08:00";
  const std::vector<QueryCase> cases = {
      {f, t, std::nullopt, std::nullopt, ""},
      {f, t, "department", std::nullopt, ""},
      {f, t, "street", std::nullopt, ""},
      {"2025-08-31T16:00:00Z", "2025-08-31T16:00:00.001Z", std::nullopt, std::nullopt, ""},
      {"2025-08-31T11:00:00-05:00", t, std::nullopt, std::nullopt, ""},
      {std::nullopt, t, std::nullopt, RefusalCode::missing_field, "from"},
      {f, std::nullopt, std::nullopt, RefusalCode::missing_field, "to"},
      {"", t, std::nullopt, RefusalCode::bad_time, "from"},
      {"2025-09-01", t, std::nullopt, RefusalCode::bad_time, "from"},
      {"2025-09-01 00:00:00", t, std::nullopt, RefusalCode::bad_time, "from"},
      {"2025-09-01T00:00:00", t, std::nullopt, RefusalCode::bad_time, "from"},
      {"2025-09-01T00:00:00 08:00", t, std::nullopt, RefusalCode::bad_time, "from"},
      {"2025-09-01T00:00:00+0800", t, std::nullopt, RefusalCode::bad_time, "from"},
      {"2025-02-30T00:00:00+08:00", t, std::nullopt, RefusalCode::bad_time, "from"},
      {"1999-12-31T00:00:00Z", t, std::nullopt, RefusalCode::bad_time, "from"},
      {f, "2100-01-01T00:00:00Z", std::nullopt, RefusalCode::bad_time, "to"},
      {f, "tomorrow", std::nullopt, RefusalCode::bad_time, "to"},
      {f, f, std::nullopt, RefusalCode::out_of_range, "to"},
      {t, f, std::nullopt, RefusalCode::out_of_range, "to"},
      {f, t, "", RefusalCode::out_of_range, "by"},
      {f, t, "Department", RefusalCode::out_of_range, "by"},
      {f, t, "community", RefusalCode::out_of_range, "by"},
  };
  for (const QueryCase& c : cases) {
    SCOPED_TRACE(std::string(c.from.value_or("(none)")) + " " +
                 std::string(c.to.value_or("(none)")) + " " + std::string(c.by.value_or("(none)")));
    Result<StatsQuery> q = parse_stats_query(c.from, c.to, c.by);
    if (!c.refused) {
      ASSERT_TRUE(q.ok()) << q.refusal().message();
      continue;
    }
    ASSERT_FALSE(q.ok());
    EXPECT_EQ(q.refusal().code, *c.refused) << q.refusal().message();
    EXPECT_EQ(q.refusal().field, c.field) << q.refusal().message();
  }
  Result<StatsQuery> q = parse_stats_query(f, t, "street");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->period, (StatsPeriod{kFrom, kFrom + 30 * 24 * kHour}));
  EXPECT_EQ(q->by, StatsGrouping::street);
  EXPECT_EQ(parse_stats_query(f, t, std::nullopt)->by, StatsGrouping::department);
  // An unencoded '+' arrives as a space: the refusal says how to write it.
  Result<StatsQuery> space = parse_stats_query("2025-09-01T00:00:00 08:00", t, std::nullopt);
  ASSERT_FALSE(space.ok());
  EXPECT_NE(space.refusal().detail.find("%2B"), std::string::npos);
}

}  // namespace
}  // namespace gw
