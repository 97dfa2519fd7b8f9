#include "gateway/core/case_state.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "gateway/core/case_lifecycle.h"
#include "gateway/core/tests/lifecycle_fakes.h"

namespace gw {
namespace {

using namespace gw::testing;  // NOLINT(google-build-using-namespace)

// States from several points of a case's life, covering every member.
std::vector<CaseState> sample_states() {
  FakePolicy policy;
  LifecycleOptions options;
  District district;
  std::vector<CaseState> out;
  Transition t =
      *create(hotline_case(), district.decision("housing", {"water", "gas"}), policy, options);
  out.push_back(t.state);
  CaseState s = t.state;
  auto go = [&](UpdateAction a, const std::string& dept, EpochMs at, const std::string& id) {
    ApplyResult r = apply(s, update(s.case_id, a, dept, at, id), at, policy, options);
    EXPECT_EQ(r.outcome, ApplyOutcome::applied) << (r.refusal ? r.refusal->message() : "");
    s = r.transition.state;
    out.push_back(s);
  };
  s = fire_due(s, kT0 + 3 * kHour, policy, options).state;  // warnings, breach, a tier
  out.push_back(s);
  go(UpdateAction::sign_for, "housing", kT0 + 3 * kHour, "u1");
  go(UpdateAction::progress, "water", kT0 + 4 * kHour, "u2");
  go(UpdateAction::request_extension, "housing", kT0 + kDay, "u3");
  go(UpdateAction::approve_extension, "command-center", kT0 + kDay, "u4");
  go(UpdateAction::suspend, "housing", kT0 + 2 * kDay, "u5");
  go(UpdateAction::resume, "housing", kT0 + 3 * kDay, "u6");
  go(UpdateAction::resolve, "housing", kT0 + 4 * kDay, "u7");
  go(UpdateAction::close, "command-center", kT0 + 5 * kDay, "u8");

  Transition r = *create(hotline_case("T-2"), district.decision("gas"), policy, options);
  s = r.state;
  go(UpdateAction::return_misrouted, "gas", kT0 + kHour, "r1");  // returned, waiting

  Transition g = *create(self_handled_grid_report(), district.decision("env"), policy, options);
  out.push_back(g.state);

  // Odd but representable values: before 1970, far future, negative policy numbers.
  CaseState odd = out[3];
  odd.created_at = -5;
  odd.facts.source_deadline = INT64_MAX;
  odd.last_at = INT64_MIN;
  odd.clocks[0].deadline.policy_data = {INT64_MIN, -1, 0, INT64_MAX};
  odd.event_seq = UINT32_MAX;
  out.push_back(odd);
  return out;
}

TEST(CaseState, RoundTripsEveryMember) {
  for (const CaseState& s : sample_states()) {
    const std::string bytes = encode_case_state(s);
    EXPECT_EQ(static_cast<std::uint8_t>(bytes[0]), kCaseStateVersion);
    Result<CaseState> back = decode_case_state(bytes);
    ASSERT_TRUE(back.ok()) << back.refusal().message();
    EXPECT_EQ(*back, s);
    EXPECT_EQ(encode_case_state(*back), bytes);
  }
}

TEST(CaseState, StaysSmall) {
  // The sizes reviewers asked for; the encoded form is what the state topic stores per case.
  const std::vector<CaseState> states = sample_states();
  std::size_t largest = 0;
  for (const CaseState& s : states) largest = std::max(largest, encode_case_state(s).size());
  const std::string dispatched = encode_case_state(states[0]);  // sign-for and resolve clocks
  const std::string pending = encode_case_state(states[4]);     // resolve and decision clocks
  std::printf(
      "sizeof(CaseState)=%zu sizeof(StageClock)=%zu sizeof(CaseFacts)=%zu; encoded: "
      "dispatched=%zu, extension pending=%zu, largest sample=%zu bytes\n",
      sizeof(CaseState), sizeof(StageClock), sizeof(CaseFacts), dispatched.size(), pending.size(),
      largest);
  EXPECT_LT(dispatched.size(), 300u);
  EXPECT_LT(pending.size(), 300u);
  EXPECT_LT(largest, 400u);

  // A full window of 32 applied ids adds 8 bytes each, not the ids themselves.
  CaseState full = states[4];
  full.applied.assign(32, 0x0123456789abcdefULL);
  EXPECT_EQ(encode_case_state(full).size(), pending.size() + 8 * (32 - states[4].applied.size()));
}

TEST(CaseState, RefusesWhatIsNotAState) {
  Result<CaseState> r = decode_case_state("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.refusal().code, RefusalCode::empty_input);

  r = decode_case_state(std::string(kMaxCaseStateBytes + 1, '\x01'));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.refusal().code, RefusalCode::too_large);

  std::string bytes = encode_case_state(sample_states()[3]);
  bytes[0] = 2;
  r = decode_case_state(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.refusal().message(), "version: out_of_range: unknown version 2, expected 1");

  bytes = encode_case_state(sample_states()[3]) + "x";
  r = decode_case_state(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.refusal().detail, "trailing bytes after the state");
}

TEST(CaseState, RefusesBrokenInvariants) {
  const CaseState good = sample_states()[3];
  auto refused_field = [](const CaseState& s) {
    Result<CaseState> r = decode_case_state(encode_case_state(s));
    return r.ok() ? std::string("(accepted)") : r.refusal().field;
  };
  CaseState s = good;
  s.status = static_cast<LifecycleStatus>(8);
  EXPECT_EQ(refused_field(s), "status");
  s = good;
  s.back_to = LifecycleStatus::closed;
  EXPECT_EQ(refused_field(s), "backTo");
  s = good;
  s.clocks.push_back(s.clocks[0]);
  EXPECT_EQ(refused_field(s), "clocks[1].stage");
  s = good;
  s.clocks[0].warned = 0b100;  // a third warning the deadline does not have
  EXPECT_EQ(refused_field(s), "clocks[0].warned");
  s = good;
  s.clocks[0].tier = 4;
  EXPECT_EQ(refused_field(s), "clocks[0].tier");
  s = good;
  s.clocks[0].stage = static_cast<SlaStage>(9);
  EXPECT_EQ(refused_field(s), "clocks[0].stage");
  s = good;
  s.facts.priority = static_cast<Priority>(3);
  EXPECT_EQ(refused_field(s), "facts.priority");
  s = good;
  s.co.assign(65, "x");
  EXPECT_EQ(refused_field(s), "co");
  s = good;
  s.lead.assign(5000, 'x');
  EXPECT_EQ(refused_field(s), "lead");
}

// What any decoded state must survive: the lifecycle's entry points, and a round trip.
void exercise(const CaseState& s) {
  FakePolicy policy;
  LifecycleOptions options;
  Result<CaseState> again = decode_case_state(encode_case_state(s));
  ASSERT_TRUE(again.ok()) << again.refusal().message();
  EXPECT_EQ(*again, s);
  for (const Timer& t : due_timers(s)) fire(s, t, t.at, policy, options);
  fire_due(s, kT0 + 30 * kDay, policy, options);
  for (std::size_t a = 0; a < kUpdateActionCount; ++a) {
    apply(s, update(s.case_id, static_cast<UpdateAction>(a), s.lead, kT0 + 10 * kDay, "z"),
          kT0 + 10 * kDay, policy, options);
  }
  pending_reroute(s);
}

TEST(CaseState, EveryTruncationIsRefused) {
  for (const CaseState& s : sample_states()) {
    const std::string bytes = encode_case_state(s);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      Result<CaseState> r = decode_case_state(std::string_view(bytes).substr(0, n));
      EXPECT_FALSE(r.ok()) << "prefix of " << n << " bytes of " << bytes.size();
    }
  }
}

TEST(CaseState, CorruptBytesNeverCrash) {
  // Fuzz-style: bit flips, byte overwrites, insertions and deletions of valid encodings, and
  // plain random bytes. A decoded state must survive the lifecycle (run under GW_SANITIZE=ON
  // to catch what does not crash outright). gateway/core/fuzz/case_state_fuzz.cpp does the
  // same under libFuzzer.
  std::mt19937_64 rng(20250922);
  const std::vector<CaseState> states = sample_states();
  std::size_t decoded = 0;
  std::size_t total = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string bytes = encode_case_state(states[rng() % states.size()]);
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !bytes.empty(); ++e) {
      const std::size_t at = rng() % bytes.size();
      switch (rng() % 4) {
        case 0:
          bytes[at] = static_cast<char>(bytes[at] ^ (1 << (rng() % 8)));
          break;
        case 1:
          bytes[at] = static_cast<char>(rng());
          break;
        case 2:
          bytes.insert(at, 1, static_cast<char>(rng()));
          break;
        default:
          bytes.erase(at, 1);
          break;
      }
    }
    ++total;
    Result<CaseState> r = decode_case_state(bytes);
    if (r.ok()) {
      ++decoded;
      exercise(*r);
    } else {
      EXPECT_FALSE(r.refusal().message().empty());
    }
  }
  for (int round = 0; round < 20000; ++round) {
    std::string bytes(rng() % 300, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    if (!bytes.empty() && rng() % 2) bytes[0] = static_cast<char>(kCaseStateVersion);
    ++total;
    Result<CaseState> r = decode_case_state(bytes);
    if (r.ok()) {
      ++decoded;
      exercise(*r);
    }
  }
  // Some mutations only change a value (a time, a string's byte): those decode.
  EXPECT_GT(decoded, 0u);
  EXPECT_LT(decoded, total);
}

