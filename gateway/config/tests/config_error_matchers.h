// Test helpers: compare a ConfigError with the line, column, path and message expected.
#pragma once

#include <gmock/gmock.h>

#include <ostream>
#include <string>

#include "gateway/core/routing_config.h"

namespace gw {

// Printed by GoogleTest when an expectation fails. Does not use ConfigError::to_string, which
// belongs to gw_core and is not what these tests are about.
inline void PrintTo(const ConfigError& e, std::ostream* os) {
  *os << e.pos.file << ":" << e.pos.line << ":" << e.pos.column << ": " << e.path << ": "
      << e.message;
}

struct ExpectedError {
  int line;
  int column;
  std::string path;
  std::string message;
};

MATCHER_P(IsErrorMatcher, expected, "") {
  *result_listener << "expected " << expected.line << ":" << expected.column << ": "
                   << expected.path << ": " << expected.message;
  return arg.pos.line == expected.line && arg.pos.column == expected.column &&
         arg.path == expected.path && arg.message == expected.message;
}

inline auto IsError(const ExpectedError& expected) { return IsErrorMatcher(expected); }
inline auto IsError(int line, int column, std::string path, std::string message) {
  return IsErrorMatcher(ExpectedError{line, column, std::move(path), std::move(message)});
}

}  // namespace gw
