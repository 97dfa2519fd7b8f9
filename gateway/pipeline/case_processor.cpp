#include "gateway/pipeline/case_processor.h"

#include <charconv>
#include <string>

#include "gateway/core/case_json.h"

namespace gw {

std::optional<std::string_view> InputRecord::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return std::nullopt;
}

CaseProcessor::CaseProcessor(std::function<std::shared_ptr<const RouteTable>()> route_table,
                             std::string dead_letter_topic)
    : route_table_(std::move(route_table)), dead_letter_topic_(std::move(dead_letter_topic)) {}

void CaseProcessor::add_input(std::string topic, std::unique_ptr<InputDecoder> decoder) {
  decoders_[std::move(topic)] = std::move(decoder);
}

void CaseProcessor::add_update_input(std::string topic, UpdateParser parser) {
  update_parsers_[std::move(topic)] = std::move(parser);
}

bool CaseProcessor::is_update_topic(std::string_view topic) const {
  return update_parsers_.find(topic) != update_parsers_.end();
}

Result<StatusUpdate> CaseProcessor::parse_update(const InputRecord& source) {
  auto it = update_parsers_.find(source.topic);
  if (it == update_parsers_.end()) {
    return Refusal{RefusalCode::out_of_range, "topic",
                   "no status updates are read from topic \"" + std::string(source.topic) + "\""};
  }
  return it->second(source.value);
}

MaybeRefusal CaseProcessor::normalize_into(const InputRecord& in, const RouteTable& table,
                                           Case& out) {
  auto it = decoders_.find(in.topic);
  if (it == decoders_.end()) {
    return Refusal{RefusalCode::out_of_range, "topic",
                   "no input is configured for topic \"" + std::string(in.topic) + "\""};
  }
  if (auto refused = it->second->decode_into(in.value, in.timestamp, out)) {
    return refused;
  }
  enrich_region(table.config(), out.region);
  return std::nullopt;
}

Result<Case> CaseProcessor::normalize(const InputRecord& in, const RouteTable& table) {
  return filled<Case>([&](Case& c) { return normalize_into(in, table, c); });
}

OutRecord CaseProcessor::dead_letter(const InputRecord& in, const Refusal& why) const {
  OutRecord r;
  r.topic = dead_letter_topic_;
  r.key.assign(in.key);
  r.value.assign(in.value);
  r.headers.reserve(6);
  r.headers.emplace_back(kDlqSourceTopic, in.topic);
  r.headers.emplace_back(kDlqSourcePartition, std::to_string(in.partition));
  r.headers.emplace_back(kDlqSourceOffset, std::to_string(in.offset));
  r.headers.emplace_back(kDlqErrorCode, to_string(why.code));
  r.headers.emplace_back(kDlqErrorField, why.field);
  r.headers.emplace_back(kDlqErrorReason, why.message());
  return r;
}

ProcessOutcome CaseProcessor::dead_lettered(const InputRecord& in, Refusal why) const {
  ProcessOutcome outcome;
  outcome.dead_lettered = true;
  outcome.records.push_back(dead_letter(in, why));
  outcome.refusal = std::move(why);
  return outcome;
}

ProcessOutcome CaseProcessor::process(const InputRecord& in) {
  // One table for the whole record: a reload between records never splits a case's outputs.
  std::shared_ptr<const RouteTable> table = route_table_();
  if (auto refused = normalize_into(in, *table, case_)) {
    return dead_lettered(in, std::move(*refused));
  }
  ProcessOutcome outcome;
  emit_cases(table->route(case_), outcome);
  return outcome;
}

void CaseProcessor::emit_cases(const RouteDecision& decision, ProcessOutcome& outcome) const {
  const Case& c = case_;
  outcome.case_id = c.case_id;
  if (decision.rule != nullptr) outcome.rule_id = decision.rule->id;
  outcome.lead = decision.lead->code;
  outcome.records.reserve(2 + decision.co.size());
  auto emit = [&](const Department& d, std::string_view role) {
    OutRecord& r = outcome.records.emplace_back();
    r.topic = d.topic;
    r.key = c.case_id;
    r.value.reserve(512 + c.description.size() + c.title.size());
    append_case_json(r.value, c, decision, d.personal_data);
    r.headers.reserve(3);
    r.headers.emplace_back(kCaseIdHeader, c.case_id);
    r.headers.emplace_back(kCaseRoleHeader, role);
    r.headers.emplace_back(kCaseSchemaHeader, "case.v1");
  };
  emit(*decision.lead, "lead");
  for (const Department* d : decision.co) emit(*d, "co");
}

