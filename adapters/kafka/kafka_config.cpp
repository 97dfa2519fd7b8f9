#include "adapters/kafka/kafka_config.h"

#include <spdlog/spdlog.h>

#include <array>
#include <string_view>
#include <utility>
#include <vector>

namespace gw::kafka {
namespace {

// Routes librdkafka's own log lines (broker state, rebalances) to spdlog. Called from
// librdkafka's internal threads; spdlog's default logger is thread-safe. librdkafka logs
// topics and brokers, never payloads, so no personal data passes through here.
void log_to_spdlog(const rd_kafka_t* rk, int level, const char* facility, const char* buf) {
  spdlog::level::level_enum lvl = spdlog::level::debug;
  if (level <= 3) {
    lvl = spdlog::level::err;
  } else if (level == 4) {
    lvl = spdlog::level::warn;
  } else if (level <= 6) {
    lvl = spdlog::level::info;
  }
  spdlog::log(lvl, "librdkafka {} {}: {}", rd_kafka_name(rk), facility, buf);
}

Properties defaults_for(const KafkaSettings& settings, ClientRole role) {
  Properties p;
  p["client.id"] = "case-gateway";
  if (!settings.brokers.empty()) {
    p["bootstrap.servers"] = settings.brokers;
  }
  switch (role) {
    case ClientRole::consumer:
      p["group.id"] = settings.group_id;
      p["auto.offset.reset"] = "earliest";  // a new group must not skip tickets already waiting
      p["enable.auto.commit"] = "true";     // commits the offsets the pipeline stored
      // Every second rather than librdkafka's 5 s: after a crash the next owner redoes at
      // most about a second of acknowledged work (the repeats the fault tests count).
      p["auto.commit.interval.ms"] = "1000";
      p["enable.partition.eof"] = "false";
      // Incremental rebalancing: only partitions that move are revoked, and they are revoked
      // (drained, committed) while the group is stable (docs/kafka.md).
      p["partition.assignment.strategy"] = "cooperative-sticky";
      break;
    case ClientRole::producer:
      p["acks"] = "all";
      p["linger.ms"] = "5";
      break;
    case ClientRole::reader:
      p["auto.offset.reset"] = "earliest";
      p["enable.auto.commit"] = "false";
      p["enable.partition.eof"] = "false";
      break;
    case ClientRole::admin:
      p["acks"] = "all";
      break;
  }
  return p;
}

struct RequiredSetting {
  std::string_view name;
  std::string_view value;
  std::string_view why;
};

constexpr RequiredSetting kManualOffsetStore{
    "enable.auto.offset.store", "false",
    "an input offset is stored only once all its outputs are acknowledged"};
constexpr RequiredSetting kIdempotence{
    "enable.idempotence", "true", "retried produce requests must not duplicate or reorder cases"};

// Settings the pipeline's at-least-once guarantee depends on (docs/kafka.md).
std::vector<RequiredSetting> required_for(ClientRole role) {
  switch (role) {
    case ClientRole::consumer:
    case ClientRole::reader:
      return {kManualOffsetStore};
    case ClientRole::producer:
      return {kIdempotence};
    case ClientRole::admin:
      return {};
  }
  return {};
}

bool is_consumer(ClientRole role) {
  return role == ClientRole::consumer || role == ClientRole::reader;
}

}  // namespace

void set_property(rd_kafka_conf_t* conf, const std::string& name, const std::string& value) {
  std::array<char, 512> err{};
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), err.data(), err.size()) !=
      RD_KAFKA_CONF_OK) {
    throw KafkaError("kafka property \"" + name + "\": " + err.data());
  }
}

ConfHandle make_conf(const KafkaSettings& settings, ClientRole role, const Properties& extra) {
  ConfHandle conf(rd_kafka_conf_new());
  rd_kafka_conf_set_log_cb(conf.get(), &log_to_spdlog);

  Properties merged = defaults_for(settings, role);
  auto merge = [&merged](const Properties& from) {
    for (const auto& [k, v] : from) {
      merged[k] = v;
    }
  };
  merge(settings.properties);
  merge(is_consumer(role) ? settings.consumer_properties : settings.producer_properties);
  merge(extra);
  for (const auto& [name, value] : merged) {
    set_property(conf.get(), name, value);
  }
  for (const RequiredSetting& required : required_for(role)) {
    const std::string name(required.name);
    if (merged.count(name) == 0) {
      set_property(conf.get(), name, std::string(required.value));
      continue;
    }
    // Read back what librdkafka made of the admin's value ("1", "True" and "true" are alike).
    std::array<char, 64> actual{};
    std::size_t size = actual.size();
    rd_kafka_conf_get(conf.get(), name.c_str(), actual.data(), &size);
    if (required.value != actual.data()) {
      throw KafkaError("kafka property \"" + name + "\": must be \"" + std::string(required.value) +
                       "\" (" + std::string(required.why) + "), not \"" + merged[name] + "\"");
    }
  }
  return conf;
}

KafkaHandle make_client(ConfHandle conf, ClientRole role) {
  std::array<char, 512> err{};
  rd_kafka_type_t type = is_consumer(role) ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER;
  // On success rd_kafka_new takes the configuration; on failure it stays ours.
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), err.data(), err.size());
  if (rk == nullptr) {
    throw KafkaError(std::string("kafka client: ") + err.data());
  }
  (void)conf.release();
  return KafkaHandle(rk);
}

}  // namespace gw::kafka
