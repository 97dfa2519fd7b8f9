#include "gateway/core/route_table.h"

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include "gateway/core/route_conditions.h"
#include "gateway/core/route_explain.h"
#include "gateway/core/route_index.h"

namespace gw {

// Built once in the constructor, then only read: shared by every thread routing with the
// table. Heap-held so that rule_index may point into rules across moves of the table.
struct RouteTable::Index {
  // Department pointers resolved at build time, so that route() does no lookup by code.
  struct Assignment {
    const Department* lead = nullptr;
    std::vector<const Department*> co;  // without the lead, no repeats, in rule order
  };

  std::vector<route_conditions::CompiledRule> rules;  // parallel to config.rules
  std::vector<Assignment> assignments;                // parallel to config.rules
  const Department* default_lead = nullptr;
  RuleIndex rule_index;

  RouteDecision decide(const RoutingConfig& config, std::size_t rule_position) const {
    if (rule_position >= rules.size()) return RouteDecision{nullptr, default_lead, {}};
    const Assignment& a = assignments[rule_position];
    return RouteDecision{&config.rules[rule_position], a.lead, a.co};
  }
};

RouteTable::RouteTable(std::shared_ptr<const RoutingConfig> config)
    : config_(std::move(config)), index_(std::make_unique<Index>()) {
  const RoutingConfig& cfg = *config_;
  Index& index = *index_;
  index.default_lead = cfg.department(cfg.default_department);
  assert(index.default_lead != nullptr && "routes.yaml validation checks default_department");
  index.rules.reserve(cfg.rules.size());
  index.assignments.reserve(cfg.rules.size());
  for (const Rule& rule : cfg.rules) {
    index.rules.push_back(route_conditions::compile(rule));
    Index::Assignment a;
    a.lead = cfg.department(rule.lead);
    // Validation rejects unknown codes; should one slip through, the case still reaches the
    // command center's queue rather than nowhere.
    if (a.lead == nullptr) a.lead = index.default_lead;
    for (const std::string& code : rule.co) {
      const Department* d = cfg.department(code);
      if (d == nullptr || d == a.lead) continue;
      if (std::find(a.co.begin(), a.co.end(), d) != a.co.end()) continue;
      a.co.push_back(d);
    }
    index.assignments.push_back(std::move(a));
  }
  index.rule_index = RuleIndex(index.rules);
}

RouteTable::~RouteTable() = default;
RouteTable::RouteTable(RouteTable&&) noexcept = default;
RouteTable& RouteTable::operator=(RouteTable&&) noexcept = default;

RouteDecision RouteTable::route(const Case& c) const {
  return index_->decide(*config_, index_->rule_index.first_match(c));
}

RouteDecision RouteTable::route(const Case& c, std::span<const std::string> exclude) const {
  if (exclude.empty()) return route(c);
  const Index& index = *index_;
  const auto excluded = [exclude](const Department* d) {
    return std::find(exclude.begin(), exclude.end(), d->code) != exclude.end();
  };
  const std::size_t end = index.rules.size();
  std::size_t position = index.rule_index.first_match(c);
  while (position < end && excluded(index.assignments[position].lead)) {
    do {
      ++position;
    } while (position < end && !route_conditions::holds(index.rules[position], c));
  }
  if (position == end && excluded(index.default_lead)) return RouteDecision{};
  RouteDecision decision = index.decide(*config_, position);
  std::erase_if(decision.co, excluded);
  return decision;
}

Explanation RouteTable::explain(const Case& c) const {
  Explanation out;
  const std::vector<Rule>& rules = config_->rules;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    out.verdicts.push_back(explain_rule(rules[i], c));
    if (out.verdicts.back().matched) {
      out.decision = index_->decide(*config_, i);
      return out;
    }
  }
  out.decision = index_->decide(*config_, rules.size());
  return out;
}

}  // namespace gw
