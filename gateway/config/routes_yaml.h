// Loads config/routes.yaml into a RoutingConfig, checking everything at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gateway/core/routing_config.h"

namespace gw {

// Parses and validates. On any problem returns every problem found (never just the first),
// each with file:line:column, the key path and what is wrong. Unknown keys are errors.
std::variant<RoutingConfig, std::vector<ConfigError>> parse_routing_config(
    std::string_view yaml_text, const std::string& file_name);

// Reads the file, then parse_routing_config. A file that cannot be read is one ConfigError.
std::variant<RoutingConfig, std::vector<ConfigError>> load_routing_config(const std::string& path);

// The full verdict on a routing file: errors refuse it; warnings do not, but an admin should
// see them (a rule that can never match because an earlier rule covers every case it would
// take; a street or community that is not in the regions directory).
struct RoutingConfigCheck {
  std::optional<RoutingConfig> config;  // set exactly when errors is empty
  std::vector<ConfigError> errors;
  std::vector<ConfigError> warnings;
};

// Like parse_routing_config / load_routing_config, with the warnings.
RoutingConfigCheck check_routing_config(std::string_view yaml_text, const std::string& file_name);
RoutingConfigCheck check_routing_config_file(const std::string& path);

}  // namespace gw
