// RFC 9457 problem details, the body of every HTTP error (docs/http-api.md, "Errors").
// Pure: builds strings; the server sets the status line, Content-Type and Retry-After.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/refusal.h"

namespace gw::http {

inline constexpr std::string_view kProblemContentType = "application/problem+json";
inline constexpr std::string_view kProblemTypePrefix = "urn:case-gateway:problem:";

struct Problem {
  int status = 500;
  std::string code;    // machine-readable: "missing_field", "unauthenticated", ...
  std::string title;   // same for every problem with this code (RFC 9457 3.1.3)
  std::string detail;  // this occurrence, for the sender: which field, what was expected
  std::string field;   // JSON path of the offending field; empty if none
  std::vector<std::string> errors;  // every problem when there are several (a reload)
  // Not a JSON member: the server turns it into a Retry-After header (429, 503).
  std::optional<int> retry_after_seconds;
};

// {"type": "urn:case-gateway:problem:<code>", "title", "status", "detail", "code"} and
// "field" and "errors" only when non-empty, in that order. An empty title is written as
// title_for(status, code).
std::string to_json(const Problem& p);

// The standard reason phrase of an HTTP status ("Unprocessable Content" for 422), or
// "Error" for a status without one here.
std::string_view reason_phrase(int status);

// The title for a problem code: for the input refusal codes a phrase naming the problem
// ("Missing field", as in docs/http-api.md), since RFC 9457 wants one title per type and
// the type follows the code; for every other code reason_phrase(status).
std::string_view title_for(int status, std::string_view code);

// A problem with the standard title for its status and code.
Problem problem_for(int status, std::string code, std::string detail);

// The HTTP face of an input refusal: 400 for what is not readable JSON (empty_input,
// malformed_json, trailing_data, invalid_encoding, not_an_object), 413 for too_large, and
// 422 for content (missing_field, wrong_type, out_of_range, bad_time). The code is the
// refusal code, the field its field, the detail refusal.message().
Problem problem_from_refusal(const Refusal& refusal);

}  // namespace gw::http
