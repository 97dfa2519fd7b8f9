#include "bench/rule_catalogue.h"

#include <string>

namespace gw::bench {
namespace {

// Two-character keywords drawn from common characters that the sample ticket does not
// contain, so that keyword rules are real candidates a router must rule out.
std::string keyword(int i) {
  static const char* const kChars[] = {
      "井", "盖", "噪", "声", "垃", "圾", "漏", "水", "路", "灯", "违", "建", "占", "道", "摊",
      "贩", "油", "烟", "污", "染", "广", "告", "树", "木", "停", "车", "绿", "化", "积", "雪",
      "犬", "渠", "电", "梯", "燃", "沟", "河", "湖", "桥", "梁", "窨", "排", "涝", "渣", "土",
      "扬", "尘", "焚", "烧", "拆", "迁", "工", "资", "欠", "薪", "餐", "饮", "药", "品", "医",
      "疗", "学", "校", "教", "育", "墙", "交", "出", "租", "砖", "递", "瓦", "络", "诈", "骗"};
  constexpr int n = static_cast<int>(sizeof kChars / sizeof kChars[0]);
  return std::string(kChars[i % n]) + kChars[(i / n + i) % n];
}

}  // namespace

std::shared_ptr<const RoutingConfig> make_catalogue(int rules) {
  auto config = std::make_shared<RoutingConfig>();
  config->file = "synthetic";
  const int departments = 40;
  for (int d = 0; d < departments; ++d) {
    config->departments.push_back(Department{"dept-" + std::to_string(d),
                                             "部门" + std::to_string(d),
                                             "dept." + std::to_string(d),
                                             PersonalDataPolicy::masked,
                                             {}});
  }
  config->departments.push_back(
      Department{"housing", "住房和城乡建设局", "dept.housing", PersonalDataPolicy::masked, {}});
  config->departments.push_back(Department{
      "command-center", "指挥中心", "dept.command-center", PersonalDataPolicy::clear, {}});
  config->default_department = "command-center";

  for (int i = 0; i < rules - 1; ++i) {
    Rule r;
    r.id = "r" + std::to_string(i);
    r.lead = "dept-" + std::to_string(i % departments);
    std::string level1 = "大类" + std::to_string(i % 30);
    std::string level2 = "中类" + std::to_string(i % 300);
    std::string level3 = "小类" + std::to_string(i);
    switch (i % 10) {
      case 0:  // a street office's own matters
        r.match.streets = {"街道" + std::to_string(i % 50)};
        r.match.category_prefixes = {{level1}};
        break;
      case 1:
        r.match.communities = {"社区" + std::to_string(i)};
        break;
      case 2:
        r.match.grid_prefixes = {"640202" + std::to_string(100 + i % 900)};
        break;
      case 3:
        r.match.keywords = {keyword(i), keyword(i + 7919)};
        break;
      case 4:
        r.match.kinds = {"咨询"};
        r.match.category_prefixes = {{level1, level2, level3}};
        r.match.urgencies = {Priority::critical};
        break;
      default:
        r.match.category_prefixes = {{level1, level2, level3}};
        break;
    }
    r.co = {"dept-" + std::to_string((i + 7) % departments)};
    config->rules.push_back(std::move(r));
  }
  // Also one catch-all for critical urgency placed in the middle (always a candidate).
  if (rules > 2) {
    Rule critical;
    critical.id = "critical-safety";
    critical.match.urgencies = {Priority::critical};
    critical.match.kinds = {"举报"};
    critical.lead = "dept-1";
    config->rules.insert(config->rules.begin() + static_cast<long>(config->rules.size() / 2),
                         std::move(critical));
    config->rules.pop_back();
  }
  Rule heating;
  heating.id = "heating";
  heating.match.kinds = {"投诉", "求助"};
  heating.match.category_prefixes = {{"住房保障", "物业管理"}};
  heating.lead = "housing";
  heating.co = {"dept-3"};
  config->rules.push_back(std::move(heating));
  return config;
}

std::string sample_ticket_1kb() {
  std::string content =
      "向阳社区小区暖气温度只有十几度，多次找物业无果。家中有老人和小孩，晚上室温只有十四度左右，"
      "已经连续一周。物业称是供热公司的问题，供热公司称是小区管网的问题，双方互相推诿。"
      "希望相关部门尽快协调处理，保障居民冬季正常供暖。";
  return R"({"ticketNo": "SZS12345-20250921-000001", "channel": "phone", "callTime": "2025-09-21 10:22:00", )"
         R"("caller": {"name": "王先生", "phone": "13830166131", "anonymous": false}, "appealType": "投诉", )"
         R"("title": "暖气不热", "content": ")" +
         content +
         R"(", "address": "宁夏石嘴山市大武口区黄河东街", "region": {"districtCode": "640202", )"
         R"("district": "大武口区", "street": "长胜街道", "community": "向阳社区"}, )"
         R"("category": ["住房保障", "物业管理", "供暖"], "urgency": "紧急", "deadline": "2025-09-29T10:22:00+08:00", )"
         R"("attachments": [{"type": "audio", "url": "https://hotline.example/rec/SZS12345-20250921-000001.mp3"}]})";
}

}  // namespace gw::bench
