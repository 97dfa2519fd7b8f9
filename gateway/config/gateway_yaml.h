// Loads config/gateway.yaml into a GatewayConfig, checking everything at once.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gateway/core/gateway_config.h"

namespace gw {

// Parses and validates; routing_file (and the lifecycle's sla_file and calendars) are resolved
// against the folder of file_name. The lifecycle's files are not read here.
// Every problem is reported (file:line:column, key path, what is wrong); unknown keys are errors.
std::variant<GatewayConfig, std::vector<ConfigError>> parse_gateway_config(
    std::string_view yaml_text, const std::string& file_name);

std::variant<GatewayConfig, std::vector<ConfigError>> load_gateway_config(const std::string& path);

// What needs both files: a department topic that is also an input topic (the gateway would
// read back the cases it routes) or the dead-letter topic. Errors point at the department
// (path "departments[<i>].topic"); empty when the two files agree.
std::vector<ConfigError> check_topics_against_routing(const GatewayConfig& gateway,
                                                      const RoutingConfig& routing);

}  // namespace gw
