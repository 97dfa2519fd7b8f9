#include "gateway/core/case_json.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <vector>

#ifdef __AVX2__
#include <immintrin.h>
#endif

#include "gateway/core/personal_data.h"
#include "gateway/core/time_format.h"

namespace gw {
namespace {

// 1 where a byte must be escaped inside a JSON string: control characters, '"' and '\'.
constexpr auto kNeedsEscape = [] {
  struct Table {
    bool v[256] = {};
  } t;
  for (int i = 0; i < 0x20; ++i) t.v[i] = true;
  t.v[static_cast<unsigned char>('"')] = true;
  t.v[static_cast<unsigned char>('\\')] = true;
  return t;
}();

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// Non-zero when one of the 8 bytes of w is below 0x20, '"' or '\' (the SWAR tests from
// "Bit Twiddling Hacks"; bytes >= 0x80, i.e. UTF-8 sequences, never match).
inline std::uint64_t needs_escape(std::uint64_t w) {
  std::uint64_t below_space = (w - kOnes * 0x20) & ~w;
  std::uint64_t q = w ^ (kOnes * '"');
  std::uint64_t quote = (q - kOnes) & ~q;
  std::uint64_t b = w ^ (kOnes * '\\');
  std::uint64_t backslash = (b - kOnes) & ~b;
  return (below_space | quote | backslash) & kHighs;
}

// Writes into a buffer sized beforehand (json_bound), so no step checks capacity.
// Lives on the calling thread's stack; the buffer is the thread's scratch.
class Writer {
 public:
  explicit Writer(char* p) : p_(p) {}
  char* end() const { return p_; }

  void lit(std::string_view s) {
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void ch(char c) { *p_++ = c; }

  void str(std::string_view s) {
    // A local cursor: stores through char* may alias p_, which would then be reloaded and
    // stored back around every byte.
    char* out = p_;
    *out++ = '"';
    const char* in = s.data();
    const char* const stop = in + s.size();
#ifdef __AVX2__
    // 32 bytes per step: store them whole (the buffer has room), then keep the bytes up to
    // the first one that needs escaping.
    const __m256i space_minus_1 = _mm256_set1_epi8(0x1F);
    const __m256i quote = _mm256_set1_epi8('"');
    const __m256i backslash = _mm256_set1_epi8('\\');
    while (stop - in >= 32) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), v);
      const __m256i control = _mm256_cmpeq_epi8(_mm256_max_epu8(v, space_minus_1), space_minus_1);
      const __m256i special = _mm256_or_si256(_mm256_cmpeq_epi8(v, quote),
                                              _mm256_cmpeq_epi8(v, backslash));
      const auto mask =
          static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_or_si256(control, special)));
      if (mask == 0) {
        out += 32;
        in += 32;
        continue;
      }
      const int clean = __builtin_ctz(mask);
      out += clean;
      in += clean;
      out = put_byte(out, static_cast<unsigned char>(*in++));
    }
#endif
    while (stop - in >= 8) {
      std::uint64_t w;
      std::memcpy(&w, in, 8);
      if (needs_escape(w) == 0) {
        std::memcpy(out, in, 8);
        out += 8;
        in += 8;
        continue;
      }
      for (int i = 0; i < 8; ++i) out = put_byte(out, static_cast<unsigned char>(*in++));
    }
    out = put_tail(out, in, static_cast<std::size_t>(stop - in));
    *out++ = '"';
    p_ = out;
  }

  void i64(std::int64_t v) { p_ = std::to_chars(p_, p_ + 24, v).ptr; }
  void f64(double v) { p_ = std::to_chars(p_, p_ + 32, v).ptr; }
  void boolean(bool v) { lit(v ? "true" : "false"); }
  void time(EpochMs t) {
    *p_++ = '"';
    p_ = write_rfc3339_china(p_, t);
    *p_++ = '"';
  }

 private:
  // The last n < 8 bytes at in, where most short strings (codes, names) spend their whole
  // length: one test of a word built from two overlapping loads, then two overlapping
  // stores; byte by byte only when something needs escaping. Returns the new end.
  static char* put_tail(char* out, const char* in, std::size_t n) {
    if (n >= 4) {
      std::uint32_t head;
      std::uint32_t tail;
      std::memcpy(&head, in, 4);
      std::memcpy(&tail, in + n - 4, 4);
      if (needs_escape(head | std::uint64_t{tail} << 32) == 0) {
        std::memcpy(out, &head, 4);
        std::memcpy(out + n - 4, &tail, 4);
        return out + n;
      }
    } else if (n >= 2) {
      std::uint16_t head;
      std::uint16_t tail;
      std::memcpy(&head, in, 2);
      std::memcpy(&tail, in + n - 2, 2);
      // The upper half is filled with 'A', which never needs escaping.
      const std::uint64_t word =
          head | std::uint64_t{tail} << 16 | (kOnes * 'A' & 0xFFFFFFFF00000000ULL);
      if (needs_escape(word) == 0) {
        std::memcpy(out, &head, 2);
        std::memcpy(out + n - 2, &tail, 2);
        return out + n;
      }
    }
    for (std::size_t i = 0; i < n; ++i) out = put_byte(out, static_cast<unsigned char>(in[i]));
    return out;
  }

  // Writes c at out, escaped if JSON needs it; returns the new end.
  static char* put_byte(char* out, unsigned char c) {
    if (!kNeedsEscape.v[c]) {
      *out++ = static_cast<char>(c);
      return out;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    *out++ = '\\';
    switch (c) {
      case '"':
        *out++ = '"';
        break;
      case '\\':
        *out++ = '\\';
        break;
      case '\n':
        *out++ = 'n';
        break;
      case '\r':
        *out++ = 'r';
        break;
      case '\t':
        *out++ = 't';
        break;
      case '\b':
        *out++ = 'b';
        break;
      case '\f':
        *out++ = 'f';
        break;
      default:
        std::memcpy(out, "u00", 3);
        out += 3;
        *out++ = kHex[c >> 4];
        *out++ = kHex[c & 0xF];
    }
    return out;
  }

  char* p_;
};

