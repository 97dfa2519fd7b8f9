// The lifecycle on the real SLA arithmetic: SlaDeadlinePolicy over a policy like
// config/sla.yaml and DOMAIN.md's 2025/2026 calendar, driven through create(), apply() and
// the timers, with the state round-tripped through its encoding.
#include "gateway/core/sla_deadline_policy.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "gateway/core/case_lifecycle.h"
#include "gateway/core/tests/china_calendar_fixture.h"
#include "gateway/core/tests/lifecycle_fakes.h"
#include "gateway/core/time_format.h"

namespace gw {
namespace {

using testing_calendar::china_2025_2026;
using testing_calendar::cst;

constexpr auto kNow = StartConvention::immediately;
constexpr auto kNextDay = StartConvention::next_working_day;
using U = LimitUnit;

std::string t(EpochMs at) { return format_rfc3339_china(at); }

SlaRule rule(std::string id, Limit limit) {
  SlaRule r;
  r.id = std::move(id);
  r.limit = limit;
  r.warnings = {0.5, 0.75};
  r.escalation = {
      {SupervisionTier::street, "supervision.street", {1, U::working_days, kNow}, {}},
      {SupervisionTier::district, "supervision.district", {2, U::working_days, kNow}, {}},
      {SupervisionTier::city, "supervision.city", {4, U::natural_hours, kNow}, {}},
  };
  return r;
}

StagePolicy stage(SlaRule fallback, std::vector<SlaRule> rules = {}) {
  return StagePolicy{std::move(rules), std::move(fallback)};
}

// config/sla.yaml in miniature: days count from the next working day, hours at once.
std::shared_ptr<SlaPolicy> district_policy() {
  auto p = std::make_shared<SlaPolicy>();
  p->file = "sla.yaml";
  p->stages[static_cast<std::size_t>(SlaStage::sign_for)] =
      stage(rule("sign_for-default", {1, U::working_days, kNextDay}));
  SlaRule return_window = rule("return-default", {2, U::working_days, kNextDay});
  return_window.warnings.clear();
  return_window.escalation.clear();
  p->stages[static_cast<std::size_t>(SlaStage::return_misrouted)] = stage(return_window);
  SlaRule decision = rule("extension_decision-default", {1, U::working_days, kNextDay});
  decision.escalation.clear();
  p->stages[static_cast<std::size_t>(SlaStage::extension_decision)] = stage(decision);

  SlaRule resolve = rule("resolve-default", {5, U::working_days, kNextDay});
  resolve.max_extension = Limit{10, U::working_days, kNow};
  SlaRule garbage = rule("exposed-garbage", {4, U::working_hours, kNow});
  garbage.match.category_prefixes = {{"城乡建设", "市容环境"}};
  garbage.max_extension = Limit{4, U::working_hours, kNow};
  SlaRule at_risk = rule("life-or-property-at-risk", {2, U::natural_hours, kNow});
  at_risk.match.urgencies = {Priority::critical};
  SlaRule fire = rule("fire", {1, U::natural_hours, kNow});
  fire.match.departments = {"gas"};
  fire.escalation.resize(1);
  p->stages[static_cast<std::size_t>(SlaStage::resolve)] = stage(resolve, {garbage, at_risk, fire});
  // No close stage: the center's check has no limit here.
  return p;
}

Case complaint(EpochMs received, std::vector<std::string> category = {"住房保障", "物业管理"},
               Priority priority = Priority::normal) {
  Case c = testing::hotline_case();
  c.kind = "投诉";
  c.category = std::move(category);
  c.priority = priority;
  c.received_at = received;
  c.reported_at = received;
  return c;
}

class SlaDeadlinePolicyTest : public ::testing::Test {
 protected:
  std::shared_ptr<const WorkingCalendar> calendar =
      std::make_shared<const WorkingCalendar>(china_2025_2026());
  SlaDeadlinePolicy policy{district_policy(), calendar};
  LifecycleOptions options;
  testing::District district;

