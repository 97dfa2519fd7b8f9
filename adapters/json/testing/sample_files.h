// Test support shared by the adapters' tests: where the reference samples live and how to
// read them. Not linked into any library.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace gw::testing {

// The reference samples (DOMAIN.md section 3), a verbatim copy of the shared samples kept in
// tests/reference-samples so tests run from any checkout. GW_SAMPLES_DIR overrides it.
inline std::string samples_dir() {
  const char* env = std::getenv("GW_SAMPLES_DIR");
  return env != nullptr && *env != '\0' ? env : GW_SOURCE_DIR "/tests/reference-samples";
}

// The whole file as bytes; empty when it cannot be read (tests assert non-empty).
inline std::string read_sample(const std::string& name) {
  std::ifstream in(samples_dir() + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The non-empty lines of a .jsonl sample.
inline std::vector<std::string> read_sample_lines(const std::string& name) {
  std::istringstream in(read_sample(name));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace gw::testing
