#include "adapters/intake/format_detection.h"

#include <gtest/gtest.h>

#include <string>

namespace gw::intake {
namespace {

TEST(DetectFormat, LooksAtTopLevelKeysOnly) {
  const std::pair<std::string, InputFormat> cases[] = {
      {R"({"reportId": "R1"})", InputFormat::grid},
      {R"({"description": "d", "gridCode": "64020200200202"})", InputFormat::grid},
      {R"({"ticketNo": "T1", "reportId": null})", InputFormat::grid},
      {R"({"rep\u006frtId": 1})", InputFormat::grid},
      {R"({"ticketNo": "T1"})", InputFormat::hotline},
      {R"({"meta": {"reportId": "nested"}})", InputFormat::hotline},
      {R"({})", InputFormat::hotline},
      {R"([{"reportId": "R1"}])", InputFormat::hotline},
      {R"({"reportId)", InputFormat::hotline},
      {"", InputFormat::hotline},
  };
  simdjson::ondemand::parser parser;
  for (const auto& [text, format] : cases) {
    const simdjson::padded_string padded(text);
    EXPECT_EQ(detect_format(parser, padded), format) << text;
  }
}

}  // namespace
}  // namespace gw::intake
