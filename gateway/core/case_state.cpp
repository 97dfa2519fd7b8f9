#include "gateway/core/case_state.h"

#include <cstring>
#include <utility>

namespace gw {
namespace {

constexpr std::string_view kStatusNames[] = {
    "dispatched", "signed_for", "in_progress", "extension_pending",
    "suspended",  "returned",   "resolved",    "closed",
};
static_assert(std::size(kStatusNames) == kLifecycleStatusCount);

// Bounds a decoded state must respect. Generous: what create() and apply() produce from
// inputs the adapters accept is far inside them.
constexpr std::size_t kMaxStringBytes = 4096;
constexpr std::size_t kMaxDepartments = 64;  // co-handlers; departments that returned it
constexpr std::size_t kMaxCategoryLevels = 8;

// --- encoding ---------------------------------------------------------------------------

void put_u8(std::string& out, std::uint8_t v) { out.push_back(static_cast<char>(v)); }

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

std::uint64_t zigzag(std::int64_t v) {
  const auto u = static_cast<std::uint64_t>(v);
  return (u << 1) ^ (v < 0 ? ~std::uint64_t{0} : 0);
}
std::int64_t unzigzag(std::uint64_t u) {
  return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

void put_fixed64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void put_str(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

void put_strs(std::string& out, const std::vector<std::string>& v) {
  put_varint(out, v.size());
  for (const std::string& s : v) put_str(out, s);
}

// Instants as deltas from created_at: ~4 bytes instead of ~6. Unsigned arithmetic wraps,
// so any pair of instants round-trips without overflow.
class TimeWriter {
 public:
  TimeWriter(std::string& out, EpochMs base) : out_(out), base_(base) {}
  void put(EpochMs t) {
    const std::uint64_t d = static_cast<std::uint64_t>(t) - static_cast<std::uint64_t>(base_);
    put_varint(out_, zigzag(static_cast<std::int64_t>(d)));
  }
  void put(const std::optional<EpochMs>& t) {
    put_u8(out_, t ? 1 : 0);
    if (t) put(*t);
  }

 private:
  std::string& out_;
  EpochMs base_;
};

// --- decoding ---------------------------------------------------------------------------

// Reads untrusted bytes. Every read checks what is left; the first failure is kept, with the
// member it concerns, and every later read fails.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  bool failed() const { return error_.has_value(); }
  bool at_end() const { return p_ == end_; }
  Refusal take_error() { return std::move(*error_); }

  // Field names below are relative to this prefix ("clocks[1]"), joined only on failure:
  // building names for states that decode fine was half the cost of decoding.
  void set_prefix(std::string prefix) { prefix_ = std::move(prefix); }
  bool fail(std::string field, std::string detail) {
    if (!prefix_.empty()) field = prefix_ + (field.empty() ? "" : ".") + field;
    if (!error_) error_ = Refusal{RefusalCode::out_of_range, std::move(field), std::move(detail)};
    return false;
  }

  bool u8(std::string_view field, std::uint8_t& v) {
    if (failed()) return false;
    if (p_ == end_) return fail(std::string(field), "truncated");
    v = static_cast<std::uint8_t>(*p_++);
    return true;
  }

  bool flag(std::string_view field, bool& v) {
    std::uint8_t b = 0;
    if (!u8(field, b)) return false;
    if (b > 1) return fail(std::string(field), "expected 0 or 1, found " + std::to_string(b));
    v = b == 1;
    return true;
  }

  bool varint(std::string_view field, std::uint64_t& v) {
    if (failed()) return false;
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return fail(std::string(field), "truncated");
      const auto b = static_cast<std::uint8_t>(*p_++);
      if (shift == 63 && b > 1) return fail(std::string(field), "varint over 64 bits");
      v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return fail(std::string(field), "varint over 10 bytes");
  }

  bool count(std::string_view field, std::size_t max, std::size_t& n) {
    std::uint64_t v = 0;
    if (!varint(field, v)) return false;
    if (v > max) {
      return fail(std::string(field),
                  std::to_string(v) + " entries, at most " + std::to_string(max) + " allowed");
    }
    n = static_cast<std::size_t>(v);
    return true;
  }

  bool u32(std::string_view field, std::uint32_t& v) {
    std::uint64_t w = 0;
    if (!varint(field, w)) return false;
    if (w > UINT32_MAX) return fail(std::string(field), "over 32 bits");
    v = static_cast<std::uint32_t>(w);
    return true;
  }

  bool fixed64(std::string_view field, std::uint64_t& v) {
    if (failed()) return false;
    if (end_ - p_ < 8) return fail(std::string(field), "truncated");
    v = 0;
    for (int i = 0; i < 8; ++i)
      v |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(p_[i])) << (8 * i);
    p_ += 8;
    return true;
  }

  bool str(std::string_view field, std::string& s) {
    std::size_t n = 0;
    if (!count(field, kMaxStringBytes, n)) return false;
    if (static_cast<std::size_t>(end_ - p_) < n) return fail(std::string(field), "truncated");
    s.assign(p_, n);
    p_ += n;
    return true;
  }

  bool strs(std::string_view field, std::size_t max, std::vector<std::string>& v) {
    std::size_t n = 0;
    if (!count(field, max, n)) return false;
    v.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (!str(std::string(field) + "[" + std::to_string(i) + "]", v[i])) return false;
    }
    return true;
  }

