// config/sla.yaml: defaults, stages, rules, limits, warnings and escalation tiers.
#include "gateway/config/sla_yaml.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>

#include "gateway/config/did_you_mean.h"
#include "gateway/config/name_syntax.h"
#include "gateway/config/priority_spellings.h"
#include "gateway/config/routes_yaml_sections.h"
#include "gateway/config/yaml_reader.h"

namespace gw {
namespace {

using config::Diagnostics;
using config::EnumSpelling;
using config::Field;
using config::ListShape;
using config::MapReader;

constexpr int kSupportedVersion = 1;

constexpr std::array<EnumSpelling<LimitUnit>, 5> kUnits{{
    {"natural_minutes", LimitUnit::natural_minutes},
    {"natural_hours", LimitUnit::natural_hours},
    {"natural_days", LimitUnit::natural_days},
    {"working_hours", LimitUnit::working_hours},
    {"working_days", LimitUnit::working_days},
}};

constexpr std::array<EnumSpelling<StartConvention>, 2> kStarts{{
    {"immediately", StartConvention::immediately},
    {"next_working_day", StartConvention::next_working_day},
}};

constexpr std::array<EnumSpelling<SupervisionTier>, 5> kTiers{{
    {"grid", SupervisionTier::grid},
    {"community", SupervisionTier::community},
    {"street", SupervisionTier::street},
    {"district", SupervisionTier::district},
    {"city", SupervisionTier::city},
}};

constexpr std::array<SlaStage, kSlaStageCount> kStages = {
    SlaStage::sign_for, SlaStage::return_misrouted, SlaStage::extension_decision, SlaStage::resolve,
    SlaStage::close};

// appealType and eventType values of the reference formats (DOMAIN.md section 3); the same
// list as routes.yaml's (rules_yaml.cpp). An unknown kind is a warning: usually a typo.
constexpr std::array<std::string_view, 13> kKnownKinds{
    "咨询", "求助",     "投诉",     "举报",     "建议",     "表扬",    "感谢",
    "其他", "矛盾纠纷", "安全隐患", "城市管理", "民生服务", "治安事件"};

constexpr std::string_view kMatchKeys = "kind, category, urgency, department";

// Sanity bounds: a year of natural time, a working year of working time.
std::int64_t max_amount(LimitUnit u) {
  switch (u) {
    case LimitUnit::natural_minutes:
      return std::int64_t{366} * 24 * 60;
    case LimitUnit::natural_hours:
      return std::int64_t{366} * 24;
    case LimitUnit::natural_days:
      return 366;
    case LimitUnit::working_hours:
      return std::int64_t{250} * 8;
    case LimitUnit::working_days:
      return 250;
  }
  return 250;
}

std::string describe_scalar(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) {
    return "an empty value";
  }
  if (node.IsMap()) {
    return "a mapping";
  }
  if (node.IsSequence()) {
    return "a list";
  }
  return (node.Tag() == "!" ? "the quoted string \"" : "\"") + node.Scalar() + "\"";
}

// Time limits of stages and rules may say where they start; the further limits (escalation
// tiers, max_extension) count from the due before them.
enum class LimitKind : std::uint8_t { stage, further };

std::optional<Limit> read_limit(Diagnostics& diag, const Field& at, LimitKind kind) {
  const MapReader map = kind == LimitKind::stage ? MapReader(diag, at, {"amount", "unit", "start"})
                                                 : MapReader(diag, at, {"amount", "unit"});
  if (!map.is_map()) {
    return std::nullopt;
  }
  std::optional<LimitUnit> unit;
  if (const auto f = map.required("unit")) {
    unit = config::read_enum<LimitUnit>(diag, *f, kUnits);
  }
  std::optional<std::int64_t> amount;
  if (const auto f = map.required("amount")) {
    amount = config::read_int(diag, *f, 1,
                              unit ? max_amount(*unit) : max_amount(LimitUnit::natural_minutes));
  }
  std::optional<StartConvention> start;
  if (const auto f = map.optional("start")) {
    start = config::read_enum<StartConvention>(diag, *f, kStarts);
    if (!start) {
      return std::nullopt;
    }
  }
  if (!unit || !amount) {
    return std::nullopt;
  }
  const StartConvention fallback =
      kind == LimitKind::stage ? default_start(*unit) : StartConvention::immediately;
  return Limit{*amount, *unit, start.value_or(fallback)};
}

std::optional<double> read_fraction(Diagnostics& diag, const Field& at) {
  if (at.value.IsScalar() && at.value.Tag() != "!") {
    const std::string& text = at.value.Scalar();
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size() && value > 0 && value < 1) {
      return value;
    }
  }
  diag.error(at, "expected a fraction of the time between 0 and 1, e.g. 0.75, got " +
                     describe_scalar(at.value));
  return std::nullopt;
}

