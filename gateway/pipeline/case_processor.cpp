#include "gateway/pipeline/case_processor.h"

#include <string>

#include "gateway/core/case_json.h"

namespace gw {

CaseProcessor::CaseProcessor(std::function<std::shared_ptr<const RouteTable>()> route_table,
                             std::string dead_letter_topic)
    : route_table_(std::move(route_table)), dead_letter_topic_(std::move(dead_letter_topic)) {}

void CaseProcessor::add_input(std::string topic, std::unique_ptr<InputDecoder> decoder) {
  decoders_[std::move(topic)] = std::move(decoder);
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
  Result<Case> result(std::in_place);
  if (auto refused = normalize_into(in, table, *result)) {
    result = std::move(*refused);
  }
  return result;
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

ProcessOutcome CaseProcessor::process(const InputRecord& in) {
  ProcessOutcome outcome;
  // One table for the whole record: a reload between records never splits a case's outputs.
  std::shared_ptr<const RouteTable> table = route_table_();
  if (auto refused = normalize_into(in, *table, case_)) {
    outcome.dead_lettered = true;
    outcome.records.push_back(dead_letter(in, *refused));
    outcome.refusal = std::move(refused);
    return outcome;
  }
  const Case& c = case_;

  RouteDecision decision = table->route(c);
  outcome.case_id = c.case_id;
  if (decision.rule != nullptr) outcome.rule_id = decision.rule->id;
  outcome.lead = decision.lead->code;
  outcome.records.reserve(1 + decision.co.size());
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
  return outcome;
}

}  // namespace gw
