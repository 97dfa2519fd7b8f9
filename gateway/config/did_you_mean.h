// Spelling suggestions for config messages: 'unknown key "catgory" (did you mean "category"?)'.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace gw::config {

// Edit distance counted in Unicode code points (UTF-8 input), with an adjacent transposition
// counting as one edit ("catgeory" is one edit from "category"): admins write Chinese values
// too, and a byte count would make one mistyped character look like three.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, when it is close enough to be a plausible typo: at most
// one edit per three characters (at least one, at most three). Ties go to the first
// candidate. An exact match is not a suggestion.
std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates);

}  // namespace gw::config
