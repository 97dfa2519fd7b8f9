// routes.yaml `routes`: the rules, in priority order, and their match conditions.
#include <algorithm>
#include <array>
#include <map>

#include "gateway/config/name_syntax.h"
#include "gateway/config/priority_spellings.h"
#include "gateway/config/routes_yaml_sections.h"

namespace gw::config {
namespace {

constexpr std::array<EnumSpelling<Source>, 2> kSources{{
    {"hotline", Source::hotline},
    {"grid", Source::grid},
}};

// appealType and eventType values of the reference formats (DOMAIN.md section 3). Other
// vendors may send others, so an unknown kind is only a warning: it is usually a typo.
constexpr std::array<std::string_view, 13> kKnownKinds{
    "咨询", "求助",     "投诉",     "举报",     "建议",     "表扬",    "感谢",
    "其他", "矛盾纠纷", "安全隐患", "城市管理", "民生服务", "治安事件"};

constexpr std::string_view kMatchKeys =
    "source, kind, category, street, community, grid, urgency, keywords";

bool street_known(const std::vector<Street>& streets, std::string_view name_or_code) {
  return std::any_of(streets.begin(), streets.end(), [&](const Street& s) {
    return s.name == name_or_code || s.code == name_or_code;
  });
}

bool community_known(const std::vector<Street>& streets, std::string_view name_or_code) {
  return std::any_of(streets.begin(), streets.end(), [&](const Street& s) {
    return std::any_of(s.communities.begin(), s.communities.end(), [&](const Community& c) {
      return c.name == name_or_code || c.code == name_or_code;
    });
  });
}

template <class E, std::size_t N>
std::vector<E> read_enum_list(Diagnostics& diag, const Field& at,
                              const std::array<EnumSpelling<E>, N>& spellings) {
  std::vector<E> values;
  if (const auto items = read_list(diag, at, ListShape::list_or_single, false)) {
    for (const auto& item : *items) {
      if (const auto value = read_enum<E>(diag, item, spellings)) {
        values.push_back(*value);
      }
    }
  }
  return values;
}

// Streets and communities: a name, or a code of `digits` digits.
std::vector<std::string> read_places(Diagnostics& diag, const Field& at, std::string_view what,
                                     std::size_t digits, const std::vector<Street>& streets,
                                     bool (*known)(const std::vector<Street>&, std::string_view)) {
  std::vector<std::string> places;
  const auto items = read_list(diag, at, ListShape::list_or_single, false);
  if (!items) {
    return places;
  }
  for (const auto& item : *items) {
    auto place = read_nonempty_string(diag, item, what);
    if (!place) {
      continue;
    }
    if (is_all_digits(*place) && place->size() != digits) {
      diag.error(item, std::string(what) + " code \"" + *place + "\" must be " +
                           std::to_string(digits) + " digits (or write the " + std::string(what) +
                           "'s name)");
      continue;
    }
    if (!streets.empty() && !known(streets, *place)) {
      diag.warning(item, std::string(what) + " \"" + *place +
                             "\" is not in regions; only cases that name it exactly match");
    }
    places.push_back(std::move(*place));
  }
  return places;
}

std::vector<std::vector<std::string>> read_categories(Diagnostics& diag, const Field& at) {
  std::vector<std::vector<std::string>> prefixes;
  const auto items = read_list(diag, at, ListShape::list_or_single, false);
  if (!items) {
    return prefixes;
  }
  for (const auto& item : *items) {
    const auto path = read_nonempty_string(diag, item, "category");
    if (!path) {
      continue;
    }
    auto split = split_category_path(*path);
    if (auto* problem = std::get_if<std::string>(&split)) {
      diag.error(item, std::move(*problem));
      continue;
    }
    prefixes.push_back(std::move(std::get<std::vector<std::string>>(split)));
  }
  return prefixes;
}

std::vector<std::string> read_grid_prefixes(Diagnostics& diag, const Field& at) {
  std::vector<std::string> prefixes;
  const auto items = read_list(diag, at, ListShape::list_or_single, false);
  if (!items) {
    return prefixes;
  }
  for (const auto& item : *items) {
    auto prefix = read_string(diag, item);
    if (!prefix) {
      continue;
    }
    if (!is_all_digits(*prefix) || prefix->size() > 14) {
      diag.error(item, "grid-code prefix \"" + *prefix + "\" must be 1 to 14 digits");
      continue;
    }
    prefixes.push_back(std::move(*prefix));
  }
  return prefixes;
}

RuleMatch read_match(Diagnostics& diag, const Field& at, const std::vector<Street>& streets) {
  RuleMatch match;
  const std::string empty_match =
      "empty match: give at least one condition (" + std::string(kMatchKeys) + ")";
  if (at.value.IsNull()) {
    diag.error(at, empty_match);
    return match;
  }
  MapReader map(
      diag, at,
      {"source", "kind", "category", "street", "community", "grid", "urgency", "keywords"});
  if (!map.is_map()) {
    return match;
  }
  if (at.value.size() == 0) {
    diag.error(at, empty_match);
    return match;
  }
  if (const auto f = map.optional("source")) {
    match.sources = read_enum_list(diag, *f, kSources);
  }
  if (const auto f = map.optional("kind")) {
    if (const auto items = read_list(diag, *f, ListShape::list_or_single, false)) {
      for (const auto& item : *items) {
        auto kind = read_nonempty_string(diag, item, "kind");
        if (!kind) {
          continue;
        }
        if (std::find(kKnownKinds.begin(), kKnownKinds.end(), *kind) == kKnownKinds.end()) {
          diag.warning(item, "kind \"" + *kind +
                                 "\" is not an appealType or eventType of the reference formats");
        }
        match.kinds.push_back(std::move(*kind));
      }
    }
  }
  if (const auto f = map.optional("category")) {
    match.category_prefixes = read_categories(diag, *f);
  }
  if (const auto f = map.optional("street")) {
    match.streets = read_places(diag, *f, "street", 9, streets, street_known);
  }
  if (const auto f = map.optional("community")) {
    match.communities = read_places(diag, *f, "community", 12, streets, community_known);
  }
  if (const auto f = map.optional("grid")) {
    match.grid_prefixes = read_grid_prefixes(diag, *f);
  }
  if (const auto f = map.optional("urgency")) {
    match.urgencies = read_enum_list(diag, *f, kPrioritySpellings);
  }
  if (const auto f = map.optional("keywords")) {
    if (auto keywords = read_string_list(diag, *f, "keyword")) {
      match.keywords = std::move(*keywords);
    }
  }
  return match;
}

// The co-handlers without the lead and without repeats, in the order written.
std::vector<std::string> read_co_handlers(Diagnostics& diag, const Field& at,
                                          const DeclaredDepartments& declared,
                                          const std::string& lead) {
  std::vector<std::string> co;
  const auto items = read_list(diag, at, ListShape::list_or_single, true);
  if (!items) {
    return co;
  }
  for (const auto& item : *items) {
    auto code = read_nonempty_string(diag, item, "co");
    if (!code) {
      continue;
    }
    check_department_reference(diag, item, *code, declared);
    if (*code == lead || std::find(co.begin(), co.end(), *code) != co.end()) {
      continue;
    }
    co.push_back(std::move(*code));
  }
  return co;
}

struct RuleIdSource {
  std::optional<Field> written;  // absent: the rule is named by its position
};

Rule read_rule(Diagnostics& diag, const Field& at, std::size_t index,
               const DeclaredDepartments& declared, const std::vector<Street>& streets,
               RuleIdSource& id_source) {
  Rule rule;
  rule.pos = diag.pos(at);
  rule.id = "rule-" + std::to_string(index + 1);
  MapReader map(diag, at, {"id", "match", "to", "co"});
  if (!map.is_map()) {
    return rule;
  }
  if (const auto field = map.optional("id")) {
    if (auto id = read_nonempty_string(diag, *field, "id")) {
      if (!is_valid_code(*id)) {
        diag.error(*field, "invalid rule id \"" + *id +
                               "\": use 1 to 64 of a-z 0-9 . _ -, starting with a-z or 0-9");
      }
      rule.id = std::move(*id);
      id_source.written = *field;
    }
  }
  if (const auto field = map.required("match")) {
    rule.match = read_match(diag, *field, streets);
  }
  if (const auto field = map.required("to")) {
    if (auto lead = read_nonempty_string(diag, *field, "to")) {
      check_department_reference(diag, *field, *lead, declared);
      rule.lead = std::move(*lead);
    }
  }
  if (const auto field = map.optional("co")) {
    rule.co = read_co_handlers(diag, *field, declared, rule.lead);
  }
  return rule;
}

// Rule ids name rules in logs and explanations, so they must be unique, including the
// "rule-<n>" ids of rules that have none.
void check_unique_rule_ids(Diagnostics& diag, const Field& routes, const std::vector<Rule>& rules,
                           const std::vector<RuleIdSource>& sources) {
  std::map<std::string_view, std::size_t> first_index;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const auto [it, inserted] = first_index.emplace(rules[i].id, i);
    if (inserted) {
      continue;
    }
    const std::size_t first = it->second;
    std::string message = "duplicate rule id \"" + rules[i].id + "\"";
    message += sources[first].written
                   ? " (first at line " + std::to_string(rules[first].pos.line) + ")"
                   : " (the default id of " + index_path(routes.path, first) + ", which has no id)";
    if (sources[i].written) {
      diag.error(*sources[i].written, std::move(message));
    } else {
      diag.error(rules[i].pos, index_path(routes.path, i) + ".id", std::move(message));
    }
  }
}

}  // namespace

