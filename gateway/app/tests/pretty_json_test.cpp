#include <gtest/gtest.h>

#include "gateway/app/explain.h"

namespace gw::app {
namespace {

TEST(PrettyJson, IndentsObjectsAndArraysButNotStrings) {
  EXPECT_EQ(pretty_json(R"({"a":1,"b":[2,3],"c":{},"d":"x,{y}:\"z\""})"),
            "{\n  \"a\": 1,\n  \"b\": [\n    2,\n    3\n  ],\n  \"c\": {},\n"
            "  \"d\": \"x,{y}:\\\"z\\\"\"\n}");
}

}  // namespace
}  // namespace gw::app
