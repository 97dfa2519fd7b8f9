// What the lifecycle keeps per case (docs/lifecycle.md): status, holder, the running time
// limits with what already fired, and enough of the applied updates to make them idempotent.
//
// Lifetime: one CaseState per case, the value of the compacted state topic keyed by case id;
// the owner of the case's partition keeps the open ones in memory. It is therefore kept
// small: no case text, no personal data, no update ids (only 64-bit hashes of the recent
// ones). Measured (CaseState.StaysSmall): ~240 bytes encoded for a dispatched case with its
// sign-for and resolve clocks, ~280 with an extension pending and three applied ids; a full
// window of 32 ids adds 8 bytes each. In memory a decoded state is ~1 KB (sizeof 352, a
// StageClock 176, plus the strings and vectors): an owner short of memory keeps the encoded
// bytes and decodes them when an update or a timer needs the state.
//
// Plain data, no I/O. Times are epoch milliseconds (UTC), as in case.h.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/case.h"
#include "gateway/core/refusal.h"
#include "gateway/core/sla_stage.h"

namespace gw {

// Values are persisted: add at the end, never renumber.
enum class LifecycleStatus : std::uint8_t {
  dispatched,         // 已派遣: sent to the holder, not yet signed for
  signed_for,         // 已签收
  in_progress,        // 办理中: at least one progress note since sign-for
  extension_pending,  // 延期审批中: the holder asked for more time; the center decides
  suspended,          // 挂起: every clock stopped
  returned,           // 退单: the holder returned it; waiting to be re-dispatched (transient)
  resolved,           // 办结: the holder (or a grid worker, self-handled) reported the result
  closed,             // 结案: the center verified and closed it
};
inline constexpr std::size_t kLifecycleStatusCount = 8;

std::string_view to_string(LifecycleStatus s);
// Not resolved and not closed: a department still owes something.
bool is_open(LifecycleStatus s);

// What SLA rules match on, copied from the case at creation (the case text is not kept).
struct CaseFacts {
  Source source = Source::hotline;
  std::string kind;                   // appealType or eventType
  std::vector<std::string> category;  // hierarchical path, at most 3 levels
  Priority priority = Priority::normal;
  std::string street_code;                 // 9 digits when known
  std::optional<EpochMs> source_deadline;  // a deadline the hotline set, if any

  bool operator==(const CaseFacts&) const = default;
};
CaseFacts facts_of(const Case& c);

// At most this many warnings before a due instant, and escalation tiers after it
// (grid → community → street → district → city). sla.yaml validation must reject more.
inline constexpr std::size_t kMaxWarnings = 4;
inline constexpr std::size_t kMaxEscalationTiers = 5;

// One time limit as the SLA policy computes it. Fixed capacity: no allocation per clock.
struct Deadline {
  EpochMs start = 0;  // when the clock started
  EpochMs due = 0;
  std::array<EpochMs, kMaxWarnings> warning_at{};  // the first warning_count are used
  std::uint8_t warning_count = 0;
  std::array<EpochMs, kMaxEscalationTiers> escalation_at{};  // [0] is tier 1
  std::uint8_t tier_count = 0;
  // The policy's own numbers, opaque to the lifecycle: persisted with the clock and handed
  // back on extend() and resume(). For sla_policy.h's StageDeadline: flags the clock kind and
  // day-end rule; data the budget, the time used, where the clock last started and the due
  // before any extension.
  std::uint8_t policy_flags = 0;
  std::array<std::int64_t, 4> policy_data{};

  // False (and nothing added) when full.
  bool add_warning(EpochMs at);
  bool add_escalation(EpochMs at);
  std::span<const EpochMs> warnings() const { return {warning_at.data(), warning_count}; }
  std::span<const EpochMs> escalations() const { return {escalation_at.data(), tier_count}; }

  bool operator==(const Deadline&) const = default;
};

// A running stage clock: its deadline and which of its timers already fired.
struct StageClock {
  SlaStage stage = SlaStage::sign_for;
  Deadline deadline;
  std::uint8_t warned = 0;  // bit i: warning i fired
  bool breached = false;
  std::uint8_t tier = 0;  // escalation tiers fired: 0 none, n means tiers 1..n
  // Set while suspended: the instant the clock stopped. The policy shifts the deadline by the
  // time paused (working time for working-day limits) when it resumes.
  std::optional<EpochMs> paused_at;
  // Hash of what started this clock (the update id; 0 for the case's creation). Its timers'
  // event ids derive from it, so a clock restarted by another update warns afresh.
  std::uint64_t cause = 0;

  bool operator==(const StageClock&) const = default;
};

// Bounds for the configured id window and for decoding.
inline constexpr std::size_t kMaxAppliedIdsWindow = 1024;

struct CaseState {
  std::string case_id;
  LifecycleStatus status = LifecycleStatus::dispatched;
  // While suspended or extension_pending: the status the case goes back to.
  LifecycleStatus back_to = LifecycleStatus::signed_for;
  std::string lead;             // the holder (主办) department code
  std::vector<std::string> co;  // co-handlers (协办): progress notes only
  // Departments that returned the case, in order; excluded when it is routed again. Its size
  // is the returns count.
  std::vector<std::string> returned_by;
  CaseFacts facts;
  EpochMs created_at = 0;
  // Returns after this instant are refused (the policy's return stage); none: no limit.
  std::optional<EpochMs> return_until;
  // While extension_pending: the extendTo the holder asked for.
  std::optional<EpochMs> requested_due;
  std::vector<StageClock> clocks;  // the running stages, at most one per stage
  // XXH3-64 of the ids of the last applied updates, oldest first (the window, see apply()).
  std::vector<std::uint64_t> applied;
  std::optional<EpochMs> last_at;  // the `at` of the last applied update
  std::uint32_t same_at = 0;       // how many applied updates carried exactly last_at
  std::uint32_t event_seq = 0;     // the seq the next event gets
  // Where the case's input is on the internal topic (same partition as the state record):
  // a case returned as misrouted is routed again from it, since the state keeps no case
  // text. -1 when unknown.
  std::int64_t input_offset = -1;

  std::size_t returns() const { return returned_by.size(); }
  const StageClock* clock(SlaStage stage) const;
  StageClock* clock(SlaStage stage);

  bool operator==(const CaseState&) const = default;
};

// The encoded form (the state topic's value): a version byte, then varints and
// length-prefixed strings; instants after created_at as deltas from it.
inline constexpr std::uint8_t kCaseStateVersion = 1;
inline constexpr std::size_t kMaxCaseStateBytes = std::size_t{64} * 1024;

void append_case_state(std::string& out, const CaseState& s);
std::string encode_case_state(const CaseState& s);
// Untrusted bytes (a corrupt or foreign record): a refusal naming the member, never a crash.
// A decoded state satisfies what the lifecycle relies on (known enums, at most one clock per
// stage, bounded counts).
Result<CaseState> decode_case_state(std::string_view bytes);

}  // namespace gw