  CaseState created(const Case& c, const std::string& lead = "housing") {
    Result<Transition> r = create(c, district.decision(lead), policy, options);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.refusal().message());
    return r.ok() ? r->state : CaseState{};
  }
  ApplyResult send(const CaseState& s, UpdateAction a, const std::string& dept, EpochMs at,
                   const std::string& id, std::optional<EpochMs> extend_to = std::nullopt) {
    StatusUpdate u = testing::update(s.case_id, a, dept, at, id);
    if (extend_to) u.extend_to = extend_to;
    return apply(s, u, at, policy, options);
  }
  CaseState applied(const CaseState& s, UpdateAction a, const std::string& dept, EpochMs at,
                    const std::string& id, std::optional<EpochMs> extend_to = std::nullopt) {
    ApplyResult r = send(s, a, dept, at, id, extend_to);
    EXPECT_EQ(r.outcome, ApplyOutcome::applied)
        << to_string(a) << ": " << (r.refusal ? r.refusal->message() : "duplicate");
    return r.outcome == ApplyOutcome::applied ? r.transition.state : s;
  }
  static const Deadline& deadline(const CaseState& s, SlaStage stage) {
    static const Deadline none;
    const StageClock* c = s.clock(stage);
    EXPECT_NE(c, nullptr) << sla_stage_name(stage);
    return c != nullptr ? c->deadline : none;
  }
  static std::vector<std::string> warnings(const Deadline& d) {
    std::vector<std::string> out;
    for (EpochMs w : d.warnings()) out.push_back(t(w));
    return out;
  }
  static std::vector<std::string> escalations(const Deadline& d) {
    std::vector<std::string> out;
    for (EpochMs e : d.escalations()) out.push_back(t(e));
    return out;
  }
};

// "2025-09-28T12:00:00+08:00 sign_for warn 0"
std::vector<std::string> timer_lines(const CaseState& s) {
  std::vector<std::string> out;
  for (const Timer& timer : due_timers(s)) {
    out.push_back(t(timer.at) + " " + std::string(sla_stage_name(timer.stage)) + " " +
                  std::string(to_string(timer.kind)) + " " + std::to_string(timer.index));
  }
  return out;
}

// --- the worked example through the lifecycle ---------------------------------------------

TEST_F(SlaDeadlinePolicyTest, DomainWorkedExampleThroughCreateAndTheTimers) {
  // Received Fri 2025-09-26: both clocks count from Sun 9/28 (a make-up workday). Sign for
  // within 1 working day (7 h): due at the end of 9/28. Resolve within 5 working days: 9/28,
  // 9/29, 9/30, then 10/9, 10/10 after the holiday: due at the end of 10/10. Tiers chained
  // from each breach: street 1 working day, district 2, city 4 natural hours.
  const CaseState s = created(complaint(cst("2025-09-26 16:20")));
  EXPECT_EQ(s.status, LifecycleStatus::dispatched);
  EXPECT_EQ(t(deadline(s, SlaStage::resolve).due), "2025-10-11T00:00:00+08:00");
  EXPECT_EQ(warnings(deadline(s, SlaStage::resolve)),
            (std::vector<std::string>{"2025-09-30T12:00:00+08:00", "2025-10-09T16:15:00+08:00"}));
  EXPECT_EQ(escalations(deadline(s, SlaStage::resolve)),
            (std::vector<std::string>{"2025-10-11T00:00:00+08:00", "2025-10-12T00:00:00+08:00",
                                      "2025-10-15T00:00:00+08:00"}));
  // Returns accepted for 2 working days from the next working day: 9/28 and 9/29.
  ASSERT_TRUE(s.return_until.has_value());
  EXPECT_EQ(t(*s.return_until), "2025-09-30T00:00:00+08:00");

  EXPECT_EQ(timer_lines(s), (std::vector<std::string>{
                                "2025-09-28T12:00:00+08:00 sign_for warn 0",
                                "2025-09-28T16:15:00+08:00 sign_for warn 1",
                                "2025-09-29T00:00:00+08:00 sign_for breach 0",
                                "2025-09-29T00:00:00+08:00 sign_for escalate 1",
                                "2025-09-30T00:00:00+08:00 sign_for escalate 2",
                                "2025-09-30T12:00:00+08:00 resolve warn 0",
                                "2025-10-09T16:15:00+08:00 resolve warn 1",
                                "2025-10-10T00:00:00+08:00 sign_for escalate 3",
                                "2025-10-11T00:00:00+08:00 resolve breach 0",
                                "2025-10-11T00:00:00+08:00 resolve escalate 1",
                                "2025-10-12T00:00:00+08:00 resolve escalate 2",
                                "2025-10-15T00:00:00+08:00 resolve escalate 3",
                            }));
}

TEST_F(SlaDeadlinePolicyTest, WarningsFireAtHalfAndThreeQuartersOfTheWorkingTime) {
  CaseState s = created(complaint(cst("2025-09-26 16:20")));
  s = applied(s, UpdateAction::sign_for, "housing", cst("2025-09-28 09:00"), "sign");
  // Nothing of the resolve clock is due before 9/30 12:00.
  Transition before = fire_due(s, cst("2025-09-30 11:59"), policy, options);
  EXPECT_TRUE(before.events.empty());
  Transition half = fire_due(s, cst("2025-09-30 12:00"), policy, options);
  ASSERT_EQ(half.events.size(), 1u);
  EXPECT_EQ(half.events[0].type, EventType::warned);
  EXPECT_EQ(half.events[0].index, 0);
  EXPECT_TRUE(half.events[0].supervision);
  EXPECT_EQ(t(*half.events[0].due), "2025-10-11T00:00:00+08:00");
  Transition three_quarters = fire_due(half.state, cst("2025-10-09 16:15"), policy, options);
  ASSERT_EQ(three_quarters.events.size(), 1u);
  EXPECT_EQ(three_quarters.events[0].index, 1);
  EXPECT_EQ(three_quarters.events[0].department, "housing");

  // Working hours: 4 from Mon 10:00 are 10:00-12:00 and 14:30-16:30; half is used at 12:00
  // (not 14:30), three quarters at 15:30.
  const CaseState garbage =
      created(complaint(cst("2025-09-22 10:00"), {"城乡建设", "市容环境", "暴露垃圾"}));
  EXPECT_EQ(t(deadline(garbage, SlaStage::resolve).due), "2025-09-22T16:30:00+08:00");
  EXPECT_EQ(warnings(deadline(garbage, SlaStage::resolve)),
            (std::vector<std::string>{"2025-09-22T12:00:00+08:00", "2025-09-22T15:30:00+08:00"}));

  // Natural hours run day and night.
  const CaseState at_risk =
      created(complaint(cst("2025-10-01 23:00"), {"公共安全"}, Priority::critical));
  EXPECT_EQ(t(deadline(at_risk, SlaStage::resolve).due), "2025-10-02T01:00:00+08:00");
  EXPECT_EQ(warnings(deadline(at_risk, SlaStage::resolve)),
            (std::vector<std::string>{"2025-10-02T00:00:00+08:00", "2025-10-02T00:30:00+08:00"}));
}

TEST_F(SlaDeadlinePolicyTest, WorkingDayLimitsCrossAHolidayAndAYearEnd) {
  // Received Tue 9/30 17:00: the next working day is 10/9 (10/1-10/8 off); signed for by the
  // end of 10/9.
  const CaseState holiday = created(complaint(cst("2025-09-30 17:00")));
  EXPECT_EQ(t(deadline(holiday, SlaStage::sign_for).due), "2025-10-10T00:00:00+08:00");
  // 10/9, 10/10, 10/11 (make-up Saturday), 10/13, 10/14.
  EXPECT_EQ(t(deadline(holiday, SlaStage::resolve).due), "2025-10-15T00:00:00+08:00");

  // Received Tue 2025-12-30: 12/31, Sun 2026-01-04 (make-up), 1/5, 1/6, 1/7.
  const CaseState year_end = created(complaint(cst("2025-12-30 10:00")));
  EXPECT_EQ(t(deadline(year_end, SlaStage::sign_for).due), "2026-01-01T00:00:00+08:00");
  EXPECT_EQ(t(deadline(year_end, SlaStage::resolve).due), "2026-01-08T00:00:00+08:00");
}

// --- suspension ---------------------------------------------------------------------------

TEST_F(SlaDeadlinePolicyTest, SuspendAndResumeShiftByTheWorkingTimeSuspended) {
  // sla.md: 35 h from 9/28; suspended Mon 9/29 10:00 (8.5 h used), resumed Thu 10/9 10:00
  // with 26.5 h left: 10/9 5.5 h, 10/10 7, 10/11 (make-up) 7, 10/13 7: due at the end of
  // 10/13. Half (17.5 h) is reached 9 h after the resume: 10/10 12:00; three quarters
  // (26.25 h) 17.75 h after: 10/11 16:15.
  CaseState s = created(complaint(cst("2025-09-26 16:20")));
  s = applied(s, UpdateAction::sign_for, "housing", cst("2025-09-28 09:00"), "sign");
  s = applied(s, UpdateAction::suspend, "housing", cst("2025-09-29 10:00"), "suspend");
  EXPECT_TRUE(due_timers(s).empty());  // every clock stopped
  s = applied(s, UpdateAction::resume, "command-center", cst("2025-10-09 10:00"), "resume");
  EXPECT_EQ(s.status, LifecycleStatus::signed_for);
  const Deadline& d = deadline(s, SlaStage::resolve);
  EXPECT_EQ(t(d.due), "2025-10-14T00:00:00+08:00");
  EXPECT_EQ(warnings(d),
            (std::vector<std::string>{"2025-10-10T12:00:00+08:00", "2025-10-11T16:15:00+08:00"}));
  // The tiers move with the breach: street 10/14, district 10/15 and 10/16, city 4 h.
  EXPECT_EQ(escalations(d),
            (std::vector<std::string>{"2025-10-14T00:00:00+08:00", "2025-10-15T00:00:00+08:00",
                                      "2025-10-17T00:00:00+08:00"}));
  EXPECT_EQ(d.policy_data[1], 8 * kHourMs + 30 * kMinuteMs);    // used before the resume
  EXPECT_EQ(t(d.policy_data[3]), "2025-10-11T00:00:00+08:00");  // the first due stays
}

TEST_F(SlaDeadlinePolicyTest, AWarningReachedBeforeTheSuspensionKeepsItsInstant) {
  CaseState s = created(complaint(cst("2025-09-26 16:20")));
  s = applied(s, UpdateAction::sign_for, "housing", cst("2025-09-28 09:00"), "sign");
  s = fire_due(s, cst("2025-09-30 12:00"), policy, options).state;  // the half warning fired
  s = applied(s, UpdateAction::suspend, "housing", cst("2025-09-30 15:00"), "suspend");
  s = applied(s, UpdateAction::resume, "housing", cst("2025-10-09 08:30"), "resume");
  const StageClock* clock = s.clock(SlaStage::resolve);
  ASSERT_NE(clock, nullptr);
  EXPECT_EQ(clock->warned, 1);
  // 17.5 h used... plus 30 min: 18 h used; 17 h left from 10/9 08:30: 10/9, 10/10, and 3 h
  // of 10/11 (make-up Saturday).
  EXPECT_EQ(t(clock->deadline.due), "2025-10-11T11:30:00+08:00");
  EXPECT_EQ(t(clock->deadline.warning_at[0]), "2025-09-30T12:00:00+08:00");
}

TEST_F(SlaDeadlinePolicyTest, SuspendedBeforeTheClockStartsLosesNothing) {
  // Signed for and suspended on the day of receipt, resumed on Saturday: the resolve clock
  // (from Sunday, the make-up workday) never ran, so nothing moves.
  CaseState s = created(complaint(cst("2025-09-26 16:20")));
  const Deadline before = deadline(s, SlaStage::resolve);
  s = applied(s, UpdateAction::sign_for, "housing", cst("2025-09-26 16:30"), "sign");
  s = applied(s, UpdateAction::suspend, "housing", cst("2025-09-26 17:00"), "suspend");
  s = applied(s, UpdateAction::resume, "housing", cst("2025-09-27 10:00"), "resume");
  EXPECT_EQ(deadline(s, SlaStage::resolve).due, before.due);
  EXPECT_EQ(warnings(deadline(s, SlaStage::resolve)), warnings(before));
}

TEST_F(SlaDeadlinePolicyTest, NaturalTimeShiftsByTheWholePause) {
  const CaseState s = created(complaint(cst("2025-10-01 23:00"), {"公共安全"}, Priority::critical));
  const Deadline& d = deadline(s, SlaStage::resolve);
  const auto resumed = policy.resume(d, SlaStage::resolve, s.facts, "housing",
                                     cst("2025-10-02 00:00"), cst("2025-10-02 03:00"));
  ASSERT_TRUE(resumed.ok()) << resumed.refusal().message();
  EXPECT_EQ(t(resumed->due), "2025-10-02T04:00:00+08:00");
  EXPECT_EQ(t(resumed->warning_at[0]), "2025-10-02T00:00:00+08:00");  // reached: stays
  EXPECT_EQ(t(resumed->warning_at[1]), "2025-10-02T03:30:00+08:00");
  EXPECT_EQ(resumed->start, d.start);
}

// --- extension ----------------------------------------------------------------------------

TEST_F(SlaDeadlinePolicyTest, ExtensionUpToTheMaximumAndRefusedBeyond) {
  CaseState s = created(complaint(cst("2025-09-26 16:20")));
  s = applied(s, UpdateAction::sign_for, "housing", cst("2025-09-28 09:00"), "sign");
  // 10 working days after the end of 10/10: 10/11 (make-up), 10/13-10/17, 10/20-10/23.
  const auto latest = policy.latest_extension(deadline(s, SlaStage::resolve), SlaStage::resolve,
                                              s.facts, "housing");
  ASSERT_TRUE(latest.ok());
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ(t(**latest), "2025-10-24T00:00:00+08:00");

  // A request past the maximum is refused by the lifecycle with the latest instant.
  ApplyResult beyond = send(s, UpdateAction::request_extension, "housing", cst("2025-09-29 10:00"),
                            "ask-too-much", cst("2025-10-24 08:30"));
  ASSERT_EQ(beyond.outcome, ApplyOutcome::refused);
  EXPECT_EQ(beyond.refusal->field, "extendTo");
  EXPECT_NE(beyond.refusal->detail.find("2025-10-24T00:00:00+08:00"), std::string::npos)
      << beyond.refusal->detail;

  // Up to the maximum: requested, then approved. The working time between the old and the
  // new due (70 h) is added to the budget; the warnings are placed on the 105 h.
  s = applied(s, UpdateAction::request_extension, "housing", cst("2025-09-29 10:00"), "ask",
              cst("2025-10-24 00:00"));
  EXPECT_EQ(s.status, LifecycleStatus::extension_pending);
  EXPECT_EQ(t(deadline(s, SlaStage::extension_decision).due), "2025-10-01T00:00:00+08:00");
  s = applied(s, UpdateAction::approve_extension, "command-center", cst("2025-09-29 15:00"),
              "approve");
  const Deadline& d = deadline(s, SlaStage::resolve);
  EXPECT_EQ(t(d.due), "2025-10-24T00:00:00+08:00");
  EXPECT_EQ(d.policy_data[0], 105 * kHourMs);
  EXPECT_EQ(t(d.policy_data[3]), "2025-10-11T00:00:00+08:00");
  // 52.5 h: 9/28-9/30 21 h, 10/9-10/11 21 h, 10/13 7 h, 3.5 h of 10/14: 12:00.
  // 78.75 h: 77 h by the end of 10/17 (a Friday), then 1.75 h of Mon 10/20: 10:15.
  EXPECT_EQ(warnings(d),
            (std::vector<std::string>{"2025-10-14T12:00:00+08:00", "2025-10-20T10:15:00+08:00"}));
  EXPECT_EQ(escalations(d).front(), "2025-10-24T00:00:00+08:00");

  // At the maximum: any later due is refused, by the request and by the policy itself.
  ApplyResult more = send(s, UpdateAction::request_extension, "housing", cst("2025-09-30 09:00"),
                          "ask-again", cst("2025-10-24 09:00"));
  EXPECT_EQ(more.outcome, ApplyOutcome::refused);
  const auto direct =
      policy.extend(d, SlaStage::resolve, s.facts, "housing", cst("2025-10-24 09:00"));
  ASSERT_FALSE(direct.ok());
  EXPECT_EQ(direct.refusal().field, "extendTo");
  EXPECT_EQ(direct.refusal().detail,
            "2025-10-24T09:00:00+08:00: the new due is past the longest extension the policy "
            "allows (2025-10-24T00:00:00+08:00)");
  const auto earlier =
      policy.extend(d, SlaStage::resolve, s.facts, "housing", cst("2025-10-20 00:00"));
  ASSERT_FALSE(earlier.ok());
  EXPECT_NE(earlier.refusal().detail.find("not after the current one"), std::string::npos);
}

TEST_F(SlaDeadlinePolicyTest, ALimitWithoutMaxExtensionCannotBeExtended) {
  const CaseState s = created(complaint(cst("2025-10-01 23:00"), {"公共安全"}, Priority::critical));
  const Deadline& d = deadline(s, SlaStage::resolve);
  const auto latest = policy.latest_extension(d, SlaStage::resolve, s.facts, "housing");
  ASSERT_TRUE(latest.ok());
  EXPECT_FALSE(latest->has_value());
  const auto extended = policy.extend(d, SlaStage::resolve, s.facts, "housing", d.due + kHourMs);
  ASSERT_FALSE(extended.ok());
  EXPECT_NE(extended.refusal().detail.find("cannot be extended"), std::string::npos);
}

TEST_F(SlaDeadlinePolicyTest, ExtendingAWorkingHourLimitPastOfficeHoursMeansTheSameTime) {
  // 4 working hours from Mon 10:00, due 16:30; max 4 more: Tue 11:00 at the latest. "To
  // 20:00" adds 16:30-18:00 (1.5 h): due 18:00.
  const CaseState s =
      created(complaint(cst("2025-09-22 10:00"), {"城乡建设", "市容环境", "暴露垃圾"}));
  const Deadline& d = deadline(s, SlaStage::resolve);
  const auto latest = policy.latest_extension(d, SlaStage::resolve, s.facts, "housing");
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ(t(**latest), "2025-09-23T11:00:00+08:00");
  const auto extended =
      policy.extend(d, SlaStage::resolve, s.facts, "housing", cst("2025-09-22 20:00"));
  ASSERT_TRUE(extended.ok()) << extended.refusal().message();
  EXPECT_EQ(t(extended->due), "2025-09-22T18:00:00+08:00");
  EXPECT_EQ(extended->policy_data[0], 5 * kHourMs + 30 * kMinuteMs);
}

// --- escalation ---------------------------------------------------------------------------

TEST_F(SlaDeadlinePolicyTest, EscalationTiersAreChainedAndNamedByTheMatchedRule) {
  CaseState s = created(complaint(cst("2025-09-26 16:20")));
  s = applied(s, UpdateAction::sign_for, "housing", cst("2025-09-28 09:00"), "sign");
  const Transition all = fire_due(s, cst("2025-10-16 00:00"), policy, options);
  std::vector<std::string> seen;
  for (const CaseEvent& e : all.events) {
    if (e.type == EventType::warned) continue;
    seen.push_back(std::string(to_string(e.type)) + " " + t(e.at) + " " + e.tier + " " + e.topic);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "breached 2025-10-11T00:00:00+08:00  ",
                      "escalated 2025-10-11T00:00:00+08:00 street supervision.street",
                      "escalated 2025-10-12T00:00:00+08:00 district supervision.district",
                      "escalated 2025-10-15T00:00:00+08:00 city supervision.city",
                  }));
  EXPECT_EQ(all.state.clock(SlaStage::resolve)->tier, 3);
  EXPECT_TRUE(due_timers(all.state).empty());

  // escalation() by tier; past the rule's last tier, the last; no escalation: empty.
  const CaseFacts& f = s.facts;
  EXPECT_EQ(policy.escalation(SlaStage::resolve, f, "housing", 1).name, "street");
  EXPECT_EQ(policy.escalation(SlaStage::resolve, f, "housing", 2).topic, "supervision.district");
  EXPECT_EQ(policy.escalation(SlaStage::resolve, f, "housing", 3).name, "city");
  EXPECT_EQ(policy.escalation(SlaStage::resolve, f, "housing", 4).name, "city");
  EXPECT_EQ(policy.escalation(SlaStage::resolve, f, "gas", 1).name, "street");
  EXPECT_EQ(policy.escalation(SlaStage::resolve, f, "gas", 2).name, "street");  // the rule's one
  EXPECT_EQ(policy.escalation(SlaStage::return_misrouted, f, "housing", 1).name, "");
  EXPECT_EQ(policy.escalation(SlaStage::close, f, "housing", 1).topic, "");
}