  template <typename Enum>
  bool enumeration(std::string_view field, std::size_t count, Enum& e) {
    std::uint8_t b = 0;
    if (!u8(field, b)) return false;
    if (b >= count) return fail(std::string(field), "unknown value " + std::to_string(b));
    e = static_cast<Enum>(b);
    return true;
  }

  void set_base(EpochMs base) { base_ = base; }

  bool time(std::string_view field, EpochMs& t) {
    std::uint64_t z = 0;
    if (!varint(field, z)) return false;
    const auto d = static_cast<std::uint64_t>(unzigzag(z));
    t = static_cast<EpochMs>(static_cast<std::uint64_t>(base_) + d);
    return true;
  }

  bool time(std::string_view field, std::optional<EpochMs>& t) {
    bool present = false;
    if (!flag(field, present)) return false;
    t.reset();
    if (!present) return true;
    EpochMs v = 0;
    if (!time(field, v)) return false;
    t = v;
    return true;
  }

 private:
  const char* p_;
  const char* end_;
  EpochMs base_ = 0;
  std::string prefix_;
  std::optional<Refusal> error_;
};

bool read_clock(Reader& r, StageClock& c) {
  const auto field = [](std::string_view member) { return std::string(member); };  // SSO
  r.enumeration(field("stage"), kSlaStageCount, c.stage);
  r.time(field("start"), c.deadline.start);
  r.time(field("due"), c.deadline.due);
  std::uint8_t n = 0;
  if (r.u8(field("warnings"), n) && n > kMaxWarnings) {
    r.fail(field("warnings"),
           std::to_string(n) + " warnings, at most " + std::to_string(kMaxWarnings) + " allowed");
  }
  c.deadline.warning_count = r.failed() ? 0 : n;
  for (std::uint8_t i = 0; i < n && !r.failed(); ++i)
    r.time(field("warnings"), c.deadline.warning_at[i]);
  n = 0;
  if (r.u8(field("escalations"), n) && n > kMaxEscalationTiers) {
    r.fail(field("escalations"), std::to_string(n) + " tiers, at most " +
                                     std::to_string(kMaxEscalationTiers) + " allowed");
  }
  c.deadline.tier_count = r.failed() ? 0 : n;
  for (std::uint8_t i = 0; i < n && !r.failed(); ++i) {
    r.time(field("escalations"), c.deadline.escalation_at[i]);
  }
  r.u8(field("policyFlags"), c.deadline.policy_flags);
  for (std::int64_t& v : c.deadline.policy_data) {
    std::uint64_t z = 0;
    if (r.varint(field("policyData"), z)) v = unzigzag(z);
  }
  if (r.u8(field("warned"), c.warned) && (c.warned >> c.deadline.warning_count) != 0) {
    r.fail(field("warned"), "a warning fired that the deadline does not have");
  }
  r.flag(field("breached"), c.breached);
  if (r.u8(field("tier"), c.tier) && c.tier > c.deadline.tier_count) {
    r.fail(field("tier"),
           "tier " + std::to_string(c.tier) + " of " + std::to_string(c.deadline.tier_count));
  }
  r.time(field("pausedAt"), c.paused_at);
  r.fixed64(field("cause"), c.cause);
  return !r.failed();
}

}  // namespace