// Members of an object whose every member is optional: writes the comma only between them.
class OptionalMembers {
 public:
  explicit OptionalMembers(Writer& w) : w_(w) {}
  void text(std::string_view key_and_colon, std::string_view v) {
    if (v.empty()) return;
    if (!first_) w_.ch(',');
    first_ = false;
    w_.lit(key_and_colon);
    w_.str(v);
  }

 private:
  Writer& w_;
  bool first_ = true;
};

// An upper bound on the bytes the JSON of c can take: every string may grow 6-fold when
// escaped (\u00XX), everything else is bounded by the fixed part.
std::size_t json_bound(const Case& c, const RouteDecision& d) {
  std::size_t text = c.case_id.size() + c.source_ref.size() + c.channel.size() + c.kind.size() +
                     c.title.size() + c.description.size() + c.address.size() +
                     c.region.district_code.size() + c.region.district.size() +
                     c.region.street_code.size() + c.region.street.size() +
                     c.region.community_code.size() + c.region.community.size() +
                     c.region.grid_code.size() + c.reporter.name.size() + c.reporter.phone.size() +
                     c.reporter.worker_id.size() + c.handled_result.size() + d.lead->code.size() +
                     d.lead->name.size() + (d.rule ? d.rule->id.size() : 0);
  if (c.coordinates) text += c.coordinates->crs.size();
  for (const std::string& level : c.category) text += level.size() + 4;
  for (const Department* co : d.co) text += co->code.size() + co->name.size() + 32;
  for (const Attachment& a : c.attachments) text += a.type.size() + a.url.size() + 32;
  return 6 * text + 2048;
}

void department(Writer& w, const Department& d) {
  w.lit("{\"code\":");
  w.str(d.code);
  w.lit(",\"name\":");
  w.str(d.name);
  w.ch('}');
}

// What the department may see of the reporter, and why something is missing.
std::string_view disclosure(const Case& c, PersonalDataPolicy policy) {
  if (c.reporter.anonymous || c.whistleblowing()) return "withheld";
  switch (policy) {
    case PersonalDataPolicy::clear:
      return "clear";
    case PersonalDataPolicy::masked:
      return "masked";
    case PersonalDataPolicy::omit:
      return "omitted";
  }
  return "withheld";
}

void reporter(Writer& w, const Case& c, PersonalDataPolicy policy) {
  std::string_view shown = disclosure(c, policy);
  w.lit(",\"reporter\":{\"disclosure\":");
  w.str(shown);
  w.lit(",\"anonymous\":");
  w.boolean(c.reporter.anonymous);
  auto member = [&w](std::string_view key, std::string_view v) {
    if (v.empty()) return;
    w.lit(key);
    w.str(v);
  };
  member(",\"workerId\":", c.reporter.worker_id);
  if (shown == "clear") {
    member(",\"name\":", c.reporter.name);
    member(",\"phone\":", c.reporter.phone);
  } else if (shown == "masked") {
    member(",\"name\":", mask_name(c.reporter.name));
    member(",\"phone\":", mask_phone(c.reporter.phone));
  }
  w.ch('}');
}