TEST(CaseFacts, FromACase) {
  Case c = hotline_case();
  CaseFacts f = facts_of(c);
  EXPECT_EQ(f.source, Source::hotline);
  EXPECT_EQ(f.kind, "投诉");
  EXPECT_EQ(f.category, (std::vector<std::string>{"城乡建设", "市政设施", "井盖"}));
  EXPECT_EQ(f.priority, Priority::urgent);
  EXPECT_EQ(f.street_code, "640202001");
  c.source_deadline = kT0 + kDay;
  EXPECT_EQ(facts_of(c).source_deadline, kT0 + kDay);
  EXPECT_EQ(facts_of(self_handled_grid_report()).street_code, "640202001");
}

TEST(LifecycleStatus, Names) {
  EXPECT_EQ(to_string(LifecycleStatus::extension_pending), "extension_pending");
  EXPECT_EQ(to_string(static_cast<LifecycleStatus>(99)), "unknown");
  EXPECT_TRUE(is_open(LifecycleStatus::suspended));
  EXPECT_FALSE(is_open(LifecycleStatus::resolved));
  EXPECT_FALSE(is_open(LifecycleStatus::closed));
}

TEST(SlaStage, NamesAreTheConfigKeys) {
  EXPECT_EQ(sla_stage_name(SlaStage::return_misrouted), "return");
  EXPECT_EQ(sla_stage_name(SlaStage::extension_decision), "extension_decision");
  EXPECT_EQ(sla_stage_name(static_cast<SlaStage>(kSlaStageCount)), "unknown");
}

}  // namespace
}  // namespace gw