std::string_view to_string(LifecycleStatus s) {
  const auto i = static_cast<std::size_t>(s);
  return i < kLifecycleStatusCount ? kStatusNames[i] : "unknown";
}

bool is_open(LifecycleStatus s) {
  return s != LifecycleStatus::resolved && s != LifecycleStatus::closed;
}

CaseFacts facts_of(const Case& c) {
  CaseFacts f;
  f.source = c.source;
  f.kind = c.kind;
  f.category = c.category;
  f.priority = c.priority;
  f.street_code = c.region.street_code;
  if (f.street_code.empty() && c.region.grid_code.size() == 14) {
    f.street_code = c.region.grid_code.substr(0, 9);
  }
  f.source_deadline = c.source_deadline;
  return f;
}

bool Deadline::add_warning(EpochMs at) {
  if (warning_count == kMaxWarnings) return false;
  warning_at[warning_count++] = at;
  return true;
}

bool Deadline::add_escalation(EpochMs at) {
  if (tier_count == kMaxEscalationTiers) return false;
  escalation_at[tier_count++] = at;
  return true;
}

const StageClock* CaseState::clock(SlaStage stage) const {
  for (const StageClock& c : clocks) {
    if (c.stage == stage) return &c;
  }
  return nullptr;
}

StageClock* CaseState::clock(SlaStage stage) {
  for (StageClock& c : clocks) {
    if (c.stage == stage) return &c;
  }
  return nullptr;
}

void append_case_state(std::string& out, const CaseState& s) {
  put_u8(out, kCaseStateVersion);
  put_str(out, s.case_id);
  put_varint(out, zigzag(s.created_at));
  TimeWriter t(out, s.created_at);
  put_u8(out, static_cast<std::uint8_t>(s.status));
  put_u8(out, static_cast<std::uint8_t>(s.back_to));
  put_str(out, s.lead);
  put_strs(out, s.co);
  put_strs(out, s.returned_by);
  put_u8(out, static_cast<std::uint8_t>(s.facts.source));
  put_str(out, s.facts.kind);
  put_strs(out, s.facts.category);
  put_u8(out, static_cast<std::uint8_t>(s.facts.priority));
  put_str(out, s.facts.street_code);
  t.put(s.facts.source_deadline);
  t.put(s.return_until);
  t.put(s.requested_due);
  t.put(s.last_at);
  put_varint(out, s.same_at);
  put_varint(out, s.event_seq);
  put_varint(out, s.clocks.size());
  for (const StageClock& c : s.clocks) {
    put_u8(out, static_cast<std::uint8_t>(c.stage));
    t.put(c.deadline.start);
    t.put(c.deadline.due);
    put_u8(out, c.deadline.warning_count);
    for (EpochMs w : c.deadline.warnings()) t.put(w);
    put_u8(out, c.deadline.tier_count);
    for (EpochMs e : c.deadline.escalations()) t.put(e);
    put_u8(out, c.deadline.policy_flags);
    for (std::int64_t v : c.deadline.policy_data) put_varint(out, zigzag(v));
    put_u8(out, c.warned);
    put_u8(out, c.breached ? 1 : 0);
    put_u8(out, c.tier);
    t.put(c.paused_at);
    put_fixed64(out, c.cause);
  }
  put_varint(out, s.applied.size());
  for (std::uint64_t h : s.applied) put_fixed64(out, h);
  put_varint(out, zigzag(s.input_offset));
}

