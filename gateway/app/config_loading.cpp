#include "gateway/app/config_loading.h"

#include <algorithm>
#include <iterator>

#include "gateway/config/calendar_yaml.h"
#include "gateway/config/did_you_mean.h"
#include "gateway/config/gateway_yaml.h"
#include "gateway/config/routes_yaml.h"
#include "gateway/config/sla_yaml.h"

namespace gw::app {
namespace {

void print_errors(const std::vector<ConfigError>& errors, std::ostream& err) {
  for (const ConfigError& e : errors) err << e.to_string() << '\n';
  err << errors.size() << (errors.size() == 1 ? " problem" : " problems") << " found\n";
}

void append(std::vector<ConfigError>& to, std::vector<ConfigError> from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

// The command center must be a routing department; "" is the routing file's default.
std::optional<ConfigError> command_center_problem(const LifecycleSettings& settings,
                                                  const RoutingConfig& routing) {
  if (settings.command_center.empty() || routing.department(settings.command_center) != nullptr) {
    return std::nullopt;
  }
  std::vector<std::string_view> known;
  for (const Department& d : routing.departments) known.push_back(d.code);
  std::string message = "unknown department \"" + settings.command_center + "\"";
  if (const auto suggestion = config::closest_match(settings.command_center, known)) {
    message += " (did you mean \"" + std::string(*suggestion) + "\"?)";
  }
  message += ": not a department of " + routing.file;
  return ConfigError{settings.command_center_pos, "lifecycle.command_center", std::move(message)};
}

}  // namespace

std::shared_ptr<const RouteTable> load_route_table(const std::string& path, std::ostream& err) {
  RoutingConfigCheck checked = check_routing_config_file(path);
  for (const ConfigError& w : checked.warnings) err << "warning: " << w.to_string() << '\n';
  if (!checked.errors.empty()) {
    print_errors(checked.errors, err);
    return nullptr;
  }
  auto config = std::make_shared<const RoutingConfig>(std::move(*checked.config));
  return std::make_shared<const RouteTable>(config);
}

bool consistent(const GatewayConfig& gateway, const RoutingConfig& routing, std::ostream& err) {
  std::vector<ConfigError> errors = check_topics_against_routing(gateway, routing);
  if (errors.empty()) return true;
  print_errors(errors, err);
  return false;
}

std::optional<GatewayConfig> load_gateway(const std::string& path, std::ostream& err) {
  auto loaded = load_gateway_config(path);
  if (auto* errors = std::get_if<std::vector<ConfigError>>(&loaded)) {
    print_errors(*errors, err);
    return std::nullopt;
  }
  return std::get<GatewayConfig>(std::move(loaded));
}

LifecycleCheck check_lifecycle(const LifecycleSettings& settings, const RoutingConfig* routing) {
  LifecycleCheck check;
  SlaPolicyCheck sla = check_sla_policy_file(settings.sla_file);
  append(check.errors, std::move(sla.errors));
  check.warnings = std::move(sla.warnings);
  CalendarCheck calendar = load_calendar_folder(settings.calendars);
  append(check.errors, std::move(calendar.errors));
  if (routing != nullptr) {
    if (sla.policy) append(check.errors, check_sla_departments(*sla.policy, *routing));
    if (auto problem = command_center_problem(settings, *routing)) {
      check.errors.push_back(std::move(*problem));
    }
  }
  if (!check.errors.empty() || routing == nullptr || !sla.policy || !calendar.calendar) {
    return check;
  }
  Lifecycle& lifecycle = check.lifecycle.emplace();
  lifecycle.sla = std::make_shared<const SlaPolicy>(std::move(*sla.policy));
  lifecycle.calendar = std::make_shared<const WorkingCalendar>(std::move(*calendar.calendar));
  lifecycle.policy = std::make_shared<const SlaDeadlinePolicy>(lifecycle.sla, lifecycle.calendar);
  lifecycle.calendar_files = std::move(calendar.files);
  LifecycleOptions& options = lifecycle.options;
  options.command_center =
      settings.command_center.empty() ? routing->default_department : settings.command_center;
  options.max_returns = settings.max_returns;
  options.applied_ids_window = settings.applied_ids_window;
  options.resolve_clock = settings.resolve_clock;
  return check;
}

std::optional<Lifecycle> load_lifecycle(const LifecycleSettings& settings,
                                        const RoutingConfig& routing, std::ostream& err) {
  LifecycleCheck check = check_lifecycle(settings, &routing);
  for (const ConfigError& w : check.warnings) err << "warning: " << w.to_string() << '\n';
  if (!check.errors.empty()) print_errors(check.errors, err);
  return std::move(check.lifecycle);
}

}  // namespace gw::app
