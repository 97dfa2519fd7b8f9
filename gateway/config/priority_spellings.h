// How admins may write a priority in YAML: the gateway's English names or the hotline's own
// 一般/紧急/特急. Shared by gateway.yaml (severity_priority) and routes.yaml (urgency).
#pragma once

#include <array>

#include "gateway/config/yaml_reader.h"
#include "gateway/core/case.h"

namespace gw::config {

inline constexpr std::array<EnumSpelling<Priority>, 6> kPrioritySpellings{{
    {"normal", Priority::normal},
    {"urgent", Priority::urgent},
    {"critical", Priority::critical},
    {"一般", Priority::normal},
    {"紧急", Priority::urgent},
    {"特急", Priority::critical},
}};

}  // namespace gw::config
