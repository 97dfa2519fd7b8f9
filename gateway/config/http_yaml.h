// Reads gateway.yaml's `http` section (docs/configuration.md, "http"; docs/http-api.md).
#pragma once

#include "gateway/config/yaml_reader.h"
#include "gateway/core/gateway_config.h"

namespace gw::config {

// Records every problem in diag; returns what could be read.
HttpSettings read_http(Diagnostics& diag, const Field& at);

}  // namespace gw::config
