// The seam between the core and the upstream formats: something that turns the bytes of one
// input (a Kafka record, a webhook body) into a Case or a Refusal. adapters/intake provides
// the implementations; the core never names a format's parser.
#pragma once

#include <memory>
#include <string_view>

#include "gateway/core/case.h"
#include "gateway/core/refusal.h"

namespace gw {

// Not thread-safe: keeps parser state and buffers between calls. One per thread.
class InputDecoder {
 public:
  virtual ~InputDecoder() = default;
  // Fills out, which the caller reuses from input to input: reset first, its strings keep
  // their capacity, so steady-state decoding allocates almost nothing. bytes need no padding
  // or terminator. received_at becomes Case::received_at. After a refusal out holds
  // leftovers: ignore it.
  virtual MaybeRefusal decode_into(std::string_view bytes, EpochMs received_at, Case& out) = 0;

  // The same into a new Case, for callers that keep it (explain, replay, tests).
  Result<Case> decode(std::string_view bytes, EpochMs received_at) {
    return filled<Case>([&](Case& c) { return decode_into(bytes, received_at, c); });
  }
};

}  // namespace gw
