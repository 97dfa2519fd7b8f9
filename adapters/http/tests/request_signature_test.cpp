#include "adapters/http/request_signature.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <optional>
#include <string>

namespace gw::http {
namespace {

// printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
constexpr std::string_view kKnownSignature =
    "sha256=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686";
constexpr std::string_view kSecret = "secret";
constexpr std::string_view kTimestamp = "1700000000";
constexpr std::string_view kBody = R"({"a":1})";
constexpr std::int64_t kNow = 1700000000;
constexpr std::int64_t kWindow = 300;

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

TEST(SignRequest, MatchesKnownAnswers) {
  EXPECT_EQ(sign_request(kSecret, kTimestamp, kBody), kKnownSignature);
  // python3: hmac.new(b'', b'1.x', hashlib.sha256).hexdigest()
  EXPECT_EQ(sign_request("", "1", "x"),
            "sha256=d356c76f2be16120eca994746a279fd612267e791d245c4745ebbf0f98fc31f2");
  // printf '%s' '1700000000.' | openssl dgst -sha256 -hmac secret
  EXPECT_EQ(sign_request(kSecret, kTimestamp, ""),
            "sha256=4bc5f74d868b97888288889c5d9d65df02526f94c1592a79fdf4fe8b26e311e5");
  // UTF-8 secret and body; python3 hmac with '秘钥' and '1700000000.{"标题":"井盖缺失"}'.
  EXPECT_EQ(sign_request("秘钥", kTimestamp, R"({"标题":"井盖缺失"})"),
            "sha256=85002975169c1bec5805676eca54c8d7262ab7aec0f8f5e541331ae6e82b4239");
  // A key longer than SHA-256's 64-byte block is hashed first (RFC 2104).
  EXPECT_EQ(sign_request(std::string(100, 'k'), kTimestamp, "body"),
            "sha256=2defc100e3c9242d415387665cef3b691aba8f4600bb534d82dc474f16dd5a25");
}

TEST(SignRequest, SignsTheExactBodyBytes) {
  const std::string with_nul("{\"a\":1}\0", 8);
  EXPECT_NE(sign_request(kSecret, kTimestamp, with_nul), kKnownSignature);
  EXPECT_NE(sign_request(kSecret, kTimestamp, std::string(kBody) + "\n"), kKnownSignature);
}

TEST(VerifyRequest, AcceptsTheKnownAnswerAndItsUppercaseHex) {
  EXPECT_EQ(verify_request(kSecret, kTimestamp, kKnownSignature, kBody, kNow, kWindow),
            std::nullopt);
  const std::string upper_hex = "sha256=" + upper(kKnownSignature.substr(7));
  EXPECT_EQ(verify_request(kSecret, kTimestamp, upper_hex, kBody, kNow, kWindow), std::nullopt);
  std::string mixed(kKnownSignature);
  mixed[10] = static_cast<char>(std::toupper(mixed[10]));  // 'f' -> 'F'
  EXPECT_EQ(verify_request(kSecret, kTimestamp, mixed, kBody, kNow, kWindow), std::nullopt);
}

TEST(VerifyRequest, RoundTripsItsOwnSignatures) {
  const std::string bodies[] = {"", "[]", R"([{"a":1},{"b":"投诉"}])", std::string(100000, 'x')};
  for (const std::string& body : bodies) {
    const std::string signature = sign_request("s3cr3t", "1712345678", body);
    EXPECT_EQ(verify_request("s3cr3t", "1712345678", signature, body, 1712345678, kWindow),
              std::nullopt)
        << body.size();
  }
}

struct MismatchCase {
  const char* name;
  std::string secret;
  std::string timestamp;
  std::string body;
};

TEST(VerifyRequest, RefusesAnythingTampered) {
  const MismatchCase cases[] = {
      {"tampered body", "secret", "1700000000", R"({"a":2})"},
      {"body with trailing newline", "secret", "1700000000", "{\"a\":1}\n"},
      {"empty body", "secret", "1700000000", ""},
      {"wrong secret", "secreT", "1700000000", R"({"a":1})"},
      {"empty secret", "", "1700000000", R"({"a":1})"},
      {"other timestamp in window", "secret", "1700000001", R"({"a":1})"},
      {"leading zero changes the signed text", "secret", "01700000000", R"({"a":1})"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto refused =
        verify_request(c.secret, c.timestamp, kKnownSignature, c.body, kNow, kWindow);
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->error, SignatureError::mismatch);
    // The refusal must never leak what the signature should have been.
    const std::string expected = sign_request(c.secret, c.timestamp, c.body);
    EXPECT_EQ(refused->detail.find(expected.substr(7, 16)), std::string::npos);
  }
}

TEST(VerifyRequest, RefusesASignatureWithOneBitFlipped) {
  for (std::size_t i = 7; i < kKnownSignature.size(); ++i) {
    std::string flipped(kKnownSignature);
    flipped[i] = flipped[i] == '0' ? '1' : '0';
    const auto refused = verify_request(kSecret, kTimestamp, flipped, kBody, kNow, kWindow);
    ASSERT_TRUE(refused.has_value()) << i;
    EXPECT_EQ(refused->error, SignatureError::mismatch) << i;
  }
}

struct WindowCase {
  const char* name;
  std::int64_t now;
  std::int64_t window;
  std::optional<SignatureError> error;
  const char* detail;  // expected detail when refused
};

TEST(VerifyRequest, AcceptsTimestampsUpToTheWindowOnEitherSide) {
  const WindowCase cases[] = {
      {"same second", kNow, 300, std::nullopt, ""},
      {"exactly window behind", kNow + 300, 300, std::nullopt, ""},
      {"exactly window ahead", kNow - 300, 300, std::nullopt, ""},
      {"window + 1 behind", kNow + 301, 300, SignatureError::outside_window,
       "X-Gateway-Timestamp 1700000000 is 301 s behind the gateway's clock; at most 300 s "
       "allowed"},
      {"window + 1 ahead (future)", kNow - 301, 300, SignatureError::outside_window,
       "X-Gateway-Timestamp 1700000000 is 301 s ahead of the gateway's clock; at most 300 s "
       "allowed"},
      {"412 s old", kNow + 412, 300, SignatureError::outside_window,
       "X-Gateway-Timestamp 1700000000 is 412 s behind the gateway's clock; at most 300 s "
       "allowed"},
      {"zero window, same second", kNow, 0, std::nullopt, ""},
      {"zero window, one second off", kNow + 1, 0, SignatureError::outside_window,
       "X-Gateway-Timestamp 1700000000 is 1 s behind the gateway's clock; at most 0 s allowed"},
      {"negative window reads as zero", kNow, -5, std::nullopt, ""},
      {"negative window, one second off", kNow - 1, -5, SignatureError::outside_window,
       "X-Gateway-Timestamp 1700000000 is 1 s ahead of the gateway's clock; at most 0 s "
       "allowed"},
      {"clock at the epoch", 0, 300, SignatureError::outside_window,
       "X-Gateway-Timestamp 1700000000 is 1700000000 s ahead of the gateway's clock; at most "
       "300 s allowed"},
      {"clock at INT64_MAX, widest window", INT64_MAX, INT64_MAX, std::nullopt, ""},
      {"absurd clock, small window", INT64_MIN, 300, SignatureError::outside_window,
       "X-Gateway-Timestamp 1700000000 is 9223372038554775808 s ahead of the gateway's clock; "
       "at most 300 s allowed"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto refused =
        verify_request(kSecret, kTimestamp, kKnownSignature, kBody, c.now, c.window);
    if (!c.error) {
      EXPECT_EQ(refused, std::nullopt) << refused->detail;
      continue;
    }
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->error, *c.error);
    EXPECT_EQ(refused->detail, c.detail);
  }
}

struct HeaderCase {
  const char* name;
  std::string timestamp;
  std::string signature;
  SignatureError error;
  const char* detail;
};

TEST(VerifyRequest, RefusesMissingAndMalformedHeadersPrecisely) {
  const std::string good(kKnownSignature);
  const std::string hex = good.substr(7);
  const HeaderCase cases[] = {
      {"no timestamp", "", good, SignatureError::missing_timestamp,
       "X-Gateway-Timestamp is missing; expected the signing time in Unix seconds"},
      {"timestamp with sign", "+1700000000", good, SignatureError::malformed_timestamp,
       "X-Gateway-Timestamp \"+1700000000\" is not Unix seconds; expected 1 to 12 decimal "
       "digits"},
      {"negative timestamp", "-1", good, SignatureError::malformed_timestamp,
       "X-Gateway-Timestamp \"-1\" is not Unix seconds; expected 1 to 12 decimal digits"},
      {"timestamp with space", " 1700000000", good, SignatureError::malformed_timestamp,
       "X-Gateway-Timestamp \" 1700000000\" is not Unix seconds; expected 1 to 12 decimal "
       "digits"},
      {"fractional timestamp", "1700000000.5", good, SignatureError::malformed_timestamp,
       "X-Gateway-Timestamp \"1700000000.5\" is not Unix seconds; expected 1 to 12 decimal "
       "digits"},
      {"milliseconds (13 digits)", "1700000000000", good, SignatureError::malformed_timestamp,
       "X-Gateway-Timestamp \"1700000000000\" is not Unix seconds; expected 1 to 12 decimal "
       "digits"},
      {"control bytes are not echoed", "17\n00", good, SignatureError::malformed_timestamp,
       "X-Gateway-Timestamp \"17?00\" is not Unix seconds; expected 1 to 12 decimal digits"},
      {"long junk is cut", std::string(100, 'z'), good, SignatureError::malformed_timestamp,
       "X-Gateway-Timestamp \"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz...\" is not Unix "
       "seconds; expected 1 to 12 decimal digits"},
      {"bad timestamp reported before missing signature", "abc", "",
       SignatureError::malformed_timestamp,
       "X-Gateway-Timestamp \"abc\" is not Unix seconds; expected 1 to 12 decimal digits"},
      {"no signature", "1700000000", "", SignatureError::missing_signature,
       "X-Gateway-Signature is missing; expected sha256= and 64 hex digits"},
      {"no signature reported before the window", "1", "", SignatureError::missing_signature,
       "X-Gateway-Signature is missing; expected sha256= and 64 hex digits"},
      {"bare hex", "1700000000", hex, SignatureError::malformed_signature,
       "X-Gateway-Signature \"49f24e537407743f...\" does not start with sha256="},
      {"uppercase prefix", "1700000000", "SHA256=" + hex, SignatureError::malformed_signature,
       "X-Gateway-Signature \"SHA256=49f24e537...\" does not start with sha256="},
      {"other algorithm", "1700000000", "sha1=abc", SignatureError::malformed_signature,
       "X-Gateway-Signature \"sha1=abc\" does not start with sha256="},
      {"prefix only", "1700000000", "sha256=", SignatureError::malformed_signature,
       "X-Gateway-Signature has 0 characters after sha256=; expected 64 hex digits"},
      {"63 digits", "1700000000", good.substr(0, good.size() - 1),
       SignatureError::malformed_signature,
       "X-Gateway-Signature has 63 characters after sha256=; expected 64 hex digits"},
      {"65 digits", "1700000000", good + "0", SignatureError::malformed_signature,
       "X-Gateway-Signature has 65 characters after sha256=; expected 64 hex digits"},
      {"trailing space", "1700000000", good.substr(0, good.size() - 1) + " ",
       SignatureError::malformed_signature,
       "X-Gateway-Signature character 64 after sha256= is not a hex digit"},
      {"non-hex first", "1700000000", "sha256=g" + hex.substr(1),
       SignatureError::malformed_signature,
       "X-Gateway-Signature character 1 after sha256= is not a hex digit"},
      {"non-hex second of a pair", "1700000000", "sha256=4x" + hex.substr(2),
       SignatureError::malformed_signature,
       "X-Gateway-Signature character 2 after sha256= is not a hex digit"},
      {"base64 instead of hex", "1700000000",
       "sha256=" + std::string("SfJOU3QHdD+koCQrtjuUuaR+6Zy74HHM2KIlUK5BFoY=").append(20, 'A'),
       SignatureError::malformed_signature,
       "X-Gateway-Signature character 1 after sha256= is not a hex digit"},
      {"stale but otherwise fine", "1699999000", good, SignatureError::outside_window,
       "X-Gateway-Timestamp 1699999000 is 1000 s behind the gateway's clock; at most 300 s "
       "allowed"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto refused = verify_request(kSecret, c.timestamp, c.signature, kBody, kNow, kWindow);
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(to_string(refused->error), to_string(c.error));
    EXPECT_EQ(refused->detail, c.detail);
  }
}

TEST(VerifyRequest, AcceptsTwelveDigitTimestamps) {
  const std::string ts = "999999999999";
  const std::string signature = sign_request(kSecret, ts, kBody);
  EXPECT_EQ(verify_request(kSecret, ts, signature, kBody, 999999999999, 0), std::nullopt);
  EXPECT_EQ(verify_request(kSecret, "0", sign_request(kSecret, "0", kBody), kBody, 10, 10),
            std::nullopt);
}

TEST(DescribeSignatureError, GivesEveryErrorItsOwnSentenceAndName) {
  const SignatureError all[] = {
      SignatureError::missing_timestamp,   SignatureError::malformed_timestamp,
      SignatureError::outside_window,      SignatureError::missing_signature,
      SignatureError::malformed_signature, SignatureError::mismatch};
  const char* names[] = {"missing_timestamp", "malformed_timestamp", "outside_window",
                         "missing_signature", "malformed_signature", "mismatch"};
  for (std::size_t i = 0; i < std::size(all); ++i) {
    EXPECT_EQ(to_string(all[i]), names[i]);
    EXPECT_FALSE(describe(all[i]).empty());
    for (std::size_t j = 0; j < i; ++j) {
      EXPECT_NE(describe(all[i]), describe(all[j]));
    }
  }
  EXPECT_EQ(describe(SignatureError::outside_window),
            "X-Gateway-Timestamp is further from the gateway's clock than the signature "
            "window allows");
}

}  // namespace
}  // namespace gw::http