std::string encode_case_state(const CaseState& s) {
  std::string out;
  out.reserve(128 + 8 * s.applied.size());
  append_case_state(out, s);
  return out;
}

Result<CaseState> decode_case_state(std::string_view bytes) {
  if (bytes.empty()) return Refusal{RefusalCode::empty_input, "", "no bytes"};
  if (bytes.size() > kMaxCaseStateBytes) {
    return Refusal{
        RefusalCode::too_large, "",
        std::to_string(bytes.size()) + " bytes, at most " + std::to_string(kMaxCaseStateBytes)};
  }
  Reader r(bytes);
  CaseState s;
  std::uint8_t version = 0;
  if (r.u8("version", version) && version != kCaseStateVersion) {
    r.fail("version", "unknown version " + std::to_string(version) + ", expected " +
                          std::to_string(kCaseStateVersion));
  }
  r.str("caseId", s.case_id);
  std::uint64_t created = 0;
  if (r.varint("createdAt", created)) s.created_at = unzigzag(created);
  r.set_base(s.created_at);
  r.enumeration("status", kLifecycleStatusCount, s.status);
  if (r.enumeration("backTo", kLifecycleStatusCount, s.back_to) &&
      s.back_to != LifecycleStatus::signed_for && s.back_to != LifecycleStatus::in_progress) {
    r.fail("backTo", "a case goes back to signed_for or in_progress, not " +
                         std::string(to_string(s.back_to)));
  }
  r.str("lead", s.lead);
  r.strs("co", kMaxDepartments, s.co);
  r.strs("returnedBy", kMaxDepartments, s.returned_by);
  r.enumeration("facts.source", 2, s.facts.source);
  r.str("facts.kind", s.facts.kind);
  r.strs("facts.category", kMaxCategoryLevels, s.facts.category);
  r.enumeration("facts.priority", 3, s.facts.priority);
  r.str("facts.streetCode", s.facts.street_code);
  r.time("facts.sourceDeadline", s.facts.source_deadline);
  r.time("returnUntil", s.return_until);
  r.time("requestedDue", s.requested_due);
  r.time("lastAt", s.last_at);
  r.u32("sameAt", s.same_at);
  r.u32("eventSeq", s.event_seq);
  std::size_t n = 0;
  if (r.count("clocks", kSlaStageCount, n)) {
    s.clocks.resize(n);
    for (std::size_t i = 0; i < n && !r.failed(); ++i) {
      const std::string at = "clocks[" + std::to_string(i) + "]";
      r.set_prefix(at);
      const bool read = read_clock(r, s.clocks[i]);
      r.set_prefix("");
      if (!read) break;
      for (std::size_t j = 0; j < i; ++j) {
        if (s.clocks[j].stage == s.clocks[i].stage) {
          r.fail(at + ".stage",
                 "a second " + std::string(sla_stage_name(s.clocks[i].stage)) + " clock");
        }
      }
    }
  }
  if (r.count("applied", kMaxAppliedIdsWindow, n)) {
    s.applied.resize(n);
    for (std::size_t i = 0; i < n && !r.failed(); ++i) r.fixed64("applied", s.applied[i]);
  }
  std::uint64_t input_offset = 0;
  if (r.varint("inputOffset", input_offset)) {
    s.input_offset = unzigzag(input_offset);
    if (s.input_offset < -1) r.fail("inputOffset", "an offset is -1 (unknown) or more");
  }
  if (!r.failed() && !r.at_end()) r.fail("", "trailing bytes after the state");
  if (r.failed()) return r.take_error();
  return s;
}

}  // namespace gw
