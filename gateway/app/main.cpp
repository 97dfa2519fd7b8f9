// The gateway executable: `gateway run | check-config | explain | replay`.
#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "adapters/intake/input_decoders.h"
#include "gateway/app/config_loading.h"
#include "gateway/app/explain.h"
#include "gateway/app/replay.h"
#include "gateway/app/run.h"
#include "gateway/config/charset_spellings.h"

namespace {

constexpr std::string_view kCommandTopic = "(input)";

gw::EpochMs now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The routing file: --routes when given, else the one gateway.yaml names.
std::string routing_file(const std::string& routes, const std::string& config) {
  if (!routes.empty()) return routes;
  auto gateway = gw::app::load_gateway(config, std::cerr);
  return gateway ? gateway->routing_file : std::string();
}

gw::CaseProcessor autodetect_processor(std::shared_ptr<const gw::RouteTable> table,
                                       gw::Charset charset) {
  gw::CaseProcessor processor([table] { return table; }, "(dead letters)");
  processor.add_input(std::string(kCommandTopic),
                      gw::make_autodetect_decoder(charset, 64u << 20, gw::GridOptions{}));
  return processor;
}

// The lifecycle's files (sla.yaml, the calendars), when gateway.yaml turns the lifecycle on.
// routing: nullptr when the routing file did not load (the files are still checked alone).
bool check_lifecycle_files(const gw::LifecycleSettings& settings,
                           const gw::RoutingConfig* routing) {
  gw::app::LifecycleCheck check = gw::app::check_lifecycle(settings, routing);
  for (const gw::ConfigError& w : check.warnings) std::cerr << "warning: " << w.to_string() << '\n';
  if (!check.errors.empty()) {
    for (const gw::ConfigError& e : check.errors) std::cerr << e.to_string() << '\n';
    std::cerr << check.errors.size() << (check.errors.size() == 1 ? " problem" : " problems")
              << " found\n";
    return false;
  }
  if (!check.lifecycle) return routing == nullptr;  // nothing wrong with the files themselves
  const gw::app::Lifecycle& l = *check.lifecycle;
  std::size_t rules = 0;
  for (const auto& stage : l.sla->stages) rules += stage ? stage->rules.size() : 0;
  std::cout << settings.sla_file << ": OK (" << rules << " rules; command center "
            << l.options.command_center << ")\n";
  std::cout << settings.calendars << ": OK (" << l.calendar_files.size() << " files, years";
  for (int year : l.calendar->years()) std::cout << ' ' << year;
  std::cout << ")\n";
  return true;
}

int check_config(const std::string& config, const std::string& routes) {
  std::string routing = routes;
  std::optional<gw::GatewayConfig> gateway;
  if (routes.empty()) {
    gateway = gw::app::load_gateway(config, std::cerr);
    if (!gateway) return 2;
    std::cout << config << ": OK (" << gateway->inputs.size() << " inputs, kafka: "
              << (gateway->kafka.brokers.empty() ? std::string("embedded mock cluster")
                                                 : gateway->kafka.brokers)
              << (gateway->lifecycle ? ", lifecycle on" : "") << ")\n";
    routing = gateway->routing_file;
  }
  // Every file is checked, whatever an earlier one says: all problems at once.
  auto table = gw::app::load_route_table(routing, std::cerr);
  bool ok = table != nullptr;
  if (table && gateway && !gw::app::consistent(*gateway, table->config(), std::cerr)) ok = false;
  if (ok) {
    const gw::RoutingConfig& r = table->config();
    std::cout << routing << ": OK (" << r.departments.size() << " departments, " << r.rules.size()
              << " rules, default " << r.default_department << ")\n";
  }
  if (gateway && gateway->lifecycle &&
      !check_lifecycle_files(*gateway->lifecycle, table ? &table->config() : nullptr)) {
    ok = false;
  }
  return ok ? 0 : 2;
}

int explain_command(const std::string& config, const std::string& routes, const std::string& file,
                    const std::string& charset_name, bool show_personal_data) {
  auto charset = gw::config::charset_from_string(charset_name);
  if (!charset) {
    std::cerr << "--charset: expected utf-8, gbk or gb18030\n";
    return 2;
  }
  std::string path = routing_file(routes, config);
  if (path.empty()) return 2;
  auto table = gw::app::load_route_table(path, std::cerr);
  if (!table) return 2;
  std::string input;
  if (file.empty() || file == "-") {
    input.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::cerr << file << ": cannot read\n";
      return 2;
    }
    input.assign(std::istreambuf_iterator<char>(in), {});
  }
  // A file ends with a newline that is not part of the JSON value.
  while (!input.empty() && (input.back() == '\n' || input.back() == '\r')) input.pop_back();
  auto processor = autodetect_processor(table, *charset);
  gw::app::ExplainOptions options;
  options.show_personal_data = show_personal_data;
  return gw::app::explain(std::cout, input, processor, kCommandTopic, *table, now_ms(), options);
}