ProcessOutcome CaseProcessor::forward(const InputRecord& in, std::string_view internal_topic,
                                      std::int32_t internal_partitions) {
  ProcessOutcome outcome;
  if (is_update_topic(in.topic)) {
    // A status update goes where its case lives; the routing stage applies it.
    Result<StatusUpdate> update = parse_update(in);
    if (!update) return dead_lettered(in, update.refusal());
    outcome.case_id = update->case_id;
  } else {
    std::shared_ptr<const RouteTable> table = route_table_();
    if (auto refused = normalize_into(in, *table, case_)) {
      return dead_lettered(in, std::move(*refused));
    }
    outcome.case_id = case_.case_id;
  }
  OutRecord& r = outcome.records.emplace_back();
  r.topic = internal_topic;
  r.partition = internal_partition(outcome.case_id, internal_partitions);
  r.key = outcome.case_id;
  r.value.assign(in.value);
  r.timestamp = in.timestamp;
  r.headers.reserve(3);
  r.headers.emplace_back(kForwardSourceTopic, in.topic);
  r.headers.emplace_back(kForwardSourcePartition, std::to_string(in.partition));
  r.headers.emplace_back(kForwardSourceOffset, std::to_string(in.offset));
  return outcome;
}

namespace {

template <typename Int>
Int header_number(const InputRecord& in, std::string_view name, Int fallback) {
  const std::optional<std::string_view> text = in.header(name);
  Int v{};
  if (!text || std::from_chars(text->data(), text->data() + text->size(), v).ec != std::errc()) {
    return fallback;
  }
  return v;
}

}  // namespace

InputRecord CaseProcessor::source_of(const InputRecord& in) {
  // The input as the intake stage saw it: its topic picks the decoder, and a dead letter
  // names its original coordinates. Without the headers (a record some other producer
  // wrote to the internal topic) it is dead-lettered as from the internal topic.
  InputRecord source;
  source.topic = in.topic;
  source.partition = in.partition;
  source.offset = in.offset;
  source.key = in.key;
  source.value = in.value;
  source.timestamp = in.timestamp;
  if (const std::optional<std::string_view> topic = in.header(kForwardSourceTopic)) {
    source.topic = *topic;
    source.partition = header_number(in, kForwardSourcePartition, in.partition);
    source.offset = header_number(in, kForwardSourceOffset, in.offset);
  }
  return source;
}

Result<RouteDecision> CaseProcessor::route_again(const InputRecord& forwarded,
                                                 std::span<const std::string> exclude,
                                                 std::shared_ptr<const RouteTable>& table) {
  const InputRecord source = source_of(forwarded);
  table = route_table_();
  if (auto refused = normalize_into(source, *table, case_)) return std::move(*refused);
  return table->route(case_, exclude);
}

ProcessOutcome CaseProcessor::route_forwarded(const InputRecord& in, RoutedCases& routed,
                                              std::string_view state_topic,
                                              const RoutedCaseWriter& write_routed) {
  const InputRecord source = source_of(in);
  if (routed.contains(in.partition, in.key)) {
    ProcessOutcome outcome;
    outcome.duplicate = true;
    outcome.case_id.assign(in.key);
    return outcome;
  }
  std::shared_ptr<const RouteTable> table = route_table_();
  if (auto refused = normalize_into(source, *table, case_)) {
    // Only when the configuration changed between the stages (a smaller max_bytes, an input
    // removed) or a record not from forward(): dead-lettered with its original coordinates.
    return dead_lettered(source, std::move(*refused));
  }
  const RouteDecision decision = table->route(case_);
  ProcessOutcome outcome;
  emit_cases(decision, outcome);
  if (write_routed) {
    write_routed(case_, decision, in, outcome);
    routed.add(in.partition, case_.case_id);
    return outcome;
  }
  OutRecord& state = outcome.records.emplace_back();
  state.topic = state_topic;
  state.partition = in.partition;
  state.key = case_.case_id;
  state.value = state_record_value(case_, decision);
  state.after_others = true;
  // Remembered under the partition the record came from: forward() put it where its case
  // id belongs, so its repeats come to the same partition.
  routed.add(in.partition, case_.case_id);
  return outcome;
}

}  // namespace gw
