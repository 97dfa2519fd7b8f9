// Chooses the departments for a case: the first rule, in file order, whose conditions all
// hold; the default department when none does.
//
// The table indexes rules so that routing cost does not grow with the number of rules: each
// rule is filed under its most selective condition (category prefix, grid-code prefix,
// community, street, kind, keyword) and a case only tests the rules filed under its own
// values, plus the few rules with no indexable condition. explain() walks every rule in
// order instead and says why each did or did not match; tests check the two always agree.
//
// Immutable after build; safe to share between threads. Holds a shared_ptr to its config so
// that decisions may point into it for as long as the table lives.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "gateway/core/case.h"
#include "gateway/core/routing_config.h"

namespace gw {

struct RouteDecision {
  const Rule* rule = nullptr;  // nullptr when the default applied
  // Never nullptr, except from route() with exclusions that exclude the default department
  // too: an empty decision (the lifecycle then hands the case to the command center).
  const Department* lead = nullptr;
  std::vector<const Department*> co;  // co-handlers, without the lead, no repeats
};

struct RuleVerdict {
  const Rule* rule = nullptr;
  bool matched = false;
  // When not matched: the first condition that failed, e.g.
  //   "category 住房保障/物业管理/供暖 does not start with 城乡建设/市政设施".
  // When matched: the conditions that held, e.g. "kind 投诉; category starts with 住房保障".
  std::string reason;
};

struct Explanation {
  RouteDecision decision;
  std::vector<RuleVerdict> verdicts;  // every rule up to and including the one that matched
};

class RouteTable {
 public:
  // config must already be validated (every department code it names exists).
  explicit RouteTable(std::shared_ptr<const RoutingConfig> config);
  ~RouteTable();
  RouteTable(RouteTable&&) noexcept;
  RouteTable& operator=(RouteTable&&) noexcept;

  RouteDecision route(const Case& c) const;
  // As route(c), for a case that departments returned (退单): a rule whose lead is in exclude
  // does not match (the next matching rule decides), excluded co-handlers are left out, and
  // when no rule decides, the default department unless it is excluded too (then an empty
  // decision). Department codes. With exclude empty this is route(c); otherwise rules after
  // the first match are tested in order (returns are rare).
  RouteDecision route(const Case& c, std::span<const std::string> exclude) const;
  Explanation explain(const Case& c) const;

  const RoutingConfig& config() const { return *config_; }

 private:
  struct Index;
  std::shared_ptr<const RoutingConfig> config_;
  std::unique_ptr<Index> index_;
};

// Fills region names from codes and codes from names using the config's street directory
// (a grid report knows only its grid code; a ticket knows only names). Leaves fields that
// are already set and values it does not know untouched.
void enrich_region(const RoutingConfig& config, Region& region);

}  // namespace gw
