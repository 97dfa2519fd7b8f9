// gateway.yaml's `lifecycle` section: where the SLA policy and the calendars are, the
// lifecycle's topics and its options.
#include "gateway/config/lifecycle_yaml.h"

#include <array>
#include <vector>

#include "gateway/config/name_syntax.h"

namespace gw::config {
namespace {

constexpr std::array<EnumSpelling<ResolveClock>, 2> kResolveClocks{{
    {"from_dispatch", ResolveClock::from_dispatch},
    {"from_sign_for", ResolveClock::from_sign_for},
}};

// More returns than this is a misconfiguration, not a policy: the case would wander.
constexpr std::int64_t kMaxReturns = 20;

}  // namespace

LifecycleSettings read_lifecycle(Diagnostics& diag, const Field& at,
                                 std::span<const TakenTopic> taken) {
  LifecycleSettings lifecycle;
  lifecycle.sla_file = "sla.yaml";
  lifecycle.calendars = "calendars";
  lifecycle.pos = diag.pos(at);
  lifecycle.command_center_pos = lifecycle.pos;
  MapReader map(diag, at,
                {"sla_file", "calendars", "events_topic", "supervision_topic", "max_returns",
                 "command_center", "resolve_clock", "applied_ids_window"});
  if (!map.is_map()) {
    return lifecycle;
  }
  for (auto [key, out] :
       {std::pair{"sla_file", &lifecycle.sla_file}, std::pair{"calendars", &lifecycle.calendars}}) {
    if (const auto f = map.optional(key)) {
      if (auto path = read_nonempty_string(diag, *f, key)) *out = std::move(*path);
    }
  }
  std::vector<TakenTopic> own(taken.begin(), taken.end());
  for (auto [key, out] : {std::pair{"events_topic", &lifecycle.events_topic},
                          std::pair{"supervision_topic", &lifecycle.supervision_topic}}) {
    const auto f = map.optional(key);
    if (f) {
      auto topic = read_nonempty_string(diag, *f, "topic");
      if (topic && !is_valid_kafka_topic(*topic)) {
        diag.error(*f, "invalid Kafka topic \"" + *topic + "\": use 1 to 249 of a-z A-Z 0-9 . _ -");
      } else if (topic) {
        *out = std::move(*topic);
      }
    }
    const std::string path = key_path(at.path, key);
    for (const auto& [other, topic] : own) {
      if (topic == *out) {
        // A default that clashes is reported at the section: there is no key to point at.
        diag.error(f ? *f : at, path + " \"" + *out + "\" is also the " + std::string(other) +
                                    ": each needs its own topic");
      }
    }
    own.emplace_back(key == std::string_view("events_topic") ? "lifecycle.events_topic"
                                                             : "lifecycle.supervision_topic",
                     *out);
  }
  if (const auto f = map.optional("max_returns")) {
    if (const auto n = read_int(diag, *f, 0, kMaxReturns)) {
      lifecycle.max_returns = static_cast<std::size_t>(*n);
    }
  }
  if (const auto f = map.optional("command_center")) {
    lifecycle.command_center_pos = diag.pos(*f);
    // "" (or no value) means the routing file's default department.
    if (!f->value.IsNull()) {
      if (auto code = read_string(diag, *f)) {
        const std::string_view trimmed = trim_ascii_space(*code);
        if (!trimmed.empty() && !is_valid_code(trimmed)) {
          diag.error(*f, "invalid department code \"" + std::string(trimmed) +
                             "\": use 1 to 64 of a-z 0-9 . _ -, starting with a-z or 0-9; "
                             "or \"\" for the routing file's default department");
        } else {
          lifecycle.command_center = std::string(trimmed);
        }
      }
    }
  }
  if (const auto f = map.optional("resolve_clock")) {
    if (const auto clock = read_enum<ResolveClock>(diag, *f, kResolveClocks)) {
      lifecycle.resolve_clock = *clock;
    }
  }
  if (const auto f = map.optional("applied_ids_window")) {
    if (const auto n = read_int(diag, *f, 1, static_cast<std::int64_t>(kMaxAppliedIdsWindow))) {
      lifecycle.applied_ids_window = static_cast<std::size_t>(*n);
    }
  }
  return lifecycle;
}

}  // namespace gw::config
