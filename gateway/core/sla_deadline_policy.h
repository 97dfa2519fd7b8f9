// The lifecycle's DeadlinePolicy (case_lifecycle.h) over the SLA policy (sla_policy.h) and the
// working-day calendar (working_calendar.h): which rule limits a stage, its due, warnings and
// chained escalation tiers, suspension and extension, counted on the calendar.
//
// A running limit is persisted in the lifecycle's Deadline (case_state.h): its instants for
// the timers, and sla_policy's StageDeadline numbers in the opaque policy fields:
//   policy_flags    bit 0 working clock, bit 1 due at 24:00 (working days), bit 2 paused,
//                   bit 7 set (a clock of this policy; other bits must be clear)
//   policy_data[0]  budget_ms: the limit plus approved extensions, in clock time
//   policy_data[1]  used_ms: clock time used before the clock last started
//   policy_data[2]  running_since: where the clock last started
//   policy_data[3]  original_due: the due before any extension (max_extension counts from it)
// The warning fractions are the rule's (the rule is found again from the stage, the case's
// facts and the department), the warning instants the Deadline's. So extend() and resume() on
// a Deadline decoded from the state topic answer exactly as on the one first computed.
//
// If sla.yaml changed since a clock started and its rule now has another number of warnings,
// the fractions are read back from the clock's own instants instead, so that the warnings
// the lifecycle marked as fired stay the same warnings. A rule with fewer escalation tiers
// than a running clock keeps the clock's tier count (the extra tiers at the last tier's
// instant, escalated to as the rule's last tier).
//
// Errors: an instant in a year without calendar data is a Refusal naming the year (the step
// that needed it is refused, the state unchanged); never a crash, never a weekday guess.
//
// Pure and immutable: no clock, no I/O. Safe to share between threads; holds its policy and
// calendar by shared_ptr<const>, so a reload can build a new one while old steps finish.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "gateway/core/case_lifecycle.h"
#include "gateway/core/sla_policy.h"
#include "gateway/core/working_calendar.h"

namespace gw {

// policy_flags of a Deadline made by SlaDeadlinePolicy.
inline constexpr std::uint8_t kSlaClockWorking = 1u << 0;
inline constexpr std::uint8_t kSlaDueAtMidnight = 1u << 1;
inline constexpr std::uint8_t kSlaClockPaused = 1u << 2;
inline constexpr std::uint8_t kSlaDeadlineMark = 1u << 7;

// The Deadline that carries d: its due and warning instants, escalation instants from the
// schedule (tier n escalated to at escalations[n-1].at; at most kMaxEscalationTiers), and d's
// numbers in the policy fields. start: when the lifecycle started the clock.
Deadline deadline_of(const StageDeadline& d, EpochMs start,
                     std::span<const EscalationStep> escalations);
// The StageDeadline a Deadline of this policy carries, its warnings given these fractions
// (one per warning instant, ascending). Nothing when the policy fields are not this policy's
// (a foreign or corrupt record) or the fraction count differs from the warning count.
std::optional<StageDeadline> stage_deadline_of(const Deadline& d,
                                               std::span<const double> fractions);

class SlaDeadlinePolicy final : public DeadlinePolicy {
 public:
  // Both must be set (a loaded, checked policy and calendar).
  SlaDeadlinePolicy(std::shared_ptr<const SlaPolicy> policy,
                    std::shared_ptr<const WorkingCalendar> calendar);

  Result<std::optional<Deadline>> start(SlaStage stage, const CaseFacts& facts,
                                        std::string_view department, EpochMs from) const override;
  Result<std::optional<EpochMs>> latest_extension(const Deadline& current, SlaStage stage,
                                                  const CaseFacts& facts,
                                                  std::string_view department) const override;
  // Refused unless sla_policy's check_extension allows new_due (not later, beyond the
  // rule's max_extension, not extendable).
  Result<Deadline> extend(const Deadline& current, SlaStage stage, const CaseFacts& facts,
                          std::string_view department, EpochMs new_due) const override;
  Result<Deadline> resume(const Deadline& paused, SlaStage stage, const CaseFacts& facts,
                          std::string_view department, EpochMs paused_at,
                          EpochMs resumed_at) const override;
  // The tier's name ("street") and topic from the matched rule; a tier the rule does not
  // have (sla.yaml changed under a running clock) gets the rule's last tier, and a rule
  // without escalation (or no rule) an empty name and topic.
  EscalationTarget escalation(SlaStage stage, const CaseFacts& facts, std::string_view department,
                              int tier) const override;

  // The rule that limits stage for these facts and this department; nullptr when the policy
  // gives the stage no limit.
  const SlaRule* rule(SlaStage stage, const CaseFacts& facts, std::string_view department) const;
  const SlaPolicy& policy() const { return *policy_; }
  const WorkingCalendar& calendar() const { return *calendar_; }

 private:
  // rule may be nullptr (no rule applies any more): fractions from the instants, no tiers.
  Result<StageDeadline> decode(const Deadline& d, const SlaRule* rule, SlaStage stage,
                               std::string_view field) const;
  Result<Deadline> encode(const StageDeadline& d, const SlaRule* rule, EpochMs start,
                          std::size_t min_tiers, SlaStage stage, std::string_view field) const;

  std::shared_ptr<const SlaPolicy> policy_;
  std::shared_ptr<const WorkingCalendar> calendar_;
};

}  // namespace gw
