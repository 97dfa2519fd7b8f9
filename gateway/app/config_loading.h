// Loading the gateway and routing configuration for the commands, printing every problem.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "gateway/core/gateway_config.h"
#include "gateway/core/route_table.h"

namespace gw::app {

// Loads a routing file and builds its table. On problems, prints each as
// "file:line:column: path: message" to err and returns nothing.
std::shared_ptr<const RouteTable> load_route_table(const std::string& path, std::ostream& err);

// Loads the gateway config; on problems prints them and returns nothing.
std::optional<GatewayConfig> load_gateway(const std::string& path, std::ostream& err);

}  // namespace gw::app
