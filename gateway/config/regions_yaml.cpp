// routes.yaml `regions`: the street and community directory. Codes follow GB/T 2260 plus the
// grid scheme of DOMAIN.md: a 9-digit street code, and a 12-digit community code that starts
// with its street's code.
#include <map>
#include <set>

#include "gateway/config/name_syntax.h"
#include "gateway/config/routes_yaml_sections.h"

namespace gw::config {
namespace {

// Unique names and codes, by the line they were first written on.
using FirstLines = std::map<std::string, int, std::less<>>;

bool check_unique(Diagnostics& diag, const Field& at, FirstLines& seen, const std::string& what,
                  const std::string& value) {
  const auto [it, inserted] = seen.emplace(value, diag.pos(at).line);
  if (!inserted) {
    diag.error(at, "duplicate " + what + " \"" + value + "\" (first at line " +
                       std::to_string(it->second) + ")");
  }
  return inserted;
}

std::optional<Community> read_community(Diagnostics& diag, const Field& at,
                                        const std::string& street_code, FirstLines& community_codes,
                                        FirstLines& names) {
  MapReader map(diag, at, {"name", "code"});
  if (!map.is_map()) {
    return std::nullopt;
  }
  Community community;
  if (const auto field = map.required("name")) {
    if (auto name = read_nonempty_string(diag, *field, "name")) {
      check_unique(diag, *field, names, "community name in this street", *name);
      community.name = std::move(*name);
    }
  }
  if (const auto field = map.required("code")) {
    if (auto code = read_nonempty_string(diag, *field, "code")) {
      if (!is_digits(*code, 12)) {
        diag.error(*field, "community code \"" + *code + "\" must be 12 digits");
      } else if (is_digits(street_code, 9) && !code->starts_with(street_code)) {
        diag.error(*field, "community code \"" + *code +
                               "\" does not start with its street's code \"" + street_code + "\"");
      }
      check_unique(diag, *field, community_codes, "community code", *code);
      community.code = std::move(*code);
    }
  }
  return community;
}

std::optional<Street> read_street(Diagnostics& diag, const Field& at, FirstLines& street_codes,
                                  FirstLines& street_names, FirstLines& community_codes) {
  MapReader map(diag, at, {"street", "code", "communities"});
  if (!map.is_map()) {
    return std::nullopt;
  }
  Street street;
  if (const auto field = map.required("street")) {
    if (auto name = read_nonempty_string(diag, *field, "street")) {
      check_unique(diag, *field, street_names, "street name", *name);
      street.name = std::move(*name);
    }
  }
  if (const auto field = map.required("code")) {
    if (auto code = read_nonempty_string(diag, *field, "code")) {
      if (!is_digits(*code, 9)) {
        diag.error(*field, "street code \"" + *code + "\" must be 9 digits");
      }
      check_unique(diag, *field, street_codes, "street code", *code);
      street.code = std::move(*code);
    }
  }
  if (const auto field = map.optional("communities")) {
    if (const auto items = read_list(diag, *field, ListShape::list_only, true)) {
      FirstLines names;  // the same community name may exist in two streets, not in one
      for (const auto& item : *items) {
        if (auto community = read_community(diag, item, street.code, community_codes, names)) {
          street.communities.push_back(std::move(*community));
        }
      }
    }
  }
  return street;
}

}  // namespace

std::vector<Street> read_regions(Diagnostics& diag, const Field& at) {
  std::vector<Street> streets;
  const auto items = read_list(diag, at, ListShape::list_only, true);
  if (!items) {
    return streets;
  }
  FirstLines street_codes;
  FirstLines street_names;
  FirstLines community_codes;
  for (const auto& item : *items) {
    if (auto street = read_street(diag, item, street_codes, street_names, community_codes)) {
      streets.push_back(std::move(*street));
    }
  }
  return streets;
}

}  // namespace gw::config
