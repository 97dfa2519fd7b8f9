// The listener on a real socket (cpp-httplib client against server): routing, the errors
// cpp-httplib answers by itself turned into problem+json, the admin token, the observer.
#include "adapters/http/http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>

#include "adapters/http/problem_json.h"
#include "adapters/http/request_signature.h"
#include "gateway/core/route_table.h"

namespace gw::http {
namespace {

constexpr char kToken[] = "admin-token-0123456789";
constexpr char kSecret[] = "hotline-secret-0123456789";

class NullWriter : public RecordWriter {
 public:
  std::vector<kafka::WriteResult> write(const std::vector<OutRecord>& records,
                                        std::chrono::steady_clock::time_point) override {
    return std::vector<kafka::WriteResult>(
        records.size(), kafka::WriteResult{kafka::WriteStatus::acknowledged, {}});
  }
};

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() {
    config.internal_topic = "gw.cases";
    config.http.host = "127.0.0.1";
    config.http.port = 0;
    config.http.threads = 4;
    config.http.max_body_bytes = 4096;
    config.http.admin_token = kToken;
    HttpSender vendor;
    vendor.id = "hotline-a";
    vendor.secret = kSecret;
    vendor.may_post_hotline = true;
    config.http.senders = {vendor};
    auto routing = std::make_shared<RoutingConfig>();
    routing->departments.push_back(Department{"center", "指挥中心", "dept.center"});
    routing->default_department = "center";
    auto table = std::make_shared<const RouteTable>(routing);
    webhooks = std::make_unique<WebhookService>(config, 6, [this, table] {
      auto p = std::make_unique<CaseProcessor>([table] { return table; }, "dlq");
      add_webhook_decoders(*p, config.http);
      return p;
    }, writer);
    AdminHandlers admin;
    admin.readyz = [] { return HttpReply{200, "application/json", "{\"status\":\"ready\"}", {}}; };
    admin.metrics = [] { return HttpReply{200, "text/plain", "gateway_up 1\n", {}}; };
    admin.routes = [] { return HttpReply{200, "application/json", "{}", {}}; };
    admin.explain = [](std::string_view, std::string_view) {
      return HttpReply{200, "application/json", "{}", {}};
    };
    admin.reload = [] { return HttpReply{200, "application/json", "{\"result\":\"ok\"}", {}}; };
    admin.case_view = [this](std::string_view case_id) {
      std::lock_guard lock(mutex);
      case_ids.emplace_back(case_id);
      if (case_id != "HL-0123456789abcdef01234567") {
        return problem_reply(problem_for(404, "not_found", "no such case"));
      }
      return HttpReply{200, "application/json", "{\"caseId\":\"HL-0123456789abcdef01234567\"}", {}};
    };
    admin.stats = [this](const std::multimap<std::string, std::string>& query) {
      std::lock_guard lock(mutex);
      stats_queries.push_back(query);
      if (query.find("from") == query.end()) {
        return problem_reply(problem_for(400, "bad_query", "from: missing_field: required"));
      }
      return HttpReply{200, "application/json", "{\"by\":\"department\"}", {}};
    };
    server = std::make_unique<HttpServer>(config.http, *webhooks, admin,
                                          [this](std::string_view endpoint, int status, double) {
                                            std::lock_guard lock(mutex);
                                            observed.emplace_back(std::string(endpoint), status);
                                          });
    server->start();
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
  }

  GatewayConfig config;
  NullWriter writer;
  std::unique_ptr<WebhookService> webhooks;
  std::unique_ptr<HttpServer> server;
  std::unique_ptr<httplib::Client> client;
  std::mutex mutex;
  std::vector<std::pair<std::string, int>> observed;
  std::vector<std::string> case_ids;
  std::vector<std::multimap<std::string, std::string>> stats_queries;
};

TEST_F(HttpServerTest, HealthNeedsNoTokenButAdminEndpointsDo) {
  auto health = client->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  for (const char* path : {"/metrics", "/v1/routes"}) {
    auto refused = client->Get(path);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 401) << path;
    EXPECT_EQ(refused->get_header_value("WWW-Authenticate"), "Bearer");
    EXPECT_EQ(refused->get_header_value("Content-Type"), "application/problem+json");
    auto wrong = client->Get(path, {{"Authorization", "Bearer admin-token-0123456780"}});
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 401) << path;
    auto allowed = client->Get(path, {{"Authorization", std::string("Bearer ") + kToken}});
    ASSERT_TRUE(allowed);
    EXPECT_EQ(allowed->status, 200) << path;
  }
  auto reload = client->Post("/admin/reload", {{"Authorization", std::string("Bearer ") + kToken}},
                             "", "application/json");
  ASSERT_TRUE(reload);
  EXPECT_EQ(reload->status, 200);
}

