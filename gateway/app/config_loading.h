// Loading the gateway and routing configuration for the commands, printing every problem.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gateway/core/case_lifecycle.h"
#include "gateway/core/gateway_config.h"
#include "gateway/core/route_table.h"
#include "gateway/core/sla_deadline_policy.h"
#include "gateway/core/sla_policy.h"
#include "gateway/core/working_calendar.h"

namespace gw::app {

// Loads a routing file and builds its table. Prints warnings (e.g. rules that can never match)
// to err; on errors, prints each as "file:line:column: path: message" and returns nothing.
std::shared_ptr<const RouteTable> load_route_table(const std::string& path, std::ostream& err);

// What needs both files (a department topic that is also an input or the dead-letter topic).
// Prints the problems and returns false.
bool consistent(const GatewayConfig& gateway, const RoutingConfig& routing, std::ostream& err);

// Loads the gateway config; on problems prints them and returns nothing.
std::optional<GatewayConfig> load_gateway(const std::string& path, std::ostream& err);

// Everything the case lifecycle needs, loaded and checked. Immutable; shared by the threads
// that own case partitions.
struct Lifecycle {
  std::shared_ptr<const SlaPolicy> sla;
  std::shared_ptr<const WorkingCalendar> calendar;
  std::shared_ptr<const SlaDeadlinePolicy> policy;  // over sla and calendar
  LifecycleOptions options;                         // command_center resolved
  std::vector<std::string> calendar_files;          // the files read, in order
};

struct LifecycleCheck {
  std::optional<Lifecycle> lifecycle;  // set exactly when errors is empty
  // Every problem of sla.yaml, of every calendar file, and between them and the routing
  // file, as file:line:column: path: message. Nothing is thrown for bad admin YAML.
  std::vector<ConfigError> errors;
  std::vector<ConfigError> warnings;  // sla.yaml's (e.g. a kind no reference format has)
};

// Reads settings.sla_file and the settings.calendars folder, and checks them against the
// routing file: sla.yaml's departments (check_sla_departments) and the command center must be
// routing departments. routing may be nullptr (the routing file did not load): the files are
// still checked on their own, and the result carries no lifecycle.
LifecycleCheck check_lifecycle(const LifecycleSettings& settings, const RoutingConfig* routing);

// check_lifecycle, printing the warnings and, on errors, every error to err.
std::optional<Lifecycle> load_lifecycle(const LifecycleSettings& settings,
                                        const RoutingConfig& routing, std::ostream& err);

}  // namespace gw::app
