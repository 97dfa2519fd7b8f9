#include "gateway/app/env_expansion.h"

#include <cstdlib>

namespace gw::app {

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

namespace {

// Returns the expanded text, or a problem.
std::optional<std::string> expand(const std::string& value, const EnvLookup& env,
                                  std::string& problem) {
  std::string out;
  std::size_t i = 0;
  while (i < value.size()) {
    if (value.compare(i, 3, "$${") == 0) {
      out.append("${");
      i += 3;
      continue;
    }
    if (value.compare(i, 2, "${") != 0) {
      out.push_back(value[i++]);
      continue;
    }
    std::size_t close = value.find('}', i + 2);
    if (close == std::string::npos) {
      problem = "\"${\" without a closing \"}\"";
      return std::nullopt;
    }
    std::string name = value.substr(i + 2, close - i - 2);
    std::optional<std::string> v = name.empty() ? std::nullopt : env(name);
    if (!v) {
      problem = "environment variable \"" + name + "\" is not set";
      return std::nullopt;
    }
    out.append(*v);
    i = close + 1;
  }
  return out;
}

}  // namespace

void expand_env(std::map<std::string, std::string>& props, const std::string& where,
                const EnvLookup& env, std::vector<std::string>& problems) {
  for (auto& [key, value] : props) {
    std::string problem;
    if (auto expanded = expand(value, env, problem)) {
      value = std::move(*expanded);
    } else {
      problems.push_back(where + "." + key + ": " + problem);
    }
  }
}

}  // namespace gw::app
