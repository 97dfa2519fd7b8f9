#include "gateway/core/case_lifecycle.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <random>
#include <set>

#include "gateway/core/tests/lifecycle_fakes.h"

namespace gw {
namespace {

using namespace gw::testing;  // NOLINT(google-build-using-namespace)

std::vector<EventType> types(const std::vector<CaseEvent>& events) {
  std::vector<EventType> out;
  for (const CaseEvent& e : events) out.push_back(e.type);
  return out;
}

class LifecycleTest : public ::testing::Test {
 protected:
  CaseState created(const Case& c, const RouteDecision& d) {
    Result<Transition> t = create(c, d, policy, options);
    EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.refusal().message());
    return t.ok() ? t->state : CaseState{};
  }
  CaseState created() { return created(ticket, district.decision("housing", {"water"})); }

  // Applies u, expecting it to be applied; returns the transition.
  Transition step(const CaseState& s, const StatusUpdate& u, EpochMs now = 0) {
    ApplyResult r = apply(s, u, now == 0 ? u.at : now, policy, options);
    EXPECT_EQ(r.outcome, ApplyOutcome::applied)
        << to_string(u.action) << ": " << (r.refusal ? r.refusal->message() : "duplicate");
    return r.transition;
  }
  CaseState next(const CaseState& s, UpdateAction a, const std::string& dept, EpochMs at,
                 const std::string& id) {
    return step(s, update(s.case_id, a, dept, at, id)).state;
  }
  Refusal refusal_of(const CaseState& s, const StatusUpdate& u, EpochMs now = 0) {
    ApplyResult r = apply(s, u, now == 0 ? u.at : now, policy, options);
    EXPECT_EQ(r.outcome, ApplyOutcome::refused) << to_string(u.action);
    return r.refusal.value_or(Refusal{RefusalCode::empty_input, "", "not refused"});
  }

  // A case driven into each status by its holder (housing) and the center.
  CaseState in_status(LifecycleStatus status) {
    CaseState s = created();
    const std::string& id = s.case_id;
    auto go = [&](UpdateAction a, const std::string& dept, EpochMs at, const char* uid) {
      s = step(s, update(id, a, dept, at, uid)).state;
    };
    switch (status) {
      case LifecycleStatus::dispatched:
        break;
      case LifecycleStatus::returned:
        go(UpdateAction::return_misrouted, "housing", kT0 + 15 * kMinute, "u-return");
        break;
      case LifecycleStatus::signed_for:
      case LifecycleStatus::in_progress:
      case LifecycleStatus::extension_pending:
      case LifecycleStatus::suspended:
      case LifecycleStatus::resolved:
      case LifecycleStatus::closed:
        go(UpdateAction::sign_for, "housing", kT0 + 10 * kMinute, "u-sign");
        if (status == LifecycleStatus::in_progress) {
          go(UpdateAction::progress, "housing", kT0 + 20 * kMinute, "u-progress");
        } else if (status == LifecycleStatus::extension_pending) {
          go(UpdateAction::request_extension, "housing", kT0 + 30 * kMinute, "u-ext");
        } else if (status == LifecycleStatus::suspended) {
          go(UpdateAction::suspend, "housing", kT0 + 30 * kMinute, "u-suspend");
        } else if (status == LifecycleStatus::resolved || status == LifecycleStatus::closed) {
          go(UpdateAction::resolve, "housing", kT0 + kHour, "u-resolve");
          if (status == LifecycleStatus::closed) {
            go(UpdateAction::close, "command-center", kT0 + 2 * kHour, "u-close");
          }
        }
        break;
    }
    EXPECT_EQ(s.status, status);
    return s;
  }

