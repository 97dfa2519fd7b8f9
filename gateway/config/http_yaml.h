// Reads gateway.yaml's `http` section (docs/configuration.md, "http"; docs/http-api.md).
#pragma once

#include "gateway/config/yaml_reader.h"
#include "gateway/core/gateway_config.h"

namespace gw::config {

// How grid severities 1-4 map to priorities ({3: urgent, ...}), for grid inputs and for
// grid reports posted to the webhooks. Records each problem; keeps defaults for the rest.
void read_severity_priority(Diagnostics& diag, const Field& at, GridOptions& grid);

// Records every problem in diag; returns what could be read.
HttpSettings read_http(Diagnostics& diag, const Field& at);

}  // namespace gw::config
