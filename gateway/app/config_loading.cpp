#include "gateway/app/config_loading.h"

#include "gateway/config/gateway_yaml.h"
#include "gateway/config/routes_yaml.h"

namespace gw::app {
namespace {

void print_errors(const std::vector<ConfigError>& errors, std::ostream& err) {
  for (const ConfigError& e : errors) err << e.to_string() << '\n';
  err << errors.size() << (errors.size() == 1 ? " problem" : " problems") << " found\n";
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

}  // namespace gw::app
