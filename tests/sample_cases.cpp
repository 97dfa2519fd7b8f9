#include "tests/sample_cases.h"

#include <gtest/gtest.h>

#include <sstream>

#include "adapters/intake/input_decoders.h"
#include "gateway/app/config_loading.h"

namespace gw::test {

std::string source_path(const std::string& relative) {
  return std::string(GW_SOURCE_DIR) + "/" + relative;
}

ShippedConfig load_shipped_config() {
  std::ostringstream errors;
  auto gateway = app::load_gateway(source_path("config/gateway.yaml"), errors);
  EXPECT_TRUE(gateway.has_value()) << errors.str();
  ShippedConfig config;
  if (!gateway) return config;
  config.gateway = *gateway;
  config.routes = app::load_route_table(gateway->routing_file, errors);
  EXPECT_NE(config.routes, nullptr) << errors.str();
  return config;
}

std::unique_ptr<CaseProcessor> make_processor(const ShippedConfig& config) {
  auto table = config.routes;
  auto processor =
      std::make_unique<CaseProcessor>([table] { return table; }, config.gateway.dead_letter_topic);
  for (const InputSpec& input : config.gateway.inputs) {
    processor->add_input(input.topic, make_input_decoder(input));
  }
  return processor;
}

}  // namespace gw::test
