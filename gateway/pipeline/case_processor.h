// One input record in, the records to write out: the case once per department (lead and
// co-handlers, each rendered with that department's personal-data policy), or one dead
// letter carrying the original bytes and the reason. Pure: no Kafka, no clock, no I/O,
// so the pipeline, `gateway replay` and the tests all run the same code.
//
// Not thread-safe (decoders keep buffers); one per thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/core/case.h"
#include "gateway/core/refusal.h"
#include "gateway/core/route_table.h"
#include "gateway/pipeline/input_decoder.h"

namespace gw {

struct InputRecord {
  std::string_view topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string_view key;
  std::string_view value;
  EpochMs timestamp = 0;  // the record's timestamp: becomes the case's received_at
};

using Headers = std::vector<std::pair<std::string, std::string>>;

struct OutRecord {
  std::string topic;
  std::string key;
  std::string value;
  Headers headers;
};

// Dead-letter header names. Values are UTF-8 text.
inline constexpr std::string_view kDlqSourceTopic = "source.topic";
inline constexpr std::string_view kDlqSourcePartition = "source.partition";
inline constexpr std::string_view kDlqSourceOffset = "source.offset";
inline constexpr std::string_view kDlqErrorCode = "error.code";
inline constexpr std::string_view kDlqErrorField = "error.field";
inline constexpr std::string_view kDlqErrorReason = "error.reason";

// Header names on case records, so consumers can filter without parsing the value.
inline constexpr std::string_view kCaseIdHeader = "case.id";
inline constexpr std::string_view kCaseRoleHeader = "case.role";  // "lead" or "co"
inline constexpr std::string_view kCaseSchemaHeader = "case.schema";  // "case.v1"

struct ProcessOutcome {
  std::vector<OutRecord> records;  // at least one: the cases, or exactly one dead letter
  bool dead_lettered = false;
  // For reporting; set when the input was routed.
  std::string case_id;
  std::string rule_id;  // empty when the default department took the case
  std::string lead;     // the lead department's code
  // For reporting; set when dead-lettered.
  std::optional<Refusal> refusal;
};

class CaseProcessor {
 public:
  // route_table returns the table in force now (hot reload swaps it between records).
  CaseProcessor(std::function<std::shared_ptr<const RouteTable>()> route_table,
                std::string dead_letter_topic);

  // Registers the decoder for records of one input topic.
  void add_input(std::string topic, std::unique_ptr<InputDecoder> decoder);

  // Records from a topic with no decoder are dead-lettered (error.code out_of_range on "topic").
  ProcessOutcome process(const InputRecord& in);

  // The first half of process(): decode, then fill region names and codes from the table's
  // street directory. For `gateway replay` and `gateway explain`, which route without writing.
  Result<Case> normalize(const InputRecord& in, const RouteTable& table);
  // The same into a Case reused between records (see InputDecoder::decode_into).
  MaybeRefusal normalize_into(const InputRecord& in, const RouteTable& table, Case& out);

  // The dead letter process() writes for a refused input.
  OutRecord dead_letter(const InputRecord& in, const Refusal& why) const;

 private:
  std::function<std::shared_ptr<const RouteTable>()> route_table_;
  std::string dead_letter_topic_;
  std::map<std::string, std::unique_ptr<InputDecoder>, std::less<>> decoders_;
  Case case_;  // process() decodes into it: one Case per processor, refilled per record
};

}  // namespace gw