TEST_F(SlaDeadlinePolicyTest, TheRuleFollowsTheHoldingDepartment) {
  // gas resolves within 1 natural hour with one tier; others take the default.
  const CaseState gas = created(complaint(cst("2025-09-22 10:00")), "gas");
  EXPECT_EQ(t(deadline(gas, SlaStage::resolve).due), "2025-09-22T11:00:00+08:00");
  EXPECT_EQ(deadline(gas, SlaStage::resolve).tier_count, 1);
  EXPECT_EQ(policy.rule(SlaStage::resolve, gas.facts, "gas")->id, "fire");
  EXPECT_EQ(policy.rule(SlaStage::resolve, gas.facts, "housing")->id, "resolve-default");
  EXPECT_EQ(policy.rule(SlaStage::close, gas.facts, "housing"), nullptr);
  // No close limit: the resolved case has no clock.
  CaseState s = applied(gas, UpdateAction::sign_for, "gas", cst("2025-09-22 10:10"), "sign");
  s = applied(s, UpdateAction::resolve, "gas", cst("2025-09-22 10:40"), "done");
  EXPECT_TRUE(s.clocks.empty());
}

// --- calendar errors ----------------------------------------------------------------------

TEST_F(SlaDeadlinePolicyTest, AYearWithoutCalendarDataIsARefusalNotACrash) {
  // 2027 is not loaded: the sign-for clock's district tier (2 working days from 12/31) and
  // the 5 working days to resolve from 2026-12-28 run into it.
  const Case c = complaint(cst("2026-12-28 10:00"));
  Result<Transition> r = create(c, district.decision("housing"), policy, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.refusal().code, RefusalCode::out_of_range);
  EXPECT_EQ(r.refusal().field, "at");
  EXPECT_EQ(r.refusal().detail,
            "the sign_for time limit cannot be counted: " + MissingCalendarYear{2027}.message());
  const auto resolve =
      policy.start(SlaStage::resolve, facts_of(c), "housing", cst("2026-12-28 10:00"));
  ASSERT_FALSE(resolve.ok());
  EXPECT_NE(resolve.refusal().detail.find("the resolve time limit cannot be counted"),
            std::string::npos);
  const auto far =
      policy.start(SlaStage::sign_for, facts_of(c), "housing", cst("2030-05-01 10:00"));
  ASSERT_FALSE(far.ok());
  EXPECT_NE(far.refusal().detail.find("2030"), std::string::npos);

  // A resume into 2027 is refused; the state does not change.
  CaseState s = created(complaint(cst("2026-12-10 10:00")));
  s = applied(s, UpdateAction::sign_for, "housing", cst("2026-12-10 11:00"), "sign");
  s = applied(s, UpdateAction::suspend, "housing", cst("2026-12-11 10:00"), "suspend");
  StatusUpdate resume =
      testing::update(s.case_id, UpdateAction::resume, "housing", cst("2027-01-05 10:00"), "r");
  ApplyResult refused = apply(s, resume, resume.at, policy, options);
  ASSERT_EQ(refused.outcome, ApplyOutcome::refused);
  EXPECT_NE(refused.refusal->message().find("2027"), std::string::npos);
  EXPECT_TRUE(refused.transition.events.empty());

  // An extension into 2027 likewise.
  const auto extended = policy.extend(deadline(s, SlaStage::resolve), SlaStage::resolve, s.facts,
                                      "housing", cst("2027-01-04 10:00"));
  EXPECT_FALSE(extended.ok());
}

