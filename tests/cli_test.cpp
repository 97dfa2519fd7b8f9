// The gateway's commands as an admin runs them: check-config, explain, replay.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>

#include "gateway/app/config_loading.h"
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
  // The shipped gateway.yaml turns the lifecycle on: its files are checked too.
  EXPECT_NE(r.output.find("lifecycle on"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("sla.yaml: OK"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("calendars: OK (3 files, years 2025 2026)"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("warning"), std::string::npos) << r.output;
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

// A folder with a gateway.yaml whose lifecycle section names copies of the shipped sla.yaml
// and calendars beside it (relative paths), routing with the shipped routes.yaml.
class LifecycleConfig {
 public:
  explicit LifecycleConfig(const std::string& name)
      : dir_(fs::temp_directory_path() / ("gw-cli-" + std::to_string(::getpid()) + "-" + name)) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::copy(source_path("config/sla.yaml"), dir_ / "sla.yaml");
    fs::copy(source_path("config/calendars"), dir_ / "calendars");
    write_gateway("lifecycle:\n  sla_file: sla.yaml\n  calendars: calendars\n");
  }
  ~LifecycleConfig() { fs::remove_all(dir_); }

  void write_gateway(const std::string& lifecycle_section,
                     const std::string& routes = source_path("config/routes.yaml")) const {
    std::ofstream(dir_ / "gateway.yaml") << "version: 1\nrouting_file: " << routes << "\n"
                                         << lifecycle_section
                                         << "inputs:\n  - {topic: hotline.tickets, format: "
                                            "hotline}\n";
  }
  // Replaces `from` by `to` in a file of the folder; fails the test if `from` is not there.
  void edit(const std::string& file, const std::string& from, const std::string& to) const {
    std::ifstream in(dir_ / file);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from << " not in " << file;
    text.replace(at, from.size(), to);
    std::ofstream(dir_ / file) << text;
  }
  std::string config_arg() const { return "--config " + (dir_ / "gateway.yaml").string(); }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

TEST(CheckConfig, TheLifecycleFilesAreCheckedWhenTheSectionIsThere) {
  LifecycleConfig config("lc-good");
  CommandResult r = gateway(config.config_arg() + " check-config");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find((config.dir() / "sla.yaml").string() +
                          ": OK (9 rules; command center command-center)"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find((config.dir() / "calendars").string() + ": OK (3 files"),
            std::string::npos)
      << r.output;
}

TEST(CheckConfig, WithoutALifecycleSectionTheLifecycleFilesAreNotRead) {
  LifecycleConfig config("lc-off");
  config.write_gateway("");
  fs::remove(config.dir() / "sla.yaml");
  CommandResult r = gateway(config.config_arg() + " check-config");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("sla.yaml"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("lifecycle"), std::string::npos) << r.output;
}

TEST(CheckConfig, AMissingSlaFileIsReportedWithTheCalendarsStillChecked) {
  LifecycleConfig config("lc-no-sla");
  config.write_gateway("lifecycle:\n  sla_file: policy/sla.yaml\n  calendars: calendars\n");
  CommandResult r = gateway(config.config_arg() + " check-config");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find((config.dir() / "policy/sla.yaml").string() +
                          ": cannot open: No such file or directory"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("1 problem found"), std::string::npos) << r.output;
}

TEST(CheckConfig, ABadCalendarFileIsReportedWithItsPosition) {
  LifecycleConfig config("lc-bad-calendar");
  config.edit("calendars/2025.yaml", "  - 2025-09-28   # Sunday", "  - 2025-09-29   # Sunday");
  CommandResult r = gateway(config.config_arg() + " check-config");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(std::regex_search(
      r.output,
      std::regex(R"(calendars/2025\.yaml:30:5: makeup_workdays\[3\]: 2025-09-29 is a Monday)")))
      << r.output;
}

TEST(CheckConfig, AnSlaDepartmentUnknownToTheRoutesIsReported) {
  LifecycleConfig config("lc-bad-department");
  config.edit("sla.yaml", "[fire, emergency, police]", "[fire, emergency, polices]");
  config.write_gateway(
      "lifecycle:\n  sla_file: sla.yaml\n  calendars: calendars\n  command_center: centre\n");
  CommandResult r = gateway(config.config_arg() + " check-config");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(std::regex_search(
      r.output,
      std::regex(R"(sla\.yaml:\d+:\d+: stages\.sign_for\.rules\[1\]\.match\.department\[2\]: )"
                 R"(unknown department "polices" \(did you mean "police"\?\): not a department )"
                 R"(of .*routes\.yaml)")))
      << r.output;
  EXPECT_TRUE(std::regex_search(
      r.output, std::regex(R"(gateway\.yaml:6:19: lifecycle\.command_center: unknown department )"
                           R"("centre")")))
      << r.output;
  EXPECT_NE(r.output.find("2 problems found"), std::string::npos) << r.output;
}

TEST(CheckConfig, EveryFileIsCheckedEvenWhenTheRoutesAreBroken) {
  LifecycleConfig config("lc-all-errors");
  std::ofstream(config.dir() / "routes.yaml") << "version: 1\ndepartments: []\n";
  config.write_gateway("lifecycle:\n  sla_file: sla.yaml\n  calendars: calendars\n",
                       (config.dir() / "routes.yaml").string());
  config.edit("sla.yaml", "warnings: [0.5, 0.75]", "warnings: [0.75, 0.5]");
  CommandResult r = gateway(config.config_arg() + " check-config");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("routes.yaml"), std::string::npos) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex(R"(sla\.yaml:\d+:\d+: warnings\[1\]: )")))
      << r.output;
}

