// Test double for the pipeline's tests: decodes "ref|kind" into a hotline case received at
// the record's timestamp, or refuses anything else. Enough to drive the processor without a
// real input format.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "gateway/core/case_id.h"
#include "gateway/pipeline/input_decoder.h"

namespace gw::testing {

class TinyDecoder : public InputDecoder {
 public:
  MaybeRefusal decode_into(std::string_view bytes, EpochMs received_at, Case& out) override {
    std::size_t bar = bytes.find('|');
    if (bar == std::string_view::npos) {
      return Refusal{RefusalCode::malformed_json, "", "expected ref|kind"};
    }
    Case c;
    c.source = Source::hotline;
    c.source_ref = std::string(bytes.substr(0, bar));
    c.case_id = make_case_id(c.source, c.source_ref);
    c.kind = std::string(bytes.substr(bar + 1));
    c.description = "d";
    c.reporter.name = "王先生";
    c.reporter.phone = "13830166131";
    c.received_at = received_at;
    c.reported_at = received_at;
    c.region.grid_code = "64020200100101";
    out = std::move(c);
    return std::nullopt;
  }
};

}  // namespace gw::testing
