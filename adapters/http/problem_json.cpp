#include "adapters/http/problem_json.h"

#include <array>
#include <utility>

#include "gateway/core/case_json.h"

namespace gw::http {
namespace {

struct CodeTitle {
  std::string_view code;
  std::string_view title;
};

// One per RefusalCode; the HTTP-only codes (unauthenticated, ...) each belong to a single
// status, so their status phrase already is a per-type title.
constexpr std::array<CodeTitle, 10> kRefusalTitles{{
    {"empty_input", "Empty body"},
    {"malformed_json", "Malformed JSON"},
    {"trailing_data", "Trailing data"},
    {"invalid_encoding", "Invalid encoding"},
    {"not_an_object", "Not an object"},
    {"too_large", "Too large"},
    {"missing_field", "Missing field"},
    {"wrong_type", "Wrong type"},
    {"out_of_range", "Out of range"},
    {"bad_time", "Bad time"},
}};

int status_for(RefusalCode code) {
  switch (code) {
    case RefusalCode::empty_input:
    case RefusalCode::malformed_json:
    case RefusalCode::trailing_data:
    case RefusalCode::invalid_encoding:
    case RefusalCode::not_an_object:
      return 400;
    case RefusalCode::too_large:
      return 413;
    case RefusalCode::missing_field:
    case RefusalCode::wrong_type:
    case RefusalCode::out_of_range:
    case RefusalCode::bad_time:
      return 422;
  }
  return 400;
}

}  // namespace

std::string_view reason_phrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    // 414, 416, 417, 431, 505: statuses cpp-httplib answers by itself (a request line over
    // its limit, a Range it cannot serve, ...), which the server's error handler turns into
    // problems too.
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

std::string_view title_for(int status, std::string_view code) {
  for (const auto& entry : kRefusalTitles) {
    if (entry.code == code) {
      return entry.title;
    }
  }
  return reason_phrase(status);
}

std::string to_json(const Problem& p) {
  std::string out;
  out.reserve(128 + p.detail.size());
  out.append("{\"type\":");
  append_json_string(out, std::string(kProblemTypePrefix) + p.code);
  out.append(",\"title\":");
  append_json_string(out, p.title.empty() ? title_for(p.status, p.code) : p.title);
  out.append(",\"status\":").append(std::to_string(p.status));
  out.append(",\"detail\":");
  append_json_string(out, p.detail);
  out.append(",\"code\":");
  append_json_string(out, p.code);
  if (!p.field.empty()) {
    out.append(",\"field\":");
    append_json_string(out, p.field);
  }
  if (!p.errors.empty()) {
    out.append(",\"errors\":[");
    for (std::size_t i = 0; i < p.errors.size(); ++i) {
      if (i > 0) {
        out.push_back(',');
      }
      append_json_string(out, p.errors[i]);
    }
    out.push_back(']');
  }
  out.push_back('}');
  return out;
}

Problem problem_for(int status, std::string code, std::string detail) {
  Problem p;
  p.status = status;
  p.title = std::string(title_for(status, code));
  p.code = std::move(code);
  p.detail = std::move(detail);
  return p;
}

Problem problem_from_refusal(const Refusal& refusal) {
  Problem p = problem_for(status_for(refusal.code), std::string(to_string(refusal.code)),
                          refusal.message());
  p.field = refusal.field;
  return p;
}

}  // namespace gw::http
