// The routing stage's lifecycle wiring (adapters/kafka/case_gateway.h) from a loaded config:
// the SLA policy, the topics, and a status-update parser per stage. Shared by `gateway run`
// and the tests that run the whole gateway.
#pragma once

#include "adapters/kafka/case_gateway.h"
#include "gateway/app/config_loading.h"
#include "gateway/core/gateway_config.h"

namespace gw::app {

// gateway.lifecycle must be set (the section lifecycle was loaded from).
LifecycleWiring make_lifecycle_wiring(const GatewayConfig& gateway, const Lifecycle& lifecycle);

// A parser of department status updates (adapters/updates) for bytes without simdjson's
// padding (Kafka records): each update is copied into a buffer the parser reuses. One per
// thread.
UpdateParser make_update_parser();

}  // namespace gw::app
