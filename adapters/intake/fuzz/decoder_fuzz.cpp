// libFuzzer target over the input decoders: every input goes through the ticket, grid and
// autodetecting decoders, as UTF-8 and as GB18030. Crashes, sanitizer reports and broken
// invariants (below) are findings. How to build and run it: adapters/intake/README.md.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "adapters/encoding/utf8.h"
#include "adapters/intake/input_decoders.h"
#include "gateway/core/case_id.h"
#include "gateway/core/time_format.h"

namespace {

constexpr gw::EpochMs kReceivedAt = 1758421320000;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// What must hold of any accepted input, whatever the fuzzer made of it.
void check_case(const gw::Case& c) {
  check(gw::is_case_id(c.case_id));
  check(!c.source_ref.empty() && c.source_ref.size() <= 64);
  check(gw::time_in_accepted_range(c.reported_at) || c.reported_at == kReceivedAt);
  check(c.category.size() <= 3);
  check(!c.reporter.anonymous || (c.reporter.name.empty() && c.reporter.phone.empty()));
  check(c.severity >= 0 && c.severity <= 4);
  if (c.source == gw::Source::grid) check(c.region.grid_code.size() == 14);
  if (c.coordinates) check(!c.coordinates->crs.empty());
  for (const std::string* text : {&c.title, &c.description, &c.address, &c.kind}) {
    check(!gw::encoding::find_invalid_utf8(*text).has_value());
  }
  check(!gw::format_rfc3339_china(c.reported_at).empty());
}

// Refusals go to logs and Kafka headers: always valid UTF-8, always short of the input.
void check_refusal(const gw::Refusal& r) {
  const std::string message = r.message();
  check(!gw::encoding::find_invalid_utf8(message).has_value());
  check(r.field.size() <= 4096);
}

std::vector<std::unique_ptr<gw::InputDecoder>> make_decoders() {
  std::vector<std::unique_ptr<gw::InputDecoder>> decoders;
  for (gw::Charset charset : {gw::Charset::utf8, gw::Charset::gb18030}) {
    for (gw::InputFormat format : {gw::InputFormat::hotline, gw::InputFormat::grid}) {
      gw::InputSpec spec;
      spec.format = format;
      spec.charset = charset;
      spec.max_bytes = 1 << 16;
      decoders.push_back(gw::make_input_decoder(spec));
    }
    decoders.push_back(gw::make_autodetect_decoder(charset, 1 << 16, gw::GridOptions{}));
  }
  return decoders;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Built once and reused, as the pipeline does: buffer reuse is part of what is fuzzed.
  // The Case is reused too, as CaseProcessor reuses it: what one input leaves in it must not
  // leak into the next (decode_into resets it).
  static const std::vector<std::unique_ptr<gw::InputDecoder>> decoders = make_decoders();
  static gw::Case reused;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (const auto& decoder : decoders) {
    if (const gw::MaybeRefusal refused = decoder->decode_into(bytes, kReceivedAt, reused)) {
      check_refusal(*refused);
      continue;
    }
    check_case(reused);
    // A fresh Case must come out the same.
    const gw::Result<gw::Case> fresh = decoder->decode(bytes, kReceivedAt);
    check(fresh.ok() && *fresh == reused);
  }
  return 0;
}