std::optional<std::vector<double>> read_warnings(Diagnostics& diag, const Field& at) {
  // An empty list is allowed: it turns off warnings an outer level gives.
  const auto items = config::read_list(diag, at, ListShape::list_only, true);
  if (!items) {
    return std::nullopt;
  }
  if (items->size() > kMaxSlaWarnings) {
    diag.error(at, "at most " + std::to_string(kMaxSlaWarnings) + " warnings per time limit");
    return std::nullopt;
  }
  std::vector<double> fractions;
  std::string previous;  // the last valid fraction as written
  bool ok = true;
  for (const Field& item : *items) {
    const auto f = read_fraction(diag, item);
    if (!f) {
      ok = false;
      continue;
    }
    if (!fractions.empty() && *f <= fractions.back()) {
      diag.error(item, "warnings must be in ascending order: " + item.value.Scalar() +
                           " does not come after " + previous);
      ok = false;
      continue;
    }
    fractions.push_back(*f);
    previous = item.value.Scalar();
  }
  if (!ok) {
    return std::nullopt;
  }
  return fractions;
}

std::optional<std::vector<EscalationTier>> read_escalation(Diagnostics& diag, const Field& at) {
  // An empty list is allowed: no escalation, whatever an outer level says.
  const auto items = config::read_list(diag, at, ListShape::list_only, true);
  if (!items) {
    return std::nullopt;
  }
  std::vector<EscalationTier> tiers;
  bool ok = true;
  for (const Field& item : *items) {
    const MapReader map(diag, item, {"tier", "topic", "limit"});
    if (!map.is_map()) {
      ok = false;
      continue;
    }
    EscalationTier tier;
    tier.pos = diag.pos(item);
    bool tier_ok = true;
    if (const auto f = map.required("tier")) {
      const auto value = config::read_enum<SupervisionTier>(diag, *f, kTiers);
      if (value && !tiers.empty() && *value <= tiers.back().tier) {
        diag.error(*f, "tier \"" + std::string(to_string(*value)) + "\" cannot follow \"" +
                           std::string(to_string(tiers.back().tier)) +
                           "\": tiers go up (grid, community, street, district, city), each once");
        tier_ok = false;
      } else if (value) {
        tier.tier = *value;
      } else {
        tier_ok = false;
      }
    } else {
      tier_ok = false;
    }
    if (const auto f = map.required("topic")) {
      if (auto topic = config::read_nonempty_string(diag, *f, "topic")) {
        if (!config::is_valid_kafka_topic(*topic)) {
          diag.error(*f,
                     "invalid Kafka topic \"" + *topic + "\": use 1 to 249 of a-z A-Z 0-9 . _ -");
          tier_ok = false;
        }
        tier.topic = std::move(*topic);
      } else {
        tier_ok = false;
      }
    } else {
      tier_ok = false;
    }
    if (const auto f = map.required("limit")) {
      if (const auto limit = read_limit(diag, *f, LimitKind::further)) {
        tier.limit = *limit;
      } else {
        tier_ok = false;
      }
    } else {
      tier_ok = false;
    }
    if (tier_ok) {
      tiers.push_back(std::move(tier));
    } else {
      ok = false;
    }
  }
  if (!ok) {
    return std::nullopt;
  }
  return tiers;
}

// `none`, or a limit counted from the due before any extension.
std::optional<std::optional<Limit>> read_max_extension(Diagnostics& diag, const Field& at) {
  using MaxExtension = std::optional<std::optional<Limit>>;
  if (at.value.IsScalar() && at.value.Scalar() == "none") {
    return MaxExtension(std::in_place, std::nullopt);
  }
  if (at.value.IsScalar()) {
    diag.error(at, "expected none or a limit {amount, unit}, got " + describe_scalar(at.value));
    return std::nullopt;
  }
  if (const auto limit = read_limit(diag, at, LimitKind::further)) {
    return MaxExtension(std::in_place, *limit);
  }
  return std::nullopt;
}

// What a stage or rule that does not say takes from the level above it.
struct Inherited {
  std::vector<double> warnings;
  std::vector<EscalationTier> escalation;
  std::optional<Limit> max_extension;
};

// Reads warnings, escalation and max_extension where given; the rest comes from `outer`.
Inherited read_overrides(Diagnostics& diag, const MapReader& map, const Inherited& outer,
                         SlaStage stage) {
  Inherited out = outer;
  if (const auto f = map.optional("warnings")) {
    if (auto w = read_warnings(diag, *f)) {
      out.warnings = std::move(*w);
    }
  }
  if (const auto f = map.optional("escalation")) {
    if (auto e = read_escalation(diag, *f)) {
      out.escalation = std::move(*e);
    }
  }
  if (const auto f = map.optional("max_extension")) {
    if (stage != SlaStage::resolve) {
      diag.error(*f,
                 "max_extension applies to the resolve stage only (extensions move the "
                 "resolve deadline)");
    } else if (auto m = read_max_extension(diag, *f)) {
      out.max_extension = *m;
    }
  }
  return out;
}

