// The routing configuration as admins write it in config/routes.yaml, after it has been
// parsed and fully validated (routes_yaml.h). Plain data: nothing here touches YAML.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/case.h"

namespace gw {

// Where something was written, for messages that point an admin at the line to fix.
struct SourcePos {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
};

// What a department may see of the reporter's name and phone.
enum class PersonalDataPolicy : std::uint8_t {
  clear,   // as given
  masked,  // "138****1234", "王**"
  omit,    // not at all
};
std::string_view to_string(PersonalDataPolicy p);

struct Department {
  std::string code;   // short, stable: "housing", "env-protection"
  std::string name;   // display name: "住房和城乡建设局"
  std::string topic;  // Kafka topic the department consumes
  PersonalDataPolicy personal_data = PersonalDataPolicy::masked;
  SourcePos pos;
};

// Every list is "any of"; an empty list does not constrain. All given conditions must hold.
struct RuleMatch {
  std::vector<Source> sources;
  std::vector<std::string> kinds;  // appealType or eventType, exact
  // Category path prefixes, each split on '/': {"城乡建设", "市政设施"} matches a case whose
  // category starts with those two levels.
  std::vector<std::vector<std::string>> category_prefixes;
  std::vector<std::string> streets;      // street name or 9-digit street code
  std::vector<std::string> communities;  // community name or 12-digit community code
  std::vector<std::string> grid_prefixes;  // prefixes of the 14-digit grid code
  std::vector<Priority> urgencies;
  std::vector<std::string> keywords;  // any of them, as a substring of title or description

  bool empty() const {
    return sources.empty() && kinds.empty() && category_prefixes.empty() && streets.empty() &&
           communities.empty() && grid_prefixes.empty() && urgencies.empty() && keywords.empty();
  }
};

struct Rule {
  std::string id;  // admin-given, or "rule-<n>" (1-based position) when absent
  RuleMatch match;
  std::string lead;             // department code
  std::vector<std::string> co;  // co-handling department codes (协办), may be empty
  SourcePos pos;
};

// Optional directory of streets and communities, so that a grid report (which carries only
// a grid code) and a hotline ticket (which carries only names) can be routed by the same
// rule. Codes follow DOMAIN.md: grid code = 9-digit street + 3-digit community + 2-digit grid.
struct Community {
  std::string code;  // 12 digits
  std::string name;
};
struct Street {
  std::string code;  // 9 digits
  std::string name;
  std::vector<Community> communities;
};

struct RoutingConfig {
  std::string file;  // where it was loaded from, for messages
  std::vector<Department> departments;
  std::vector<Rule> rules;  // in priority order: the first that matches wins
  std::string default_department;  // the command center's manual-dispatch queue
  std::vector<Street> streets;

  const Department* department(std::string_view code) const;
};

// A problem in an admin's YAML. Printed as "routes.yaml:14:7: routes[2].to: unknown department \"munic\"".
struct ConfigError {
  SourcePos pos;
  std::string path;     // key path, e.g. "routes[2].to"
  std::string message;  // what is wrong
  std::string to_string() const;
};

}  // namespace gw