TEST(LoadLifecycle, GivesAReadyPolicyAndOptions) {
  LifecycleConfig config("lc-load");
  config.write_gateway(
      "lifecycle:\n  sla_file: sla.yaml\n  calendars: calendars\n  max_returns: 3\n"
      "  resolve_clock: from_sign_for\n  applied_ids_window: 8\n");
  std::ostringstream err;
  auto settings = app::load_gateway((config.dir() / "gateway.yaml").string(), err);
  ASSERT_TRUE(settings && settings->lifecycle) << err.str();
  auto table = app::load_route_table(settings->routing_file, err);
  ASSERT_NE(table, nullptr) << err.str();
  std::optional<app::Lifecycle> lifecycle =
      app::load_lifecycle(*settings->lifecycle, table->config(), err);
  ASSERT_TRUE(lifecycle.has_value()) << err.str();
  EXPECT_EQ(err.str(), "");
  EXPECT_EQ(lifecycle->options.command_center, "command-center");
  EXPECT_EQ(lifecycle->options.max_returns, 3u);
  EXPECT_EQ(lifecycle->options.resolve_clock, ResolveClock::from_sign_for);
  EXPECT_EQ(lifecycle->options.applied_ids_window, 8u);
  EXPECT_EQ(lifecycle->calendar_files.size(), 3u);
  EXPECT_EQ(lifecycle->calendar->years(), (std::vector<int>{2025, 2026}));
  // The worked example: 5 working days from Fri 2025-09-26 are due at the end of 10/10.
  CaseFacts facts;
  facts.kind = "其他";
  const auto resolve = lifecycle->policy->start(SlaStage::resolve, facts, "housing",
                                                1758874800000);  // 2025-09-26 16:20 +08:00
  ASSERT_TRUE(resolve.ok() && resolve->has_value());
  EXPECT_EQ((*resolve)->due, 1760112000000);  // 2025-10-11 00:00 +08:00

  // Errors come back as data, each with its file and position; nothing is thrown.
  config.edit("calendars/local.yaml", "office_hours: [\"08:30-12:00\", \"14:30-18:00\"]",
              "office_hours: [\"14:30-18:00\", \"08:30-12:00\"]");
  const app::LifecycleCheck bad = app::check_lifecycle(*settings->lifecycle, &table->config());
  EXPECT_FALSE(bad.lifecycle.has_value());
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0].pos.file, (config.dir() / "calendars/local.yaml").string());
  EXPECT_GT(bad.errors[0].pos.line, 0);
  EXPECT_EQ(bad.errors[0].path, "office_hours[1]");
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
  yaml = std::regex_replace(yaml, std::regex("sla_file: sla.yaml"),
                            "sla_file: " + source_path("config/sla.yaml"));
  yaml = std::regex_replace(yaml, std::regex("calendars: calendars"),
                            "calendars: " + source_path("config/calendars"));
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
