// Loading the gateway and routing configuration for the commands, printing every problem.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "gateway/core/gateway_config.h"
#include "gateway/core/route_table.h"

namespace gw::app {

// Loads a routing file and builds its table. Prints warnings (e.g. rules that can never match)
// to err; on errors, prints each as "file:line:column: path: message" and returns nothing.
std::shared_ptr<const RouteTable> load_route_table(const std::string& path, std::ostream& err);

// What needs both files (a department topic that is also an input or the dead-letter topic).
// Prints the problems and returns false.
bool consistent(const GatewayConfig& gateway, const RoutingConfig& routing, std::ostream& err);

// Loads the gateway config; on problems prints them and returns nothing.
std::optional<GatewayConfig> load_gateway(const std::string& path, std::ostream& err);

}  // namespace gw::app
