// Stable case ids. A resent ticket or report gets the same id, so departments and the
// gateway's own de-duplication can recognise it.
//
// id = "HL-" or "GR-" followed by 24 lowercase hex digits: the first 96 bits of XXH3-128
// over "<source>\x1f<source id>". XXH3 is stable across versions and ~20x cheaper than
// SHA-256 on these machines; ids are identifiers, not a security boundary (senders are
// authenticated upstream).
#pragma once

#include <string>
#include <string_view>

#include "gateway/core/case.h"

namespace gw {

std::string make_case_id(Source source, std::string_view source_ref);
// The same id written into out (replacing its contents, reusing its capacity).
void assign_case_id(std::string& out, Source source, std::string_view source_ref);

// True for a string of the form make_case_id produces.
bool is_case_id(std::string_view s);

}  // namespace gw
