// Masking of personal data. Used for what departments receive (per their policy) and for
// anything that might reach a log.
#pragma once

#include <string>
#include <string_view>

namespace gw {

// "13830166131" -> "138****6131": keeps the first 3 and last 4 digits of 11 or more
// characters; shorter values become all '*'.
std::string mask_phone(std::string_view phone);

// "王先生" -> "王**": keeps the first character (UTF-8 aware), one '*' per further character.
std::string mask_name(std::string_view name);

}  // namespace gw
