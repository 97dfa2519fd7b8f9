// A department's status update on a case it was sent (DOMAIN.md section 3, "Department status
// update"): it signed for the case, returned it as misrouted, asked for an extension, resolved
// it, ... schemas/status-update.v1.schema.json is the input form; adapters/updates reads it
// and writes the canonical form the gateway puts on its updates topic.
//
// Plain data, no I/O. Times are epoch milliseconds (UTC), as in case.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/case.h"

namespace gw {

enum class UpdateAction : std::uint8_t {
  sign_for,           // 签收
  return_misrouted,   // 退单: not this department's; the center re-dispatches (改派)
  request_extension,  // 延期申请
  approve_extension,  // the center agrees to the extension
  refuse_extension,   // the center refuses it
  suspend,            // 挂起: the time limit's clock stops
  resume,             // 解挂: the clock runs again
  progress,           // a progress note (办理中)
  resolve,            // 办结 / 处置反馈: the department reports the result
  close,              // 结案 / 核查结案: the center closes the case after verification
  callback,           // 回访: the citizen was called back, with a satisfaction score
  reopen,             // 重办: reopened, usually on dissatisfaction
};

// The spellings of one action: the stable wire spelling (what the gateway writes) and the
// Chinese terms departments' systems use. Departments may send any of them.
struct UpdateActionNames {
  UpdateAction action;
  std::string_view wire;
  std::string_view chinese[2];  // the second may be empty
};

// The one table of action spellings, in enum order (to_string indexes it).
inline constexpr UpdateActionNames kUpdateActionNames[] = {
    {UpdateAction::sign_for, "sign_for", {"签收", {}}},
    {UpdateAction::return_misrouted, "return", {"退单", {}}},
    {UpdateAction::request_extension, "extension_request", {"延期申请", {}}},
    {UpdateAction::approve_extension, "extension_approved", {"同意延期", "延期通过"}},
    {UpdateAction::refuse_extension, "extension_refused", {"不同意延期", "延期驳回"}},
    {UpdateAction::suspend, "suspend", {"挂起", {}}},
    {UpdateAction::resume, "resume", {"解挂", {}}},
    {UpdateAction::progress, "progress", {"进展", "办理中"}},
    {UpdateAction::resolve, "resolve", {"办结", "处置反馈"}},
    {UpdateAction::close, "close", {"结案", "核查结案"}},
    {UpdateAction::callback, "callback", {"回访", {}}},
    {UpdateAction::reopen, "reopen", {"重办", "重新办理"}},
};
inline constexpr std::size_t kUpdateActionCount = std::size(kUpdateActionNames);

// The wire spelling: "sign_for", "return", "extension_request", ...
std::string_view to_string(UpdateAction a);
// The action a wire spelling or a Chinese term names, exactly as spelled; nothing otherwise.
std::optional<UpdateAction> update_action_from_string(std::string_view s);

// Satisfaction scores a callback may carry (满意度).
inline constexpr int kMinSatisfaction = 1;
inline constexpr int kMaxSatisfaction = 5;

struct StatusUpdate {
  std::string update_id;   // the sender's id for this update, unique: makes resends idempotent
  std::string case_id;     // the case (case_id.h)
  std::string department;  // the department code of the sender
  UpdateAction action = UpdateAction::sign_for;
  EpochMs at = 0;           // when the department did it
  std::string operator_id;  // who did it, when given
  std::string note;
  std::string reason;                // return (required), extension refusal, suspend
  std::optional<EpochMs> extend_to;  // extension request (required) and approval
  std::string result;                // resolve (required)
  std::optional<int> satisfaction;   // callback (required), kMinSatisfaction..kMaxSatisfaction
  // A new member needs a line in reset() (status_update.cpp).

  bool operator==(const StatusUpdate&) const = default;
};

// Makes u what a default-constructed StatusUpdate is, keeping the capacity of its strings.
void reset(StatusUpdate& u);

}  // namespace gw
