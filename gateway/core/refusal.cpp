#include "gateway/core/refusal.h"

namespace gw {

std::string_view to_string(RefusalCode c) {
  switch (c) {
    case RefusalCode::not_an_object:
      return "not_an_object";
    case RefusalCode::malformed_json:
      return "malformed_json";
    case RefusalCode::trailing_data:
      return "trailing_data";
    case RefusalCode::invalid_encoding:
      return "invalid_encoding";
    case RefusalCode::missing_field:
      return "missing_field";
    case RefusalCode::wrong_type:
      return "wrong_type";
    case RefusalCode::out_of_range:
      return "out_of_range";
    case RefusalCode::bad_time:
      return "bad_time";
    case RefusalCode::too_large:
      return "too_large";
    case RefusalCode::empty_input:
      return "empty_input";
  }
  return "unknown";
}

std::string Refusal::message() const {
  std::string out;
  if (!field.empty()) {
    out.append(field).append(": ");
  }
  out.append(to_string(code));
  if (!detail.empty()) {
    out.append(": ").append(detail);
  }
  return out;
}

}  // namespace gw