void write_case(Writer& w, const Case& c, const RouteDecision& d, PersonalDataPolicy policy) {
  w.lit("{\"schemaVersion\":\"");
  w.lit(kCaseSchemaVersion);
  w.lit("\",\"caseId\":");
  w.str(c.case_id);
  w.lit(",\"version\":1,\"source\":\"");
  w.lit(to_string(c.source));
  w.lit("\",\"sourceRef\":");
  w.str(c.source_ref);
  if (!c.channel.empty()) {
    w.lit(",\"channel\":");
    w.str(c.channel);
  }
  w.lit(",\"kind\":");
  w.str(c.kind);
  w.lit(",\"category\":[");
  for (std::size_t i = 0; i < c.category.size(); ++i) {
    if (i) w.ch(',');
    w.str(c.category[i]);
  }
  w.ch(']');
  if (!c.title.empty()) {
    w.lit(",\"title\":");
    w.str(c.title);
  }
  w.lit(",\"description\":");
  w.str(c.description);

  w.lit(",\"location\":{");
  if (!c.address.empty()) {
    w.lit("\"address\":");
    w.str(c.address);
    w.ch(',');
  }
  w.lit("\"region\":{");
  OptionalMembers region(w);
  region.text("\"districtCode\":", c.region.district_code);
  region.text("\"district\":", c.region.district);
  region.text("\"streetCode\":", c.region.street_code);
  region.text("\"street\":", c.region.street);
  region.text("\"communityCode\":", c.region.community_code);
  region.text("\"community\":", c.region.community);
  region.text("\"gridCode\":", c.region.grid_code);
  w.ch('}');
  if (c.coordinates) {
    w.lit(",\"coordinates\":{\"lng\":");
    w.f64(c.coordinates->lng);
    w.lit(",\"lat\":");
    w.f64(c.coordinates->lat);
    w.lit(",\"crs\":");
    w.str(c.coordinates->crs);
    w.ch('}');
  }
  w.ch('}');

  reporter(w, c, policy);
  w.lit(",\"priority\":\"");
  w.lit(to_string(c.priority));
  w.ch('"');
  if (c.severity > 0) {
    w.lit(",\"severity\":");
    w.i64(c.severity);
  }
  w.lit(",\"reportedAt\":");
  w.time(c.reported_at);
  if (c.occurred_at) {
    w.lit(",\"occurredAt\":");
    w.time(*c.occurred_at);
  }
  w.lit(",\"receivedAt\":");
  w.time(c.received_at);
  if (c.source_deadline) {
    w.lit(",\"sourceDeadline\":");
    w.time(*c.source_deadline);
  }
  w.lit(",\"status\":\"");
  w.lit(to_string(c.status));
  w.ch('"');
  if (c.self_handled) {
    w.lit(",\"selfHandled\":{");
    bool any = false;
    if (!c.handled_result.empty()) {
      w.lit("\"result\":");
      w.str(c.handled_result);
      any = true;
    }
    if (c.handled_at) {
      if (any) w.ch(',');
      w.lit("\"at\":");
      w.time(*c.handled_at);
    }
    w.ch('}');
  }

  w.lit(",\"assignment\":{\"lead\":");
  department(w, *d.lead);
  w.lit(",\"coHandlers\":[");
  for (std::size_t i = 0; i < d.co.size(); ++i) {
    if (i) w.ch(',');
    department(w, *d.co[i]);
  }
  w.ch(']');
  if (d.rule != nullptr) {
    w.lit(",\"rule\":");
    w.str(d.rule->id);
    w.lit(",\"default\":false}");
  } else {
    w.lit(",\"rule\":null,\"default\":true}");
  }

  w.lit(",\"attachments\":[");
  for (std::size_t i = 0; i < c.attachments.size(); ++i) {
    if (i) w.ch(',');
    w.lit("{\"type\":");
    w.str(c.attachments[i].type);
    w.lit(",\"url\":");
    w.str(c.attachments[i].url);
    w.ch('}');
  }
  w.lit("]}");
}

// Per-thread scratch that only grows: writing never zero-fills or reallocates mid-case.
std::vector<char>& scratch(std::size_t at_least) {
  thread_local std::vector<char> buffer;
  if (buffer.size() < at_least) buffer.resize(std::max(at_least, buffer.size() * 2));
  return buffer;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  std::vector<char>& buf = scratch(6 * s.size() + 2);
  Writer w(buf.data());
  w.str(s);
  out.append(buf.data(), static_cast<std::size_t>(w.end() - buf.data()));
}

void append_case_json(std::string& out, const Case& c, const RouteDecision& decision,
                      PersonalDataPolicy policy) {
  std::vector<char>& buf = scratch(json_bound(c, decision));
  Writer w(buf.data());
  write_case(w, c, decision, policy);
  out.append(buf.data(), static_cast<std::size_t>(w.end() - buf.data()));
}

}  // namespace gw
