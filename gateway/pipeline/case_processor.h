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
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/core/case.h"
#include "gateway/core/refusal.h"
#include "gateway/core/route_table.h"
#include "gateway/core/status_update.h"
#include "gateway/pipeline/input_decoder.h"
#include "gateway/pipeline/routed_cases.h"

namespace gw {

using HeaderViews = std::vector<std::pair<std::string_view, std::string_view>>;

struct InputRecord {
  std::string_view topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string_view key;
  std::string_view value;
  EpochMs timestamp = 0;  // the record's timestamp: becomes the case's received_at
  HeaderViews headers;    // filled only for stages that read them (the routing stage)

  // The first header of that name, if any.
  std::optional<std::string_view> header(std::string_view name) const;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

struct OutRecord {
  std::string topic;
  std::int32_t partition = -1;  // -1: chosen by the producer's partitioner from the key
  std::string key;
  std::string value;
  Headers headers;
  std::optional<EpochMs> timestamp;  // absent: the producer's clock
  // Produced only once every other output of the same input is acknowledged. The routing
  // stage's state record ("this case was routed") uses it: were it written first and the
  // case records lost in a crash, the restored state would suppress the redo.
  bool after_others = false;
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

// Headers of the records the intake stage forwards to the routing stage, naming where the
// input came from (the routing stage decodes with that topic's decoder and dead-letters
// with these coordinates).
inline constexpr std::string_view kForwardSourceTopic = "source.topic";
inline constexpr std::string_view kForwardSourcePartition = "source.partition";
inline constexpr std::string_view kForwardSourceOffset = "source.offset";

// Parses a department's status update (adapters/updates); the refusal names the field.
using UpdateParser = std::function<Result<StatusUpdate>(std::string_view bytes)>;

struct ProcessOutcome {
  // The cases (plus, from the routing stage, the state record), or exactly one dead letter,
  // or one forwarded input (intake stage); none for a suppressed duplicate.
  std::vector<OutRecord> records;
  bool dead_lettered = false;
  bool duplicate = false;  // the case was routed before: nothing produced
  // For reporting; set when the input was routed.
  std::string case_id;
  std::string rule_id;  // empty when the default department took the case
  std::string lead;     // the lead department's code
  // For reporting; set when dead-lettered.
  std::optional<Refusal> refusal;
};

// What the lifecycle writes for a case the routing stage has just routed: its events and its
// state record (after_others), appended to outcome. `forwarded` is the record of the internal
// topic the case came from.
using RoutedCaseWriter = std::function<void(const Case& c, const RouteDecision& decision,
                                            const InputRecord& forwarded, ProcessOutcome& outcome)>;

class CaseProcessor {
 public:
  // route_table returns the table in force now (hot reload swaps it between records).
  CaseProcessor(std::function<std::shared_ptr<const RouteTable>()> route_table,
                std::string dead_letter_topic);

  // Registers the decoder for records of one input topic.
  void add_input(std::string topic, std::unique_ptr<InputDecoder> decoder);

  // Registers a topic of department status updates (the lifecycle's input): forward() sends
  // each update to the partition of its case.
  void add_update_input(std::string topic, UpdateParser parser);
  bool is_update_topic(std::string_view topic) const;
  // Records from a topic with no decoder are dead-lettered (error.code out_of_range on "topic").
  ProcessOutcome process(const InputRecord& in);

  // The first half of process(): decode, then fill region names and codes from the table's
  // street directory. For `gateway replay` and `gateway explain`, which route without writing.
  Result<Case> normalize(const InputRecord& in, const RouteTable& table);
  // The same into a Case reused between records (see InputDecoder::decode_into).
  MaybeRefusal normalize_into(const InputRecord& in, const RouteTable& table, Case& out);

  // The dead letter process() writes for a refused input.
  OutRecord dead_letter(const InputRecord& in, const Refusal& why) const;

  // The two stages of the Kafka pipeline (docs/architecture.md, "Data flow: two stages"):
  //
  // forward() is the intake stage: decodes the input (so bad input is dead-lettered at
  // once, with its own coordinates) and forwards the original bytes to internal_topic, keyed
  // by case id, to the partition internal_partition() gives, with the input's timestamp and
  // its origin in headers. Stateless: any instance may run it for any input partition.
  ProcessOutcome forward(const InputRecord& in, std::string_view internal_topic,
                         std::int32_t internal_partitions);
  // route_forwarded() is the routing stage, for a record forward() wrote: decodes it again
  // with its source topic's decoder, and unless `routed` holds its case id already (a
  // duplicate: nothing is produced), routes it and adds a state record for state_topic, on
  // the same partition number, produced after the case records are acknowledged.
  // With write_routed set (the lifecycle), it writes the state record and the events instead
  // of the routed-case record.
  ProcessOutcome route_forwarded(const InputRecord& in, RoutedCases& routed,
                                 std::string_view state_topic,
                                 const RoutedCaseWriter& write_routed = {});
  // The input a record of the internal topic carries, with its original coordinates (the
  // intake stage's headers): what route_forwarded() decodes, and what a dead letter names.
  static InputRecord source_of(const InputRecord& forwarded);
  // For a case departments returned: decodes the forwarded record again and routes it
  // without the excluded departments. The decision may be empty (every candidate
  // excluded). Its pointers stay valid while `table` (set to the table in force) lives;
  // emit_cases() then writes the case records of the case decoded here.
  Result<RouteDecision> route_again(const InputRecord& forwarded,
                                    std::span<const std::string> exclude,
                                    std::shared_ptr<const RouteTable>& table);
  // The case records of the case last decoded (lead, then co-handlers) into outcome.
  void emit_cases(const RouteDecision& decision, ProcessOutcome& outcome) const;
  // A status update from a forwarded record of an update topic.
  Result<StatusUpdate> parse_update(const InputRecord& source);

 private:
  // The outcome of a refused input: its dead letter.
  ProcessOutcome dead_lettered(const InputRecord& in, Refusal why) const;

  std::function<std::shared_ptr<const RouteTable>()> route_table_;
  std::string dead_letter_topic_;
  std::map<std::string, std::unique_ptr<InputDecoder>, std::less<>> decoders_;
  std::map<std::string, UpdateParser, std::less<>> update_parsers_;
  Case case_;  // process() decodes into it: one Case per processor, refilled per record
};

}  // namespace gw
