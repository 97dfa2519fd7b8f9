// Syntax of the names admins write in config files. Pure functions, reused by whoever needs
// to check such a name (the Kafka adapter checks topic names it is given, too).
#pragma once

#include <string_view>

namespace gw::config {

// Department codes and rule ids: [a-z0-9][a-z0-9._-]{0,63}. Lower case and short because
// they appear in topic names, logs, metrics labels and case records.
bool is_valid_code(std::string_view code);

// A topic name Kafka accepts: 1 to 249 characters of [a-zA-Z0-9._-], and not "." or "..".
bool is_valid_kafka_topic(std::string_view topic);

// Exactly `count` ASCII digits.
bool is_digits(std::string_view text, std::size_t count);

// Only ASCII digits, and at least one.
bool is_all_digits(std::string_view text);

}  // namespace gw::config