  FakePolicy policy;
  LifecycleOptions options;
  District district;
  Case ticket = hotline_case();
};

// --- creation -----------------------------------------------------------------------------

TEST_F(LifecycleTest, CreateDispatchesWithSignForAndResolveClocks) {
  Result<Transition> t =
      create(ticket, district.decision("housing", {"water", "housing"}), policy, options);
  ASSERT_TRUE(t.ok());
  const CaseState& s = t->state;
  EXPECT_EQ(s.case_id, ticket.case_id);
  EXPECT_EQ(s.status, LifecycleStatus::dispatched);
  EXPECT_EQ(s.lead, "housing");
  EXPECT_EQ(s.co, std::vector<std::string>{"water"});  // the lead is not its own co-handler
  EXPECT_EQ(s.facts.kind, "投诉");
  EXPECT_EQ(s.facts.street_code, "640202001");
  EXPECT_EQ(s.facts.priority, Priority::urgent);
  EXPECT_EQ(s.created_at, kT0);
  ASSERT_NE(s.clock(SlaStage::sign_for), nullptr);
  EXPECT_EQ(s.clock(SlaStage::sign_for)->deadline.due, kT0 + 2 * kHour);
  ASSERT_NE(s.clock(SlaStage::resolve), nullptr);
  EXPECT_EQ(s.clock(SlaStage::resolve)->deadline.due, kT0 + 5 * kDay);
  EXPECT_EQ(s.return_until, kT0 + 2 * kDay);
  EXPECT_FALSE(s.last_at.has_value());
  EXPECT_TRUE(s.applied.empty());

  ASSERT_EQ(types(t->events), (std::vector{EventType::created, EventType::routed}));
  EXPECT_EQ(t->events[0].seq, 0u);
  EXPECT_EQ(t->events[1].seq, 1u);
  EXPECT_EQ(t->events[1].department, "housing");
  EXPECT_EQ(t->events[1].co, std::vector<std::string>{"water"});
  EXPECT_EQ(t->events[1].at, kT0);
  EXPECT_EQ(s.event_seq, 2u);
  // Creating again (a resent ticket, a restart) gives the same events.
  Result<Transition> again =
      create(ticket, district.decision("housing", {"water"}), policy, options);
  EXPECT_EQ(again->events, t->events);
}

TEST_F(LifecycleTest, ResolveClockFromSignForStartsAtSignFor) {
  options.resolve_clock = ResolveClock::from_sign_for;
  CaseState s = created();
  EXPECT_EQ(s.clock(SlaStage::resolve), nullptr);
  Transition t = step(s, update(s.case_id, UpdateAction::sign_for, "housing", kT0 + kHour, "u1"));
  ASSERT_NE(t.state.clock(SlaStage::resolve), nullptr);
  EXPECT_EQ(t.state.clock(SlaStage::resolve)->deadline.due, kT0 + kHour + 5 * kDay);
  EXPECT_EQ(t.events[0].due, kT0 + kHour + 5 * kDay);
}

TEST_F(LifecycleTest, CreateWithoutADecisionGoesToTheCommandCenter) {
  CaseState s = created(ticket, RouteDecision{});
  EXPECT_EQ(s.lead, "command-center");
}

TEST_F(LifecycleTest, SelfHandledGridReportArrivesResolved) {
  Case report = self_handled_grid_report();
  Result<Transition> t = create(report, district.decision("env"), policy, options);
  ASSERT_TRUE(t.ok());
  const CaseState& s = t->state;
  EXPECT_EQ(s.status, LifecycleStatus::resolved);
  EXPECT_EQ(s.lead, "env");
  EXPECT_EQ(s.facts.street_code, "640202001");  // from the grid code
  EXPECT_EQ(s.clock(SlaStage::sign_for), nullptr);
  EXPECT_EQ(s.clock(SlaStage::resolve), nullptr);
  ASSERT_NE(s.clock(SlaStage::close), nullptr);
  EXPECT_EQ(s.clock(SlaStage::close)->deadline.due, kT0 + 3 * kDay);
  ASSERT_EQ(types(t->events),
            (std::vector{EventType::created, EventType::routed, EventType::resolved}));
  EXPECT_EQ(t->events[2].department, "");  // the grid worker, not a department
  EXPECT_EQ(t->events[2].at, kT0 - 10 * kMinute);
  EXPECT_EQ(t->events[2].status, LifecycleStatus::resolved);

  // Nothing for the department to sign; the center closes it, or reopens it to the department.
  Refusal r = refusal_of(s, update(s.case_id, UpdateAction::sign_for, "env", kT0 + kHour, "g1"));
  EXPECT_EQ(r.field, "action");
  CaseState closed = next(s, UpdateAction::close, "command-center", kT0 + kHour, "g2");
  EXPECT_EQ(closed.status, LifecycleStatus::closed);
  EXPECT_TRUE(closed.clocks.empty());
  CaseState reopened = next(s, UpdateAction::reopen, "command-center", kT0 + kHour, "g3");
  EXPECT_EQ(reopened.status, LifecycleStatus::dispatched);
  EXPECT_EQ(reopened.lead, "env");
  EXPECT_EQ(reopened.clock(SlaStage::sign_for)->deadline.due, kT0 + kHour + 2 * kHour);

  // Without a close limit in the policy: no clock at all.
  policy.limits.erase(SlaStage::close);
  Result<Transition> bare = create(report, district.decision("env"), policy, options);
  EXPECT_TRUE(bare->state.clocks.empty());
}

// --- the happy path -----------------------------------------------------------------------

TEST_F(LifecycleTest, HappyPathFromDispatchToCallback) {
  CaseState s = created();
  const std::string id = s.case_id;

  Transition signed_for =
      step(s, update(id, UpdateAction::sign_for, "housing", kT0 + 30 * kMinute, "u1"));
  EXPECT_EQ(signed_for.state.status, LifecycleStatus::signed_for);
  EXPECT_EQ(signed_for.state.clock(SlaStage::sign_for), nullptr);  // met: stopped
  EXPECT_NE(signed_for.state.clock(SlaStage::resolve), nullptr);
  ASSERT_EQ(types(signed_for.events), std::vector{EventType::signed_for});
  const CaseEvent& e = signed_for.events[0];
  EXPECT_EQ(e.update_id, "u1");
  EXPECT_EQ(e.department, "housing");
  EXPECT_EQ(e.at, kT0 + 30 * kMinute);
  EXPECT_EQ(e.seq, 2u);
  EXPECT_EQ(e.status, LifecycleStatus::signed_for);
  EXPECT_EQ(e.stage, SlaStage::resolve);
  EXPECT_EQ(e.due, kT0 + 5 * kDay);
  EXPECT_FALSE(e.supervision);

  s = signed_for.state;
  s = next(s, UpdateAction::progress, "housing", kT0 + kHour, "u2");
  EXPECT_EQ(s.status, LifecycleStatus::in_progress);
  s = next(s, UpdateAction::progress, "water", kT0 + 2 * kHour, "u3");  // a co-handler's note
  EXPECT_EQ(s.status, LifecycleStatus::in_progress);

  Transition resolved = step(s, update(id, UpdateAction::resolve, "housing", kT0 + kDay, "u4"));
  s = resolved.state;
  EXPECT_EQ(s.status, LifecycleStatus::resolved);
  EXPECT_EQ(s.clock(SlaStage::resolve), nullptr);
  ASSERT_NE(s.clock(SlaStage::close), nullptr);
  EXPECT_EQ(s.clock(SlaStage::close)->deadline.due, kT0 + kDay + 3 * kDay);
  EXPECT_FALSE(s.return_until.has_value());

  Transition closed =
      step(s, update(id, UpdateAction::close, "command-center", kT0 + 2 * kDay, "u5"));
  s = closed.state;
  EXPECT_EQ(s.status, LifecycleStatus::closed);
  EXPECT_TRUE(s.clocks.empty());
  EXPECT_FALSE(next_timer(s).has_value());

  Transition callback =
      step(s, update(id, UpdateAction::callback, "command-center", kT0 + 3 * kDay, "u6"));
  EXPECT_EQ(callback.state.status, LifecycleStatus::closed);
  ASSERT_EQ(callback.events.size(), 1u);
  EXPECT_EQ(callback.events[0].type, EventType::callback);
  EXPECT_EQ(callback.events[0].satisfaction, 5);

  s = callback.state;
  EXPECT_EQ(s.applied.size(), 6u);
  EXPECT_EQ(s.last_at, kT0 + 3 * kDay);
  EXPECT_EQ(s.event_seq, 8u);
}

// --- every action in every status ---------------------------------------------------------

TEST_F(LifecycleTest, EveryActionInEveryStatus) {
  // Rows: statuses in enum order; columns: actions in enum order (status_update.h).
  // clang-format off
  //                      sign ret  ext+ ext✓ ext✗ susp resu prog reso clos call reop
  const bool kAllowed[kLifecycleStatusCount][kUpdateActionCount] = {
      /* dispatched */ {1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      /* signed_for */ {0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 0},
      /* in_progress */ {0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 0},
      /* extension_pending */ {0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0},
      /* suspended */ {0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0},
      /* returned */ {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      /* resolved */ {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1},
      /* closed */ {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1},
  };
  // clang-format on
  const std::set<UpdateAction> center_actions = {
      UpdateAction::approve_extension, UpdateAction::refuse_extension, UpdateAction::close,
      UpdateAction::callback, UpdateAction::reopen};
  for (std::size_t si = 0; si < kLifecycleStatusCount; ++si) {
    const auto status = static_cast<LifecycleStatus>(si);
    const CaseState s = in_status(status);
    const std::string before = encode_case_state(s);
    for (std::size_t ai = 0; ai < kUpdateActionCount; ++ai) {
      const auto action = static_cast<UpdateAction>(ai);
      SCOPED_TRACE(std::string(to_string(status)) + " + " + std::string(to_string(action)));
      const std::string sender = center_actions.count(action) ? "command-center" : "housing";
      const StatusUpdate u = update(s.case_id, action, sender, kT0 + 3 * kHour, "probe");
      ApplyResult r = apply(s, u, u.at, policy, options);
      if (kAllowed[si][ai]) {
        EXPECT_EQ(r.outcome, ApplyOutcome::applied) << (r.refusal ? r.refusal->message() : "");
        EXPECT_FALSE(r.transition.events.empty());
        EXPECT_EQ(r.transition.events.back().update_id, "probe");
        EXPECT_EQ(r.transition.state.applied.back(), cause_of("probe"));
      } else {
        ASSERT_EQ(r.outcome, ApplyOutcome::refused);
        ASSERT_TRUE(r.refusal.has_value());
        EXPECT_EQ(r.refusal->code, RefusalCode::out_of_range);
        EXPECT_EQ(r.refusal->field, "action");
        const std::string expected = std::string(to_string(action)) +
                                     " is not allowed while the case is " +
                                     std::string(to_string(status)) + " (";
        EXPECT_EQ(r.refusal->detail.rfind(expected, 0), 0u) << r.refusal->detail;
        EXPECT_TRUE(r.transition.events.empty());
      }
      EXPECT_EQ(encode_case_state(s), before);  // the input state is never touched
    }
  }
}

TEST_F(LifecycleTest, RefusalsSayWhatToDoInstead) {
  CaseState s = created();
  Refusal r = refusal_of(s, update(s.case_id, UpdateAction::resolve, "housing", kT0 + kHour, "x"));
  EXPECT_EQ(r.message(),
            "action: out_of_range: resolve is not allowed while the case is dispatched (sign for "
            "it first)");
  CaseState closed = in_status(LifecycleStatus::closed);
  r = refusal_of(closed, update(s.case_id, UpdateAction::progress, "housing", kT0 + kDay, "y"));
  EXPECT_EQ(r.detail,
            "progress is not allowed while the case is closed (it is closed; reopen it "
            "first)");
  CaseState suspended = in_status(LifecycleStatus::suspended);
  r = refusal_of(suspended, update(s.case_id, UpdateAction::resolve, "housing", kT0 + kDay, "z"));
  EXPECT_EQ(r.detail, "resolve is not allowed while the case is suspended (resume it first)");
}

TEST_F(LifecycleTest, ActionsMissingWhatTheyNeedAreRefused) {
  CaseState s = in_status(LifecycleStatus::signed_for);
  StatusUpdate u = update(s.case_id, UpdateAction::resolve, "housing", kT0 + kDay, "r1");
  u.result.clear();
  Refusal r = refusal_of(s, u);
  EXPECT_EQ(r.code, RefusalCode::missing_field);
  EXPECT_EQ(r.field, "result");

  u = update(s.case_id, UpdateAction::return_misrouted, "housing", kT0 + kHour, "r2");
  u.reason.clear();
  EXPECT_EQ(refusal_of(s, u).field, "reason");

  u = update(s.case_id, UpdateAction::request_extension, "housing", kT0 + kHour, "r3");
  u.extend_to.reset();
  r = refusal_of(s, u);
  EXPECT_EQ(r.code, RefusalCode::missing_field);
  EXPECT_EQ(r.field, "extendTo");

  CaseState resolved = in_status(LifecycleStatus::resolved);
  u = update(s.case_id, UpdateAction::callback, "command-center", kT0 + kDay, "r4");
  u.satisfaction = 6;
  r = refusal_of(resolved, u);
  EXPECT_EQ(r.code, RefusalCode::out_of_range);
  EXPECT_EQ(r.field, "satisfaction");
  u.satisfaction.reset();
  EXPECT_EQ(refusal_of(resolved, u).code, RefusalCode::missing_field);

  u = update(s.case_id, UpdateAction::sign_for, "housing", kT0 + kHour, "");
  EXPECT_EQ(refusal_of(in_status(LifecycleStatus::dispatched), u).field, "updateId");
}

// --- idempotency and order ----------------------------------------------------------------

TEST_F(LifecycleTest, DuplicateUpdateIsANoOpNotARefusal) {
  CaseState s = created();
  const StatusUpdate sign = update(s.case_id, UpdateAction::sign_for, "housing", kT0 + kHour, "u1");
  CaseState after = step(s, sign).state;
  ApplyResult again = apply(after, sign, kT0 + 2 * kHour, policy, options);
  EXPECT_EQ(again.outcome, ApplyOutcome::duplicate);
  EXPECT_FALSE(again.refusal.has_value());
  EXPECT_TRUE(again.transition.events.empty());

  // Same id, other content: still the first copy that counts.
  StatusUpdate altered = sign;
  altered.action = UpdateAction::resolve;
  altered.result = "done";
  EXPECT_EQ(apply(after, altered, kT0 + 2 * kHour, policy, options).outcome,
            ApplyOutcome::duplicate);

  // Still recognised after other updates, while in the window.
  CaseState later = next(after, UpdateAction::progress, "housing", kT0 + 3 * kHour, "u2");
  later = next(later, UpdateAction::progress, "housing", kT0 + 4 * kHour, "u3");
  EXPECT_EQ(apply(later, sign, kT0 + 5 * kHour, policy, options).outcome, ApplyOutcome::duplicate);
}

TEST_F(LifecycleTest, ResendOlderThanTheWindowIsRefusedByItsAt) {
  options.applied_ids_window = 2;
  CaseState s = created();
  const StatusUpdate sign = update(s.case_id, UpdateAction::sign_for, "housing", kT0 + kHour, "u1");
  s = step(s, sign).state;
  s = next(s, UpdateAction::progress, "housing", kT0 + 2 * kHour, "u2");
  s = next(s, UpdateAction::progress, "housing", kT0 + 3 * kHour, "u3");
  EXPECT_EQ(s.applied, (std::vector{cause_of("u2"), cause_of("u3")}));
  Refusal r = refusal_of(s, sign, kT0 + 4 * kHour);
  EXPECT_EQ(r.field, "at");
  EXPECT_NE(r.detail.find("out of order"), std::string::npos) << r.detail;
}

TEST_F(LifecycleTest, UpdatesSharingAnInstantAreAcceptedWhileTheWindowHoldsThemAll) {
  options.applied_ids_window = 2;
  CaseState s = in_status(LifecycleStatus::signed_for);
  const EpochMs at = kT0 + kHour;  // senders with second precision send several per instant
  s = next(s, UpdateAction::progress, "housing", at, "p1");
  s = next(s, UpdateAction::progress, "water", at, "p2");
  EXPECT_EQ(s.same_at, 2u);
  // p1 and p2 are both in the window: a third is new, p1 again is a duplicate.
  EXPECT_EQ(
      apply(s, update(s.case_id, UpdateAction::progress, "housing", at, "p1"), at, policy, options)
          .outcome,
      ApplyOutcome::duplicate);
  s = next(s, UpdateAction::progress, "housing", at, "p3");
  EXPECT_EQ(s.same_at, 3u);
  // Now p1 left the window with its instant still the last: a fourth id at that instant
  // might be p1 resent. Refused, never applied twice.
  for (const char* id : {"p1", "p4"}) {
    Refusal r = refusal_of(s, update(s.case_id, UpdateAction::progress, "housing", at, id));
    EXPECT_EQ(r.field, "at") << id;
  }
  // A later instant is fine again.
  s = next(s, UpdateAction::progress, "housing", at + 1000, "p5");
  EXPECT_EQ(s.same_at, 1u);
}

TEST_F(LifecycleTest, OutOfOrderUpdateIsRefusedAndChangesNothing) {
  CaseState s = in_status(LifecycleStatus::signed_for);  // signed for at kT0 + 10 min
  const StatusUpdate older =
      update(s.case_id, UpdateAction::resolve, "housing", kT0 + 5 * kMinute, "late");
  ApplyResult r = apply(s, older, kT0 + kHour, policy, options);
  ASSERT_EQ(r.outcome, ApplyOutcome::refused);
  EXPECT_EQ(r.refusal->field, "at");
  EXPECT_EQ(r.refusal->detail,
            "2025-09-22T09:05:00+08:00 is before the last applied update "
            "(2025-09-22T09:10:00+08:00): out of order");
  EXPECT_EQ(s.status, LifecycleStatus::signed_for);
}

TEST_F(LifecycleTest, UpdateFromTheFutureIsRefused) {
  CaseState s = created();
  const EpochMs now = kT0 + kHour;
  Refusal r = refusal_of(
      s, update(s.case_id, UpdateAction::sign_for, "housing", now + 6 * kMinute, "f1"), now);
  EXPECT_EQ(r.field, "at");
  // Within the allowed skew: accepted.
  EXPECT_EQ(apply(s, update(s.case_id, UpdateAction::sign_for, "housing", now + 4 * kMinute, "f2"),
                  now, policy, options)
                .outcome,
            ApplyOutcome::applied);
}

// --- who may send what --------------------------------------------------------------------

TEST_F(LifecycleTest, UpdatesFromADepartmentThatDoesNotHoldTheCaseAreRefused) {
  CaseState s = created();
  Refusal r = refusal_of(s, update(s.case_id, UpdateAction::sign_for, "gas", kT0 + kHour, "d1"));
  EXPECT_EQ(r.code, RefusalCode::out_of_range);
  EXPECT_EQ(r.field, "department");
  EXPECT_EQ(r.detail, "case " + s.case_id + " is held by housing, not gas");

  r = refusal_of(s, update(s.case_id, UpdateAction::sign_for, "water", kT0 + kHour, "d2"));
  EXPECT_EQ(r.detail, "case " + s.case_id +
                          " is held by housing, not water (water is a co-handler: it sends "
                          "progress notes only)");

  CaseState resolved = in_status(LifecycleStatus::resolved);
  r = refusal_of(resolved, update(s.case_id, UpdateAction::close, "housing", kT0 + kDay, "d3"));
  EXPECT_EQ(r.detail, "close comes from the command center (command-center), not housing");

  CaseState signed_for = in_status(LifecycleStatus::signed_for);
  r = refusal_of(signed_for, update(s.case_id, UpdateAction::suspend, "water", kT0 + kDay, "d4"));
  EXPECT_EQ(r.field, "department");
  // The center may suspend.
  EXPECT_EQ(next(signed_for, UpdateAction::suspend, "command-center", kT0 + kDay, "d5").status,
            LifecycleStatus::suspended);

  StatusUpdate other = update(s.case_id, UpdateAction::sign_for, "housing", kT0 + kHour, "d6");
  other.case_id = make_case_id(Source::hotline, "another");
  EXPECT_EQ(refusal_of(s, other).field, "caseId");
}

// --- returns ------------------------------------------------------------------------------

TEST_F(LifecycleTest, ReturnReroutesWithoutTheReturnersThenTheCommandCenter) {
  CaseState s = created();
  const std::string id = s.case_id;
  const EpochMs returned_at = kT0 + kHour;
  Transition first =
      step(s, update(id, UpdateAction::return_misrouted, "housing", returned_at, "r1"));
  EXPECT_EQ(first.state.status, LifecycleStatus::returned);
  EXPECT_EQ(first.state.returned_by, std::vector<std::string>{"housing"});
  EXPECT_TRUE(first.state.clocks.empty());
  EXPECT_FALSE(next_timer(first.state).has_value());
  ASSERT_TRUE(first.reroute.has_value());
  EXPECT_EQ(first.reroute->exclude, std::vector<std::string>{"housing"});
  EXPECT_EQ(pending_reroute(first.state), first.reroute);  // again after a restore
  ASSERT_EQ(types(first.events), std::vector{EventType::returned});
  EXPECT_EQ(first.events[0].reason, "不属于本单位职责");
  EXPECT_EQ(first.events[0].department, "housing");

  // Nothing is accepted until it is dispatched again.
  Refusal r =
      refusal_of(first.state, update(id, UpdateAction::sign_for, "housing", returned_at, "x"));
  EXPECT_EQ(r.detail,
            "sign_for is not allowed while the case is returned (it was returned and "
            "waits to be re-dispatched)");

  Result<Transition> second = redispatch(first.state, district.decision("gas"), policy, options);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->state.status, LifecycleStatus::dispatched);
  EXPECT_EQ(second->state.lead, "gas");
  EXPECT_TRUE(second->state.co.empty());
  EXPECT_EQ(second->state.clock(SlaStage::sign_for)->deadline.due, returned_at + 2 * kHour);
  EXPECT_EQ(second->state.return_until, returned_at + 2 * kDay);
  ASSERT_EQ(types(second->events), std::vector{EventType::redispatched});
  EXPECT_EQ(second->events[0].department, "gas");
  EXPECT_FALSE(pending_reroute(second->state).has_value());
  // A repeat (crash before the state was stored) gives the same state and event.
  Result<Transition> repeat = redispatch(first.state, district.decision("gas"), policy, options);
  EXPECT_EQ(repeat->state, second->state);
  EXPECT_EQ(repeat->events, second->events);

  // The returner can no longer act on it.
  r = refusal_of(second->state,
                 update(id, UpdateAction::sign_for, "housing", returned_at + kHour, "y"));
  EXPECT_EQ(r.detail, "case " + id + " is held by gas, not housing (housing returned it)");

  // Second return (max_returns = 2): straight to the command center.
  Transition third = step(
      second->state, update(id, UpdateAction::return_misrouted, "gas", returned_at + kHour, "r2"));
  EXPECT_FALSE(third.reroute.has_value());
  EXPECT_EQ(third.state.status, LifecycleStatus::dispatched);
  EXPECT_EQ(third.state.lead, "command-center");
  EXPECT_EQ(third.state.returned_by, (std::vector<std::string>{"housing", "gas"}));
  EXPECT_EQ(third.state.returns(), 2u);
  ASSERT_EQ(types(third.events), (std::vector{EventType::returned, EventType::redispatched}));
  EXPECT_EQ(third.events[0].status, LifecycleStatus::returned);
  EXPECT_EQ(third.events[1].department, "command-center");
  EXPECT_EQ(third.events[1].status, LifecycleStatus::dispatched);
  EXPECT_EQ(third.state.clock(SlaStage::sign_for)->deadline.start, returned_at + kHour);

  // The center holds it: it cannot return it.
  r = refusal_of(third.state, update(id, UpdateAction::return_misrouted, "command-center",
                                     returned_at + 2 * kHour, "r3"));
  EXPECT_EQ(r.field, "department");
}

TEST_F(LifecycleTest, MaxReturnsIsConfigurable) {
  options.max_returns = 1;
  CaseState s = created();
  Transition t =
      step(s, update(s.case_id, UpdateAction::return_misrouted, "housing", kT0 + kHour, "r1"));
  EXPECT_EQ(t.state.lead, "command-center");
  options.max_returns = 3;
  t = step(s, update(s.case_id, UpdateAction::return_misrouted, "housing", kT0 + kHour, "r1"));
  EXPECT_EQ(t.state.status, LifecycleStatus::returned);
}

TEST_F(LifecycleTest, RedispatchNeverGoesBackToAReturner) {
  CaseState s = in_status(LifecycleStatus::returned);
  Result<Transition> t = redispatch(s, district.decision("housing"), policy, options);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->state.lead, "command-center");
  t = redispatch(s, RouteDecision{}, policy, options);
  EXPECT_EQ(t->state.lead, "command-center");
  Result<Transition> not_returned =
      redispatch(in_status(LifecycleStatus::signed_for), district.decision("gas"), policy, options);
  ASSERT_FALSE(not_returned.ok());
  EXPECT_EQ(not_returned.refusal().field, "status");
}

TEST_F(LifecycleTest, ReturnAfterTheReturnWindowIsRefused) {
  CaseState s = in_status(LifecycleStatus::signed_for);
  Refusal r = refusal_of(
      s, update(s.case_id, UpdateAction::return_misrouted, "housing", kT0 + 2 * kDay + 1, "late"));
  EXPECT_EQ(r.field, "at");
  EXPECT_EQ(r.detail,
            "returns were accepted until 2025-09-24T09:00:00+08:00; ask the command "
            "center to re-dispatch it");
  EXPECT_EQ(next(s, UpdateAction::return_misrouted, "housing", kT0 + 2 * kDay, "edge").status,
            LifecycleStatus::returned);
}

// --- extensions ---------------------------------------------------------------------------

TEST_F(LifecycleTest, ExtensionApprovedMovesTheDeadline) {
  CaseState s = in_status(LifecycleStatus::in_progress);
  const EpochMs asked = kT0 + 9 * kDay;
  StatusUpdate req =
      update(s.case_id, UpdateAction::request_extension, "housing", kT0 + kDay, "e1");
  req.extend_to = asked;
  Transition pending = step(s, req);
  EXPECT_EQ(pending.state.status, LifecycleStatus::extension_pending);
  EXPECT_EQ(pending.state.requested_due, asked);
  ASSERT_NE(pending.state.clock(SlaStage::extension_decision), nullptr);
  EXPECT_EQ(pending.state.clock(SlaStage::extension_decision)->deadline.due, kT0 + 2 * kDay);
  EXPECT_EQ(pending.state.clock(SlaStage::resolve)->deadline.due, kT0 + 5 * kDay);  // not yet
  EXPECT_EQ(pending.events[0].type, EventType::extension_requested);
  EXPECT_EQ(pending.events[0].due, asked);

  // A progress note while waiting; the decision takes it back to in_progress.
  CaseState waiting =
      next(pending.state, UpdateAction::progress, "housing", kT0 + kDay + kHour, "e2");
  EXPECT_EQ(waiting.status, LifecycleStatus::extension_pending);

  Transition approved = step(waiting, update(s.case_id, UpdateAction::approve_extension,
                                             "command-center", kT0 + kDay + 2 * kHour, "e3"));
  const CaseState& a = approved.state;
  EXPECT_EQ(a.status, LifecycleStatus::in_progress);
  EXPECT_EQ(a.clock(SlaStage::extension_decision), nullptr);
  EXPECT_FALSE(a.requested_due.has_value());
  const StageClock* resolve = a.clock(SlaStage::resolve);
  ASSERT_NE(resolve, nullptr);
  EXPECT_EQ(resolve->deadline.due, asked);
  EXPECT_EQ(resolve->deadline.warning_at[0], kT0 + static_cast<EpochMs>(0.5 * 9 * kDay));
  EXPECT_EQ(resolve->cause, cause_of("e3"));
  ASSERT_EQ(types(approved.events), std::vector{EventType::extension_approved});
  EXPECT_EQ(approved.events[0].due, asked);
  EXPECT_EQ(approved.events[0].department, "command-center");

  // The center may grant less than was asked.
  StatusUpdate shorter = update(s.case_id, UpdateAction::approve_extension, "command-center",
                                kT0 + kDay + 2 * kHour, "e4");
  shorter.extend_to = kT0 + 7 * kDay;
  EXPECT_EQ(step(waiting, shorter).state.clock(SlaStage::resolve)->deadline.due, kT0 + 7 * kDay);
  // ... but not a due that is no extension at all.
  shorter.extend_to = kT0 + 4 * kDay;
  EXPECT_EQ(refusal_of(waiting, shorter).field, "extendTo");
}

TEST_F(LifecycleTest, ExtensionRefusedKeepsTheDeadline) {
  CaseState s = in_status(LifecycleStatus::extension_pending);
  StatusUpdate no =
      update(s.case_id, UpdateAction::refuse_extension, "command-center", kT0 + kDay, "n1");
  no.reason = "理由不充分";
  Transition t = step(s, no);
  EXPECT_EQ(t.state.status, LifecycleStatus::signed_for);
  EXPECT_EQ(t.state.clock(SlaStage::resolve)->deadline.due, kT0 + 5 * kDay);
  EXPECT_EQ(t.state.clock(SlaStage::extension_decision), nullptr);
  EXPECT_FALSE(t.state.requested_due.has_value());
  ASSERT_EQ(types(t.events), std::vector{EventType::extension_refused});
  EXPECT_EQ(t.events[0].reason, "理由不充分");
}

TEST_F(LifecycleTest, ExtensionRequestsOutsideThePolicyAreRefused) {
  CaseState s = in_status(LifecycleStatus::signed_for);
  StatusUpdate req =
      update(s.case_id, UpdateAction::request_extension, "housing", kT0 + kDay, "x1");
  req.extend_to = kT0 + 5 * kDay;  // the current due: no extension
  EXPECT_EQ(refusal_of(s, req).field, "extendTo");
  req.extend_to = kT0 + 15 * kDay + 1;  // past the maximum (original due + 10 days)
  Refusal r = refusal_of(s, req);
  EXPECT_EQ(r.detail,
            "2025-10-07T09:00:00.001+08:00 is later than the longest extension "
            "allowed, 2025-10-07T09:00:00+08:00");
  req.extend_to = kT0 + 15 * kDay;
  EXPECT_EQ(step(s, req).state.status, LifecycleStatus::extension_pending);
  policy.max_extension.reset();
  r = refusal_of(s, req);
  EXPECT_EQ(r.detail, "the resolve time limit of case " + s.case_id + " cannot be extended");
}

TEST_F(LifecycleTest, ResolveWhileAnExtensionIsPendingEndsBoth) {
  CaseState s = in_status(LifecycleStatus::extension_pending);
  CaseState r = next(s, UpdateAction::resolve, "housing", kT0 + kDay, "done");
  EXPECT_EQ(r.status, LifecycleStatus::resolved);
  EXPECT_FALSE(r.requested_due.has_value());
  ASSERT_EQ(r.clocks.size(), 1u);
  EXPECT_EQ(r.clocks[0].stage, SlaStage::close);
}

// --- suspension ---------------------------------------------------------------------------

TEST_F(LifecycleTest, SuspendStopsTheClocksAndResumeShiftsThemByThePausedTime) {
  CaseState s = in_status(LifecycleStatus::in_progress);
  // The first resolve warning (50% of 5 days) fires before the suspension.
  s = fire_due(s, kT0 + 3 * kDay, policy, options).state;
  ASSERT_EQ(s.clock(SlaStage::resolve)->warned, 0b01);

  const EpochMs paused = kT0 + 3 * kDay;
  StatusUpdate sus = update(s.case_id, UpdateAction::suspend, "housing", paused, "s1");
  sus.reason = "等待法院判决";
  Transition suspended = step(s, sus);
  EXPECT_EQ(suspended.state.status, LifecycleStatus::suspended);
  EXPECT_EQ(suspended.state.back_to, LifecycleStatus::in_progress);
  EXPECT_EQ(suspended.state.clock(SlaStage::resolve)->paused_at, paused);
  EXPECT_TRUE(due_timers(suspended.state).empty());  // nothing fires while suspended
  EXPECT_EQ(suspended.events[0].reason, "等待法院判决");
  // A leftover heap entry is stale.
  const Timer breach{kT0 + 5 * kDay, SlaStage::resolve, TimerKind::breach, 0};
  EXPECT_EQ(fire(suspended.state, breach, kT0 + 6 * kDay, policy, options).outcome,
            FireOutcome::stale);
  EXPECT_TRUE(fire_due(suspended.state, kT0 + 30 * kDay, policy, options).events.empty());

  const EpochMs resumed = paused + 4 * kDay;
  Transition back = step(suspended.state,
                         update(s.case_id, UpdateAction::resume, "command-center", resumed, "s2"));
  EXPECT_EQ(policy.resume_calls, 1);
  const StageClock* c = back.state.clock(SlaStage::resolve);
  EXPECT_EQ(back.state.status, LifecycleStatus::in_progress);
  EXPECT_FALSE(c->paused_at.has_value());
  EXPECT_EQ(c->deadline.due, kT0 + 9 * kDay);
  EXPECT_EQ(c->deadline.escalation_at[0], kT0 + 9 * kDay);
  EXPECT_EQ(c->warned, 0b01);                              // what fired stays fired
  EXPECT_EQ(c->cause, s.clock(SlaStage::resolve)->cause);  // the same clock, shifted
  ASSERT_EQ(types(back.events), std::vector{EventType::resumed});
  // The next timer is the second warning, shifted too.
  EXPECT_EQ(next_timer(back.state), (Timer{kT0 + static_cast<EpochMs>(0.75 * 5 * kDay) + 4 * kDay,
                                           SlaStage::resolve, TimerKind::warn, 1}));
}

TEST_F(LifecycleTest, ProgressWhileSuspendedKeepsItSuspended) {
  CaseState s = in_status(LifecycleStatus::suspended);
  s = next(s, UpdateAction::progress, "water", kT0 + kDay, "p");
  EXPECT_EQ(s.status, LifecycleStatus::suspended);
  s = next(s, UpdateAction::resume, "housing", kT0 + 2 * kDay, "r");
  EXPECT_EQ(s.status, LifecycleStatus::in_progress);
}

// --- close and reopen ---------------------------------------------------------------------

TEST_F(LifecycleTest, ReopenDispatchesToTheSameHolderWithFreshClocks) {
  for (LifecycleStatus from : {LifecycleStatus::resolved, LifecycleStatus::closed}) {
    SCOPED_TRACE(to_string(from));
    CaseState s = in_status(from);
    const EpochMs at = kT0 + 3 * kDay;
    StatusUpdate u = update(s.case_id, UpdateAction::reopen, "command-center", at, "again");
    u.reason = "市民不满意";
    Transition t = step(s, u);
    EXPECT_EQ(t.state.status, LifecycleStatus::dispatched);
    EXPECT_EQ(t.state.lead, "housing");
    EXPECT_EQ(t.state.co, std::vector<std::string>{"water"});
    EXPECT_EQ(t.state.clock(SlaStage::sign_for)->deadline.due, at + 2 * kHour);
    EXPECT_EQ(t.state.clock(SlaStage::resolve)->deadline.due, at + 5 * kDay);
    EXPECT_EQ(t.state.clock(SlaStage::close), nullptr);
    EXPECT_EQ(t.state.clock(SlaStage::sign_for)->cause, cause_of("again"));
    ASSERT_EQ(types(t.events), std::vector{EventType::reopened});
    EXPECT_EQ(t.events[0].department, "housing");
    EXPECT_EQ(t.events[0].reason, "市民不满意");
    // And round again.
    CaseState s2 = next(t.state, UpdateAction::sign_for, "housing", at + kHour, "again-sign");
    EXPECT_EQ(s2.status, LifecycleStatus::signed_for);
  }
}

// --- timers -------------------------------------------------------------------------------

TEST_F(LifecycleTest, DueTimersListWarningsBreachAndTiersInOrder) {
  CaseState s = created();
  std::vector<Timer> timers = due_timers(s);
  // sign_for: 2 warnings, breach, 3 tiers; resolve: the same.
  ASSERT_EQ(timers.size(), 12u);
  EXPECT_EQ(timers[0], (Timer{kT0 + kHour, SlaStage::sign_for, TimerKind::warn, 0}));
  EXPECT_EQ(timers[1], (Timer{kT0 + 90 * kMinute, SlaStage::sign_for, TimerKind::warn, 1}));
  EXPECT_EQ(timers[2], (Timer{kT0 + 2 * kHour, SlaStage::sign_for, TimerKind::breach, 0}));
  EXPECT_EQ(timers[3], (Timer{kT0 + 2 * kHour, SlaStage::sign_for, TimerKind::escalate, 1}));
  EXPECT_EQ(timers[4], (Timer{kT0 + 2 * kHour + kDay, SlaStage::sign_for, TimerKind::escalate, 2}));
  for (std::size_t i = 1; i < timers.size(); ++i) EXPECT_LE(timers[i - 1].at, timers[i].at);
  EXPECT_EQ(next_timer(s), timers[0]);
}

TEST_F(LifecycleTest, WarningsThenBreachThenEscalationTiers) {
  CaseState s = created();
  const EpochMs due = kT0 + 2 * kHour;

  Transition early = fire_due(s, kT0 + kHour - 1, policy, options);
  EXPECT_TRUE(early.events.empty());
  EXPECT_EQ(early.state, s);

  Transition w = fire_due(s, kT0 + kHour, policy, options);
  ASSERT_EQ(types(w.events), std::vector{EventType::warned});
  EXPECT_EQ(w.events[0].stage, SlaStage::sign_for);
  EXPECT_EQ(w.events[0].index, 0);
  EXPECT_EQ(w.events[0].at, kT0 + kHour);
  EXPECT_EQ(w.events[0].due, due);
  EXPECT_EQ(w.events[0].department, "housing");
  EXPECT_TRUE(w.events[0].supervision);
  EXPECT_EQ(w.state.clock(SlaStage::sign_for)->warned, 0b01);

  Transition b = fire_due(w.state, due, policy, options);
  ASSERT_EQ(types(b.events),
            (std::vector{EventType::warned, EventType::breached, EventType::escalated}));
  EXPECT_TRUE(b.events[1].supervision);
  EXPECT_EQ(b.events[1].at, due);
  EXPECT_FALSE(b.events[2].supervision);
  EXPECT_EQ(b.events[2].index, 1);
  EXPECT_EQ(b.events[2].tier, "community");
  EXPECT_EQ(b.events[2].topic, "supervision.community.sign_for.housing");
  const StageClock* c = b.state.clock(SlaStage::sign_for);
  EXPECT_TRUE(c->breached);
  EXPECT_EQ(c->tier, 1);

  Transition later = fire_due(b.state, due + 2 * kDay, policy, options);
  ASSERT_EQ(types(later.events), (std::vector{EventType::escalated, EventType::escalated}));
  EXPECT_EQ(later.events[0].index, 2);
  EXPECT_EQ(later.events[0].tier, "street");
  EXPECT_EQ(later.events[0].at, due + kDay);
  EXPECT_EQ(later.events[1].index, 3);
  EXPECT_EQ(later.events[1].tier, "district");
  EXPECT_EQ(later.state.clock(SlaStage::sign_for)->tier, 3);
  // Everything of the sign-for clock fired: the next timer is the resolve clock's.
  EXPECT_EQ(next_timer(later.state)->stage, SlaStage::resolve);

  // One pass from the start gives the same events and state as the three steps.
  Transition all = fire_due(s, due + 2 * kDay, policy, options);
  std::vector<CaseEvent> stepwise = w.events;
  stepwise.insert(stepwise.end(), b.events.begin(), b.events.end());
  stepwise.insert(stepwise.end(), later.events.begin(), later.events.end());
  EXPECT_EQ(all.events, stepwise);
  EXPECT_EQ(all.state, later.state);

  // Signing for after the breach stops the escalation; the sign-for timers are gone.
  CaseState signed_for = next(b.state, UpdateAction::sign_for, "housing", due + kHour, "late");
  for (const Timer& t : due_timers(signed_for)) EXPECT_NE(t.stage, SlaStage::sign_for);
  const Timer tier2{due + kDay, SlaStage::sign_for, TimerKind::escalate, 2};
  EXPECT_EQ(fire(signed_for, tier2, due + kDay, policy, options).outcome, FireOutcome::stale);
}

TEST_F(LifecycleTest, TimerFiredTwiceGivesTheSameEventIdsAndNoSecondChange) {
  CaseState s = created();
  const Timer warn{kT0 + kHour, SlaStage::sign_for, TimerKind::warn, 0};
  FireResult first = fire(s, warn, kT0 + kHour, policy, options);
  ASSERT_EQ(first.outcome, FireOutcome::fired);

  // Crash after producing the events, before storing the state: the restored state is the
  // stored bytes of the old one; firing again (later) repeats the events exactly.
  Result<CaseState> restored = decode_case_state(encode_case_state(s));
  ASSERT_TRUE(restored.ok());
  FireResult repeat = fire(*restored, warn, kT0 + kHour + 5 * kMinute, policy, options);
  ASSERT_EQ(repeat.outcome, FireOutcome::fired);
  EXPECT_EQ(repeat.transition.events, first.transition.events);
  EXPECT_EQ(repeat.transition.state, first.transition.state);

  // State stored: the timer is no longer due and firing it again changes nothing.
  FireResult again = fire(first.transition.state, warn, kT0 + 2 * kHour, policy, options);
  EXPECT_EQ(again.outcome, FireOutcome::already_fired);
  EXPECT_TRUE(again.transition.events.empty());
  for (const Timer& t : due_timers(first.transition.state)) EXPECT_NE(t, warn);

  // The same for a breach and a tier.
  const Timer breach{kT0 + 2 * kHour, SlaStage::sign_for, TimerKind::breach, 0};
  CaseState b =
      fire(first.transition.state, breach, kT0 + 2 * kHour, policy, options).transition.state;
  EXPECT_EQ(fire(b, breach, kT0 + 3 * kHour, policy, options).outcome, FireOutcome::already_fired);
  Transition full1 = fire_due(s, kT0 + 3 * kDay, policy, options);
  Transition full2 = fire_due(*restored, kT0 + 3 * kDay, policy, options);
  EXPECT_EQ(full1.events, full2.events);
  EXPECT_TRUE(fire_due(full1.state, kT0 + 3 * kDay, policy, options).events.empty());
}

TEST_F(LifecycleTest, TimersFireOnlyWhenDueAndInOrder) {
  CaseState s = created();
  const Timer warn{kT0 + kHour, SlaStage::sign_for, TimerKind::warn, 0};
  EXPECT_EQ(fire(s, warn, kT0 + kHour - 1, policy, options).outcome, FireOutcome::not_due);
  const Timer tier1{kT0 + 2 * kHour, SlaStage::sign_for, TimerKind::escalate, 1};
  EXPECT_EQ(fire(s, tier1, kT0 + 3 * kHour, policy, options).outcome, FireOutcome::not_due);
  // A timer that is not the clock's (moved deadline, wrong instant, no such warning): stale.
  EXPECT_EQ(fire(s, Timer{kT0 + kHour + 1, SlaStage::sign_for, TimerKind::warn, 0}, kT0 + kDay,
                 policy, options)
                .outcome,
            FireOutcome::stale);
  EXPECT_EQ(fire(s, Timer{kT0 + kHour, SlaStage::sign_for, TimerKind::warn, 7}, kT0 + kDay, policy,
                 options)
                .outcome,
            FireOutcome::stale);
  EXPECT_EQ(
      fire(s, Timer{kT0 + kDay, SlaStage::close, TimerKind::breach, 0}, kT0 + kDay, policy, options)
          .outcome,
      FireOutcome::stale);
}

TEST_F(LifecycleTest, TimerEventIdsDifferPerClockAndPerRestart) {
  CaseState s = created();
  Transition a = fire_due(s, kT0 + kHour, policy, options);
  // Returned and re-dispatched: the new sign-for clock warns under new ids.
  CaseState r = next(s, UpdateAction::return_misrouted, "housing", kT0 + 10 * kMinute, "r1");
  CaseState d = redispatch(r, district.decision("gas"), policy, options)->state;
  Transition b = fire_due(d, kT0 + 10 * kMinute + kHour, policy, options);
  ASSERT_EQ(a.events.size(), 1u);
  ASSERT_EQ(b.events.size(), 1u);
  EXPECT_EQ(b.events[0].department, "gas");
  EXPECT_NE(a.events[0].id, b.events[0].id);

  // Every event of a long life has its own id.
  std::set<std::string> ids;
  std::size_t count = 0;
  auto collect = [&](const std::vector<CaseEvent>& events) {
    for (const CaseEvent& e : events) {
      ids.insert(e.id);
      ++count;
    }
  };
  Result<Transition> c = create(ticket, district.decision("housing", {"water"}), policy, options);
  collect(c->events);
  CaseState x = c->state;
  auto go = [&](Transition t) {
    collect(t.events);
    x = t.state;
  };
  go(fire_due(x, kT0 + 3 * kHour, policy, options));
  go(step(x, update(x.case_id, UpdateAction::sign_for, "housing", kT0 + 3 * kHour, "1")));
  go(fire_due(x, kT0 + 6 * kDay, policy, options));
  go(step(x, update(x.case_id, UpdateAction::resolve, "housing", kT0 + 6 * kDay, "2")));
  go(step(x, update(x.case_id, UpdateAction::reopen, "command-center", kT0 + 7 * kDay, "3")));
  go(fire_due(x, kT0 + 20 * kDay, policy, options));
  EXPECT_GT(count, 20u);
  EXPECT_EQ(ids.size(), count);
}

TEST_F(LifecycleTest, ExtensionRestartsTheWarnings) {
  CaseState s = in_status(LifecycleStatus::extension_pending);
  // The first resolve warning fires while the center decides.
  s = fire_due(s, kT0 + 3 * kDay, policy, options).state;
  ASSERT_EQ(s.clock(SlaStage::resolve)->warned, 0b01);
  // The extension decision clock also ran out: the center is overdue.
  ASSERT_TRUE(s.clock(SlaStage::extension_decision)->breached);
  CaseState a = next(s, UpdateAction::approve_extension, "command-center", kT0 + 3 * kDay, "ok");
  const StageClock* c = a.clock(SlaStage::resolve);
  EXPECT_EQ(c->warned, 0);
  EXPECT_FALSE(c->breached);
  Transition w = fire_due(a, c->deadline.warning_at[0], policy, options);
  ASSERT_EQ(w.events.size(), 1u);
  EXPECT_EQ(w.events[0].type, EventType::warned);
  EXPECT_EQ(w.events[0].due, c->deadline.due);
}

TEST_F(LifecycleTest, ExtensionDecisionClockIsTheCentersDuty) {
  CaseState s = in_status(LifecycleStatus::extension_pending);
  Transition t = fire_due(s, kT0 + 30 * kMinute + kDay, policy, options);
  bool breached = false;
  for (const CaseEvent& e : t.events) {
    if (e.stage == SlaStage::extension_decision && e.type == EventType::breached) {
      breached = true;
      EXPECT_EQ(e.department, "command-center");
    }
  }
  EXPECT_TRUE(breached);
}

// --- failures of the policy ---------------------------------------------------------------

TEST_F(LifecycleTest, PolicyFailureRefusesTheStepAndKeepsTheState) {
  policy.fail_from = kT0;
  Result<Transition> c = create(ticket, district.decision("housing"), policy, options);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.refusal().detail, "no working calendar for that year");

