// The routing table in force, and its hot reload: on a change of the routing file, on
// SIGHUP, or on POST /admin/reload the file is loaded and checked in full, the topics of new
// departments are created, and only then is the new table swapped in. A record is routed
// with the one table it read (CaseProcessor reads it once per record), so records in flight
// are routed by one config or the other, never both and never lost. A bad file keeps the
// running table and reports every error (log, metric, admin API).
//
// Thread-safe: current() is called per record by both stages and the webhook threads;
// reload() by whoever triggers it (serialized).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gateway/core/gateway_config.h"
#include "gateway/core/route_table.h"

namespace gw::app {

struct ReloadOutcome {
  bool ok = true;
  std::string trigger;              // "start", "file change", "SIGHUP", "admin API"
  std::string at;                   // RFC 3339, China time
  std::vector<std::string> errors;  // file:line:column: path: problem (or a topic failure)
  std::size_t rules = 0;            // of the table in force afterwards
  std::size_t departments = 0;
};

class RouteTableHolder {
 public:
  // Creates the topics of a new table's departments that do not exist yet; throws
  // std::exception saying why it could not.
  using EnsureTopics = std::function<void(const std::vector<std::string>& topics)>;

  RouteTableHolder(GatewayConfig gateway, std::shared_ptr<const RouteTable> initial,
                   EnsureTopics ensure_topics);

  std::shared_ptr<const RouteTable> current() const { return table_.load(); }

  // Loads gateway.routing_file; swaps it in when it is valid and its topics exist.
  ReloadOutcome reload(std::string trigger);
  ReloadOutcome last() const;
  std::uint64_t reloads_ok() const { return reloads_ok_; }
  std::uint64_t reloads_failed() const { return reloads_failed_; }

  // True when the routing file's modification time or size differ from the last look.
  bool file_changed();

 private:
  GatewayConfig gateway_;
  EnsureTopics ensure_topics_;
  std::atomic<std::shared_ptr<const RouteTable>> table_;
  mutable std::mutex mutex_;  // serializes reloads; guards last_ and the file stamp
  ReloadOutcome last_;
  std::filesystem::file_time_type seen_time_{};
  std::uintmax_t seen_size_ = 0;
  std::atomic<std::uint64_t> reloads_ok_{0};
  std::atomic<std::uint64_t> reloads_failed_{0};
};

// Watches for reload triggers on a thread of its own: the routing file changing (checked
// every `interval`) and request() (SIGHUP's handler calls it). Stops on destruction.
class ReloadWatcher {
 public:
  ReloadWatcher(RouteTableHolder& holder, std::chrono::milliseconds interval);
  ~ReloadWatcher();
  ReloadWatcher(const ReloadWatcher&) = delete;
  ReloadWatcher& operator=(const ReloadWatcher&) = delete;

  void request(std::string trigger);

 private:
  void run();

  RouteTableHolder& holder_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::string> requested_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gw::app
