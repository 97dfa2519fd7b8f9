// The sections of routes.yaml, each read by its own file (routes_yaml.cpp: the top level and
// departments; regions_yaml.cpp; rules_yaml.cpp). Internal to gateway/config and its tests.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gateway/config/yaml_reader.h"
#include "gateway/core/routing_config.h"

namespace gw::config {

// Every department code written in the file, valid or not: a department whose code is
// malformed is reported once, not again by every rule that names it.
using DeclaredDepartments = std::set<std::string, std::less<>>;

// Records 'unknown department "munic" (did you mean "municipal"?)' when code is not declared.
void check_department_reference(Diagnostics& diag, const Field& at, std::string_view code,
                                const DeclaredDepartments& declared);

std::vector<Street> read_regions(Diagnostics& diag, const Field& at);

// Reads `routes`. Department references are checked against `declared`; streets and
// communities that are not in `streets` (when it is not empty) are warnings.
std::vector<Rule> read_rules(Diagnostics& diag, const Field& at,
                             const DeclaredDepartments& declared,
                             const std::vector<Street>& streets);

// "住房保障/物业管理" -> {"住房保障", "物业管理"}; spaces around levels are dropped. Returns the
// problem instead when a level is empty or there are more than 3 levels.
std::variant<std::vector<std::string>, std::string> split_category_path(std::string_view path);

}  // namespace gw::config