  policy.fail_from.reset();
  CaseState s = in_status(LifecycleStatus::signed_for);
  policy.fail_from = kT0 + kDay;
  Refusal r = refusal_of(s, update(s.case_id, UpdateAction::resolve, "housing", kT0 + kDay, "f"));
  EXPECT_EQ(r.detail, "no working calendar for that year");
  // Not remembered: after the calendar is loaded the same update applies.
  policy.fail_from.reset();
  EXPECT_EQ(next(s, UpdateAction::resolve, "housing", kT0 + kDay, "f").status,
            LifecycleStatus::resolved);
}

// --- events -------------------------------------------------------------------------------

TEST(CaseEvent, IdIsStableAndDependsOnEveryPart) {
  const std::string c = make_case_id(Source::hotline, "T-1");
  const std::string id = make_event_id(c, EventType::warned, SlaStage::resolve, 1, 42);
  EXPECT_EQ(id, make_event_id(c, EventType::warned, SlaStage::resolve, 1, 42));
  ASSERT_EQ(id.size(), 35u);
  EXPECT_EQ(id.substr(0, 3), "EV-");
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef", 3), std::string::npos);
  std::set<std::string> ids = {
      id,
      make_event_id(make_case_id(Source::hotline, "T-2"), EventType::warned, SlaStage::resolve, 1,
                    42),
      make_event_id(c, EventType::breached, SlaStage::resolve, 1, 42),
      make_event_id(c, EventType::warned, SlaStage::sign_for, 1, 42),
      make_event_id(c, EventType::warned, std::nullopt, 1, 42),
      make_event_id(c, EventType::warned, SlaStage::resolve, 0, 42),
      make_event_id(c, EventType::warned, SlaStage::resolve, 1, 43),
  };
  EXPECT_EQ(ids.size(), 7u);
  EXPECT_EQ(cause_of("u-1"), cause_of(std::string("u-1")));
  EXPECT_NE(cause_of("u-1"), cause_of("u-2"));
}

