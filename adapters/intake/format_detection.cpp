#include "adapters/intake/format_detection.h"

#include <string_view>

namespace gw::intake {

InputFormat detect_format(simdjson::ondemand::parser& parser, simdjson::padded_string_view json) {
  simdjson::ondemand::document doc;
  simdjson::ondemand::object root;
  if (parser.iterate(json).get(doc) != simdjson::SUCCESS ||
      doc.get_object().get(root) != simdjson::SUCCESS) {
    return InputFormat::hotline;
  }
  for (auto field : root) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) {
      break;
    }
    if (key == "reportId" || key == "gridCode") {
      return InputFormat::grid;
    }
  }
  return InputFormat::hotline;
}

}  // namespace gw::intake
