// gateway.yaml's `http` section: the webhook and admin listener, its limits and its senders.
#include "gateway/config/http_yaml.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "gateway/config/priority_spellings.h"

namespace gw::config {
namespace {

constexpr std::int64_t kMaxBodyBytes = 64 << 20;

// "host:port" with a port in 1..65535; the host may be a name, an IPv4 address, or an IPv6
// address in brackets ("[::1]:8080").
bool split_listen(const std::string& listen, std::string& host, int& port) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
    return false;
  }
  host = listen.substr(0, colon);
  if (host.front() == '[') {
    if (host.back() != ']' || host.size() < 3) return false;
    host = host.substr(1, host.size() - 2);
  }
  const std::string_view digits(listen.data() + colon + 1, listen.size() - colon - 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  return ec == std::errc() && end == digits.data() + digits.size() && port >= 1 && port <= 65535;
}

std::optional<double> read_rate(Diagnostics& diag, const Field& at) {
  const auto text = read_string(diag, at);
  if (!text) {
    return std::nullopt;
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < 0 || value > 1e6) {
    diag.error(at, "expected a number from 0 to 1000000, got \"" + *text + "\"");
    return std::nullopt;
  }
  return value;
}

void read_may_post(Diagnostics& diag, const Field& at, HttpSender& sender) {
  const auto items = read_string_list(diag, at, "may_post");
  if (!items) {
    return;
  }
  for (const std::string& item : *items) {
    if (item == "hotline") {
      sender.may_post_hotline = true;
    } else if (item == "grid") {
      sender.may_post_grid = true;
    } else if (item == "updates") {
      sender.may_post_updates = true;
    } else {
      const std::string_view allowed[] = {"hotline", "grid", "updates"};
      report_bad_enum(diag, at, item, allowed);
    }
  }
}

HttpSender read_sender(Diagnostics& diag, const Field& at) {
  HttpSender sender;
  sender.pos = diag.pos(at);
  MapReader map(diag, at, {"id", "secret", "may_post", "department", "rate_per_second", "burst"});
  if (!map.is_map()) {
    return sender;
  }
  if (const auto f = map.required("id")) {
    if (auto id = read_nonempty_string(diag, *f, "id")) sender.id = std::move(*id);
  }
  if (const auto f = map.required("secret")) {
    if (auto secret = read_nonempty_string(diag, *f, "secret")) {
      if (secret->find("${") == std::string::npos && secret->size() < 16) {
        diag.error(*f, "a secret written here must have at least 16 characters; better, "
                       "take it from the environment: ${NAME}");
      }
      sender.secret = std::move(*secret);
    }
  }
  if (const auto f = map.required("may_post")) {
    read_may_post(diag, *f, sender);
  }
  if (const auto f = map.optional("department")) {
    if (auto department = read_nonempty_string(diag, *f, "department")) {
      if (!sender.may_post_updates) {
        diag.error(*f, "department binds a sender's status updates; this sender may not post "
                       "updates (add updates to may_post)");
      }
      sender.department = std::move(*department);
    }
  }
  if (const auto f = map.optional("rate_per_second")) {
    if (const auto rate = read_rate(diag, *f)) sender.rate_per_second = *rate;
  }
  if (const auto f = map.optional("burst")) {
    if (const auto burst = read_rate(diag, *f)) {
      if (*burst < 1) {
        diag.error(*f, "burst must be at least 1");
      }
      sender.burst = *burst;
    }
  }
  if (sender.burst == 0) {
    sender.burst = std::max(1.0, sender.rate_per_second);
  }
  return sender;
}

}  // namespace

void read_severity_priority(Diagnostics& diag, const Field& at, GridOptions& grid) {
  const auto entries = read_map_entries(diag, at);
  if (!entries) {
    return;
  }
  for (const auto& entry : *entries) {
    const std::string& key = entry.key;
    if (key.size() != 1 || key[0] < '1' || key[0] > '4') {
      diag.error(diag.pos(entry.value.key_mark), entry.value.path,
                 "severity must be 1, 2, 3 or 4, got \"" + key + "\"");
      continue;
    }
    if (const auto p = read_enum<Priority>(diag, entry.value, kPrioritySpellings)) {
      grid.severity_priority[key[0] - '0'] = *p;
    }
  }
}

