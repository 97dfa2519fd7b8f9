#include "gateway/config/rule_shadowing.h"

#include <algorithm>
#include <set>

#include "gateway/config/yaml_reader.h"

namespace gw::config {
namespace {

// Each condition is "any of" a list, and an empty list does not constrain. `earlier`'s
// condition accepts everything `later`'s accepts when earlier's is unconstrained, or when
// later's is constrained and each value later accepts is accepted by some value of earlier.
template <class T, class Accepts>
bool condition_covers(const std::vector<T>& earlier, const std::vector<T>& later, Accepts accepts) {
  if (earlier.empty()) {
    return true;
  }
  if (later.empty()) {
    return false;
  }
  return std::all_of(later.begin(), later.end(), [&](const T& l) {
    return std::any_of(earlier.begin(), earlier.end(), [&](const T& e) { return accepts(e, l); });
  });
}

const auto kEqual = [](const auto& e, const auto& l) { return e == l; };

bool is_level_prefix(const std::vector<std::string>& prefix, const std::vector<std::string>& path) {
  return prefix.size() <= path.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

// A text containing `later`'s keyword also contains every keyword that `later`'s contains.
bool keyword_implied(const std::string& earlier, const std::string& later) {
  return later.find(earlier) != std::string::npos;
}

bool starts_with(const std::string& earlier, const std::string& later) {
  return later.starts_with(earlier);
}

template <class T>
std::set<T> as_set(const std::vector<T>& v) {
  return std::set<T>(v.begin(), v.end());
}

bool same_conditions(const RuleMatch& a, const RuleMatch& b) {
  return as_set(a.sources) == as_set(b.sources) && as_set(a.kinds) == as_set(b.kinds) &&
         as_set(a.category_prefixes) == as_set(b.category_prefixes) &&
         as_set(a.streets) == as_set(b.streets) && as_set(a.communities) == as_set(b.communities) &&
         as_set(a.grid_prefixes) == as_set(b.grid_prefixes) &&
         as_set(a.urgencies) == as_set(b.urgencies) && as_set(a.keywords) == as_set(b.keywords);
}

}  // namespace

bool covers(const RuleMatch& earlier, const RuleMatch& later) {
  return condition_covers(earlier.sources, later.sources, kEqual) &&
         condition_covers(earlier.kinds, later.kinds, kEqual) &&
         condition_covers(earlier.category_prefixes, later.category_prefixes, is_level_prefix) &&
         condition_covers(earlier.streets, later.streets, kEqual) &&
         condition_covers(earlier.communities, later.communities, kEqual) &&
         condition_covers(earlier.grid_prefixes, later.grid_prefixes, starts_with) &&
         condition_covers(earlier.urgencies, later.urgencies, kEqual) &&
         condition_covers(earlier.keywords, later.keywords, keyword_implied);
}

std::vector<ConfigError> find_shadowed_rules(const RoutingConfig& config) {
  std::vector<ConfigError> warnings;
  const auto& rules = config.rules;
  for (std::size_t later = 0; later < rules.size(); ++later) {
    for (std::size_t earlier = 0; earlier < later; ++earlier) {
      if (!covers(rules[earlier].match, rules[later].match)) {
        continue;
      }
      const bool same = same_conditions(rules[earlier].match, rules[later].match);
      warnings.push_back(ConfigError{
          rules[later].pos, index_path("routes", later),
          "rule \"" + rules[later].id + "\" can never match: earlier rule \"" + rules[earlier].id +
              "\" (line " + std::to_string(rules[earlier].pos.line) + ") " +
              (same ? "has the same conditions" : "is more general")});
      break;
    }
  }
  return warnings;
}

}  // namespace gw::config