// A burst of senders connecting at once is accepted at once. cpp-httplib 0.11 alone listens
// with a backlog of 5: on loopback the handshakes of a connect() burst complete faster than
// its accept thread takes them, the queue overflows, and the kernel drops the extra SYNs
// (the senders retry after 1 s). HttpServer widens the queue, so every connection is
// established well before the first retransmit.
TEST_F(HttpServerTest, ABurstOfConnectionsIsAcceptedWithoutSynRetries) {
  constexpr int kConnections = 300;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(server->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::vector<pollfd> fds;
  for (int i = 0; i < kConnections; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ASSERT_GE(fd, 0);
    const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    ASSERT_TRUE(rc == 0 || errno == EINPROGRESS) << std::strerror(errno);
    fds.push_back(pollfd{fd, POLLOUT, 0});
  }
  // Established within 500 ms (a dropped SYN is retried after 1 s).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  std::size_t established = 0;
  std::vector<bool> done(fds.size(), false);
  while (established < fds.size() && std::chrono::steady_clock::now() < deadline) {
    std::vector<pollfd> waiting;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (!done[i]) {
        waiting.push_back(fds[i]);
        index.push_back(i);
      }
    }
    ASSERT_GE(::poll(waiting.data(), waiting.size(), 20), 0);
    for (std::size_t k = 0; k < waiting.size(); ++k) {
      if (waiting[k].revents & (POLLOUT | POLLERR | POLLHUP)) {
        int error = 0;
        socklen_t len = sizeof error;
        ::getsockopt(waiting[k].fd, SOL_SOCKET, SO_ERROR, &error, &len);
        EXPECT_EQ(error, 0) << std::strerror(error);
        done[index[k]] = true;
        ++established;
      }
    }
  }
  for (const pollfd& p : fds) ::close(p.fd);
  EXPECT_EQ(established, fds.size()) << "connections still in SYN-SENT after 500 ms";
  auto health = client->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(HttpServerTest, UnknownPathsAndWrongMethodsAreProblems) {
  auto missing = client->Get("/v2/nothing");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->get_header_value("Content-Type"), "application/problem+json");
  EXPECT_NE(missing->body.find("\"code\":\"not_found\""), std::string::npos) << missing->body;
  auto wrong_method = client->Get("/v1/webhooks/hotline");
  ASSERT_TRUE(wrong_method);
  EXPECT_EQ(wrong_method->status, 405);
  EXPECT_EQ(wrong_method->get_header_value("Allow"), "POST");
  auto wrong_method_admin = client->Delete("/metrics");
  ASSERT_TRUE(wrong_method_admin);
  EXPECT_EQ(wrong_method_admin->status, 405);
}

TEST_F(HttpServerTest, ABodyOverTheLimitIs413) {
  const std::string big(5000, ' ');
  auto r = client->Post("/v1/webhooks/hotline", big, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("\"code\":\"too_large\""), std::string::npos) << r->body;
}

TEST_F(HttpServerTest, ASignedWebhookIsAcceptedAndObserved) {
  const std::string body =
      R"({"ticketNo": "T-1", "callTime": "2025-09-21 10:22:00", "appealType": "投诉", "content": "x"})";
  const std::string ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
  auto r = client->Post("/v1/webhooks/hotline",
                        {{"X-Gateway-Sender", "hotline-a"},
                         {"X-Gateway-Timestamp", ts},
                         {"X-Gateway-Signature", sign_request(kSecret, ts, body)}},
                        body, "application/json; charset=utf-8");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202) << r->body;
  EXPECT_NE(r->body.find("\"caseId\":\"HL-"), std::string::npos) << r->body;
  std::lock_guard lock(mutex);
  EXPECT_NE(std::find(observed.begin(), observed.end(),
                      std::pair<std::string, int>{"/v1/webhooks/hotline", 202}),
            observed.end());
}

