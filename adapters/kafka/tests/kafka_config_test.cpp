#include "adapters/kafka/kafka_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <string>

namespace gw::kafka {
namespace {

using ::testing::HasSubstr;

std::string get(rd_kafka_conf_t* conf, const char* name) {
  std::array<char, 512> buf{};
  std::size_t size = buf.size();
  if (rd_kafka_conf_get(conf, name, buf.data(), &size) != RD_KAFKA_CONF_OK) return "<unset>";
  return buf.data();
}

KafkaSettings settings() {
  KafkaSettings s;
  s.brokers = "kafka-1:9092,kafka-2:9092";
  s.group_id = "gateway-test";
  return s;
}

TEST(KafkaConfig, ConsumerGetsGroupBrokersAndManualOffsetStore) {
  ConfHandle conf = make_conf(settings(), ClientRole::consumer);
  EXPECT_EQ(get(conf.get(), "bootstrap.servers"), "kafka-1:9092,kafka-2:9092");
  EXPECT_EQ(get(conf.get(), "group.id"), "gateway-test");
  EXPECT_EQ(get(conf.get(), "enable.auto.offset.store"), "false");
  EXPECT_EQ(get(conf.get(), "enable.auto.commit"), "true");
  EXPECT_EQ(get(conf.get(), "auto.offset.reset"), "smallest");  // librdkafka's "earliest"
  EXPECT_EQ(get(conf.get(), "partition.assignment.strategy"), "cooperative-sticky");
}

TEST(KafkaConfig, ProducerIsIdempotentWithAcksAll) {
  ConfHandle conf = make_conf(settings(), ClientRole::producer);
  EXPECT_EQ(get(conf.get(), "enable.idempotence"), "true");
  EXPECT_EQ(get(conf.get(), "acks"), "-1");  // librdkafka's spelling of "all"
}

TEST(KafkaConfig, SharedAndRoleSpecificPropertiesPassThrough) {
  KafkaSettings s = settings();
  s.properties["security.protocol"] = "sasl_plaintext";
  s.properties["sasl.mechanisms"] = "SCRAM-SHA-256";
  s.consumer_properties["session.timeout.ms"] = "12000";
  s.producer_properties["linger.ms"] = "20";
  ConfHandle consumer = make_conf(s, ClientRole::consumer);
  ConfHandle producer = make_conf(s, ClientRole::producer);
  EXPECT_EQ(get(consumer.get(), "security.protocol"), "sasl_plaintext");
  EXPECT_EQ(get(producer.get(), "security.protocol"), "sasl_plaintext");
  EXPECT_EQ(get(producer.get(), "sasl.mechanisms"), "SCRAM-SHA-256");
  EXPECT_EQ(get(consumer.get(), "session.timeout.ms"), "12000");
  EXPECT_EQ(get(producer.get(), "session.timeout.ms"), "45000");  // librdkafka's default
  EXPECT_EQ(get(producer.get(), "linger.ms"), "20");
  EXPECT_EQ(get(consumer.get(), "linger.ms"), "5");  // the gateway default
}

TEST(KafkaConfig, AdminMayOverrideDefaults) {
  KafkaSettings s = settings();
  s.consumer_properties["auto.offset.reset"] = "latest";
  ConfHandle conf = make_conf(s, ClientRole::consumer);
  EXPECT_EQ(get(conf.get(), "auto.offset.reset"), "largest");  // librdkafka's "latest"
}

TEST(KafkaConfig, UnknownPropertyIsAnErrorNamingIt) {
  KafkaSettings s = settings();
  s.properties["sasl.mechanizm"] = "PLAIN";
  try {
    make_conf(s, ClientRole::producer);
    FAIL() << "no error";
  } catch (const KafkaError& e) {
    EXPECT_THAT(e.what(), HasSubstr("\"sasl.mechanizm\""));
  }
}

TEST(KafkaConfig, InvalidValueIsAnErrorNamingTheProperty) {
  KafkaSettings s = settings();
  s.consumer_properties["auto.offset.reset"] = "sometimes";
  try {
    make_conf(s, ClientRole::consumer);
    FAIL() << "no error";
  } catch (const KafkaError& e) {
    EXPECT_THAT(e.what(), HasSubstr("\"auto.offset.reset\""));
  }
}

TEST(KafkaConfig, RequiredSettingsCannotBeChanged) {
  KafkaSettings s = settings();
  s.consumer_properties["enable.auto.offset.store"] = "true";
  EXPECT_THROW(make_conf(s, ClientRole::consumer), KafkaError);
  KafkaSettings p = settings();
  p.properties["enable.idempotence"] = "false";
  try {
    make_conf(p, ClientRole::producer);
    FAIL() << "no error";
  } catch (const KafkaError& e) {
    EXPECT_THAT(e.what(), HasSubstr("\"enable.idempotence\""));
  }
}

TEST(KafkaConfig, RequiredSettingsMayBeSpelledAnyWayLibrdkafkaAccepts) {
  KafkaSettings s = settings();
  s.producer_properties["enable.idempotence"] = "True";
  ConfHandle conf = make_conf(s, ClientRole::producer);
  EXPECT_EQ(get(conf.get(), "enable.idempotence"), "true");
}

TEST(KafkaConfig, ConflictingPropertiesFailAtClientCreationNamingThem) {
  KafkaSettings s = settings();
  s.producer_properties["acks"] = "1";  // idempotence needs acks=all
  ConfHandle conf = make_conf(s, ClientRole::producer);
  try {
    make_client(std::move(conf), ClientRole::producer);
    FAIL() << "no error";
  } catch (const KafkaError& e) {
    EXPECT_THAT(e.what(), HasSubstr("acks"));
  }
}

}  // namespace
}  // namespace gw::kafka