TEST(CaseEvent, JsonIsCompactAndComplete) {
  CaseEvent e;
  e.id = "EV-1";
  e.case_id = "HL-abc";
  e.type = EventType::escalated;
  e.at = kT0;
  e.seq = 7;
  e.department = "housing";
  e.status = LifecycleStatus::in_progress;
  e.stage = SlaStage::resolve;
  e.due = kT0 - kDay;
  e.index = 2;
  e.tier = "street";
  e.topic = "supervision.street";
  std::string out;
  append_event_json(out, e);
  EXPECT_EQ(out,
            R"({"id":"EV-1","caseId":"HL-abc","type":"escalated","at":"2025-09-22T09:00:00+08:00",)"
            R"("seq":7,"department":"housing","status":"in_progress","stage":"resolve",)"
            R"("due":"2025-09-21T09:00:00+08:00","tier":2,"tierName":"street",)"
            R"("topic":"supervision.street","supervision":false})");

  CaseEvent r;
  r.id = "EV-2";
  r.case_id = "HL-abc";
  r.type = EventType::returned;
  r.at = kT0;
  r.update_id = "u\"1";
  r.reason = "不属于本单位\n职责";
  r.co = {"water", "gas"};
  r.satisfaction = 4;
  r.supervision = true;
  std::string json;
  append_event_json(json, r);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  EXPECT_EQ(std::string_view(doc["updateId"]), "u\"1");
  EXPECT_EQ(std::string_view(doc["reason"]), "不属于本单位\n职责");
  EXPECT_EQ(doc["co"].get_array().size(), 2u);
  EXPECT_EQ(int64_t(doc["satisfaction"]), 4);
  EXPECT_TRUE(bool(doc["supervision"]));
  EXPECT_EQ(doc["department"].error(), simdjson::NO_SUCH_FIELD);
}

TEST(CaseEvent, EveryTypeHasAName) {
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < kEventTypeCount; ++i) {
    names.insert(to_string(static_cast<EventType>(i)));
  }
  EXPECT_EQ(names.size(), kEventTypeCount);
  EXPECT_EQ(names.count("unknown"), 0u);
}

// --- random lives -------------------------------------------------------------------------

TEST(LifecycleProperty, RandomLivesKeepTheInvariants) {
  std::mt19937_64 rng(12345);
  int failures = 0;
  for (int life = 0; life < 2000 && failures < 5; ++life) {
    std::string bytes(3 * (1 + rng() % 60), '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    // Bias towards the useful: half the steps are the actions in order.
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
      if (rng() % 2) bytes[i] = static_cast<char>(i / 3 % kUpdateActionCount);
    }
    play_life(bytes, [&](bool ok, const char* what) {
      if (!ok && failures++ < 5) ADD_FAILURE() << "life " << life << ": " << what;
    });
  }
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace gw