void apply(SlaRule& rule, Inherited inherited) {
  rule.warnings = std::move(inherited.warnings);
  rule.escalation = std::move(inherited.escalation);
  rule.max_extension = inherited.max_extension;
}

SlaMatch read_match(Diagnostics& diag, const Field& at, std::vector<WrittenAt>& department_at) {
  SlaMatch match;
  const std::string empty_match =
      "empty match: give at least one condition (" + std::string(kMatchKeys) + ")";
  if (at.value.IsNull()) {
    diag.error(at, empty_match);
    return match;
  }
  const MapReader map(diag, at, {"kind", "category", "urgency", "department"});
  if (!map.is_map()) {
    return match;
  }
  if (at.value.size() == 0) {
    diag.error(at, empty_match);
    return match;
  }
  if (const auto f = map.optional("kind")) {
    const auto items = config::read_list(diag, *f, ListShape::list_or_single, false);
    for (const Field& item : items.value_or(std::vector<Field>{})) {
      auto kind = config::read_nonempty_string(diag, item, "kind");
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
  if (const auto f = map.optional("category")) {
    const auto items = config::read_list(diag, *f, ListShape::list_or_single, false);
    for (const Field& item : items.value_or(std::vector<Field>{})) {
      const auto path = config::read_nonempty_string(diag, item, "category");
      if (!path) {
        continue;
      }
      auto split = config::split_category_path(*path);
      if (auto* problem = std::get_if<std::string>(&split)) {
        diag.error(item, std::move(*problem));
        continue;
      }
      match.category_prefixes.push_back(std::move(std::get<std::vector<std::string>>(split)));
    }
  }
  if (const auto f = map.optional("urgency")) {
    const auto items = config::read_list(diag, *f, ListShape::list_or_single, false);
    for (const Field& item : items.value_or(std::vector<Field>{})) {
      if (const auto p = config::read_enum<Priority>(diag, item, config::kPrioritySpellings)) {
        match.urgencies.push_back(*p);
      }
    }
  }
  if (const auto f = map.optional("department")) {
    const auto items = config::read_list(diag, *f, ListShape::list_or_single, false);
    for (const Field& item : items.value_or(std::vector<Field>{})) {
      auto code = config::read_nonempty_string(diag, item, "department");
      if (!code) {
        continue;
      }
      if (!config::is_valid_code(*code)) {
        diag.error(item, "invalid department code \"" + *code +
                             "\": use 1 to 64 of a-z 0-9 . _ -, starting with a-z or 0-9");
        continue;
      }
      department_at.push_back(WrittenAt{diag.pos(item), item.path});
      match.departments.push_back(std::move(*code));
    }
  }
  return match;
}

// Rule ids name rules in events and explanations: unique in the file, defaults included.
class RuleIds {
 public:
  // Records 'duplicate rule id "x" (first at line N)' at `pos` when taken.
  void claim(Diagnostics& diag, const std::string& id, SourcePos pos, const std::string& path) {
    const auto [it, inserted] = lines_.emplace(id, pos.line);
    if (!inserted) {
      diag.error(
          std::move(pos), path,
          "duplicate rule id \"" + id + "\" (first at line " + std::to_string(it->second) + ")");
    }
  }

 private:
  std::map<std::string, int, std::less<>> lines_;
};

SlaRule read_rule(Diagnostics& diag, const Field& at, std::size_t index, SlaStage stage,
                  const Inherited& stage_defaults, RuleIds& ids) {
  SlaRule rule;
  rule.pos = diag.pos(at);
  rule.id = std::string(to_string(stage)) + "-" + std::to_string(index + 1);
  const MapReader map(diag, at,
                      {"id", "match", "limit", "warnings", "escalation", "max_extension"});
  if (!map.is_map()) {
    return rule;
  }
  if (const auto f = map.optional("id")) {
    if (auto id = config::read_nonempty_string(diag, *f, "id")) {
      if (!config::is_valid_code(*id)) {
        diag.error(*f, "invalid rule id \"" + *id +
                           "\": use 1 to 64 of a-z 0-9 . _ -, starting with a-z or 0-9");
      }
      rule.id = std::move(*id);
      ids.claim(diag, rule.id, diag.pos(*f), f->path);
    }
  } else {
    ids.claim(diag, rule.id, rule.pos, config::key_path(at.path, "id"));
  }
  if (const auto f = map.required("match")) {
    rule.match = read_match(diag, *f, rule.department_at);
  }
  if (const auto f = map.required("limit")) {
    if (const auto limit = read_limit(diag, *f, LimitKind::stage)) {
      rule.limit = *limit;
    }
  }
  apply(rule, read_overrides(diag, map, stage_defaults, stage));
  return rule;
}

std::optional<StagePolicy> read_stage(Diagnostics& diag, const Field& at, SlaStage stage,
                                      const Inherited& defaults, RuleIds& ids) {
  const MapReader map(diag, at, {"limit", "warnings", "escalation", "max_extension", "rules"});
  if (!map.is_map()) {
    return std::nullopt;
  }
  StagePolicy policy;
  const Inherited stage_defaults = read_overrides(diag, map, defaults, stage);
  SlaRule& fallback = policy.fallback;
  fallback.id = std::string(to_string(stage)) + "-default";
  fallback.pos = diag.pos(at);
  ids.claim(diag, fallback.id, fallback.pos, at.path);
  if (const auto f = map.required("limit")) {
    if (const auto limit = read_limit(diag, *f, LimitKind::stage)) {
      fallback.limit = *limit;
    }
  }
  apply(fallback, stage_defaults);
  if (const auto f = map.optional("rules")) {
    const auto items = config::read_list(diag, *f, ListShape::list_only, true);
    const auto& list = items.value_or(std::vector<Field>{});
    for (std::size_t i = 0; i < list.size(); ++i) {
      policy.rules.push_back(read_rule(diag, list[i], i, stage, stage_defaults, ids));
    }
  }
  return policy;
}

}  // namespace

SlaPolicyCheck check_sla_policy(std::string_view yaml_text, const std::string& file_name) {
  Diagnostics diag(file_name);
  SlaPolicyCheck check;
  if (const auto root = config::parse_yaml_document(yaml_text, diag)) {
    SlaPolicy policy;
    policy.file = file_name;
    const MapReader top(diag, Field::root(*root), {"version", "warnings", "escalation", "stages"});
    if (top.is_map()) {
      config::check_format_version(diag, top, kSupportedVersion);
      Inherited defaults;
      if (const auto f = top.optional("warnings")) {
        if (auto w = read_warnings(diag, *f)) {
          defaults.warnings = std::move(*w);
        }
      }
      if (const auto f = top.optional("escalation")) {
        if (auto e = read_escalation(diag, *f)) {
          defaults.escalation = std::move(*e);
        }
      }
      if (const auto f = top.required("stages")) {
        const MapReader stages(diag, *f,
                               {"sign_for", "return", "extension_decision", "resolve", "close"});
        RuleIds ids;
        for (const SlaStage stage : kStages) {
          const bool required = stage == SlaStage::sign_for || stage == SlaStage::resolve;
          const auto field =
              required ? stages.required(to_string(stage)) : stages.optional(to_string(stage));
          if (field) {
            policy.stages[static_cast<std::size_t>(stage)] =
                read_stage(diag, *field, stage, defaults, ids);
          }
        }
      }
    }
    if (!diag.has_errors()) {
      check.policy = std::move(policy);
    }
  }
  check.errors = diag.take_errors();
  check.warnings = diag.take_warnings();
  return check;
}

SlaPolicyCheck check_sla_policy_file(const std::string& path) {
  Diagnostics diag(path);
  const auto text = config::read_config_file(path, diag);
  if (!text) {
    return SlaPolicyCheck{std::nullopt, diag.take_errors(), {}};
  }
  return check_sla_policy(*text, path);
}

std::vector<ConfigError> check_sla_departments(const SlaPolicy& policy,
                                               const RoutingConfig& routing) {
  std::vector<std::string_view> known;
  for (const Department& d : routing.departments) {
    known.push_back(d.code);
  }
  std::vector<ConfigError> errors;
  for (const auto& stage : policy.stages) {
    if (!stage) {
      continue;
    }
    for (const SlaRule& rule : stage->rules) {
      for (std::size_t i = 0; i < rule.match.departments.size(); ++i) {
        const std::string& code = rule.match.departments[i];
        if (routing.department(code) != nullptr) {
          continue;
        }
        std::string message = "unknown department \"" + code + "\"";
        if (const auto suggestion = config::closest_match(code, known)) {
          message += " (did you mean \"" + std::string(*suggestion) + "\"?)";
        }
        message += ": not a department of " + (routing.file.empty() ? "routes.yaml" : routing.file);
        errors.push_back(
            ConfigError{rule.department_at[i].pos, rule.department_at[i].path, std::move(message)});
      }
    }
  }
  return errors;
}

}  // namespace gw
