#include "gateway/config/name_syntax.h"

#include <algorithm>

namespace gw::config {
namespace {

bool is_lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool is_valid_code(std::string_view code) {
  if (code.empty() || code.size() > 64 || !is_lower_or_digit(code.front())) {
    return false;
  }
  return std::all_of(code.begin(), code.end(), [](char c) {
    return is_lower_or_digit(c) || c == '.' || c == '_' || c == '-';
  });
}

bool is_valid_kafka_topic(std::string_view topic) {
  if (topic.empty() || topic.size() > 249 || topic == "." || topic == "..") {
    return false;
  }
  return std::all_of(topic.begin(), topic.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' ||
           c == '_' || c == '-';
  });
}

bool is_digits(std::string_view text, std::size_t count) {
  return text.size() == count && std::all_of(text.begin(), text.end(), is_digit);
}

bool is_all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

}  // namespace gw::config
