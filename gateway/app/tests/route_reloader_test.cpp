// Hot reload of the routing file: a valid file is swapped in whole, a bad one (or one whose
// new topics cannot be created) leaves the running table and reports every error.
#include "gateway/app/route_reloader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "gateway/app/config_loading.h"

namespace gw::app {
namespace {

constexpr char kRoutes[] = R"(version: 1
departments:
  - {code: center, name: 指挥中心, topic: dept.center}
  - {code: housing, name: 住建局, topic: dept.housing}
default: center
routes:
  - {id: heating, match: {category: 住房保障/物业管理}, to: housing}
)";

class RouteReloaderTest : public ::testing::Test {
 protected:
  RouteReloaderTest() {
    dir = std::filesystem::path(::testing::TempDir()) /
          ("reload-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir);
    write(kRoutes);
    gateway.file = (dir / "gateway.yaml").string();
    gateway.routing_file = (dir / "routes.yaml").string();
    gateway.dead_letter_topic = "gw.dlq";
    std::ostringstream err;
    initial = load_route_table(gateway.routing_file, err);
  }

  void write(const std::string& text) {
    std::ofstream(dir / "routes.yaml", std::ios::trunc) << text;
  }

  std::unique_ptr<RouteTableHolder> holder() {
    return std::make_unique<RouteTableHolder>(gateway, initial,
                                              [this](const std::vector<std::string>& topics) {
                                                if (!topic_error.empty()) {
                                                  throw std::runtime_error(topic_error);
                                                }
                                                created = topics;
                                              });
  }

  std::filesystem::path dir;
  GatewayConfig gateway;
  std::shared_ptr<const RouteTable> initial;
  std::string topic_error;
  std::vector<std::string> created;
};

TEST_F(RouteReloaderTest, AValidFileIsSwappedInAfterItsTopicsExist) {
  auto h = holder();
  ASSERT_NE(initial, nullptr);
  EXPECT_EQ(h->current(), initial);
  std::string more = kRoutes;
  more.replace(more.find("default:"), 0, "  - {code: water, name: 水务局, topic: dept.water}\n");
  more += "  - {id: leak, match: {keywords: [漏水]}, to: water}\n";
  write(more);
  const ReloadOutcome outcome = h->reload("admin API");
  EXPECT_TRUE(outcome.ok);
  EXPECT_EQ(outcome.rules, 2u);
  EXPECT_EQ(outcome.departments, 3u);
  EXPECT_NE(h->current(), initial);
  EXPECT_EQ(h->current()->config().rules.size(), 2u);
  EXPECT_NE(std::find(created.begin(), created.end(), "dept.water"), created.end());
  EXPECT_EQ(h->reloads_ok(), 1u);
  EXPECT_EQ(h->last().trigger, "admin API");
}

TEST_F(RouteReloaderTest, ABadFileKeepsTheRunningTableAndReportsEveryError) {
  auto h = holder();
  std::string bad = kRoutes;
  bad += "  - {id: a, match: {category: x}, to: nobody}\n  - {id: b, match: {kind: y}, to: ghost}\n";
  write(bad);
  const ReloadOutcome outcome = h->reload("SIGHUP");
  EXPECT_FALSE(outcome.ok);
  ASSERT_GE(outcome.errors.size(), 2u);
  EXPECT_NE(outcome.errors[0].find("routes.yaml:"), std::string::npos) << outcome.errors[0];
  EXPECT_EQ(h->current(), initial);
  EXPECT_EQ(outcome.rules, 1u) << "the table in force";
  EXPECT_EQ(h->reloads_failed(), 1u);
  EXPECT_FALSE(h->last().ok);
}

TEST_F(RouteReloaderTest, TopicsThatCannotBeCreatedKeepTheRunningTable) {
  auto h = holder();
  topic_error = "Kafka unreachable";
  const ReloadOutcome outcome = h->reload("admin API");
  EXPECT_FALSE(outcome.ok);
  ASSERT_EQ(outcome.errors.size(), 1u);
  EXPECT_NE(outcome.errors[0].find("Kafka unreachable"), std::string::npos);
  EXPECT_EQ(h->current(), initial);
}

TEST_F(RouteReloaderTest, AFileThatCollidesWithTheGatewaysTopicsIsRefused) {
  auto h = holder();
  std::string clash = kRoutes;
  clash.replace(clash.find("dept.housing"), std::string("dept.housing").size(), "gw.dlq");
  write(clash);
  EXPECT_FALSE(h->reload("file change").ok);
  EXPECT_EQ(h->current(), initial);
}

TEST_F(RouteReloaderTest, TheWatcherReloadsOnAChangedFileAndOnRequest) {
  auto h = holder();
  {
    ReloadWatcher watcher(*h, std::chrono::milliseconds(50));
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    EXPECT_EQ(h->reloads_ok() + h->reloads_failed(), 0u) << "nothing changed yet";
    std::string more = kRoutes;
    more += "  - {id: second, match: {kind: 咨询}, to: center}\n";
    write(more);
    for (int i = 0; i < 100 && h->reloads_ok() == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(h->reloads_ok(), 1u);
    EXPECT_EQ(h->last().trigger, "file change");
    watcher.request("SIGHUP");
    for (int i = 0; i < 100 && h->reloads_ok() == 1; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(h->reloads_ok(), 2u);
    EXPECT_EQ(h->last().trigger, "SIGHUP");
  }
  EXPECT_EQ(h->current()->config().rules.size(), 2u);
}

}  // namespace
}  // namespace gw::app