int replay_command(const std::string& config, const std::string& routes, const std::string& compare,
                   const std::string& file, const std::string& charset_name) {
  auto charset = gw::config::charset_from_string(charset_name);
  if (!charset) {
    std::cerr << "--charset: expected utf-8, gbk or gb18030\n";
    return 2;
  }
  std::string path = routing_file(routes, config);
  if (path.empty()) return 2;
  auto a = gw::app::load_route_table(path, std::cerr);
  if (!a) return 2;
  std::shared_ptr<const gw::RouteTable> b;
  if (!compare.empty()) {
    b = gw::app::load_route_table(compare, std::cerr);
    if (!b) return 2;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << file << ": cannot read\n";
    return 2;
  }
  std::vector<char> buffer(1 << 20);
  in.rdbuf()->pubsetbuf(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  auto processor = autodetect_processor(a, *charset);
  gw::app::ReplayReport report = gw::app::replay(in, processor, kCommandTopic, *a, b.get());
  gw::app::print_replay(std::cout, report, *a, b.get());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "case-gateway: 12345 hotline tickets and grid reports in, unified cases routed to "
      "department Kafka topics out"};
  app.require_subcommand(1);
  app.fallthrough();  // --config may also follow the command: `gateway check-config --config x`
  std::string config = "config/gateway.yaml";
  app.add_option("-c,--config", config, "gateway configuration file")->capture_default_str();

  std::string routes, compare, file, charset = "utf-8", feed;
  bool show_personal_data = false, exit_after_feed = false;

  auto* run =
      app.add_subcommand("run", "run the pipeline (embedded Kafka when no brokers are configured)");
  run->add_option("--feed", feed,
                  "after start, produce the samples in this folder to the input topics and report "
                  "where they went");
  run->add_flag("--exit-after-feed", exit_after_feed, "stop once the fed samples are reported");

  auto* check = app.add_subcommand("check-config", "validate the configuration and exit");
  check->add_option("--routes", routes, "check only this routing file");

  auto* explain = app.add_subcommand("explain", "normalize and route one input, saying why");
  explain->add_option("input", file, "ticket or grid report JSON file; - or none for stdin");
  explain->add_option("--routes", routes, "routing file (default: the one the config names)");
  explain->add_option("--charset", charset, "input charset: utf-8, gbk, gb18030")
      ->capture_default_str();
  explain->add_flag("--show-personal-data", show_personal_data,
                    "show caller names and phones as the lead department would receive them");

  auto* replay = app.add_subcommand("replay", "route a file of inputs and count per department");
  replay->add_option("input", file, "JSON lines, tickets and grid reports mixed")->required();
  replay->add_option("--routes", routes, "routing file (default: the one the config names)");
  replay->add_option("--compare", compare, "a second routing file: show how volumes would change");
  replay->add_option("--charset", charset, "input charset: utf-8, gbk, gb18030")
      ->capture_default_str();

  CLI11_PARSE(app, argc, argv);

  if (*check) return check_config(config, routes);
  if (*explain) return explain_command(config, routes, file, charset, show_personal_data);
  if (*replay) return replay_command(config, routes, compare, file, charset);
  gw::app::RunOptions options;
  options.config_path = config;
  options.feed_dir = feed;
  options.exit_after_feed = exit_after_feed;
  return gw::app::run(options);
}
