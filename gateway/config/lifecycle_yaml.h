// Reads gateway.yaml's `lifecycle` section (docs/configuration.md, "lifecycle"). The files it
// names (sla.yaml, the calendar folder) are read by gateway/app/config_loading.h.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "gateway/config/yaml_reader.h"
#include "gateway/core/gateway_config.h"

namespace gw::config {

// A topic the gateway already writes, by its gateway.yaml key ("updates_topic").
using TakenTopic = std::pair<std::string_view, std::string>;

// Records every problem in diag; returns what could be read, with sla_file and calendars as
// written (the caller resolves them against the config file's folder). The lifecycle's topics
// may not be one of `taken` nor each other.
LifecycleSettings read_lifecycle(Diagnostics& diag, const Field& at,
                                 std::span<const TakenTopic> taken);

}  // namespace gw::config
