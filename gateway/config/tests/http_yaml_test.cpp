// gateway.yaml's http section: what it reads, and each problem it reports.
#include <gtest/gtest.h>

#include <string>

#include "gateway/config/gateway_yaml.h"

namespace gw {
namespace {

std::string with_http(const std::string& http) {
  return "version: 1\ninputs: [{topic: t, format: hotline}]\nhttp:\n" + http;
}

std::vector<ConfigError> errors_of(const std::string& yaml) {
  auto parsed = parse_gateway_config(yaml, "gateway.yaml");
  if (auto* errors = std::get_if<std::vector<ConfigError>>(&parsed)) return *errors;
  return {};
}

TEST(HttpYaml, ReadsEverySetting) {
  auto parsed = parse_gateway_config(with_http(R"(  listen: "[::1]:8443"
  admin_token: ${GATEWAY_ADMIN_TOKEN}
  tls_certificate: /etc/gw/tls.crt
  tls_private_key: /etc/gw/tls.key
  max_body_bytes: 2048
  max_batch_items: 10
  request_timeout_ms: 2500
  signature_window_s: 60
  threads: 16
  linger_ms: 0
  severity_priority: {4: urgent}
  senders:
    - {id: vendor, secret: "${VENDOR_SECRET}", may_post: [hotline, grid], rate_per_second: 50}
    - {id: housing, secret: a-literal-secret-of-20, may_post: updates, department: housing, burst: 5}
)"),
                                     "gateway.yaml");
  ASSERT_TRUE(std::holds_alternative<GatewayConfig>(parsed));
  const HttpSettings& h = std::get<GatewayConfig>(parsed).http;
  EXPECT_EQ(h.host, "::1");
  EXPECT_EQ(h.port, 8443);
  EXPECT_EQ(h.admin_token, "${GATEWAY_ADMIN_TOKEN}");
  EXPECT_EQ(h.tls_certificate, "/etc/gw/tls.crt");
  EXPECT_EQ(h.max_body_bytes, 2048u);
  EXPECT_EQ(h.max_batch_items, 10u);
  EXPECT_EQ(h.request_timeout_ms, 2500);
  EXPECT_EQ(h.signature_window_s, 60);
  EXPECT_EQ(h.threads, 16);
  EXPECT_EQ(h.linger_ms, 0);
  EXPECT_EQ(h.grid.severity_priority[4], Priority::urgent);
  ASSERT_EQ(h.senders.size(), 2u);
  EXPECT_TRUE(h.senders[0].may_post_hotline && h.senders[0].may_post_grid);
  EXPECT_FALSE(h.senders[0].may_post_updates);
  EXPECT_EQ(h.senders[0].rate_per_second, 50);
  EXPECT_EQ(h.senders[0].burst, 50) << "burst defaults to the rate";
  EXPECT_TRUE(h.senders[1].may_post_updates);
  EXPECT_EQ(h.senders[1].department, "housing");
  EXPECT_EQ(h.senders[1].burst, 5);
}

TEST(HttpYaml, IsOffByDefault) {
  auto parsed = parse_gateway_config("version: 1\ninputs: [{topic: t, format: hotline}]\n",
                                     "gateway.yaml");
  ASSERT_TRUE(std::holds_alternative<GatewayConfig>(parsed));
  EXPECT_TRUE(std::get<GatewayConfig>(parsed).http.listen.empty());
  EXPECT_EQ(std::get<GatewayConfig>(parsed).updates_topic, "case-updates");
}

struct Problem {
  const char* name;
  std::string http;
  std::string path;
  std::string message_part;
};

class HttpYamlProblem : public testing::TestWithParam<Problem> {};

TEST_P(HttpYamlProblem, IsReportedWithItsPath) {
  const std::vector<ConfigError> errors = errors_of(with_http(GetParam().http));
  ASSERT_EQ(errors.size(), 1u) << GetParam().name;
  EXPECT_EQ(errors[0].path, GetParam().path);
  EXPECT_NE(errors[0].message.find(GetParam().message_part), std::string::npos)
      << errors[0].message;
  EXPECT_GE(errors[0].pos.line, 3);
}

const std::string kToken = "  admin_token: ${T}\n";

INSTANTIATE_TEST_SUITE_P(
    Table, HttpYamlProblem,
    testing::Values(
        Problem{"NoPort", "  listen: localhost\n" + kToken, "http.listen", "host:port"},
        Problem{"PortTooBig", "  listen: 0.0.0.0:70000\n" + kToken, "http.listen", "1 to 65535"},
        Problem{"NoAdminToken", "  listen: 127.0.0.1:8080\n", "http", "admin_token is required"},
        Problem{"ShortLiteralToken", "  listen: 127.0.0.1:8080\n  admin_token: short\n",
                "http.admin_token", "at least 16"},
        Problem{"HalfTls", "  tls_certificate: /x.crt\n", "http.tls_certificate",
                "both tls_certificate and tls_private_key"},
        Problem{"DuplicateSender",
                "  senders:\n    - {id: a, secret: \"${A}\", may_post: [grid]}\n"
                "    - {id: a, secret: \"${B}\", may_post: [grid]}\n",
                "http.senders[1]", "duplicate sender id \"a\""},
        Problem{"UnknownRight", "  senders: [{id: a, secret: \"${A}\", may_post: [tickets]}]\n",
                "http.senders[0].may_post", "unknown value \"tickets\""},
        Problem{"ShortLiteralSecret", "  senders: [{id: a, secret: abc, may_post: [grid]}]\n",
                "http.senders[0].secret", "at least 16"},
        Problem{"DepartmentWithoutUpdates",
                "  senders: [{id: a, secret: \"${A}\", may_post: [grid], department: housing}]\n",
                "http.senders[0].department", "may not post updates"},
        Problem{"NegativeRate",
                "  senders: [{id: a, secret: \"${A}\", may_post: [grid], rate_per_second: -1}]\n",
                "http.senders[0].rate_per_second", "from 0 to 1000000"},
        Problem{"MissingSecret", "  senders: [{id: a, may_post: [grid]}]\n", "http.senders[0].secret",
                "missing required key \"secret\""},
        Problem{"ZeroTimeout", "  request_timeout_ms: 0\n", "http.request_timeout_ms", ""}),
    [](const testing::TestParamInfo<Problem>& info) { return info.param.name; });

TEST(HttpYaml, UpdatesTopicMustBeItsOwn) {
  const auto errors = errors_of(
      "version: 1\ndead_letter_topic: dlq\nupdates_topic: dlq\n"
      "inputs: [{topic: t, format: hotline}]\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "updates_topic");
  const auto as_input = errors_of(
      "version: 1\nupdates_topic: t\ninputs: [{topic: t, format: hotline}]\n");
  ASSERT_EQ(as_input.size(), 1u);
  EXPECT_NE(as_input[0].message.find("updates_topic"), std::string::npos) << as_input[0].message;
}

}  // namespace
}  // namespace gw
