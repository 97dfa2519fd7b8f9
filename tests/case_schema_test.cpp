// Every case the shipped configuration makes of the shipped samples conforms to
// schemas/case.v1.schema.json, and the samples conform to the input schemas; checked by an
// independent validator (Python jsonschema, Debian's python3-jsonschema).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/sample_cases.h"

namespace gw::test {
namespace {

namespace fs = std::filesystem;

struct Validation {
  int exit_code;
  std::string output;
};

Validation validate(const std::string& schema, const std::string& file) {
  std::string command = "/usr/bin/python3 " + source_path("tests/validate_json.py") + " " +
                        source_path(schema) + " " + file + " 2>&1";
  Validation v{-1, ""};
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return v;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) v.output += buf;
  int status = pclose(pipe);
  v.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return v;
}

fs::path temp_file(const std::string& name) {
  return fs::temp_directory_path() / ("gw-" + std::to_string(::getpid()) + "-" + name);
}

TEST(CaseSchema, EveryCaseMadeFromTheSamplesConforms) {
  ShippedConfig config = load_shipped_config();
  ASSERT_NE(config.routes, nullptr);
  auto processor = make_processor(config);
  auto samples = app::read_samples(source_path("config/samples"));
  ASSERT_GT(samples.size(), 40u);

  fs::path out_path = temp_file("cases.jsonl");
  std::ofstream out(out_path);
  int cases = 0;
  for (const auto& s : samples) {
    InputRecord in;
    in.topic = s.topic;
    in.value = s.bytes;
    in.timestamp = 1764201600000;
    ProcessOutcome o = processor->process(in);
    if (o.dead_lettered) continue;
    for (const OutRecord& r : o.records) {
      out << r.value << "\n";
      ++cases;
    }
  }
  out.close();
  ASSERT_GT(cases, 40);
  Validation v = validate("schemas/case.v1.schema.json", out_path.string());
  EXPECT_EQ(v.exit_code, 0) << v.output;
  fs::remove(out_path);
}

TEST(CaseSchema, TheValidatorRejectsACaseMissingARequiredField) {
  ShippedConfig config = load_shipped_config();
  ASSERT_NE(config.routes, nullptr);
  auto processor = make_processor(config);
  auto samples = app::read_samples(source_path("config/samples"));
  InputRecord in;
  for (const auto& s : samples) {
    if (s.topic == "hotline.tickets" && s.origin.find("tickets.jsonl") != std::string::npos) {
      in.topic = s.topic;
      in.value = s.bytes;
      break;
    }
  }
  ProcessOutcome o = processor->process(in);
  ASSERT_FALSE(o.dead_lettered);
  std::string json = o.records.at(0).value;
  auto at = json.find("\"caseId\":");
  ASSERT_NE(at, std::string::npos);
  json.replace(at, 9, "\"caseID\":");  // a renamed required field
  fs::path path = temp_file("broken-case.json");
  std::ofstream(path) << json << "\n";
  Validation v = validate("schemas/case.v1.schema.json", path.string());
  EXPECT_EQ(v.exit_code, 1) << v.output;
  EXPECT_NE(v.output.find("caseId"), std::string::npos) << v.output;
  fs::remove(path);
}

TEST(InputSchemas, ReferenceSamplesConform) {
  Validation hotline =
      validate("schemas/hotline-ticket.v1.schema.json",
               source_path("config/samples/hotline.tickets/tickets.jsonl") + " " +
                   source_path("config/samples/hotline.tickets/other-time-forms.jsonl"));
  EXPECT_EQ(hotline.exit_code, 0) << hotline.output;
  Validation grid = validate("schemas/grid-report.v1.schema.json",
                             source_path("config/samples/grid.reports/reports.jsonl"));
  EXPECT_EQ(grid.exit_code, 0) << grid.output;
}

TEST(InputSchemas, BrokenSamplesDoNotConform) {
  for (const char* bad : {"config/samples/hotline.tickets/bad-missing-required.json",
                          "config/samples/hotline.tickets/bad-wrong-types.json"}) {
    Validation v = validate("schemas/hotline-ticket.v1.schema.json", source_path(bad));
    EXPECT_EQ(v.exit_code, 1) << bad << "\n" << v.output;
  }
  for (const char* bad : {"config/samples/grid.reports/bad-short-grid-code.json",
                          "config/samples/grid.reports/bad-longitude.json"}) {
    Validation v = validate("schemas/grid-report.v1.schema.json", source_path(bad));
    EXPECT_EQ(v.exit_code, 1) << bad << "\n" << v.output;
  }
}

}  // namespace
}  // namespace gw::test
