// Turns gw::KafkaSettings into librdkafka configurations. Properties pass through as written,
// so TLS and SASL need no code: properties go to every client, consumer_properties and
// producer_properties to one kind each. The gateway's own defaults come first (an admin may
// override them); the few settings its correctness depends on come last and may not be changed.
#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <stdexcept>
#include <string>

#include "adapters/kafka/rdkafka_handles.h"
#include "gateway/core/gateway_config.h"

namespace gw {

// A Kafka client could not start: a property librdkafka rejected (the message names it), a
// combination it refused, a handle it could not create. Startup errors, not runtime ones.
class KafkaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gw

namespace gw::kafka {

enum class ClientRole {
  consumer,  // the pipeline's group consumer
  producer,  // the pipeline's idempotent producer
  reader,    // a consumer without a group that reads topics from the beginning (topic_io)
  admin,     // admin requests and one-off produces (topic_io)
};

using Properties = std::map<std::string, std::string>;

// Defaults, then settings.properties, then the role's own properties, then extra (for tools
// and tests), then the settings the role's correctness needs. Throws KafkaError naming the
// first property librdkafka rejects, or one that tries to change a required setting.
ConfHandle make_conf(const KafkaSettings& settings, ClientRole role, const Properties& extra = {});

// Creates the client; on failure throws KafkaError with librdkafka's reason (for a conflict
// between properties it names them). Takes ownership of conf.
KafkaHandle make_client(ConfHandle conf, ClientRole role);

// Sets one property or throws KafkaError naming it.
void set_property(rd_kafka_conf_t* conf, const std::string& name, const std::string& value);

}  // namespace gw::kafka
