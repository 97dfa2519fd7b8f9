#include "gateway/app/explain.h"

#include "gateway/core/case_json.h"

namespace gw::app {

std::string pretty_json(std::string_view compact) {
  std::string out;
  out.reserve(compact.size() * 2);
  int depth = 0;
  bool in_string = false;
  auto newline = [&] {
    out.push_back('\n');
    out.append(static_cast<std::size_t>(depth) * 2, ' ');
  };
  for (std::size_t i = 0; i < compact.size(); ++i) {
    char ch = compact[i];
    if (in_string) {
      out.push_back(ch);
      if (ch == '\\' && i + 1 < compact.size()) {
        out.push_back(compact[++i]);
      } else if (ch == '"') {
        in_string = false;
      }
      continue;
    }
    switch (ch) {
      case '"':
        in_string = true;
        out.push_back(ch);
        break;
      case '{':
      case '[': {
        char close = ch == '{' ? '}' : ']';
        if (i + 1 < compact.size() && compact[i + 1] == close) {  // {} and [] stay on one line
          out.push_back(ch);
          out.push_back(close);
          ++i;
          break;
        }
        out.push_back(ch);
        ++depth;
        newline();
        break;
      }
      case '}':
      case ']':
        --depth;
        newline();
        out.push_back(ch);
        break;
      case ',':
        out.push_back(ch);
        newline();
        break;
      case ':':
        out.append(": ");
        break;
      default:
        out.push_back(ch);
    }
  }
  return out;
}

namespace {

std::string where(const SourcePos& pos) {
  if (pos.line == 0) return pos.file;
  return pos.file + ":" + std::to_string(pos.line);
}

}  // namespace

int explain(std::ostream& out, std::string_view input, CaseProcessor& processor,
            std::string_view topic, const RouteTable& table, EpochMs received_at,
            const ExplainOptions& options) {
  InputRecord in;
  in.topic = topic;
  in.value = input;
  in.timestamp = received_at;
  Result<Case> c = processor.normalize(in, table);
  if (!c) {
    out << "refused: " << c.refusal().message() << "\n";
    out << "(the pipeline would send this input to the dead-letter topic with error.code="
        << to_string(c.refusal().code) << ")\n";
    return 1;
  }

  Explanation e = table.explain(*c);
  const RouteDecision& d = e.decision;
  PersonalDataPolicy policy = d.lead->personal_data;
  if (!options.show_personal_data && policy == PersonalDataPolicy::clear) {
    policy = PersonalDataPolicy::masked;
  }
  std::string json;
  append_case_json(json, *c, d, policy);
  out << "normalized case (as " << d.lead->code << " receives it"
      << (policy != d.lead->personal_data ? ", personal data masked" : "") << "):\n"
      << pretty_json(json) << "\n\n";

  out << "rules (" << table.config().file << ", " << table.config().rules.size() << " rules):\n";
  for (std::size_t i = 0; i < e.verdicts.size(); ++i) {
    const RuleVerdict& v = e.verdicts[i];
    out << "  " << (v.matched ? "MATCH   " : "no      ") << v.rule->id << " (" << where(v.rule->pos)
        << "): " << v.reason << "\n";
  }
  if (d.rule == nullptr) {
    out << "  no rule matched: the default department takes the case\n";
  }
  out << "\nlead:        " << d.lead->code << " " << d.lead->name << " -> topic " << d.lead->topic
      << "\n";
  for (const Department* co : d.co) {
    out << "co-handler:  " << co->code << " " << co->name << " -> topic " << co->topic << "\n";
  }
  out << "chosen by:   "
      << (d.rule ? "rule " + d.rule->id + " (" + where(d.rule->pos) + ")"
                 : std::string("default (no rule matched)"))
      << "\n";
  return 0;
}

}  // namespace gw::app