std::variant<std::vector<std::string>, std::string> split_category_path(std::string_view path) {
  std::vector<std::string> levels;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    const std::string_view level = trim_ascii_space(
        path.substr(start, slash == std::string_view::npos ? path.npos : slash - start));
    if (level.empty()) {
      return "empty level in category \"" + std::string(path) + "\" (levels are separated by '/')";
    }
    levels.emplace_back(level);
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  if (levels.size() > 3) {
    return "category \"" + std::string(path) + "\" has " + std::to_string(levels.size()) +
           " levels; categories have at most 3";
  }
  return levels;
}

std::vector<Rule> read_rules(Diagnostics& diag, const Field& at,
                             const DeclaredDepartments& declared,
                             const std::vector<Street>& streets) {
  std::vector<Rule> rules;
  // No rules is legitimate: every case then goes to the default department.
  const auto items = read_list(diag, at, ListShape::list_only, true);
  if (!items) {
    return rules;
  }
  std::vector<RuleIdSource> id_sources(items->size());
  for (std::size_t i = 0; i < items->size(); ++i) {
    rules.push_back(read_rule(diag, (*items)[i], i, declared, streets, id_sources[i]));
  }
  check_unique_rule_ids(diag, at, rules, id_sources);
  return rules;
}

}  // namespace gw::config
