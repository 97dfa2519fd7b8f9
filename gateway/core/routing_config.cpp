#include "gateway/core/routing_config.h"

#include <string>
#include <string_view>

namespace gw {

std::string_view to_string(PersonalDataPolicy p) {
  switch (p) {
    case PersonalDataPolicy::clear:
      return "clear";
    case PersonalDataPolicy::masked:
      return "masked";
    case PersonalDataPolicy::omit:
      return "omit";
  }
  return "masked";
}

// A catalogue names a few dozen departments at most, and RouteTable resolves every code once
// when it is built, so a linear scan is all this needs.
const Department* RoutingConfig::department(std::string_view code) const {
  for (const Department& d : departments) {
    if (d.code == code) return &d;
  }
  return nullptr;
}

std::string ConfigError::to_string() const {
  // file:line:column, the way compilers print it, so editors can jump to the spot. A column
  // without a line would read as a line, so it goes only with its line.
  std::string location = pos.file;
  if (pos.line > 0) {
    if (!location.empty()) location += ':';
    location += std::to_string(pos.line);
    if (pos.column > 0) {
      location += ':';
      location += std::to_string(pos.column);
    }
  }
  std::string out;
  for (std::string_view part : {std::string_view(location), std::string_view(path)}) {
    if (part.empty()) continue;
    out += part;
    out += ": ";
  }
  out += message;
  return out;
}

}  // namespace gw
