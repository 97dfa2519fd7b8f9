// Normalize + route + serialize of a ~1 KB ticket with 10, 1,000 and 10,000 rules, against
// simdjson parsing of the same ticket alone (the baseline), in the same run.
//   build/bench/gw_bench --benchmark_filter='Ticket' --benchmark_repetitions=5
// docs/performance.md records the figures.
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <algorithm>
#include <vector>

#include "adapters/intake/input_decoders.h"
#include "bench/rule_catalogue.h"
#include "gateway/core/case_json.h"
#include "gateway/core/route_table.h"
#include "gateway/pipeline/case_processor.h"

namespace gw::bench {
namespace {

// With --benchmark_repetitions, the fastest repetition as well as mean, median and stddev:
// on a shared machine, other work only ever adds time, so the minimum is the steadiest
// figure to compare between runs.
double fastest(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

// Baseline: parse the ticket with simdjson On Demand and touch every field once (what any
// consumer of the JSON pays before doing anything with it).
void BM_Ticket_SimdjsonParseOnly(benchmark::State& state) {
  std::string ticket = sample_ticket_1kb();
  simdjson::padded_string json(ticket);
  simdjson::ondemand::parser parser;
  std::size_t sink = 0;
  for (auto _ : state) {
    auto doc = parser.iterate(json);
    simdjson::ondemand::object obj = doc.get_object();
    for (auto field : obj) {
      std::string_view key = field.unescaped_key().value();
      sink += key.size();
      simdjson::ondemand::value v = field.value();
      switch (v.type()) {
        case simdjson::ondemand::json_type::string:
          sink += v.get_string().value().size();
          break;
        case simdjson::ondemand::json_type::object:
          for (auto inner : v.get_object()) {
            sink += inner.unescaped_key().value().size();
            auto iv = inner.value();
            if (iv.type() == simdjson::ondemand::json_type::string)
              sink += iv.get_string().value().size();
          }
          break;
        case simdjson::ondemand::json_type::array:
          for (auto item : v.get_array()) {
            if (item.type() == simdjson::ondemand::json_type::string) {
              sink += item.get_string().value().size();
            } else {
              for (auto inner : item.get_object())
                sink += inner.value().get_string().value().size();
            }
          }
          break;
        default:
          break;
      }
    }
    benchmark::DoNotOptimize(sink);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(ticket.size()));
}
BENCHMARK(BM_Ticket_SimdjsonParseOnly)->ComputeStatistics("min", fastest);

InputSpec hotline_spec() {
  InputSpec spec;
  spec.topic = "hotline.tickets";
  spec.format = InputFormat::hotline;
  return spec;
}

// The core of the pipeline for one ticket: decode (encoding checks, parse, validate, build the
// Case), fill the region from the directory, route, write the case JSON for the lead department.
void BM_Ticket_NormalizeRouteSerialize(benchmark::State& state) {
  auto config = make_catalogue(static_cast<int>(state.range(0)));
  RouteTable table(config);
  std::string ticket = sample_ticket_1kb();
  auto decoder = make_input_decoder(hotline_spec());
  std::string out;
  out.reserve(4096);
  Case c;  // reused from input to input, as CaseProcessor does
  for (auto _ : state) {
    if (auto refused = decoder->decode_into(ticket, 1758421321000, c)) {
      state.SkipWithError(refused->message().c_str());
      break;
    }
    enrich_region(*config, c.region);
    RouteDecision d = table.route(c);
    out.clear();
    append_case_json(out, c, d, d.lead->personal_data);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::to_string(state.range(0)) + " rules");
}
BENCHMARK(BM_Ticket_NormalizeRouteSerialize)->Arg(10)->Arg(1000)->Arg(10000)->ComputeStatistics("min", fastest);

// The shares of the pipeline's steps, to see where the time goes.
void BM_Ticket_DecodeOnly(benchmark::State& state) {
  std::string ticket = sample_ticket_1kb();
  auto decoder = make_input_decoder(hotline_spec());
  Case c;
  for (auto _ : state) {
    MaybeRefusal refused = decoder->decode_into(ticket, 1758421321000, c);
    benchmark::DoNotOptimize(refused.has_value());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Ticket_DecodeOnly)->ComputeStatistics("min", fastest);

void BM_Ticket_SerializeOnly(benchmark::State& state) {
  auto config = make_catalogue(10);
  RouteTable table(config);
  auto decoder = make_input_decoder(hotline_spec());
  Result<Case> c = decoder->decode(sample_ticket_1kb(), 1758421321000);
  if (!c) {
    state.SkipWithError(c.refusal().message().c_str());
    return;
  }
  RouteDecision d = table.route(*c);
  std::string out;
  out.reserve(4096);
  for (auto _ : state) {
    out.clear();
    append_case_json(out, *c, d, d.lead->personal_data);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Ticket_SerializeOnly)->ComputeStatistics("min", fastest);

void BM_Ticket_EnrichRegion(benchmark::State& state) {
  auto config = make_catalogue(10);
  auto decoder = make_input_decoder(hotline_spec());
  Result<Case> c = decoder->decode(sample_ticket_1kb(), 1758421321000);
  for (auto _ : state) {
    Region r = c->region;
    enrich_region(*config, r);
    benchmark::DoNotOptimize(r.street.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Ticket_EnrichRegion)->ComputeStatistics("min", fastest);

// Routing alone, to see its share.
void BM_Ticket_RouteOnly(benchmark::State& state) {
  auto config = make_catalogue(static_cast<int>(state.range(0)));
  RouteTable table(config);
  auto decoder = make_input_decoder(hotline_spec());
  Result<Case> c = decoder->decode(sample_ticket_1kb(), 1758421321000);
  if (!c) {
    state.SkipWithError(c.refusal().message().c_str());
    return;
  }
  for (auto _ : state) {
    RouteDecision d = table.route(*c);
    benchmark::DoNotOptimize(d.lead);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Ticket_RouteOnly)->Arg(10)->Arg(1000)->Arg(10000)->ComputeStatistics("min", fastest);

// What the Kafka loop calls per record: the above plus every output record (lead and
// co-handler copies, headers) built as owned strings.
void BM_Ticket_CaseProcessor(benchmark::State& state) {
  auto config = make_catalogue(static_cast<int>(state.range(0)));
  auto table = std::make_shared<const RouteTable>(config);
  CaseProcessor processor([table] { return table; }, "gateway.dead-letter");
  processor.add_input("hotline.tickets", make_input_decoder(hotline_spec()));
  std::string ticket = sample_ticket_1kb();
  InputRecord in;
  in.topic = "hotline.tickets";
  in.value = ticket;
  in.timestamp = 1758421321000;
  for (auto _ : state) {
    ProcessOutcome o = processor.process(in);
    benchmark::DoNotOptimize(o.records.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Ticket_CaseProcessor)->Arg(10)->Arg(10000)->ComputeStatistics("min", fastest);

}  // namespace
}  // namespace gw::bench

BENCHMARK_MAIN();
