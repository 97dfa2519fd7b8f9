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
  auto loaded = load_routing_config(path);
  if (auto* errors = std::get_if<std::vector<ConfigError>>(&loaded)) {
    print_errors(*errors, err);
    return nullptr;
  }
  auto config = std::make_shared<const RoutingConfig>(std::get<RoutingConfig>(std::move(loaded)));
  return std::make_shared<const RouteTable>(config);
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
