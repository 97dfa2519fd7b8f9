// The HTTP(S) listener (cpp-httplib): routes requests to the webhook service and to the
// admin handlers, turns cpp-httplib's own errors (404, 405, 413) into problem+json, checks
// the admin bearer token, and reports every request to an observer (for /metrics).
//
// Threads: cpp-httplib serves each connection on a worker of its pool (HttpSettings::threads
// workers); handlers run there, concurrently. start() returns once the socket is bound;
// stop() closes it and joins.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "adapters/http/webhook_service.h"
#include "gateway/core/gateway_config.h"

namespace httplib {
class Server;
}

namespace gw::http {

// What the admin endpoints answer; each called on a worker thread, concurrently.
struct AdminHandlers {
  std::function<HttpReply()> readyz;
  std::function<HttpReply()> metrics;
  std::function<HttpReply()> routes;
  std::function<HttpReply(std::string_view content_type, std::string_view body)> explain;
  std::function<HttpReply()> reload;
  // GET /v1/cases/{caseId}: the path's caseId, percent-decoded. Unset: 503.
  std::function<HttpReply(std::string_view case_id)> case_view;
  // GET /v1/stats: the query string's parameters, percent-decoded (a name may repeat).
  // Unset: 503.
  std::function<HttpReply(const std::multimap<std::string, std::string>& query)> stats;
};

// endpoint: the route's pattern ("/v1/webhooks/hotline", "/v1/cases/{caseId}/updates", or
// "other"), status, seconds spent.
using RequestObserver = std::function<void(std::string_view endpoint, int status, double seconds)>;

class HttpServer {
 public:
  // settings.port 0 binds any free port (tests); port() tells which.
  HttpServer(const HttpSettings& settings, WebhookService& webhooks, AdminHandlers admin,
             RequestObserver observer);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving. Throws std::runtime_error when it cannot bind or load the TLS
  // certificate and key.
  void start();
  // Stops accepting, finishes the requests being served, joins. Idempotent.
  void stop();
  int port() const { return port_; }
  bool tls() const;

 private:
  void install_routes();
  bool admin_allowed(std::string_view authorization) const;

  HttpSettings settings_;
  WebhookService& webhooks_;
  AdminHandlers admin_;
  RequestObserver observer_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  int listen_socket_ = -1;  // the bound socket, set by cpp-httplib's socket-options hook
  static constexpr int kListenBacklog = 1024;
};

}  // namespace gw::http
