// enrich_region: names from codes, codes from names and from the grid code; nothing set is
// ever overwritten; unknown or ambiguous values are left alone.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gateway/core/case.h"
#include "gateway/core/route_table.h"
#include "gateway/core/routing_config.h"

namespace gw {
namespace {

RoutingConfig directory() {
  RoutingConfig config;
  config.streets = {
      {"640202001", "长胜街道", {{"640202001001", "向阳社区"}, {"640202001002", "康乐社区"}}},
      {"640202002", "人民路街道", {{"640202002001", "工人街社区"}, {"640202002002", "向阳社区"}}},
  };
  return config;
}

Region region(std::string street_code, std::string street, std::string community_code,
              std::string community, std::string grid_code = "") {
  Region r;
  r.street_code = std::move(street_code);
  r.street = std::move(street);
  r.community_code = std::move(community_code);
  r.community = std::move(community);
  r.grid_code = std::move(grid_code);
  return r;
}

struct EnrichRow {
  const char* name;
  Region given;
  Region expected;
  bool with_directory = true;
};

TEST(EnrichRegionTest, FillsWhatIsMissingAndNothingElse) {
  const std::vector<EnrichRow> rows = {
      {"grid code gives codes and names", region("", "", "", "", "64020200100203"),
       region("640202001", "长胜街道", "640202001002", "康乐社区", "64020200100203")},
      {"grid code without directory gives codes only", region("", "", "", "", "64020200100203"),
       region("640202001", "", "640202001002", "", "64020200100203"), false},
      {"grid code unknown to the directory gives codes only",
       region("", "", "", "", "64020200900100"),
       region("640202009", "", "640202009001", "", "64020200900100")},
      {"grid code that is not digits is ignored", region("", "", "", "", "6402020010020x"),
       region("", "", "", "", "6402020010020x")},
      {"short grid code gives the street only", region("", "", "", "", "6402020021"),
       region("640202002", "人民路街道", "", "", "6402020021")},
      {"names give codes", region("", "人民路街道", "", "工人街社区"),
       region("640202002", "人民路街道", "640202002001", "工人街社区")},
      {"community name is looked up within the street", region("", "人民路街道", "", "向阳社区"),
       region("640202002", "人民路街道", "640202002002", "向阳社区")},
      {"ambiguous community name without street is left", region("", "", "", "向阳社区"),
       region("", "", "", "向阳社区")},
      {"unique community name gives its street", region("", "", "", "康乐社区"),
       region("640202001", "长胜街道", "640202001002", "康乐社区")},
      {"community code gives both names", region("", "", "640202002001", ""),
       region("640202002", "人民路街道", "640202002001", "工人街社区")},
      {"set fields are never overwritten",
       region("640202001", "别名街道", "", "", "64020200200101"),
       region("640202001", "别名街道", "640202002001", "", "64020200200101")},
      {"unknown names are left", region("", "不存在街道", "", "不存在社区"),
       region("", "不存在街道", "", "不存在社区")},
      {"community not in the case's street is left", region("", "长胜街道", "", "工人街社区"),
       region("640202001", "长胜街道", "", "工人街社区")},
      {"nothing known, nothing filled", region("", "", "", ""), region("", "", "", "")},
  };
  for (const EnrichRow& row : rows) {
    SCOPED_TRACE(row.name);
    Region r = row.given;
    enrich_region(row.with_directory ? directory() : RoutingConfig{}, r);
    EXPECT_EQ(r.street_code, row.expected.street_code);
    EXPECT_EQ(r.street, row.expected.street);
    EXPECT_EQ(r.community_code, row.expected.community_code);
    EXPECT_EQ(r.community, row.expected.community);
    EXPECT_EQ(r.grid_code, row.expected.grid_code);
    EXPECT_EQ(r.district, "");
  }
}

TEST(EnrichRegionTest, LetsANameRuleRouteAGridReport) {
  auto config = std::make_shared<RoutingConfig>(directory());
  config->departments = {{"changsheng", "长胜街道办", "dept.changsheng", {}, {}},
                         {"manual", "指挥中心", "dept.manual", {}, {}}};
  config->rules = {Rule{"by-name", {.communities = {"康乐社区"}}, "changsheng", {}, {}}};
  config->default_department = "manual";
  RouteTable table(config);
  Case report;
  report.source = Source::grid;
  report.region.grid_code = "64020200100203";
  EXPECT_EQ(table.route(report).lead->code, "manual");
  enrich_region(table.config(), report.region);
  EXPECT_EQ(table.route(report).lead->code, "changsheng");
}

}  // namespace
}  // namespace gw
