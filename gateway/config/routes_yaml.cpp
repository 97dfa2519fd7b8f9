// routes.yaml: the top level and the departments. Regions and rules have their own files.
#include "gateway/config/routes_yaml.h"

#include <array>
#include <map>

#include "gateway/config/did_you_mean.h"
#include "gateway/config/name_syntax.h"
#include "gateway/config/routes_yaml_sections.h"
#include "gateway/config/rule_shadowing.h"
#include "gateway/config/yaml_reader.h"

namespace gw {
namespace {

using config::Diagnostics;
using config::Field;
using config::MapReader;

constexpr int kSupportedVersion = 1;

constexpr std::array<config::EnumSpelling<PersonalDataPolicy>, 3> kPersonalDataPolicies{{
    {"clear", PersonalDataPolicy::clear},
    {"masked", PersonalDataPolicy::masked},
    {"omit", PersonalDataPolicy::omit},
}};

// Remembers the first place a value was written, to name it when it comes again.
class FirstSeen {
 public:
  // True when new; otherwise records "duplicate <what> "<value>" (first at line N)".
  bool check(Diagnostics& diag, const Field& at, const std::string& what,
             const std::string& value) {
    const auto [it, inserted] = lines_.emplace(value, diag.pos(at).line);
    if (!inserted) {
      diag.error(at, "duplicate " + what + " \"" + value + "\" (first at line " +
                         std::to_string(it->second) + ")");
    }
    return inserted;
  }

 private:
  std::map<std::string, int, std::less<>> lines_;
};

std::optional<Department> read_department(Diagnostics& diag, const Field& at,
                                          config::DeclaredDepartments& declared, FirstSeen& codes,
                                          FirstSeen& topics) {
  MapReader map(diag, at, {"code", "name", "topic", "personal_data"});
  if (!map.is_map()) {
    return std::nullopt;
  }
  Department department;
  department.pos = diag.pos(at);
  if (const auto field = map.required("code")) {
    if (auto code = config::read_nonempty_string(diag, *field, "code")) {
      declared.insert(*code);
      if (!config::is_valid_code(*code)) {
        diag.error(*field, "invalid department code \"" + *code +
                               "\": use 1 to 64 of a-z 0-9 . _ -, starting with a-z or 0-9");
      }
      codes.check(diag, *field, "department code", *code);
      department.code = std::move(*code);
    }
  }
  if (const auto field = map.required("name")) {
    if (auto name = config::read_nonempty_string(diag, *field, "name")) {
      department.name = std::move(*name);
    }
  }
  if (const auto field = map.required("topic")) {
    if (auto topic = config::read_nonempty_string(diag, *field, "topic")) {
      if (!config::is_valid_kafka_topic(*topic)) {
        diag.error(*field,
                   "invalid Kafka topic \"" + *topic + "\": use 1 to 249 of a-z A-Z 0-9 . _ -");
      }
      topics.check(diag, *field, "department topic", *topic);
      department.topic = std::move(*topic);
    }
  }
  if (const auto field = map.optional("personal_data")) {
    if (const auto policy =
            config::read_enum<PersonalDataPolicy>(diag, *field, kPersonalDataPolicies)) {
      department.personal_data = *policy;
    }
  }
  return department;
}

std::vector<Department> read_departments(Diagnostics& diag, const Field& at,
                                         config::DeclaredDepartments& declared) {
  std::vector<Department> departments;
  const auto items = config::read_list(diag, at, config::ListShape::list_only, false);
  if (!items) {
    return departments;
  }
  FirstSeen codes;
  FirstSeen topics;
  for (const auto& item : *items) {
    if (auto department = read_department(diag, item, declared, codes, topics)) {
      departments.push_back(std::move(*department));
    }
  }
  return departments;
}

}  // namespace

namespace config {

void check_department_reference(Diagnostics& diag, const Field& at, std::string_view code,
                                const DeclaredDepartments& declared) {
  if (declared.contains(code)) {
    return;
  }
  std::vector<std::string_view> known(declared.begin(), declared.end());
  std::string message = "unknown department \"" + std::string(code) + "\"";
  if (const auto suggestion = closest_match(code, known)) {
    message += " (did you mean \"" + std::string(*suggestion) + "\"?)";
  }
  diag.error(at, std::move(message));
}

}  // namespace config

RoutingConfigCheck check_routing_config(std::string_view yaml_text, const std::string& file_name) {
  Diagnostics diag(file_name);
  RoutingConfigCheck check;
  const auto root = config::parse_yaml_document(yaml_text, diag);
  if (root) {
    RoutingConfig routing;
    routing.file = file_name;
    const MapReader top(diag, Field::root(*root),
                        {"version", "departments", "default", "regions", "routes"});
    if (top.is_map()) {
      config::check_format_version(diag, top, kSupportedVersion);
      config::DeclaredDepartments declared;
      if (const auto field = top.required("departments")) {
        routing.departments = read_departments(diag, *field, declared);
      }
      if (const auto field = top.required("default")) {
        if (auto code = config::read_nonempty_string(diag, *field, "default")) {
          config::check_department_reference(diag, *field, *code, declared);
          routing.default_department = std::move(*code);
        }
      }
      if (const auto field = top.optional("regions")) {
        routing.streets = config::read_regions(diag, *field);
      }
      if (const auto field = top.optional("routes")) {
        routing.rules = config::read_rules(diag, *field, declared, routing.streets);
      }
    }
    if (!diag.has_errors()) {
      for (auto& warning : config::find_shadowed_rules(routing)) {
        diag.warning(std::move(warning.pos), std::move(warning.path), std::move(warning.message));
      }
      check.config = std::move(routing);
    }
  }
  check.errors = diag.take_errors();
  check.warnings = diag.take_warnings();
  return check;
}

RoutingConfigCheck check_routing_config_file(const std::string& path) {
  Diagnostics diag(path);
  const auto text = config::read_config_file(path, diag);
  if (!text) {
    return RoutingConfigCheck{std::nullopt, diag.take_errors(), {}};
  }
  return check_routing_config(*text, path);
}

std::variant<RoutingConfig, std::vector<ConfigError>> parse_routing_config(
    std::string_view yaml_text, const std::string& file_name) {
  auto check = check_routing_config(yaml_text, file_name);
  if (check.config) {
    return std::move(*check.config);
  }
  return std::move(check.errors);
}

std::variant<RoutingConfig, std::vector<ConfigError>> load_routing_config(const std::string& path) {
  auto check = check_routing_config_file(path);
  if (check.config) {
    return std::move(*check.config);
  }
  return std::move(check.errors);
}

}  // namespace gw
