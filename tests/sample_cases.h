// Runs the shipped configuration over the shipped samples with the pipeline's CaseProcessor:
// the fixture the schema and accounting tests share.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gateway/app/sample_feed.h"
#include "gateway/core/gateway_config.h"
#include "gateway/core/route_table.h"
#include "gateway/pipeline/case_processor.h"

namespace gw::test {

std::string source_path(const std::string& relative);

struct ShippedConfig {
  GatewayConfig gateway;
  std::shared_ptr<const RouteTable> routes;
};

// config/gateway.yaml and the routing file it names; fails the test on any config error.
ShippedConfig load_shipped_config();

// A processor with a decoder for every input of the config.
std::unique_ptr<CaseProcessor> make_processor(const ShippedConfig& config);

}  // namespace gw::test
