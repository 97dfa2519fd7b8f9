// The decoders the pipeline uses: the bytes of one input (a Kafka record, a webhook body, a
// line of a replay file) in, a Case or a Refusal out. Each decoder applies the input's size
// limit and charset, strips a byte-order mark, pads the text for simdjson into a buffer it
// reuses, and hands it to the format's adapter.
//
// A decoder keeps its parser and buffers between calls: not thread-safe, one per thread.
#pragma once

#include <cstddef>
#include <memory>

#include "gateway/core/gateway_config.h"
#include "gateway/pipeline/input_decoder.h"

namespace gw {

// A decoder for one configured input: spec.format with spec.charset, spec.max_bytes and
// spec.grid (grid inputs only).
std::unique_ptr<InputDecoder> make_input_decoder(const InputSpec& spec);

// Decides per input: a top-level "reportId" or "gridCode" key means a grid report, else a
// ticket. Serves `gateway explain` and `gateway replay`, which read mixed JSON lines; it reads
// each input twice (once to look at the keys), so the pipeline uses make_input_decoder.
std::unique_ptr<InputDecoder> make_autodetect_decoder(Charset charset, std::size_t max_bytes,
                                                      const GridOptions& grid);

}  // namespace gw
