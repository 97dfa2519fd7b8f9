#include "gateway/app/replay.h"

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <vector>

namespace gw::app {
namespace {

void count(std::map<std::string, DepartmentCounts>& counts, const RouteDecision& d) {
  ++counts[d.lead->code].lead;
  for (const Department* co : d.co) ++counts[co->code].co;
}

bool blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

ReplayReport replay(std::istream& lines, CaseProcessor& processor, std::string_view topic,
                    const RouteTable& a, const RouteTable* b) {
  ReplayReport report;
  auto started = std::chrono::steady_clock::now();
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(lines, line)) {
    ++line_no;
    if (blank(line)) continue;
    ++report.inputs;
    InputRecord in;
    in.topic = topic;
    in.offset = static_cast<std::int64_t>(line_no);
    in.value = line;
    Result<Case> c = processor.normalize(in, a);
    if (!c) {
      ++report.refused;
      const Refusal& r = c.refusal();
      RefusalCount& rc = report.refusals[std::string(to_string(r.code)) + " " + r.field];
      if (rc.count++ == 0) rc.first_line = line_no;
      continue;
    }
    RouteDecision da = a.route(*c);
    count(report.with_a, da);
    if (b != nullptr) {
      // The second file may name streets differently: enrich from its own directory.
      enrich_region(b->config(), c->region);
      RouteDecision db = b->route(*c);
      count(report.with_b, db);
      if (da.lead->code != db.lead->code) ++report.moved[{da.lead->code, db.lead->code}];
    }
  }
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

void print_replay(std::ostream& out, const ReplayReport& r, const RouteTable& a,
                  const RouteTable* b) {
  const std::size_t routed = r.inputs - r.refused;
  out << r.inputs << " inputs: " << routed << " routed, " << r.refused << " refused";
  if (r.seconds > 0) {
    out << " (" << std::fixed << std::setprecision(2) << r.seconds << " s, " << std::setprecision(0)
        << static_cast<double>(r.inputs) / r.seconds << " inputs/s)";
  }
  out << "\n\n";

  auto name_of = [&](const std::string& code) -> std::string {
    if (const Department* d = a.config().department(code)) return d->name;
    if (b != nullptr) {
      if (const Department* d = b->config().department(code)) return d->name;
    }
    return "";
  };
  std::vector<std::string> codes;
  for (const auto& [code, _] : r.with_a) codes.push_back(code);
  for (const auto& [code, _] : r.with_b) {
    if (!r.with_a.count(code)) codes.push_back(code);
  }
  std::sort(codes.begin(), codes.end());

  auto get = [](const std::map<std::string, DepartmentCounts>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? DepartmentCounts{} : it->second;
  };

  if (b == nullptr) {
    out << "cases by department (" << a.config().file << "):\n";
    out << "  " << std::left << std::setw(24) << "department" << std::right << std::setw(10)
        << "lead" << std::setw(10) << "co"
        << "\n";
    for (const auto& code : codes) {
      DepartmentCounts c = get(r.with_a, code);
      out << "  " << std::left << std::setw(24) << code << std::right << std::setw(10) << c.lead
          << std::setw(10) << c.co << "  " << name_of(code) << "\n";
    }
  } else {
    out << "cases by department, A = " << a.config().file << ", B = " << b->config().file << ":\n";
    out << "  " << std::left << std::setw(24) << "department" << std::right << std::setw(9)
        << "lead A" << std::setw(9) << "lead B" << std::setw(9) << "change" << std::setw(9)
        << "co A" << std::setw(9) << "co B"
        << "\n";
    for (const auto& code : codes) {
      DepartmentCounts ca = get(r.with_a, code);
      DepartmentCounts cb = get(r.with_b, code);
      long long change = static_cast<long long>(cb.lead) - static_cast<long long>(ca.lead);
      std::string signed_change = (change > 0 ? "+" : "") + std::to_string(change);
      out << "  " << std::left << std::setw(24) << code << std::right << std::setw(9) << ca.lead
          << std::setw(9) << cb.lead << std::setw(9) << signed_change << std::setw(9) << ca.co
          << std::setw(9) << cb.co << "  " << name_of(code) << "\n";
    }
    std::size_t moved_total = 0;
    for (const auto& [_, n] : r.moved) moved_total += n;
    out << "\n" << moved_total << " cases would change lead department";
    out << (r.moved.empty() ? ".\n" : ":\n");
    std::vector<std::pair<std::size_t, std::pair<std::string, std::string>>> moves;
    for (const auto& [pair, n] : r.moved) moves.emplace_back(n, pair);
    std::sort(moves.begin(), moves.end(),
              [](const auto& x, const auto& y) { return x.first > y.first; });
    for (const auto& [n, pair] : moves) {
      out << "  " << std::setw(8) << n << "  " << pair.first << " -> " << pair.second << "\n";
    }
  }

  if (!r.refusals.empty()) {
    out << "\nrefused by reason:\n";
    for (const auto& [reason, rc] : r.refusals) {
      out << "  " << std::setw(8) << rc.count << "  " << reason << "  (first at line "
          << rc.first_line << ")\n";
    }
  }
}

}  // namespace gw::app
