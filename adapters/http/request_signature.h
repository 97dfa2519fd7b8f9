// Sender request signing (docs/http-api.md, "Senders sign every request"):
//
//   X-Gateway-Signature: sha256=<lowercase hex HMAC-SHA256(secret, timestamp + "." + body)>
//
// Pure: the caller passes the gateway's clock reading, so the window edges are testable.
// Thread-safe: no state beyond OpenSSL's, which is safe to call from any HTTP worker.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gw::http {

inline constexpr std::string_view kSignaturePrefix = "sha256=";
// The docs' default for http.signature_window_s.
inline constexpr std::int64_t kDefaultSignatureWindowSeconds = 300;
// Twelve digits reach the year 33658; more is a malformed timestamp, not a far future one.
inline constexpr std::size_t kMaxTimestampDigits = 12;

// The full X-Gateway-Signature value for a request: "sha256=" and 64 lowercase hex digits.
// The body is the exact bytes sent; nothing is normalized. Throws std::runtime_error only if
// OpenSSL itself fails (out of memory, a broken provider), never because of the inputs.
std::string sign_request(std::string_view secret, std::string_view timestamp,
                         std::string_view body);

enum class SignatureError {
  missing_timestamp,
  malformed_timestamp,
  outside_window,
  missing_signature,
  malformed_signature,
  mismatch,
};

// A fixed sentence saying what the error means, e.g. for logs and metrics help text. The
// refusal's detail says the same about this particular request, with its numbers.
std::string_view describe(SignatureError e);
// Stable machine-readable name: "missing_timestamp", ..., "mismatch".
std::string_view to_string(SignatureError e);

struct SignatureRefusal {
  SignatureError error;
  // One sentence for the sender, e.g. "X-Gateway-Timestamp is 412 s behind the gateway's
  // clock; at most 300 s allowed". Never contains the secret or the expected signature.
  std::string detail;
};

// Empty when the request is authentic and fresh; otherwise the first problem found, checked
// in this order: timestamp syntax, signature syntax, window, MAC. Syntax first, so that a
// sender with two mistakes hears about the header it forgot before its clock; the MAC last,
// so that no HMAC is computed for requests refused anyway.
//
// timestamp_header: 1 to 12 decimal digits, nothing else (no sign, spaces or fraction).
// signature_header: exactly "sha256=" and 64 hex digits, either case.
// An empty header counts as missing. The timestamp may be at most window_seconds away
// from now_unix_seconds in either direction (exactly window_seconds is still fresh); a
// negative window is read as 0. The MACs are compared in constant time.
std::optional<SignatureRefusal> verify_request(std::string_view secret,
                                               std::string_view timestamp_header,
                                               std::string_view signature_header,
                                               std::string_view body, std::int64_t now_unix_seconds,
                                               std::int64_t window_seconds);

}  // namespace gw::http
