// The webhooks' logic without sockets or Kafka: every status code of docs/http-api.md, with a
// stand-in writer that records what would go to Kafka and answers as told.
#include "adapters/http/webhook_service.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <sstream>

#include "adapters/http/request_signature.h"
#include "adapters/intake/input_decoders.h"
#include "gateway/core/route_table.h"

namespace gw::http {
namespace {

constexpr std::int64_t kNow = 1764200000;  // the service's clock, Unix seconds
constexpr char kSecret[] = "hotline-secret-0123456789";
constexpr char kDeptSecret[] = "housing-secret-0123456789";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string sample(const std::string& name) {
  return read_file(std::string(GW_SOURCE_DIR) + "/tests/reference-samples/" + name);
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

class FakeWriter : public RecordWriter {
 public:
  std::vector<kafka::WriteResult> write(const std::vector<OutRecord>& records,
                                        std::chrono::steady_clock::time_point) override {
    std::vector<kafka::WriteResult> results;
    for (const OutRecord& r : records) {
      written.push_back(r);
      results.push_back(kafka::WriteResult{answer, answer == kafka::WriteStatus::failed
                                                       ? "Local: Message timed out"
                                                       : ""});
    }
    return results;
  }
  std::vector<OutRecord> on(const std::string& topic) const {
    std::vector<OutRecord> out;
    for (const OutRecord& r : written) {
      if (r.topic == topic) out.push_back(r);
    }
    return out;
  }
  kafka::WriteStatus answer = kafka::WriteStatus::acknowledged;
  std::vector<OutRecord> written;
};

std::string header(const OutRecord& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

// Parses a JSON reply and returns one top-level string or number member as text.
std::string member(const std::string& json, const char* name) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(json);
  simdjson::dom::element v = doc[name];
  if (v.is_string()) return std::string(std::string_view(v));
  if (v.is_int64()) return std::to_string(int64_t(v));
  return simdjson::to_string(v);
}

class WebhookServiceTest : public ::testing::Test {
 protected:
  WebhookServiceTest() {
    config.internal_topic = "gw.cases";
    config.dead_letter_topic = "gw.dead-letter";
    config.updates_topic = "case-updates";
    config.http.max_body_bytes = 64 * 1024;
    config.http.max_batch_items = 3;
    HttpSender vendor;
    vendor.id = "hotline-a";
    vendor.secret = kSecret;
    vendor.may_post_hotline = true;
    vendor.rate_per_second = rate;
    vendor.burst = 100;
    HttpSender bureau;
    bureau.id = "housing";
    bureau.secret = kDeptSecret;
    bureau.may_post_updates = true;
    bureau.department = "housing";
    config.http.senders = {vendor, bureau};
  }

  WebhookService& service() {
    if (!service_) {
      auto routing = std::make_shared<RoutingConfig>();
      routing->departments.push_back(Department{"center", "指挥中心", "dept.center"});
      routing->default_department = "center";
      auto table = std::make_shared<const RouteTable>(routing);
      service_ = std::make_unique<WebhookService>(
          config, 6,
          [this, table] {
            auto p = std::make_unique<CaseProcessor>([table] { return table; },
                                                     config.dead_letter_topic);
            add_webhook_decoders(*p, config.http);
            return p;
          },
          writer, [this] { return now; }, [] { return EpochMs(1764200000000); });
    }
    return *service_;
  }

  // A request signed by `sender` with `secret` at `at`.
  WebhookRequest signed_request(const std::string& body, const char* sender = "hotline-a",
                                const char* secret = kSecret, std::int64_t at = kNow,
                                std::string content_type = "application/json") {
    stash.push_back(std::make_unique<std::string>(body));
    stash.push_back(std::make_unique<std::string>(std::to_string(at)));
    const std::string& ts = *stash.back();
    stash.push_back(std::make_unique<std::string>(sign_request(secret, ts, body)));
    const std::string& sig = *stash.back();
    stash.push_back(std::make_unique<std::string>(std::move(content_type)));
    return WebhookRequest{sender, ts, sig, *stash.back(), *stash[stash.size() - 4]};
  }

  GatewayConfig config;
  double rate = 0;
  std::int64_t now = kNow;
  FakeWriter writer;
  std::vector<std::unique_ptr<std::string>> stash;
  std::unique_ptr<WebhookService> service_;
};

const std::string kTicket = first_line(sample("hotline-tickets.jsonl"));

TEST_F(WebhookServiceTest, AcceptsASignedTicketOnlyOnceKafkaAcknowledgedIt) {
  HttpReply r = service().post_input(InputFormat::hotline, signed_request(kTicket));
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string case_id = member(r.body, "caseId");
  EXPECT_TRUE(case_id.starts_with("HL-")) << r.body;
  const std::vector<OutRecord> cases = writer.on("gw.cases");
  ASSERT_EQ(cases.size(), 1u);
  const OutRecord& forwarded = cases[0];
  EXPECT_EQ(forwarded.key, case_id);
  EXPECT_EQ(forwarded.value, kTicket);
  EXPECT_EQ(header(forwarded, "source.topic"), "http:hotline");
  EXPECT_EQ(header(forwarded, "source.sender"), "hotline-a");
  EXPECT_GE(forwarded.partition, 0);
  EXPECT_EQ(service().snapshot().accepted[WebhookCounts::kHotline], 1u);
}

TEST_F(WebhookServiceTest, NeverAnswers202WhenKafkaDidNotAcknowledge) {
  for (kafka::WriteStatus answer : {kafka::WriteStatus::timed_out, kafka::WriteStatus::failed}) {
    writer.answer = answer;
    HttpReply r = service().post_input(InputFormat::hotline, signed_request(kTicket));
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(r.content_type, "application/problem+json");
    EXPECT_EQ(member(r.body, "code"), "kafka_unavailable");
    ASSERT_EQ(r.headers.size(), 1u);
    EXPECT_EQ(r.headers[0].first, "Retry-After");
  }
}

TEST_F(WebhookServiceTest, RefusesUnsignedForgedTamperedAndStaleRequests) {
  WebhookRequest good = signed_request(kTicket);
  struct Case {
    const char* what;
    WebhookRequest request;
  };
  WebhookRequest no_sender = good;
  no_sender.sender = "";
  WebhookRequest unknown = good;
  unknown.sender = "someone-else";
  WebhookRequest forged = signed_request(kTicket, "hotline-a", "not-the-secret-at-all");
  WebhookRequest tampered = good;
  const std::string other_body = kTicket + " ";
  tampered.body = other_body;
  WebhookRequest no_signature = good;
  no_signature.signature = "";
  WebhookRequest expired = signed_request(kTicket, "hotline-a", kSecret, kNow - 301);
  WebhookRequest future = signed_request(kTicket, "hotline-a", kSecret, kNow + 301);
  for (const Case& c : {Case{"no sender", no_sender}, Case{"unknown sender", unknown},
                        Case{"forged", forged}, Case{"tampered body", tampered},
                        Case{"no signature", no_signature}, Case{"expired", expired},
                        Case{"from the future", future}}) {
    HttpReply r = service().post_input(InputFormat::hotline, c.request);
    EXPECT_EQ(r.status, 401) << c.what << ": " << r.body;
    EXPECT_EQ(member(r.body, "code"), "unauthenticated") << c.what;
  }
  EXPECT_TRUE(writer.written.empty()) << "nothing unauthenticated reaches Kafka";
}

TEST_F(WebhookServiceTest, AReplayOutsideTheWindowIsRefused) {
  WebhookRequest captured = signed_request(kTicket);
  EXPECT_EQ(service().post_input(InputFormat::hotline, captured).status, 202);
  now = kNow + 300;  // still inside the window: the same case id, suppressed when routed
  EXPECT_EQ(service().post_input(InputFormat::hotline, captured).status, 202);
  now = kNow + 301;
  HttpReply r = service().post_input(InputFormat::hotline, captured);
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(member(r.body, "detail").find("300"), std::string::npos) << r.body;
}

TEST_F(WebhookServiceTest, RefusesASenderOnAnEndpointItMayNotUse) {
  HttpReply r = service().post_input(InputFormat::grid, signed_request(kTicket));
  EXPECT_EQ(r.status, 403) << r.body;
  r = service().post_input(InputFormat::hotline,
                           signed_request(kTicket, "housing", kDeptSecret));
  EXPECT_EQ(r.status, 403) << r.body;
}

TEST_F(WebhookServiceTest, RefusesOtherMediaTypesAndCharsets) {
  for (const char* type : {"text/plain", "", "application/json; charset=latin1",
                           "application/xml"}) {
    HttpReply r = service().post_input(InputFormat::hotline,
                                       signed_request(kTicket, "hotline-a", kSecret, kNow, type));
    EXPECT_EQ(r.status, 415) << type << ": " << r.body;
  }
}

TEST_F(WebhookServiceTest, ReadsGbkAndForwardsUtf8) {
  const std::string gbk = sample("hotline-ticket.gbk.json");
  HttpReply r = service().post_input(
      InputFormat::hotline,
      signed_request(gbk, "hotline-a", kSecret, kNow, "application/json; charset=GBK"));
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string forwarded = writer.on("gw.cases").at(0).value;
  EXPECT_NE(forwarded.find("投诉"), std::string::npos) << "converted to UTF-8";
  // The same bytes declared as UTF-8 are not valid UTF-8.
  r = service().post_input(InputFormat::hotline, signed_request(gbk));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(member(r.body, "code"), "invalid_encoding");
}

TEST_F(WebhookServiceTest, MalformedBodiesAre400AndFieldProblems422AndBothAreDeadLettered) {
  struct Case {
    std::string body;
    int status;
    const char* code;
  };
  const std::string missing = sample("bad/missing-required.json");
  for (const Case& c : {Case{"", 400, "empty_input"}, Case{"{\"ticketNo\": ", 400, "malformed_json"},
                        Case{kTicket + " {}", 400, "trailing_data"},
                        Case{"\"just a string\"", 400, "not_an_object"},
                        Case{"{\"ticketNo\": \"x\xff\"}", 400, "invalid_encoding"},
                        Case{missing, 422, "missing_field"},
                        Case{sample("bad/wrong-types.json"), 422, "wrong_type"}}) {
    writer.written.clear();
    HttpReply r = service().post_input(InputFormat::hotline, signed_request(c.body));
    EXPECT_EQ(r.status, c.status) << c.body.substr(0, 40) << ": " << r.body;
    EXPECT_EQ(member(r.body, "code"), c.code) << r.body;
    const std::vector<OutRecord> dead_letters = writer.on("gw.dead-letter");
    ASSERT_EQ(dead_letters.size(), 1u) << c.code;
    const OutRecord& dead = dead_letters[0];
    EXPECT_EQ(header(dead, "error.code"), c.code);
    EXPECT_EQ(header(dead, "source.topic"), "http:hotline");
    EXPECT_EQ(header(dead, "source.sender"), "hotline-a");
    EXPECT_TRUE(writer.on("gw.cases").empty());
  }
}

TEST_F(WebhookServiceTest, ABatchGetsOneResultPerItem) {
  const std::string lines = sample("hotline-tickets.jsonl");
  std::vector<std::string> tickets;
  for (std::size_t at = 0; at < lines.size() && tickets.size() < 2;) {
    const std::size_t end = lines.find('\n', at);
    tickets.push_back(lines.substr(at, end - at));
    at = end + 1;
  }
  HttpReply all_good = service().post_input(
      InputFormat::hotline, signed_request("[" + tickets[0] + ",\n " + tickets[1] + "]"));
  EXPECT_EQ(all_good.status, 202) << all_good.body;
  EXPECT_EQ(writer.on("gw.cases").size(), 2u);

  HttpReply mixed = service().post_input(
      InputFormat::hotline, signed_request("[" + tickets[0] + ", 42, {\"ticketNo\": \"A-1\"}]"));
  EXPECT_EQ(mixed.status, 207) << mixed.body;
  simdjson::dom::parser parser;
  simdjson::dom::array results = parser.parse(mixed.body)["results"];
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(int64_t(results.at(0)["status"]), 202);
  EXPECT_EQ(int64_t(results.at(1)["status"]), 400);
  EXPECT_EQ(std::string_view(results.at(1)["problem"]["code"]), "not_an_object");
  EXPECT_EQ(int64_t(results.at(2)["status"]), 422);

  HttpReply too_many = service().post_input(
      InputFormat::hotline, signed_request("[" + tickets[0] + "," + tickets[0] + "," +
                                           tickets[0] + "," + tickets[0] + "]"));
  EXPECT_EQ(too_many.status, 413) << too_many.body;
  HttpReply empty = service().post_input(InputFormat::hotline, signed_request("[]"));
  EXPECT_EQ(empty.status, 422) << empty.body;

  writer.answer = kafka::WriteStatus::timed_out;
  HttpReply unwritten = service().post_input(InputFormat::hotline,
                                             signed_request("[" + tickets[0] + "]"));
  EXPECT_EQ(unwritten.status, 503) << unwritten.body;
}

TEST_F(WebhookServiceTest, ASenderOverItsRateGets429WithRetryAfter) {
  config.http.senders[0].rate_per_second = 1;
  config.http.senders[0].burst = 2;
  EXPECT_EQ(service().post_input(InputFormat::hotline, signed_request(kTicket)).status, 202);
  EXPECT_EQ(service().post_input(InputFormat::hotline, signed_request(kTicket)).status, 202);
  HttpReply r = service().post_input(InputFormat::hotline, signed_request(kTicket));
  EXPECT_EQ(r.status, 429) << r.body;
  ASSERT_FALSE(r.headers.empty());
  EXPECT_EQ(r.headers[0].first, "Retry-After");
  EXPECT_GE(std::stoi(r.headers[0].second), 1);
}

constexpr char kUpdate[] =
    R"({"updateId": "u-1", "caseId": "HL-0123456789abcdef01234567", "department": "housing",
        "action": "sign_for", "at": "2025-09-22 09:00:00"})";

TEST_F(WebhookServiceTest, AcceptsAStatusUpdateForItsOwnCaseAndDepartment) {
  HttpReply r = service().post_update("HL-0123456789abcdef01234567",
                                      signed_request(kUpdate, "housing", kDeptSecret));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(member(r.body, "updateId"), "u-1");
  const std::vector<OutRecord> updates = writer.on("case-updates");
  ASSERT_EQ(updates.size(), 1u);
  const OutRecord& written = updates[0];
  EXPECT_EQ(written.key, "HL-0123456789abcdef01234567");
  EXPECT_EQ(header(written, "update.id"), "u-1");
  EXPECT_NE(written.value.find("\"action\":\"sign_for\""), std::string::npos) << written.value;
}

TEST_F(WebhookServiceTest, RefusesUpdatesForAnotherCaseOrDepartmentOrWithoutTheirFields) {
  HttpReply other_case = service().post_update("HL-ffffffffffffffffffffffff",
                                               signed_request(kUpdate, "housing", kDeptSecret));
  EXPECT_EQ(other_case.status, 422) << other_case.body;
  EXPECT_EQ(member(other_case.body, "field"), "caseId");

  std::string other_department = kUpdate;
  other_department.replace(other_department.find("\"housing\""), 9, "\"water\"");
  HttpReply forbidden = service().post_update(
      "HL-0123456789abcdef01234567", signed_request(other_department, "housing", kDeptSecret));
  EXPECT_EQ(forbidden.status, 403) << forbidden.body;

  std::string a_return = kUpdate;
  a_return.replace(a_return.find("sign_for"), 8, "return");
  HttpReply no_reason = service().post_update("HL-0123456789abcdef01234567",
                                              signed_request(a_return, "housing", kDeptSecret));
  EXPECT_EQ(no_reason.status, 422) << no_reason.body;
  EXPECT_EQ(member(no_reason.body, "field"), "reason");

  HttpReply from_a_vendor =
      service().post_update("HL-0123456789abcdef01234567", signed_request(kUpdate));
  EXPECT_EQ(from_a_vendor.status, 403);
}

}  // namespace
}  // namespace gw::http