TEST_F(HttpServerTest, CaseAndStatsQueriesNeedTheTokenAndReachTheirHandlers) {
  const httplib::Headers auth = {{"Authorization", std::string("Bearer ") + kToken}};
  for (const char* path : {"/v1/cases/HL-0123456789abcdef01234567", "/v1/stats?from=x"}) {
    auto refused = client->Get(path);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 401) << path;
    EXPECT_EQ(refused->get_header_value("WWW-Authenticate"), "Bearer");
  }
  {
    std::lock_guard lock(mutex);
    EXPECT_TRUE(case_ids.empty());
    EXPECT_TRUE(stats_queries.empty());
  }
  auto found = client->Get("/v1/cases/HL-0123456789abcdef01234567", auth);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, 200);
  EXPECT_EQ(found->get_header_value("Content-Type"), "application/json");
  auto unknown = client->Get("/v1/cases/GR-%41bc", auth);  // percent-decoded for the handler
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(unknown->get_header_value("Content-Type"), "application/problem+json");
  // Not this endpoint: no caseId, or a longer path.
  auto empty = client->Get("/v1/cases/", auth);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 404);
  auto deeper = client->Get("/v1/cases/HL-0123456789abcdef01234567/timeline", auth);
  ASSERT_TRUE(deeper);
  EXPECT_EQ(deeper->status, 404);

  auto stats = client->Get(
      "/v1/stats?from=2025-09-01T00:00:00%2B08:00&to=2025-10-01T00:00:00Z&by=street&by=x", auth);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->status, 200);
  auto bad = client->Get("/v1/stats?to=2025-10-01T00:00:00Z", auth);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("\"code\":\"bad_query\""), std::string::npos) << bad->body;

  std::lock_guard lock(mutex);
  EXPECT_EQ(case_ids, (std::vector<std::string>{"HL-0123456789abcdef01234567", "GR-Abc"}));
  ASSERT_EQ(stats_queries.size(), 2u);
  const auto& q = stats_queries[0];
  EXPECT_EQ(q.find("from")->second, "2025-09-01T00:00:00+08:00");
  EXPECT_EQ(q.find("to")->second, "2025-10-01T00:00:00Z");
  EXPECT_EQ(q.count("by"), 2u);
  EXPECT_NE(std::find(observed.begin(), observed.end(),
                      std::pair<std::string, int>{"/v1/cases/{caseId}", 404}),
            observed.end());
  EXPECT_NE(
      std::find(observed.begin(), observed.end(), std::pair<std::string, int>{"/v1/stats", 400}),
      observed.end());
}

TEST_F(HttpServerTest, QueriesAreGetOnlyAndUnavailableWithoutHandlers) {
  const httplib::Headers auth = {{"Authorization", std::string("Bearer ") + kToken}};
  auto post_case =
      client->Post("/v1/cases/HL-0123456789abcdef01234567", auth, "{}", "application/json");
  ASSERT_TRUE(post_case);
  EXPECT_EQ(post_case->status, 405);
  EXPECT_EQ(post_case->get_header_value("Allow"), "GET");
  auto delete_stats = client->Delete("/v1/stats", auth);
  ASSERT_TRUE(delete_stats);
  EXPECT_EQ(delete_stats->status, 405);
  EXPECT_EQ(delete_stats->get_header_value("Allow"), "GET");
  // The updates endpoint is still POST only.
  auto get_updates = client->Get("/v1/cases/HL-0123456789abcdef01234567/updates", auth);
  ASSERT_TRUE(get_updates);
  EXPECT_EQ(get_updates->status, 405);
  EXPECT_EQ(get_updates->get_header_value("Allow"), "POST");

  HttpSettings other = config.http;
  HttpServer bare(other, *webhooks, AdminHandlers{}, nullptr);
  bare.start();
  httplib::Client c("127.0.0.1", bare.port());
  for (const char* path : {"/v1/cases/HL-0123456789abcdef01234567",
                           "/v1/stats?from=2025-09-01T00:00:00Z&to=2025-09-02T00:00:00Z"}) {
    auto r = c.Get(path, auth);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503) << path;
    EXPECT_NE(r->body.find("\"code\":\"unavailable\""), std::string::npos) << r->body;
  }
  bare.stop();
}

TEST_F(HttpServerTest, ServesHttpsWithTheConfiguredCertificate) {
  // A self-signed certificate made for this test.
  const std::string dir = ::testing::TempDir();
  const std::string cert = dir + "/gw-test.crt";
  const std::string key = dir + "/gw-test.key";
  const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 "
                          "-keyout " + key + " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  HttpSettings tls = config.http;
  tls.tls_certificate = cert;
  tls.tls_private_key = key;
  HttpServer secure(tls, *webhooks, AdminHandlers{}, nullptr);
  secure.start();
  EXPECT_TRUE(secure.tls());
  httplib::SSLClient c("127.0.0.1", secure.port());
  c.enable_server_certificate_verification(false);
  auto r = c.Get("/healthz");
  ASSERT_TRUE(r) << "TLS handshake failed";
  EXPECT_EQ(r->status, 200);
  secure.stop();

  HttpSettings broken = tls;
  broken.tls_private_key = dir + "/missing.key";
  EXPECT_THROW(HttpServer(broken, *webhooks, AdminHandlers{}, nullptr), std::runtime_error);
}

}  // namespace
}  // namespace gw::http
