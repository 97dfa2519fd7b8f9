#include "adapters/http/http_server.h"

#include <httplib.h>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "adapters/http/problem_json.h"

namespace gw::http {
namespace {

using Clock = std::chrono::steady_clock;

// Keep-alive connections serve this many requests before the server closes them; cpp-httplib's
// default of 5 makes busy senders reconnect all the time.
constexpr std::size_t kKeepAliveMaxCount = 100000;

void send(httplib::Response& res, const HttpReply& reply) {
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  res.set_content(reply.body, reply.content_type.c_str());
}

void send_problem(httplib::Response& res, const Problem& p) { send(res, problem_reply(p)); }

// The methods each known path serves, for Allow; nullptr for an unknown path.
const char* allowed_methods(std::string_view path) {
  for (std::string_view p : {"/v1/webhooks/hotline", "/v1/webhooks/grid", "/v1/routes/explain",
                             "/admin/reload"}) {
    if (path == p) return "POST";
  }
  if (path.starts_with("/v1/cases/") && path.ends_with("/updates")) return "POST";
  if (path.starts_with("/v1/cases/") && path.size() > 10 &&
      path.find('/', 10) == std::string_view::npos) {
    return "GET";
  }
  for (std::string_view p : {"/healthz", "/readyz", "/metrics", "/v1/routes", "/v1/stats"}) {
    if (path == p) return "GET";
  }
  return nullptr;
}

bool is_served_method(std::string_view method) {
  for (std::string_view m : {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    if (method == m) return true;
  }
  return false;
}

bool body_left_unread(const httplib::Request& req) {
  if (req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS") return false;
  const std::string length = req.get_header_value("Content-Length");
  return (!length.empty() && length != "0") || req.has_header("Transfer-Encoding");
}

WebhookRequest webhook_request(const httplib::Request& req) {
  auto header = [&req](const char* name) -> std::string_view {
    auto it = req.headers.find(name);
    return it == req.headers.end() ? std::string_view() : std::string_view(it->second);
  };
  return WebhookRequest{header("X-Gateway-Sender"), header("X-Gateway-Timestamp"),
                        header("X-Gateway-Signature"), header("Content-Type"), req.body};
}

}  // namespace

HttpServer::HttpServer(const HttpSettings& settings, WebhookService& webhooks,
                       AdminHandlers admin, RequestObserver observer)
    : settings_(settings),
      webhooks_(webhooks),
      admin_(std::move(admin)),
      observer_(std::move(observer)) {
  if (!settings_.tls_certificate.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(settings_.tls_certificate.c_str(),
                                                    settings_.tls_private_key.c_str());
    if (!tls->is_valid()) {
      throw std::runtime_error("http: cannot load the TLS certificate " +
                               settings_.tls_certificate + " and key " +
                               settings_.tls_private_key);
    }
    server_ = std::move(tls);
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  const int threads = settings_.threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_tcp_nodelay(true);  // without it keep-alive POSTs wait ~40 ms each (Nagle)
  server_->set_keep_alive_max_count(kKeepAliveMaxCount);
  server_->set_payload_max_length(settings_.max_body_bytes);
  // Remembers the listening socket, so that start() can widen its accept queue.
  server_->set_socket_options([this](int sock) {
    httplib::default_socket_options(sock);
    listen_socket_ = sock;
  });
  install_routes();
}

HttpServer::~HttpServer() { stop(); }

bool HttpServer::tls() const { return !settings_.tls_certificate.empty(); }

bool HttpServer::admin_allowed(std::string_view authorization) const {
  constexpr std::string_view kBearer = "Bearer ";
  if (settings_.admin_token.empty() || authorization.substr(0, kBearer.size()) != kBearer) {
    return false;
  }
  const std::string_view token = authorization.substr(kBearer.size());
  return token.size() == settings_.admin_token.size() &&
         CRYPTO_memcmp(token.data(), settings_.admin_token.data(), token.size()) == 0;
}

void HttpServer::install_routes() {
  httplib::Server& s = *server_;
  // Wraps a handler: times it and reports it under its endpoint's name.
  auto observed = [this](std::string endpoint, httplib::Server::Handler handler) {
    return [this, endpoint = std::move(endpoint), handler = std::move(handler)](
               const httplib::Request& req, httplib::Response& res) {
      const auto start = Clock::now();
      handler(req, res);
      if (body_left_unread(req)) {
        // cpp-httplib does not read a GET's (or HEAD's, OPTIONS') body: the bytes would be
        // taken for the next request on this connection. Ask the client to close it.
        res.set_header("Connection", "close");
      }
      if (observer_) {
        observer_(endpoint, res.status,
                  std::chrono::duration<double>(Clock::now() - start).count());
      }
    };
  };
  // Admin endpoints: the bearer token first.
  auto admin = [this, observed](std::string endpoint, httplib::Server::Handler handler) {
    return observed(std::move(endpoint), [this, handler = std::move(handler)](
                                             const httplib::Request& req, httplib::Response& res) {
      if (!admin_allowed(req.get_header_value("Authorization"))) {
        res.set_header("WWW-Authenticate", "Bearer");
        send_problem(res, problem_for(401, "unauthenticated",
                                      "this endpoint needs Authorization: Bearer <admin token>"));
        return;
      }
      handler(req, res);
    });
  };
  auto not_allowed = [](const char* allowed) {
    return [allowed](const httplib::Request& req, httplib::Response& res) {
      if (body_left_unread(req)) res.set_header("Connection", "close");
      res.set_header("Allow", allowed);
      send_problem(res, problem_for(405, "method_not_allowed",
                                    req.method + " is not allowed here; use " + allowed));
    };
  };

  s.Post("/v1/webhooks/hotline",
         observed("/v1/webhooks/hotline", [this](const httplib::Request& req, httplib::Response& res) {
           send(res, webhooks_.post_input(InputFormat::hotline, webhook_request(req)));
         }));
  s.Post("/v1/webhooks/grid",
         observed("/v1/webhooks/grid", [this](const httplib::Request& req, httplib::Response& res) {
           send(res, webhooks_.post_input(InputFormat::grid, webhook_request(req)));
         }));
  s.Post(R"(/v1/cases/([^/]+)/updates)",
         observed("/v1/cases/{caseId}/updates",
                  [this](const httplib::Request& req, httplib::Response& res) {
                    send(res, webhooks_.post_update(req.matches[1].str(), webhook_request(req)));
                  }));
  s.Get("/healthz", observed("/healthz", [](const httplib::Request&, httplib::Response& res) {
          res.set_content("{\"status\":\"ok\"}", "application/json");
        }));
  s.Get("/readyz", observed("/readyz", [this](const httplib::Request&, httplib::Response& res) {
          send(res, admin_.readyz());
        }));
  s.Get("/metrics", admin("/metrics", [this](const httplib::Request&, httplib::Response& res) {
          send(res, admin_.metrics());
        }));
  s.Get("/v1/routes", admin("/v1/routes", [this](const httplib::Request&, httplib::Response& res) {
          send(res, admin_.routes());
        }));
  s.Post("/v1/routes/explain",
         admin("/v1/routes/explain", [this](const httplib::Request& req, httplib::Response& res) {
           send(res, admin_.explain(req.get_header_value("Content-Type"), req.body));
         }));
  s.Post("/admin/reload", admin("/admin/reload", [this](const httplib::Request&, httplib::Response& res) {
           send(res, admin_.reload());
         }));
  // The queries read Kafka: a gateway that was not given them answers 503.
  auto no_queries = [] {
    Problem p = problem_for(503, "unavailable", "this gateway does not answer queries");
    return problem_reply(p);
  };
  s.Get(R"(/v1/cases/([^/]+))",
        admin("/v1/cases/{caseId}",
              [this, no_queries](const httplib::Request& req, httplib::Response& res) {
                send(res, admin_.case_view ? admin_.case_view(req.matches[1].str()) : no_queries());
              }));
  s.Get("/v1/stats",
        admin("/v1/stats", [this, no_queries](const httplib::Request& req, httplib::Response& res) {
          send(res, admin_.stats ? admin_.stats(req.params) : no_queries());
        }));

  // The known paths with other methods: 405 with Allow, not 404.
  for (const char* path : {"/v1/webhooks/hotline", "/v1/webhooks/grid",
                           R"(/v1/cases/([^/]+)/updates)", "/v1/routes/explain", "/admin/reload"}) {
    s.Get(path, not_allowed("POST"));
    s.Put(path, not_allowed("POST"));
    s.Delete(path, not_allowed("POST"));
    s.Patch(path, not_allowed("POST"));
    s.Options(path, not_allowed("POST"));
  }
  for (const char* path :
       {"/healthz", "/readyz", "/metrics", "/v1/routes", R"(/v1/cases/([^/]+))", "/v1/stats"}) {
    s.Post(path, not_allowed("GET"));
    s.Put(path, not_allowed("GET"));
    s.Delete(path, not_allowed("GET"));
    s.Patch(path, not_allowed("GET"));
    s.Options(path, not_allowed("GET"));
  }

  // Errors cpp-httplib answers by itself (no route, body too large, a request it cannot
  // read) come without a body: give them one. Handlers' own errors have theirs already.
  s.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req,
                                                                  httplib::Response& res) {
    if (!res.body.empty()) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    if (res.status == 400 || res.status >= 413) {
      // The request's bytes may not all have been read (a method cpp-httplib does not know, a
      // body it refused): what follows on this connection cannot be trusted to be a request.
      res.set_header("Connection", "close");
    }
    const std::string path = req.path.empty() ? req.target.substr(0, req.target.find('?'))
                                              : req.path;
    switch (res.status) {
      case 400:
        if (const char* allowed = allowed_methods(path);
            allowed != nullptr && !req.method.empty() && !is_served_method(req.method)) {
          // TRACE, QUERY and other methods cpp-httplib refuses before routing.
          res.status = 405;
          res.set_header("Allow", allowed);
          send_problem(res, problem_for(405, "method_not_allowed",
                                        "this method is not allowed here; use " +
                                            std::string(allowed)));
        } else if (req.get_header_value("Content-Type").starts_with("multipart/")) {
          res.status = 415;
          send_problem(res, problem_for(415, "unsupported_media_type",
                                        "Content-Type must be application/json"));
        } else {
          send_problem(res, problem_for(400, "bad_request",
                                        "the request could not be read as HTTP/1.1"));
        }
        break;
      case 404:
        send_problem(res, problem_for(404, "not_found", "no endpoint " + path));
        break;
      case 413:
        send_problem(res, problem_for(413, "too_large",
                                      "the body is over " + std::to_string(settings_.max_body_bytes) +
                                          " bytes (http.max_body_bytes)"));
        break;
      case 414:
        send_problem(res, problem_for(414, "uri_too_long", "the request target is too long"));
        break;
      default:
        send_problem(res, problem_for(res.status, "bad_request",
                                      "the request could not be served as sent"));
        break;
    }
    if (observer_) observer_("other", res.status, 0);
    return httplib::Server::HandlerResponse::Handled;
  }));
}

void HttpServer::start() {
  if (thread_.joinable()) {
    return;
  }
  if (settings_.port == 0) {
    port_ = server_->bind_to_any_port(settings_.host.c_str());
    if (port_ < 0) {
      throw std::runtime_error("http: cannot bind " + settings_.host + " to a free port");
    }
  } else {
    if (!server_->bind_to_port(settings_.host.c_str(), settings_.port)) {
      throw std::runtime_error("http: cannot listen on " + settings_.listen +
                               " (in use, or not an address of this machine)");
    }
    port_ = settings_.port;
  }
  // cpp-httplib 0.11 listens with a backlog of 5: dozens of senders (re)connecting at once
  // overflow it and wait for SYN retransmits (1 s, then 3 s). Calling listen() again on the
  // bound socket sets a new backlog (Linux; capped by net.core.somaxconn).
  if (listen_socket_ >= 0 && ::listen(listen_socket_, kListenBacklog) != 0) {
    spdlog::warn("http: could not widen the accept queue to {}: {}", kListenBacklog,
                 std::strerror(errno));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  spdlog::info("http: serving {}://{}:{} with {} worker threads", tls() ? "https" : "http",
               settings_.host, port_, settings_.threads);
}

void HttpServer::stop() {
  if (!thread_.joinable()) {
    return;
  }
  server_->stop();
  thread_.join();
}

}  // namespace gw::http
