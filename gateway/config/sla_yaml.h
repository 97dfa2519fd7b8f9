// Loads config/sla.yaml into a SlaPolicy (gateway/core/sla_policy.h), checking everything at
// once: every problem is reported as file:line:column: path: message, unknown keys are errors
// with the closest known key. Admin reference: docs/sla.md.
//
//   version: 1
//   warnings: [0.5, 0.75]        # fractions of the time; default for every stage and rule
//   escalation:                  # after a breach, tier by tier; default for every stage and rule
//     - {tier: street, topic: supervision.street, limit: {amount: 1, unit: working_days}}
//   stages:                      # sign_for and resolve required; return, extension_decision,
//     resolve:                   # close optional
//       limit: {amount: 5, unit: working_days, start: next_working_day}   # the default
//       max_extension: {amount: 10, unit: working_days}   # resolve only; or none
//       rules:                   # first match wins; each may set warnings, escalation too
//         - id: consult
//           match: {kind: 咨询, category: ..., urgency: ..., department: ...}
//           limit: {amount: 2, unit: working_days}
//
// Department codes in `match.department` are checked for syntax here and against routes.yaml
// by check_sla_departments.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/routing_config.h"
#include "gateway/core/sla_policy.h"

namespace gw {

struct SlaPolicyCheck {
  std::optional<SlaPolicy> policy;  // set exactly when errors is empty
  std::vector<ConfigError> errors;
  // Worth telling the admin, not refused: a kind that is not a reference appealType/eventType.
  std::vector<ConfigError> warnings;
};

SlaPolicyCheck check_sla_policy(std::string_view yaml_text, const std::string& file_name);
// Reads the file, then check_sla_policy. A file that cannot be read is one error.
SlaPolicyCheck check_sla_policy_file(const std::string& path);

// What needs both files: every department a rule matches on must be one of routes.yaml's.
// Errors point into the SLA file; empty when the two files agree.
std::vector<ConfigError> check_sla_departments(const SlaPolicy& policy,
                                               const RoutingConfig& routing);

}  // namespace gw
