#include "gateway/app/env_expansion.h"

#include <gtest/gtest.h>

namespace gw::app {
namespace {

std::optional<std::string> fake_env(const std::string& name) {
  if (name == "PASSWORD") return std::string("s3cret");
  if (name == "EMPTY") return std::string();
  return std::nullopt;
}

TEST(ExpandEnv, ReplacesVariablesAndKeepsTheRest) {
  std::map<std::string, std::string> props = {
      {"sasl.password", "${PASSWORD}"}, {"ssl.key.password", "pre-${PASSWORD}-post"},
      {"client.id", "case-gateway"},    {"x", "${EMPTY}"},
      {"literal", "$${PASSWORD}"},
  };
  std::vector<std::string> problems;
  expand_env(props, "kafka.properties", fake_env, problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(props["sasl.password"], "s3cret");
  EXPECT_EQ(props["ssl.key.password"], "pre-s3cret-post");
  EXPECT_EQ(props["client.id"], "case-gateway");
  EXPECT_EQ(props["x"], "");
  EXPECT_EQ(props["literal"], "${PASSWORD}");
}

TEST(ExpandEnv, NamesTheKeyOfEveryProblem) {
  std::map<std::string, std::string> props = {
      {"a", "${MISSING}"}, {"b", "${PASSWORD"}, {"c", "${}"}};
  std::vector<std::string> problems;
  expand_env(props, "kafka.properties", fake_env, problems);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0], "kafka.properties.a: environment variable \"MISSING\" is not set");
  EXPECT_EQ(problems[1], "kafka.properties.b: \"${\" without a closing \"}\"");
  EXPECT_EQ(problems[2], "kafka.properties.c: environment variable \"\" is not set");
  EXPECT_EQ(props["a"], "${MISSING}");  // left as it was
}

}  // namespace
}  // namespace gw::app
