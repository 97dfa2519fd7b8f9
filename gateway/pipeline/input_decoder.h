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
  // bytes need no padding or terminator. received_at becomes Case::received_at.
  virtual Result<Case> decode(std::string_view bytes, EpochMs received_at) = 0;
};

}  // namespace gw
