// The plain-data side of routing: department lookup, policy names, config error messages.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gateway/core/routing_config.h"

namespace gw {
namespace {

TEST(RoutingConfigTest, FindsDepartmentsByCode) {
  RoutingConfig config;
  config.departments = {{"housing", "住房和城乡建设局", "dept.housing", {}, {}},
                        {"env-protection", "生态环境局", "dept.env", {}, {}}};
  ASSERT_NE(config.department("env-protection"), nullptr);
  EXPECT_EQ(config.department("env-protection")->name, "生态环境局");
  EXPECT_EQ(config.department("housing"), &config.departments[0]);
  EXPECT_EQ(config.department("munic"), nullptr);
  EXPECT_EQ(config.department(""), nullptr);
}

TEST(RoutingConfigTest, NamesPersonalDataPolicies) {
  EXPECT_EQ(to_string(PersonalDataPolicy::clear), "clear");
  EXPECT_EQ(to_string(PersonalDataPolicy::masked), "masked");
  EXPECT_EQ(to_string(PersonalDataPolicy::omit), "omit");
}

struct ErrorRow {
  ConfigError error;
  std::string printed;
};

TEST(ConfigErrorTest, PrintsLikeACompiler) {
  const std::vector<ErrorRow> rows = {
      {{{"routes.yaml", 14, 7}, "routes[2].to", "unknown department \"munic\""},
       "routes.yaml:14:7: routes[2].to: unknown department \"munic\""},
      {{{"routes.yaml", 14, 0}, "routes[2].to", "unknown department \"munic\""},
       "routes.yaml:14: routes[2].to: unknown department \"munic\""},
      {{{"routes.yaml", 0, 7}, "default", "missing"}, "routes.yaml: default: missing"},
      {{{"routes.yaml", 0, 0}, "", "cannot read the file"}, "routes.yaml: cannot read the file"},
      {{{"", 3, 1}, "routes", "not a list"}, "3:1: routes: not a list"},
      {{{"", 0, 0}, "", "empty"}, "empty"},
  };
  for (const ErrorRow& row : rows) EXPECT_EQ(row.error.to_string(), row.printed);
}

}  // namespace
}  // namespace gw
