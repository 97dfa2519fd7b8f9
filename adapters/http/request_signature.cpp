#include "adapters/http/request_signature.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <memory>
#include <stdexcept>

#include "adapters/http/header_text.h"

namespace gw::http {
namespace {

constexpr std::size_t kMacBytes = 32;
constexpr std::size_t kHexDigits = 2 * kMacBytes;
using Mac = std::array<unsigned char, kMacBytes>;

EVP_MAC* hmac_algorithm() {
  // Fetched once: a fetch searches the provider tables under a lock, too slow per request.
  // An EVP_MAC is immutable and may be shared by threads; it is deliberately never freed
  // (it lives as long as the process, and freeing at exit would race OpenSSL's own cleanup).
  static EVP_MAC* const algorithm = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return algorithm;
}

struct MacContextFree {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

[[noreturn]] void openssl_failed(const char* what) {
  throw std::runtime_error(std::string("HMAC-SHA256: OpenSSL failed in ") + what);
}

// HMAC-SHA256 over timestamp "." body, fed in three pieces so the body (up to
// http.max_body_bytes) is never copied to build the message.
Mac hmac_sha256(std::string_view secret, std::string_view timestamp, std::string_view body) {
  EVP_MAC* algorithm = hmac_algorithm();
  if (algorithm == nullptr) {
    openssl_failed("EVP_MAC_fetch");
  }
  const std::unique_ptr<EVP_MAC_CTX, MacContextFree> ctx(EVP_MAC_CTX_new(algorithm));
  if (!ctx) {
    openssl_failed("EVP_MAC_CTX_new");
  }

  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  // EVP_MAC_init reads a null key as "keep the key set before", so an empty secret is
  // passed as a valid pointer with length 0 (HMAC with an empty key is well defined).
  static constexpr unsigned char kNoKey = 0;
  const auto* key =
      secret.empty() ? &kNoKey : reinterpret_cast<const unsigned char*>(secret.data());
  if (EVP_MAC_init(ctx.get(), key, secret.size(), params) != 1) {
    openssl_failed("EVP_MAC_init");
  }

  for (const std::string_view piece : {timestamp, std::string_view("."), body}) {
    if (piece.empty()) {
      continue;
    }
    if (EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(piece.data()),
                       piece.size()) != 1) {
      openssl_failed("EVP_MAC_update");
    }
  }
  Mac mac{};
  std::size_t length = 0;
  if (EVP_MAC_final(ctx.get(), mac.data(), &length, mac.size()) != 1 || length != mac.size()) {
    openssl_failed("EVP_MAC_final");
  }
  return mac;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

SignatureRefusal refuse(SignatureError e, std::string detail) {
  return SignatureRefusal{e, std::move(detail)};
}

// The timestamp in seconds, or why it is not one.
std::optional<SignatureRefusal> parse_timestamp(std::string_view header, std::int64_t& out) {
  if (header.empty()) {
    return refuse(SignatureError::missing_timestamp,
                  "X-Gateway-Timestamp is missing; expected the signing time in Unix seconds");
  }
  const bool too_long = header.size() > kMaxTimestampDigits;
  std::int64_t value = 0;
  for (const char c : header) {
    if (c < '0' || c > '9' || too_long) {
      return refuse(SignatureError::malformed_timestamp,
                    "X-Gateway-Timestamp " + quote_for_message(header) +
                        " is not Unix seconds; expected 1 to 12 decimal digits");
    }
    value = value * 10 + (c - '0');
  }
  out = value;
  return std::nullopt;
}

// The 32 MAC bytes of a "sha256=<64 hex>" header, or why it is not one.
std::optional<SignatureRefusal> parse_signature(std::string_view header, Mac& out) {
  if (header.empty()) {
    return refuse(SignatureError::missing_signature,
                  "X-Gateway-Signature is missing; expected sha256= and 64 hex digits");
  }
  if (!header.starts_with(kSignaturePrefix)) {
    return refuse(
        SignatureError::malformed_signature,
        "X-Gateway-Signature " + quote_for_message(header, 16) + " does not start with sha256=");
  }
  const std::string_view hex = header.substr(kSignaturePrefix.size());
  if (hex.size() != kHexDigits) {
    return refuse(SignatureError::malformed_signature,
                  "X-Gateway-Signature has " + std::to_string(hex.size()) +
                      " characters after sha256=; expected 64 hex digits");
  }
  for (std::size_t i = 0; i < kMacBytes; ++i) {
    const int high = hex_value(hex[2 * i]);
    const int low = hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) {
      const std::size_t bad = high < 0 ? 2 * i : 2 * i + 1;
      return refuse(SignatureError::malformed_signature, "X-Gateway-Signature character " +
                                                             std::to_string(bad + 1) +
                                                             " after sha256= is not a hex digit");
    }
    out[i] = static_cast<unsigned char>(high * 16 + low);
  }
  return std::nullopt;
}

// |a - b| without overflow for any int64 pair: the true distance is below 2^64.
std::uint64_t distance(std::int64_t a, std::int64_t b) {
  return a >= b ? static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b)
                : static_cast<std::uint64_t>(b) - static_cast<std::uint64_t>(a);
}

}  // namespace