// --- persistence --------------------------------------------------------------------------

TEST_F(SlaDeadlinePolicyTest, StageDeadlinesMapIntoDeadlinesLosslessly) {
  for (const char* from : {"2025-09-26 16:20", "2025-12-30 10:00", "2025-10-01 23:00"}) {
    const SlaRule& r = *policy.rule(SlaStage::resolve, facts_of(complaint(cst(from))), "housing");
    const auto computed = compute_deadline(r, cst(from), *calendar);
    ASSERT_TRUE(computed.ok());
    for (const bool paused : {false, true}) {
      StageDeadline sd = *computed;
      sd.paused = paused;
      sd.used_ms = paused ? 3 * kHourMs : 0;
      const auto steps = escalation_schedule(r.escalation, sd.due, *calendar);
      ASSERT_TRUE(steps.ok());
      const Deadline d = deadline_of(sd, cst(from), *steps);
      EXPECT_EQ(d.tier_count, steps->size());
      const std::optional<StageDeadline> back = stage_deadline_of(d, r.warnings);
      ASSERT_TRUE(back.has_value());
      EXPECT_EQ(*back, sd);
    }
  }
  // Not this policy's clock: nothing, never a guess.
  Deadline foreign;
  foreign.policy_flags = 1;
  foreign.policy_data = {1000, 0, 0, 0};
  EXPECT_FALSE(stage_deadline_of(foreign, {}).has_value());
  Deadline zero_budget;
  zero_budget.policy_flags = kSlaDeadlineMark;
  EXPECT_FALSE(stage_deadline_of(zero_budget, {}).has_value());
  const double one[] = {0.5};
  Deadline marked = zero_budget;
  marked.policy_data[0] = 1000;
  EXPECT_TRUE(stage_deadline_of(marked, {}).has_value());
  EXPECT_FALSE(stage_deadline_of(marked, one).has_value());  // one fraction, no warning
}

