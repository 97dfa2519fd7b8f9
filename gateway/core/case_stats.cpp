#include "gateway/core/case_stats.h"

#include <xxhash.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "gateway/core/time_format.h"

namespace gw {
namespace {

bool is_dispatch(EventType t) {
  return t == EventType::routed || t == EventType::redispatched || t == EventType::reopened;
}

// The event types the figures read; the others are not kept.
bool is_counted(EventType t) {
  return is_dispatch(t) || t == EventType::signed_for || t == EventType::returned ||
         t == EventType::resolved || t == EventType::breached;
}

std::optional<double> ratio(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

Refusal parameter_refusal(RefusalCode code, std::string_view name, std::string detail) {
  return Refusal{code, std::string(name), std::move(detail)};
}

// RFC 3339 needs the T and an offset; parse_time alone also takes China-time forms without
// either, which a URL should not rely on.
Result<EpochMs> parse_period_bound(std::string_view name, std::optional<std::string_view> text) {
  if (!text) return parameter_refusal(RefusalCode::missing_field, name, "required");
  constexpr std::string_view kExpected =
      "expected an RFC 3339 time with an offset, such as 2025-09-01T00:00:00+08:00 or "
      "2025-08-31T16:00:00Z";
  const std::string_view t = *text;
  const bool has_t = t.size() > 10 && t[10] == 'T';
  const bool zulu = !t.empty() && t.back() == 'Z';
  const bool offset =
      t.size() >= 6 && (t[t.size() - 6] == '+' || t[t.size() - 6] == '-') && t[t.size() - 3] == ':';
  if (!has_t || !(zulu || offset)) {
    std::string detail(kExpected);
    if (t.size() >= 6 && t[t.size() - 6] == ' ' && t[t.size() - 3] == ':') {
      // A '+' left unencoded in a query string arrives as a space.
      detail.append("; a '+' in a URL must be written %2B");
    }
    return parameter_refusal(RefusalCode::bad_time, name, std::move(detail));
  }
  const std::optional<EpochMs> at = parse_time(t);
  if (!at) return parameter_refusal(RefusalCode::bad_time, name, std::string(kExpected));
  if (!time_in_accepted_range(*at)) {
    return parameter_refusal(RefusalCode::bad_time, name,
                             "expected an instant from 2000-01-01 to before 2100-01-01");
  }
  return *at;
}

}  // namespace

std::string_view to_string(StatsGrouping g) {
  return g == StatsGrouping::street ? "street" : "department";
}

Result<StatsQuery> parse_stats_query(std::optional<std::string_view> from,
                                     std::optional<std::string_view> to,
                                     std::optional<std::string_view> by) {
  StatsQuery q;
  Result<EpochMs> start = parse_period_bound("from", from);
  if (!start) return start.refusal();
  Result<EpochMs> end = parse_period_bound("to", to);
  if (!end) return end.refusal();
  if (*end <= *start) {
    return parameter_refusal(RefusalCode::out_of_range, "to", "expected an instant after from");
  }
  q.period = StatsPeriod{*start, *end};
  if (by) {
    if (*by == "department") {
      q.by = StatsGrouping::department;
    } else if (*by == "street") {
      q.by = StatsGrouping::street;
    } else {
      return parameter_refusal(RefusalCode::out_of_range, "by", "expected department or street");
    }
  }
  return q;
}

std::optional<double> StatsFigures::sign_for_rate() const { return ratio(signed_for, dispatched); }
std::optional<double> StatsFigures::on_time_completion_rate() const {
  return ratio(resolved_on_time, resolved);
}
std::optional<double> StatsFigures::return_rate() const { return ratio(returned, dispatched); }
std::optional<double> StatsFigures::completion_rate() const { return ratio(resolved, dispatched); }

StatsFigures& StatsFigures::operator+=(const StatsFigures& o) {
  dispatched += o.dispatched;
  signed_for += o.signed_for;
  returned += o.returned;
  resolved += o.resolved;
  resolved_on_time += o.resolved_on_time;
  open += o.open;
  overdue += o.overdue;
  self_handled += o.self_handled;
  return *this;
}

CaseStatsAggregator::CaseStatsAggregator(StatsPeriod period) : period_(period) {
  department_index("");  // index 0: no department (created, a self-handled resolution)
}

std::uint32_t CaseStatsAggregator::department_index(const std::string& code) {
  auto [it, inserted] =
      department_ids_.try_emplace(code, static_cast<std::uint32_t>(departments_.size()));
  if (inserted) departments_.push_back(code);
  return it->second;
}

void CaseStatsAggregator::add(const CaseEvent& e) {
  if (!is_counted(e.type)) return;
  Step s;
  if (!e.id.empty()) {
    s.id_hash = XXH3_64bits(e.id.data(), e.id.size());
  } else {
    // No id (not written by the lifecycle): distinct unless type, seq and instant agree.
    const std::uint64_t parts[3] = {static_cast<std::uint64_t>(e.type), e.seq,
                                    static_cast<std::uint64_t>(e.at)};
    s.id_hash = XXH3_64bits(parts, sizeof parts);
  }
  s.at = e.at;
  s.seq = e.seq;
  s.department = department_index(e.department);
  s.type = e.type;
  s.stage = e.stage ? static_cast<std::uint8_t>(*e.stage) : 0xFF;
  cases_[e.case_id].push_back(s);
  ++kept_;
}

std::vector<CaseStatsAggregator::Step> CaseStatsAggregator::ordered_steps(
    const std::vector<Step>& steps) const {
  std::vector<Step> out = steps;
  // A repeat (same id) may carry another seq (a timer fired again after a restore): keep the
  // first production of each event.
  std::sort(out.begin(), out.end(), [](const Step& a, const Step& b) {
    return std::tie(a.id_hash, a.seq, a.at) < std::tie(b.id_hash, b.seq, b.at);
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Step& a, const Step& b) { return a.id_hash == b.id_hash; }),
            out.end());
  std::sort(out.begin(), out.end(), [](const Step& a, const Step& b) {
    return std::tie(a.seq, a.at, a.id_hash) < std::tie(b.seq, b.at, b.id_hash);
  });
  return out;
}

std::vector<CaseStatsAggregator::Dispatch> CaseStatsAggregator::dispatches_of(
    const std::vector<Step>& steps) const {
  std::vector<Dispatch> out;
  std::optional<Dispatch> current;
  for (const Step& s : ordered_steps(steps)) {
    if (is_dispatch(s.type)) {
      if (current) out.push_back(*current);
      current.reset();
      if (period_.contains(s.at)) current = Dispatch{s.department};
      continue;
    }
    // Before any dispatch in the period, after the period's end, or after the dispatch ended.
    if (!current || s.at >= period_.to || current->returned || current->resolved) continue;
    Dispatch& d = *current;
    switch (s.type) {
      case EventType::signed_for:
        d.signed_for = true;
        break;
      case EventType::returned:
        d.returned = true;
        break;
      case EventType::resolved:
        d.resolved = true;
        d.self_handled = !d.signed_for && s.department == 0;
        break;
      case EventType::breached:
        if (s.stage == static_cast<std::uint8_t>(SlaStage::resolve)) {
          d.resolve_breached = true;
        } else if (s.stage == static_cast<std::uint8_t>(SlaStage::sign_for)) {
          d.sign_for_breached = true;
        }
        break;
      default:
        break;
    }
  }
  if (current) out.push_back(*current);
  return out;
}

std::vector<std::string> CaseStatsAggregator::dispatched_cases() const {
  std::vector<std::string> out;
  for (const auto& [case_id, steps] : cases_) {
    for (const Step& s : steps) {
      if (is_dispatch(s.type) && period_.contains(s.at)) {
        out.push_back(case_id);
        break;
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

StatsReport CaseStatsAggregator::report(
    StatsGrouping by, const std::unordered_map<std::string, std::string>& street_of) const {
  std::map<std::string, StatsFigures> groups;
  static const std::string kUnknownStreet;
  for (const auto& [case_id, steps] : cases_) {
    const std::string* street = &kUnknownStreet;
    if (by == StatsGrouping::street) {
      if (auto it = street_of.find(case_id); it != street_of.end()) street = &it->second;
    }
    for (const Dispatch& d : dispatches_of(steps)) {
      StatsFigures& f =
          groups[by == StatsGrouping::department ? departments_[d.department] : *street];
      if (d.self_handled) {
        ++f.self_handled;
        continue;
      }
      const bool open = !d.resolved && !d.returned;
      ++f.dispatched;
      f.signed_for += d.signed_for ? 1 : 0;
      f.returned += d.returned ? 1 : 0;
      f.resolved += d.resolved ? 1 : 0;
      f.resolved_on_time += d.resolved && !d.resolve_breached ? 1 : 0;
      f.open += open ? 1 : 0;
      f.overdue += open && (d.resolve_breached || (d.sign_for_breached && !d.signed_for)) ? 1 : 0;
    }
  }
  StatsReport r;
  r.query = StatsQuery{period_, by};
  for (auto& [key, figures] : groups) {
    r.total += figures;
    r.groups.push_back(StatsGroup{key, figures});
  }
  return r;
}

}  // namespace gw
