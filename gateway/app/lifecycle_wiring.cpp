#include "gateway/app/lifecycle_wiring.h"

#include <simdjson.h>

#include <memory>
#include <string>

#include "adapters/updates/status_update_json.h"

namespace gw::app {

UpdateParser make_update_parser() {
  struct Reader {
    simdjson::ondemand::parser parser;
    std::string buffer;
  };
  return [reader = std::make_shared<Reader>()](std::string_view bytes) -> Result<StatusUpdate> {
    constexpr std::size_t kMaxUpdateBytes = std::size_t{1} << 20;
    if (bytes.size() > kMaxUpdateBytes) {
      return Refusal{RefusalCode::too_large, "",
                     std::to_string(bytes.size()) + " bytes, at most " +
                         std::to_string(kMaxUpdateBytes) + " for a status update"};
    }
    reader->buffer.reserve(bytes.size() + simdjson::SIMDJSON_PADDING);
    reader->buffer.assign(bytes);
    return updates::parse_status_update(
        reader->parser, simdjson::padded_string_view(reader->buffer.data(), bytes.size(),
                                                     reader->buffer.capacity()));
  };
}

LifecycleWiring make_lifecycle_wiring(const GatewayConfig& gateway, const Lifecycle& lifecycle) {
  LifecycleWiring w;
  w.policy = lifecycle.policy;
  w.options = lifecycle.options;
  w.events_topic = gateway.lifecycle->events_topic;
  w.supervision_topic = gateway.lifecycle->supervision_topic;
  w.update_topics = {gateway.updates_topic};
  w.make_update_parser = make_update_parser;
  return w;
}

}  // namespace gw::app
