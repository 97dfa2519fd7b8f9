// The gateway's commands as an admin runs them: check-config, explain, replay.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include "tests/sample_cases.h"

namespace gw::test {
namespace {

namespace fs = std::filesystem;

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

CommandResult gateway(const std::string& args) {
  std::string command = std::string(GW_GATEWAY_BINARY) + " " + args + " 2>&1";
  CommandResult r;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string config_arg() { return "--config " + source_path("config/gateway.yaml"); }

fs::path write_temp(const std::string& name, const std::string& text) {
  fs::path p = fs::temp_directory_path() / ("gw-cli-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(p) << text;
  return p;
}

TEST(CheckConfig, TheShippedConfigurationIsValid) {
  CommandResult r = gateway(config_arg() + " check-config");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("routes.yaml: OK"), std::string::npos) << r.output;
  CommandResult after = gateway("check-config " + config_arg());
  EXPECT_EQ(after.exit_code, 0) << after.output;
}

TEST(CheckConfig, ReportsEveryProblemWithItsPositionAndRefuses) {
  fs::path bad = write_temp("bad-routes.yaml", R"(version: 1
departments:
  - {code: housing, name: 住建局, topic: dept.housing}
default: command-center
routes:
  - id: heating
    match: {kind: 投诉, catgory: 住房保障}
    to: munic
)");
  CommandResult r = gateway("check-config --routes " + bad.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  // Three problems, all reported at once, each as file:line:column: path: message.
  EXPECT_TRUE(std::regex_search(
      r.output, std::regex(bad.filename().string() + R"(:4:\d+: default: .*command-center)")))
      << r.output;
  EXPECT_TRUE(
      std::regex_search(r.output, std::regex(R"(:7:\d+: routes\[0\]\.match\.catgory: .*category)")))
      << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex(R"(:8:\d+: routes\[0\]\.to: .*munic)")))
      << r.output;
  fs::remove(bad);
}

TEST(Explain, ShowsTheCaseTheMatchingRuleAndWhyEarlierRulesFailed) {
  CommandResult r = gateway(config_arg() + " explain " +
                            source_path("config/samples/hotline.legacy/ticket.gb18030.json") +
                            " --charset gb18030");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"caseId\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("MATCH"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("lead:"), std::string::npos) << r.output;
  // Personal data is masked in explain output unless asked for.
  EXPECT_EQ(r.output.find("13830166131"), std::string::npos) << r.output;
}

TEST(Explain, ARefusedInputSaysWhy) {
  CommandResult r = gateway(config_arg() + " explain " +
                            source_path("config/samples/hotline.tickets/bad-wrong-types.json"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("ticketNo: wrong_type"), std::string::npos) << r.output;
}

TEST(Explain, ReadsStandardInput) {
  CommandResult r = gateway(config_arg() + " explain < " +
                            source_path("config/samples/hotline.tickets/bad-not-an-object.json"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("not_an_object"), std::string::npos) << r.output;
}

TEST(Replay, CountsPerDepartmentAndRefusalsByReason) {
  fs::path mixed = write_temp("mixed.jsonl", "");
  {
    std::ofstream out(mixed);
    for (const char* f : {"config/samples/hotline.tickets/tickets.jsonl",
                          "config/samples/grid.reports/reports.jsonl"}) {
      std::ifstream in(source_path(f));
      out << in.rdbuf();
    }
    out << "{\"ticketNo\": 1}\n";
    out << "{\"ticketNo\": \"x\",\n";
  }
  CommandResult r = gateway(config_arg() + " replay " + mixed.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("42 inputs: 40 routed, 2 refused"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("wrong_type ticketNo"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("malformed_json"), std::string::npos) << r.output;
  fs::remove(mixed);
}

TEST(Replay, ComparesTwoRoutingFiles) {
  // B sends every heating complaint to the command center instead.
  std::ifstream in(source_path("config/routes.yaml"));
  std::string routes((std::istreambuf_iterator<char>(in)), {});
  fs::path b = write_temp("routes-b.yaml", routes);
  std::string tickets = source_path("config/samples/hotline.tickets/tickets.jsonl");
  CommandResult same = gateway(config_arg() + " replay " + tickets + " --compare " + b.string());
  EXPECT_EQ(same.exit_code, 0) << same.output;
  EXPECT_NE(same.output.find("0 cases would change lead department"), std::string::npos)
      << same.output;

  // Drop every rule: everything moves to the default department.
  std::string no_rules = routes.substr(0, routes.find("\nroutes:")) + "\nroutes: []\n";
  fs::path empty = write_temp("routes-empty.yaml", no_rules);
  CommandResult moved =
      gateway(config_arg() + " replay " + tickets + " --compare " + empty.string());
  EXPECT_EQ(moved.exit_code, 0) << moved.output;
  EXPECT_NE(moved.output.find("20 cases would change lead department"), std::string::npos)
      << moved.output;
  fs::remove(b);
  fs::remove(empty);
}

TEST(Run, WaitsForAnUnreachableKafkaReportingEachAttemptAndStopsOnSigterm) {
  // Port 9 (discard): nothing listens there on these machines.
  std::ifstream shipped(source_path("config/gateway.yaml"));
  std::string yaml((std::istreambuf_iterator<char>(shipped)), std::istreambuf_iterator<char>());
  yaml = std::regex_replace(yaml, std::regex(R"(brokers: "")"), R"(brokers: "127.0.0.1:9")");
  yaml = std::regex_replace(yaml, std::regex("routing_file: routes.yaml"),
                            "routing_file: " + source_path("config/routes.yaml"));
  fs::path config = write_temp("unreachable.yaml", yaml);
  const std::string script = std::string(GW_GATEWAY_BINARY) + " run --config " +
                             config.string() +
                             " & pid=$!; sleep 7; kill -TERM $pid; wait $pid; echo \"exit=$?\"";
  FILE* pipe = popen(("sh -c '" + script + "' 2>&1").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  pclose(pipe);
  // Attempt 1 gives up after 5 s and names the brokers and the problem; the signal comes
  // during attempt 2, which is then the last.
  EXPECT_NE(output.find("Kafka at 127.0.0.1:9 not usable yet (attempt 1)"), std::string::npos)
      << output;
  EXPECT_NE(output.find("retrying in 1 s"), std::string::npos) << output;
  EXPECT_NE(output.find("stopped by a signal before Kafka was reachable"), std::string::npos)
      << output;
  EXPECT_NE(output.find("exit=0"), std::string::npos) << output;
}

}  // namespace
}  // namespace gw::test