TEST_F(SlaDeadlinePolicyTest, AStateRoundTripsAndAnswersTheSameAfterDecoding) {
  CaseState s = created(complaint(cst("2025-09-26 16:20")));
  s = applied(s, UpdateAction::sign_for, "housing", cst("2025-09-28 09:00"), "sign");
  s = applied(s, UpdateAction::suspend, "housing", cst("2025-09-29 10:00"), "suspend");
  const std::string bytes = encode_case_state(s);
  Result<CaseState> decoded = decode_case_state(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.refusal().message();
  EXPECT_EQ(*decoded, s);

  // Resume, request, approve: the same states and events from the original and the copy.
  auto play = [&](CaseState state) {
    std::vector<std::string> out;
    for (const auto& [action, dept, at, id, extend_to] :
         std::vector<std::tuple<UpdateAction, std::string, const char*, std::string,
                                std::optional<EpochMs>>>{
             {UpdateAction::resume, "housing", "2025-10-09 10:00", "resume", std::nullopt},
             {UpdateAction::request_extension, "housing", "2025-10-09 11:00", "ask",
              cst("2025-10-20 00:00")},
             {UpdateAction::approve_extension, "command-center", "2025-10-09 15:00", "ok",
              std::nullopt}}) {
      state = applied(state, action, dept, cst(at), id, extend_to);
      Result<CaseState> again = decode_case_state(encode_case_state(state));
      EXPECT_TRUE(again.ok() && *again == state);
      state = *again;
      out.push_back(encode_case_state(state));
    }
    const Transition fired = fire_due(state, cst("2025-11-01 00:00"), policy, options);
    out.push_back(encode_case_state(fired.state));
    for (const CaseEvent& e : fired.events) out.push_back(e.id + " " + e.tier);
    return out;
  };
  EXPECT_EQ(play(*decoded), play(s));
  const CaseState resumed =
      applied(*decoded, UpdateAction::resume, "housing", cst("2025-10-09 10:00"), "resume");
  EXPECT_EQ(t(deadline(resumed, SlaStage::resolve).due), "2025-10-14T00:00:00+08:00");
}

TEST_F(SlaDeadlinePolicyTest, AClockOfAnotherPolicyIsRefusedNotMisread) {
  testing::FakePolicy fake;
  Result<std::optional<Deadline>> made =
      fake.start(SlaStage::resolve, CaseFacts{}, "housing", cst("2025-09-22 10:00"));
  ASSERT_TRUE(made.ok() && made->has_value());
  const Deadline& foreign = **made;
  const CaseFacts facts = facts_of(complaint(cst("2025-09-22 10:00")));
  const auto resumed = policy.resume(foreign, SlaStage::resolve, facts, "housing",
                                     cst("2025-09-22 11:00"), cst("2025-09-22 12:00"));
  ASSERT_FALSE(resumed.ok());
  EXPECT_NE(resumed.refusal().detail.find("not made by the SLA policy"), std::string::npos);
  EXPECT_FALSE(
      policy.extend(foreign, SlaStage::resolve, facts, "housing", foreign.due + kDayMs).ok());
  EXPECT_FALSE(policy.latest_extension(foreign, SlaStage::resolve, facts, "housing").ok());
}

TEST_F(SlaDeadlinePolicyTest, APolicyChangedUnderARunningClockKeepsWhatFired) {
  // A clock started under a rule with two warnings and three tiers, resumed after sla.yaml
  // lost one warning and two tiers: the clock keeps two warnings (their fractions read back
  // from its instants) and three tiers, so the fired bits still name real timers.
  const CaseState s = created(complaint(cst("2025-09-26 16:20")));
  const Deadline& d = deadline(s, SlaStage::resolve);
  auto changed = district_policy();
  SlaRule& fallback = changed->stages[static_cast<std::size_t>(SlaStage::resolve)]->fallback;
  fallback.warnings = {0.9};
  fallback.escalation.resize(1);
  const SlaDeadlinePolicy later(changed, calendar);
  const auto resumed = later.resume(d, SlaStage::resolve, s.facts, "housing",
                                    cst("2025-09-29 10:00"), cst("2025-10-09 10:00"));
  ASSERT_TRUE(resumed.ok()) << resumed.refusal().message();
  EXPECT_EQ(t(resumed->due), "2025-10-14T00:00:00+08:00");
  EXPECT_EQ(warnings(*resumed),
            (std::vector<std::string>{"2025-10-10T12:00:00+08:00", "2025-10-11T16:15:00+08:00"}));
  ASSERT_EQ(resumed->tier_count, 3);
  EXPECT_EQ(t(resumed->escalation_at[0]), "2025-10-14T00:00:00+08:00");
  EXPECT_EQ(resumed->escalation_at[2], resumed->escalation_at[0]);
  EXPECT_EQ(later.escalation(SlaStage::resolve, s.facts, "housing", 3).name, "street");

  // A stage whose rule is gone altogether still resumes on the clock's own numbers.
  auto no_sign_for = district_policy();
  no_sign_for->stages[static_cast<std::size_t>(SlaStage::sign_for)].reset();
  const SlaDeadlinePolicy without(no_sign_for, calendar);
  const auto sign_for = without.resume(deadline(s, SlaStage::sign_for), SlaStage::sign_for, s.facts,
                                       "housing", cst("2025-09-28 10:00"), cst("2025-09-29 10:00"));
  ASSERT_TRUE(sign_for.ok()) << sign_for.refusal().message();
  // 1.5 h used on 9/28; 5.5 h left from 9/29 10:00: 10:00-12:00, 14:30-18:00: end of 9/29.
  EXPECT_EQ(t(sign_for->due), "2025-09-30T00:00:00+08:00");
  EXPECT_EQ(sign_for->tier_count, 3);
}

TEST_F(SlaDeadlinePolicyTest, NoLimitForAStageIsNoClock) {
  const CaseFacts facts = facts_of(complaint(cst("2025-09-22 10:00")));
  const auto close =
      policy.start(SlaStage::close, facts, "command-center", cst("2025-09-22 10:00"));
  ASSERT_TRUE(close.ok());
  EXPECT_FALSE(close->has_value());
  const auto sign_for = policy.start(SlaStage::sign_for, facts, "housing", cst("2025-09-22 10:00"));
  ASSERT_TRUE(sign_for.ok() && sign_for->has_value());
  EXPECT_EQ(t((*sign_for)->start), "2025-09-22T10:00:00+08:00");  // when the lifecycle started it
  EXPECT_EQ(t((*sign_for)->due), "2025-09-24T00:00:00+08:00");    // 1 day from Tuesday
  EXPECT_EQ((*sign_for)->policy_flags, kSlaDeadlineMark | kSlaClockWorking | kSlaDueAtMidnight);
}

}  // namespace
}  // namespace gw