HttpSettings read_http(Diagnostics& diag, const Field& at) {
  HttpSettings http;
  MapReader map(diag, at,
                {"listen", "tls_certificate", "tls_private_key", "max_body_bytes",
                 "max_batch_items", "request_timeout_ms", "signature_window_s", "admin_token",
                 "threads", "linger_ms", "severity_priority", "senders"});
  if (!map.is_map()) {
    return http;
  }
  std::optional<Field> listen_field;
  if (const auto f = map.optional("listen")) {
    if (!f->value.IsNull()) {
      if (auto listen = read_string(diag, *f)) {
        http.listen = std::move(*listen);
        listen_field = *f;
      }
    }
  }
  if (!http.listen.empty() && !split_listen(http.listen, http.host, http.port)) {
    diag.error(*listen_field, "expected host:port with a port from 1 to 65535 (e.g. "
                              "\"0.0.0.0:8080\" or \"[::1]:8080\"), got \"" +
                                  http.listen + "\"");
  }
  const auto cert = map.optional("tls_certificate");
  const auto key = map.optional("tls_private_key");
  if (cert) {
    if (auto s = read_nonempty_string(diag, *cert, "tls_certificate")) http.tls_certificate = *s;
  }
  if (key) {
    if (auto s = read_nonempty_string(diag, *key, "tls_private_key")) http.tls_private_key = *s;
  }
  if (cert.has_value() != key.has_value()) {
    diag.error(cert ? *cert : *key,
               "HTTPS needs both tls_certificate and tls_private_key; only one is set");
  }
  if (const auto f = map.optional("max_body_bytes")) {
    if (const auto n = read_int(diag, *f, 1, kMaxBodyBytes)) {
      http.max_body_bytes = static_cast<std::size_t>(*n);
    }
  }
  if (const auto f = map.optional("max_batch_items")) {
    if (const auto n = read_int(diag, *f, 1, 100000)) {
      http.max_batch_items = static_cast<std::size_t>(*n);
    }
  }
  if (const auto f = map.optional("request_timeout_ms")) {
    if (const auto n = read_int(diag, *f, 100, 600000)) http.request_timeout_ms = int(*n);
  }
  if (const auto f = map.optional("signature_window_s")) {
    if (const auto n = read_int(diag, *f, 1, 86400)) http.signature_window_s = int(*n);
  }
  if (const auto f = map.optional("admin_token")) {
    if (auto token = read_nonempty_string(diag, *f, "admin_token")) {
      if (token->find("${") == std::string::npos && token->size() < 16) {
        diag.error(*f, "an admin token written here must have at least 16 characters; "
                       "better, take it from the environment: ${NAME}");
      }
      http.admin_token = std::move(*token);
    }
  } else if (!http.listen.empty()) {
    diag.error(map.field(), "admin_token is required when http.listen is set (the admin "
                            "endpoints need it); e.g. admin_token: ${GATEWAY_ADMIN_TOKEN}");
  }
  if (const auto f = map.optional("threads")) {
    if (const auto n = read_int(diag, *f, 1, 4096)) http.threads = int(*n);
  }
  if (const auto f = map.optional("linger_ms")) {
    if (const auto n = read_int(diag, *f, 0, 1000)) http.linger_ms = int(*n);
  }
  if (const auto f = map.optional("severity_priority")) {
    read_severity_priority(diag, *f, http.grid);
  }
  if (const auto f = map.optional("senders")) {
    if (const auto items = read_list(diag, *f, ListShape::list_only, true)) {
      std::map<std::string, int, std::less<>> first_lines;
      for (const Field& item : *items) {
        HttpSender sender = read_sender(diag, item);
        if (!sender.id.empty()) {
          const auto [it, inserted] = first_lines.emplace(sender.id, sender.pos.line);
          if (!inserted) {
            diag.error(item, "duplicate sender id \"" + sender.id + "\" (first at line " +
                                 std::to_string(it->second) + ")");
          }
        }
        http.senders.push_back(std::move(sender));
      }
    }
  }
  return http;
}

}  // namespace gw::config
