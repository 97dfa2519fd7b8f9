#include "gateway/core/status_update.h"

namespace gw {

// to_string indexes the table by the enum's value.
static_assert([] {
  for (std::size_t i = 0; i < kUpdateActionCount; ++i) {
    if (static_cast<std::size_t>(kUpdateActionNames[i].action) != i) return false;
  }
  return static_cast<std::size_t>(UpdateAction::reopen) + 1 == kUpdateActionCount;
}());

std::string_view to_string(UpdateAction a) {
  const auto i = static_cast<std::size_t>(a);
  return i < kUpdateActionCount ? kUpdateActionNames[i].wire : "unknown";
}

std::optional<UpdateAction> update_action_from_string(std::string_view s) {
  if (s.empty()) return std::nullopt;
  for (const UpdateActionNames& names : kUpdateActionNames) {
    if (s == names.wire || s == names.chinese[0] || s == names.chinese[1]) return names.action;
  }
  return std::nullopt;
}

void reset(StatusUpdate& u) {
  u.update_id.clear();
  u.case_id.clear();
  u.department.clear();
  u.action = UpdateAction::sign_for;
  u.at = 0;
  u.operator_id.clear();
  u.note.clear();
  u.reason.clear();
  u.extend_to.reset();
  u.result.clear();
  u.satisfaction.reset();
}

}  // namespace gw
