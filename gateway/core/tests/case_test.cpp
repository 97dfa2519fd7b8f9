#include "gateway/core/case.h"

#include <gtest/gtest.h>

namespace gw {
namespace {

// Every member set to something other than its default.
Case filled() {
  Case c;
  c.case_id = "HL-0123456789abcdef01234567";
  c.source = Source::grid;
  c.source_ref = "GR-1";
  c.channel = "grid-app";
  c.kind = "城市管理";
  c.category = {"市容环境", "道路"};
  c.title = "井盖缺失";
  c.description = std::string(300, 'x');
  c.address = "黄河东街";
  c.region = {"640202", "大武口区", "640202001", "长胜街道", "640202001001", "向阳社区",
              "64020200100101"};
  c.coordinates = Coordinates{106.38, 39.01, "GCJ-02"};
  c.reporter = {"王先生", "13800000000", "W-7", true};
  c.priority = Priority::critical;
  c.severity = 4;
  c.reported_at = 1;
  c.occurred_at = 2;
  c.received_at = 3;
  c.source_deadline = 4;
  c.status = CaseStatus::resolved;
  c.self_handled = true;
  c.handled_result = "已处理";
  c.handled_at = 5;
  c.attachments = {{"image", "https://x/1.jpg"}};
  return c;
}

TEST(CaseTest, ResetRestoresEveryMember) {
  // A member added to Case changes its size: fill it above and clear it in reset().
#if defined(__x86_64__) && defined(__GLIBCXX__)
  static_assert(sizeof(Case) == 776, "Case changed: update filled() and reset()");
#endif
  Case c = filled();
  ASSERT_NE(c, Case{});
  reset(c);
  EXPECT_EQ(c, Case{});
}

TEST(CaseTest, ResetKeepsCapacity) {
  Case c = filled();
  const auto* description = c.description.data();
  reset(c);
  c.description.assign(200, 'y');
  EXPECT_EQ(c.description.data(), description);
}

}  // namespace
}  // namespace gw
