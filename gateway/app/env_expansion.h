// ${NAME} in librdkafka property values is replaced by the environment variable NAME, so
// secrets (SASL passwords, key passphrases) stay out of gateway.yaml (deploy/case-gateway.env).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gw::app {

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment.
std::optional<std::string> process_env(const std::string& name);

// Expands every ${NAME} in the values of props. "$${" stands for a literal "${". On a
// variable that is not set or a "${" without "}", appends "<where>.<key>: <problem>" to
// problems and leaves that value as it was.
void expand_env(std::map<std::string, std::string>& props, const std::string& where,
                const EnvLookup& env, std::vector<std::string>& problems);

}  // namespace gw::app
