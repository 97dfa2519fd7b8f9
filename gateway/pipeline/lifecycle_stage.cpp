#include "gateway/pipeline/lifecycle_stage.h"

#include <utility>

namespace gw {
namespace {

inline constexpr std::string_view kEventTypeHeader = "event.type";

const Department* department_of(const RouteTable& table, std::string_view code) {
  for (const Department& d : table.config().departments) {
    if (d.code == code) return &d;
  }
  return nullptr;
}

}  // namespace

InputRecord StoredRecord::view() const {
  InputRecord in;
  in.topic = topic;
  in.partition = partition;
  in.offset = offset;
  in.key = key;
  in.value = value;
  in.timestamp = timestamp;
  for (const auto& [name, text] : headers) in.headers.emplace_back(name, text);
  return in;
}

LifecycleStage::LifecycleStage(CaseProcessor& cases, std::shared_ptr<const DeadlinePolicy> policy,
                               LifecycleOptions options, LifecycleTopics topics,
                               ForwardedReader read_forwarded)
    : cases_(cases),
      policy_(std::move(policy)),
      options_(std::move(options)),
      topics_(std::move(topics)),
      read_forwarded_(std::move(read_forwarded)),
      write_created_([this](const Case& c, const RouteDecision& decision,
                            const InputRecord& forwarded, ProcessOutcome& outcome) {
        write_created(c, decision, forwarded, outcome);
      }) {}

ProcessOutcome LifecycleStage::process(const InputRecord& in, RoutedCases& routed, EpochMs now) {
  if (cases_.is_update_topic(CaseProcessor::source_of(in).topic)) {
    return apply_update(in, now);
  }
  return cases_.route_forwarded(in, routed, topics_.state, write_created_);
}

void LifecycleStage::write_created(const Case& c, const RouteDecision& decision,
                                   const InputRecord& forwarded, ProcessOutcome& outcome) {
  Result<Transition> created = create(c, decision, *policy_, options_);
  if (!created) {
    // Routing must not depend on the SLA configuration: the case goes out, untracked, with
    // the routed-case record a gateway without the lifecycle writes.
    ++counters_.cases_untracked;
    counters_.last_problem = c.case_id + ": no lifecycle: " + created.refusal().message();
    OutRecord& state = outcome.records.emplace_back();
    state.topic = topics_.state;
    state.partition = forwarded.partition;
    state.key = c.case_id;
    state.value = state_record_value(c, decision);
    state.after_others = true;
    return;
  }
  ++counters_.cases_tracked;
  created->state.input_offset = forwarded.offset;
  write_transition(*created, forwarded.partition, outcome);
}

ProcessOutcome LifecycleStage::apply_update(const InputRecord& in, EpochMs now) {
  const InputRecord source = CaseProcessor::source_of(in);
  auto refuse = [&](Refusal why) {
    ++counters_.updates_refused;
    ProcessOutcome outcome;
    outcome.records.push_back(cases_.dead_letter(source, why));
    outcome.dead_lettered = true;
    outcome.case_id.assign(in.key);
    outcome.refusal = std::move(why);
    return outcome;
  };
  Result<StatusUpdate> update = cases_.parse_update(source);
  if (!update) return refuse(update.refusal());
  const std::string* encoded = book_.find(update->case_id);
  if (encoded == nullptr) {
    return refuse(Refusal{RefusalCode::out_of_range, "caseId",
                          "no case " + update->case_id +
                              " is tracked: it is unknown, or was routed before the lifecycle "
                              "was enabled"});
  }
  Result<CaseState> state = decode_case_state(*encoded);
  if (!state) return refuse(state.refusal());
  ApplyResult applied = apply(*state, *update, now, *policy_, options_);
  ProcessOutcome outcome;
  outcome.case_id = update->case_id;
  switch (applied.outcome) {
    case ApplyOutcome::duplicate:
      // Nothing to write; counted here, not as a repeated case.
      ++counters_.updates_duplicate;
      return outcome;
    case ApplyOutcome::refused:
      return refuse(applied.refusal.value_or(
          Refusal{RefusalCode::out_of_range, "action", "refused by the lifecycle"}));
    case ApplyOutcome::applied:
      break;
  }
  ++counters_.updates_applied;
  Transition t = std::move(applied.transition);
  if (t.reroute) {
    Result<Transition> again = reroute(t.state, *t.reroute, in.partition, outcome);
    if (!again) return refuse(again.refusal());
    t.state = std::move(again->state);
    for (CaseEvent& e : again->events) t.events.push_back(std::move(e));
  } else if (t.state.lead != state->lead) {
    // Handed over without routing (the command center after max_returns): it gets the case.
    std::shared_ptr<const RouteTable> table;
    RouteDecision ignored;
    if (read_input(t.state, in.partition, {}, table, ignored)) {
      deliver(t.state, *table, nullptr, outcome);
    } else {
      ++counters_.reroute_failures;
    }
  }
  write_transition(t, in.partition, outcome);
  return outcome;
}

Result<Transition> LifecycleStage::reroute(const CaseState& state, const RerouteRequest& request,
                                           std::int32_t partition, ProcessOutcome& outcome) {
  RouteDecision decision;  // empty: the command center takes it
  std::shared_ptr<const RouteTable> table;
  const bool decoded = read_input(state, partition, request.exclude, table, decision);
  Result<Transition> t = redispatch(state, decision, *policy_, options_);
  if (!t) return t;
  ++counters_.rerouted;
  if (decoded) {
    deliver(t->state, *table, decision.rule, outcome);
  } else {
    ++counters_.reroute_failures;  // the new holder learns of it from the event only
  }
  return t;
}

bool LifecycleStage::read_input(const CaseState& state, std::int32_t partition,
                                std::span<const std::string> exclude,
                                std::shared_ptr<const RouteTable>& table, RouteDecision& decision) {
  if (state.input_offset < 0 || !read_forwarded_) {
    counters_.last_problem = state.case_id + ": its input's offset is unknown";
    return false;
  }
  Result<StoredRecord> input = read_forwarded_(partition, state.input_offset);
  if (!input) {
    counters_.last_problem =
        state.case_id + ": reading its input back: " + input.refusal().message();
    return false;
  }
  Result<RouteDecision> routed = cases_.route_again(input->view(), exclude, table);
  if (!routed) {
    counters_.last_problem = state.case_id + ": routing again: " + routed.refusal().message();
    return false;
  }
  decision = *routed;
  return true;
}

void LifecycleStage::deliver(const CaseState& state, const RouteTable& table, const Rule* rule,
                             ProcessOutcome& outcome) {
  RouteDecision holders;
  holders.rule = rule;
  holders.lead = department_of(table, state.lead);
  for (const std::string& co : state.co) {
    if (const Department* d = department_of(table, co)) holders.co.push_back(d);
  }
  if (holders.lead == nullptr) {
    ++counters_.reroute_failures;
    counters_.last_problem =
        state.case_id + ": department " + state.lead + " is not in the routing file";
    return;
  }
  cases_.emit_cases(holders, outcome);
}

void LifecycleStage::write_transition(const Transition& t, std::int32_t partition,
                                      ProcessOutcome& outcome) {
  append_events(t.events, outcome.records);
  counters_.events += t.events.size();
  OutRecord& state = outcome.records.emplace_back();
  state.topic = topics_.state;
  state.partition = partition;
  state.key = t.state.case_id;
  state.value = encode_case_state(t.state);
  state.after_others = true;
  book_.put(partition, t.state, state.value);
}

void LifecycleStage::append_events(const std::vector<CaseEvent>& events,
                                   std::vector<OutRecord>& out) const {
  for (const CaseEvent& e : events) {
    OutRecord r;
    r.topic = topics_.events;
    r.partition = internal_partition(e.case_id, topics_.events_partitions);
    r.key = e.case_id;
    append_event_json(r.value, e);
    r.timestamp = e.at;
    r.headers.emplace_back(kCaseIdHeader, e.case_id);
    r.headers.emplace_back(kEventTypeHeader, to_string(e.type));
    auto copy_to = [&](const std::string& topic) {
      OutRecord& copy = out.emplace_back(r);
      copy.topic = topic;
      copy.partition = -1;  // keyed by case id
    };
    if (e.supervision && !topics_.supervision.empty()) copy_to(topics_.supervision);
    if (e.type == EventType::escalated && !e.topic.empty()) copy_to(e.topic);
    out.push_back(std::move(r));
  }
}

std::vector<LifecycleStage::Fired> LifecycleStage::fire_due(EpochMs now, std::size_t limit) {
  std::vector<Fired> fired;
  for (const CaseBook::DueCase& due : book_.take_due(now, limit)) {
    const std::string* encoded = book_.find(due.case_id);
    if (encoded == nullptr) continue;
    Result<CaseState> state = decode_case_state(*encoded);
    if (!state) continue;  // put() only stores what encode wrote
    Transition t = gw::fire_due(*state, now, *policy_, options_);
    if (t.events.empty()) {
      // Nothing fired (the policy refused, e.g. a year without calendar data): re-arm only a
      // timer in the future, or this case would spin; the next update re-arms it anyway.
      const std::optional<Timer> next = next_timer(*state);
      if (next && next->at > now) book_.put(due.partition, *state, *encoded);
      else ++counters_.timers_stuck;
      continue;
    }
    ++counters_.timers_fired;
    ProcessOutcome outcome;
    write_transition(t, due.partition, outcome);
    fired.push_back(Fired{due.partition, std::move(outcome.records)});
  }
  return fired;
}

void LifecycleStage::restore(std::int32_t partition, std::string_view case_id,
                             std::string_view value, bool tombstone, RoutedCases& routed) {
  if (tombstone) {
    routed.remove(partition, case_id);
    book_.remove(case_id);
    return;
  }
  routed.add(partition, case_id);
  if (!value.empty() && value.front() == '{') {
    return;  // routed before the lifecycle: no clocks to run
  }
  if (MaybeRefusal refused = book_.restore(partition, case_id, value)) {
    ++counters_.restore_refused;
    counters_.last_problem = std::string(case_id) + ": state record refused: " + refused->message();
  }
}

}  // namespace gw
