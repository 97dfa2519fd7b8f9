#include "gateway/app/route_reloader.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <set>
#include <sstream>

#include "gateway/app/config_loading.h"
#include "gateway/core/time_format.h"

namespace gw::app {
namespace {

std::string now_rfc3339() {
  return format_rfc3339_china(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count());
}

// The lines load_route_table printed, without the closing "N problems found".
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.ends_with("problems found") || line.ends_with("problem found")) {
      continue;
    }
    lines.push_back(line);
  }
  return lines;
}

}  // namespace

RouteTableHolder::RouteTableHolder(GatewayConfig gateway, std::shared_ptr<const RouteTable> initial,
                                   EnsureTopics ensure_topics)
    : gateway_(std::move(gateway)), ensure_topics_(std::move(ensure_topics)), table_(initial) {
  last_.trigger = "start";
  last_.at = now_rfc3339();
  last_.rules = initial->config().rules.size();
  last_.departments = initial->config().departments.size();
  file_changed();  // takes the first stamp
}

ReloadOutcome RouteTableHolder::last() const {
  std::lock_guard lock(mutex_);
  return last_;
}

bool RouteTableHolder::file_changed() {
  std::error_code ec;
  const auto time = std::filesystem::last_write_time(gateway_.routing_file, ec);
  if (ec) return false;  // being replaced, or gone: the next look will tell
  const auto size = std::filesystem::file_size(gateway_.routing_file, ec);
  if (ec) return false;
  std::lock_guard lock(mutex_);
  const bool changed = time != seen_time_ || size != seen_size_;
  seen_time_ = time;
  seen_size_ = size;
  return changed;
}

ReloadOutcome RouteTableHolder::reload(std::string trigger) {
  std::lock_guard lock(mutex_);
  ReloadOutcome outcome;
  outcome.trigger = std::move(trigger);
  outcome.at = now_rfc3339();
  std::ostringstream problems;
  std::shared_ptr<const RouteTable> table = load_route_table(gateway_.routing_file, problems);
  if (table && !consistent(gateway_, table->config(), problems)) table = nullptr;
  std::vector<std::string> reported = lines_of(problems.str());
  for (const std::string& line : reported) {
    if (line.starts_with("warning: ")) spdlog::warn("reload ({}): {}", outcome.trigger, line);
  }
  if (table) {
    std::set<std::string> topics;
    for (const Department& d : table->config().departments) topics.insert(d.topic);
    try {
      ensure_topics_({topics.begin(), topics.end()});
    } catch (const std::exception& e) {
      reported.push_back(std::string("department topics could not be created: ") + e.what());
      table = nullptr;
    }
  }
  if (!table) {
    outcome.ok = false;
    for (std::string& line : reported) {
      if (!line.starts_with("warning: ")) outcome.errors.push_back(std::move(line));
    }
    const auto current = table_.load();
    outcome.rules = current->config().rules.size();
    outcome.departments = current->config().departments.size();
    ++reloads_failed_;
    spdlog::error("reload ({}) of {} refused, the running config stays: {} problems",
                  outcome.trigger, gateway_.routing_file, outcome.errors.size());
    for (const std::string& e : outcome.errors) spdlog::error("  {}", e);
  } else {
    outcome.rules = table->config().rules.size();
    outcome.departments = table->config().departments.size();
    table_.store(std::move(table));
    ++reloads_ok_;
    spdlog::info("reload ({}): {} now routes with {} rules and {} departments", outcome.trigger,
                 gateway_.routing_file, outcome.rules, outcome.departments);
  }
  last_ = outcome;
  return outcome;
}

ReloadWatcher::ReloadWatcher(RouteTableHolder& holder, std::chrono::milliseconds interval)
    : holder_(holder), interval_(interval), thread_([this] { run(); }) {}

ReloadWatcher::~ReloadWatcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ReloadWatcher::request(std::string trigger) {
  {
    std::lock_guard lock(mutex_);
    requested_.push_back(std::move(trigger));
  }
  wake_.notify_all();
}

void ReloadWatcher::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, interval_, [this] { return stopping_ || !requested_.empty(); });
    if (stopping_) break;
    std::vector<std::string> requests;
    requests.swap(requested_);
    lock.unlock();
    // An editor saving the file and a SIGHUP for the same change make one reload.
    const bool changed = holder_.file_changed();
    if (!requests.empty()) {
      holder_.reload(requests.front());
    } else if (changed) {
      holder_.reload("file change");
    }
    lock.lock();
  }
}

}  // namespace gw::app
