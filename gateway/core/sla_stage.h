// The stages of a case that carry a time limit (DOMAIN.md section 4, docs/lifecycle.md):
// the clocks the SLA policy computes and the lifecycle starts, pauses and stops.
//   sign_for            a dispatched case must be signed for (签收)
//   return_misrouted    a department may return a misrouted case (退单) only within this
//                       window (a window, not a duty: no warnings, no breach)
//   extension_decision  the center must approve or refuse an extension request (延期审批)
//   resolve             the department must resolve the case (办结); may be extended
//   close               the center must verify and close a resolved case (核查结案)
// The values are persisted (case state topic, event ids): add at the end, never renumber.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gw {

enum class SlaStage : std::uint8_t {
  sign_for,
  return_misrouted,
  extension_decision,
  resolve,
  close
};
inline constexpr std::size_t kSlaStageCount = 5;

// The YAML keys and wire spellings, in enum order (sla_policy.h's to_string gives the same).
inline constexpr std::string_view kSlaStageNames[kSlaStageCount] = {
    "sign_for", "return", "extension_decision", "resolve", "close",
};

constexpr std::string_view sla_stage_name(SlaStage s) {
  const auto i = static_cast<std::size_t>(s);
  return i < kSlaStageCount ? kSlaStageNames[i] : "unknown";
}

}  // namespace gw