std::string sign_request(std::string_view secret, std::string_view timestamp,
                         std::string_view body) {
  static constexpr char kHex[] = "0123456789abcdef";
  const Mac mac = hmac_sha256(secret, timestamp, body);
  std::string out(kSignaturePrefix);
  out.reserve(kSignaturePrefix.size() + kHexDigits);
  for (const unsigned char byte : mac) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0x0F]);
  }
  return out;
}

std::string_view describe(SignatureError e) {
  switch (e) {
    case SignatureError::missing_timestamp:
      return "the X-Gateway-Timestamp header is missing";
    case SignatureError::malformed_timestamp:
      return "X-Gateway-Timestamp is not Unix seconds (1 to 12 decimal digits)";
    case SignatureError::outside_window:
      return "X-Gateway-Timestamp is further from the gateway's clock than the signature "
             "window allows";
    case SignatureError::missing_signature:
      return "the X-Gateway-Signature header is missing";
    case SignatureError::malformed_signature:
      return "X-Gateway-Signature is not sha256= followed by 64 hex digits";
    case SignatureError::mismatch:
      return "X-Gateway-Signature is not the HMAC-SHA256 of the timestamp, a '.', and the "
             "body, keyed with the sender's secret";
  }
  return "unknown signature error";
}

std::string_view to_string(SignatureError e) {
  switch (e) {
    case SignatureError::missing_timestamp:
      return "missing_timestamp";
    case SignatureError::malformed_timestamp:
      return "malformed_timestamp";
    case SignatureError::outside_window:
      return "outside_window";
    case SignatureError::missing_signature:
      return "missing_signature";
    case SignatureError::malformed_signature:
      return "malformed_signature";
    case SignatureError::mismatch:
      return "mismatch";
  }
  return "unknown";
}

std::optional<SignatureRefusal> verify_request(std::string_view secret,
                                               std::string_view timestamp_header,
                                               std::string_view signature_header,
                                               std::string_view body, std::int64_t now_unix_seconds,
                                               std::int64_t window_seconds) {
  std::int64_t timestamp = 0;
  if (auto refused = parse_timestamp(timestamp_header, timestamp)) {
    return refused;
  }
  Mac claimed{};
  if (auto refused = parse_signature(signature_header, claimed)) {
    return refused;
  }

  const auto window = static_cast<std::uint64_t>(window_seconds < 0 ? 0 : window_seconds);
  const std::uint64_t off_by = distance(timestamp, now_unix_seconds);
  if (off_by > window) {
    return refuse(SignatureError::outside_window,
                  "X-Gateway-Timestamp " + std::string(timestamp_header) + " is " +
                      std::to_string(off_by) + " s " +
                      (timestamp < now_unix_seconds ? "behind" : "ahead of") +
                      " the gateway's clock; at most " + std::to_string(window) + " s allowed");
  }

  const Mac expected = hmac_sha256(secret, timestamp_header, body);
  // Constant time: how many leading bytes matched must not show in the response time.
  if (CRYPTO_memcmp(expected.data(), claimed.data(), expected.size()) != 0) {
    return refuse(SignatureError::mismatch,
                  "X-Gateway-Signature does not match the HMAC-SHA256 of X-Gateway-Timestamp, "
                  "'.', and the body, keyed with this sender's secret");
  }
  return std::nullopt;
}

}  // namespace gw::http
