#include "adapters/http/webhook_service.h"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "adapters/http/media_type.h"
#include "adapters/http/problem_json.h"
#include "adapters/http/request_signature.h"
#include "adapters/intake/input_decoders.h"
#include "adapters/intake/input_text.h"
#include "adapters/json/json_document.h"
#include "adapters/updates/status_update_json.h"
#include "gateway/core/case_json.h"
#include "gateway/pipeline/routed_cases.h"

namespace gw::http {
namespace {

constexpr int kRetryAfterSeconds = 5;

std::int64_t system_unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

EpochMs system_epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Problem kafka_unavailable(const std::string& why) {
  Problem p = problem_for(503, "kafka_unavailable",
                          "Kafka did not acknowledge the write (" + why +
                              "): not accepted; send it again (a resend cannot route a case "
                              "twice)");
  p.retry_after_seconds = kRetryAfterSeconds;
  return p;
}

std::string why_not_written(const kafka::WriteResult& r) {
  return r.status == kafka::WriteStatus::timed_out ? "no acknowledgement in time" : r.error;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

HttpReply problem_reply(const Problem& p) {
  HttpReply reply;
  reply.status = p.status;
  reply.content_type = "application/problem+json";
  reply.body = to_json(p);
  if (p.retry_after_seconds) {
    reply.headers.emplace_back("Retry-After", std::to_string(*p.retry_after_seconds));
  }
  return reply;
}

void add_webhook_decoders(CaseProcessor& processor, const HttpSettings& http) {
  InputSpec hotline;
  hotline.topic = kHotlineWebhookSource;
  hotline.format = InputFormat::hotline;
  hotline.max_bytes = http.max_body_bytes;
  processor.add_input(hotline.topic, make_input_decoder(hotline));
  InputSpec grid;
  grid.topic = kGridWebhookSource;
  grid.format = InputFormat::grid;
  grid.max_bytes = http.max_body_bytes;
  grid.grid = http.grid;
  processor.add_input(grid.topic, make_input_decoder(grid));
}

WebhookService::WebhookService(const GatewayConfig& config, std::int32_t internal_partitions,
                               ProcessorFactory make_processor, RecordWriter& writer,
                               UnixClock unix_now, EpochClock epoch_now)
    : config_(config),
      internal_partitions_(internal_partitions),
      make_processor_(std::move(make_processor)),
      writer_(writer),
      unix_now_(unix_now ? std::move(unix_now) : UnixClock(system_unix_seconds)),
      epoch_now_(epoch_now ? std::move(epoch_now) : EpochClock(system_epoch_ms)) {}

std::unique_ptr<CaseProcessor> WebhookService::take_processor() {
  {
    std::lock_guard lock(pool_mutex_);
    if (!pool_.empty()) {
      auto p = std::move(pool_.back());
      pool_.pop_back();
      return p;
    }
  }
  return make_processor_();
}

void WebhookService::give_back(std::unique_ptr<CaseProcessor> p) {
  std::lock_guard lock(pool_mutex_);
  pool_.push_back(std::move(p));
}

void WebhookService::count_rejected(std::string_view code) {
  std::lock_guard lock(counts_mutex_);
  ++counts_.rejected[std::string(code)];
}

void WebhookService::count_dead_letter(std::string_view code) {
  std::lock_guard lock(counts_mutex_);
  ++counts_.dead_letters[std::string(code)];
}

HttpReply WebhookService::dead_letter(std::string_view source, const HttpSender& sender,
                                      std::string_view key, std::string_view bytes,
                                      const Refusal& why) {
  OutRecord r;
  r.topic = config_.dead_letter_topic;
  r.key.assign(key);
  r.value.assign(bytes);
  r.headers = {{std::string(kDlqSourceTopic), std::string(source)},
               {std::string(kDlqSourcePartition), "-1"},
               {std::string(kDlqSourceOffset), "-1"},
               {std::string(kDlqErrorCode), std::string(to_string(why.code))},
               {std::string(kDlqErrorField), why.field},
               {std::string(kDlqErrorReason), why.message()},
               {std::string(kSourceSenderHeader), sender.id}};
  writer_.write({r}, std::chrono::steady_clock::now());  // not waited for
  count_dead_letter(to_string(why.code));
  return problem_reply(problem_from_refusal(why));
}

WebhookCounts WebhookService::snapshot() const {
  std::lock_guard lock(counts_mutex_);
  return counts_;
}

const HttpSender* WebhookService::authenticate(const WebhookRequest& request,
                                               HttpReply& reply) const {
  auto refuse = [&](std::string detail) {
    reply = problem_reply(problem_for(401, "unauthenticated", std::move(detail)));
    return nullptr;
  };
  if (request.sender.empty()) {
    return refuse("X-Gateway-Sender is missing: every webhook request names its sender and "
                  "signs its body (docs/http-api.md)");
  }
  const HttpSender* sender = nullptr;
  for (const HttpSender& s : config_.http.senders) {
    if (s.id == request.sender) sender = &s;
  }
  if (sender == nullptr) {
    // The unknown id is not echoed: it is the caller's input, and the answer must not help
    // anyone enumerate senders.
    return refuse("unknown sender, or wrong signature");
  }
  if (auto refused = verify_request(sender->secret, request.timestamp, request.signature,
                                    request.body, unix_now_(), config_.http.signature_window_s)) {
    return refuse(refused->detail);
  }
  return sender;
}

std::optional<HttpReply> WebhookService::read_charset(const WebhookRequest& request,
                                                      Charset& charset) {
  const auto media_type = parse_json_content_type(request.content_type);
  if (const auto* refused = std::get_if<MediaTypeRefusal>(&media_type)) {
    count_rejected("unsupported_media_type");
    return problem_reply(problem_for(415, "unsupported_media_type", refused->detail));
  }
  charset = std::get<Charset>(media_type);
  return std::nullopt;
}

std::optional<HttpReply> WebhookService::over_rate(const HttpSender& sender, double inputs) {
  auto wait = limiter_.acquire(sender.id, RateLimit{sender.rate_per_second, sender.burst},
                               std::chrono::steady_clock::now(), inputs);
  if (!wait) return std::nullopt;
  count_rejected("rate_limited");
  Problem p = problem_for(429, "rate_limited",
                          "sender \"" + sender.id + "\" is over its rate of " +
                              std::to_string(sender.rate_per_second) + " inputs per second");
  p.retry_after_seconds = static_cast<int>(wait->count());
  return problem_reply(p);
}

HttpReply WebhookService::post_input(InputFormat format, const WebhookRequest& request) {
  HttpReply reply;
  const HttpSender* sender = authenticate(request, reply);
  if (sender == nullptr) {
    count_rejected("unauthenticated");
    return reply;
  }
  const bool hotline = format == InputFormat::hotline;
  if (hotline ? !sender->may_post_hotline : !sender->may_post_grid) {
    count_rejected("forbidden");
    return problem_reply(problem_for(
        403, "forbidden",
        "sender \"" + sender->id + "\" may not post " + (hotline ? "hotline tickets" : "grid reports") +
            " (see may_post in gateway.yaml)"));
  }
  Charset charset = Charset::utf8;
  if (auto refused = read_charset(request, charset)) return *refused;

  // The body as UTF-8 (GBK and GB18030 converted, a byte-order mark dropped), then split
  // into its inputs: one object, or the elements of an array.
  const std::string_view source = hotline ? kHotlineWebhookSource : kGridWebhookSource;
  intake::InputText text(charset, config_.http.max_body_bytes);
  auto utf8 = text.prepare(request.body);
  if (!utf8) {
    return dead_letter(source, *sender, {}, request.body, utf8.refusal());
  }
  const std::string_view body(utf8->data(), utf8->length());
  std::size_t first = 0;
  while (first < body.size() && is_space(body[first])) ++first;
  std::vector<std::string_view> items;
  std::vector<std::optional<Refusal>> item_refusals;
  const bool batch = first < body.size() && body[first] == '[';
  if (batch) {
    simdjson::ondemand::parser parser;
    simdjson::ondemand::document doc;
    simdjson::ondemand::array array;
    auto malformed = [&](simdjson::error_code e) {
      Refusal why{e == simdjson::UTF8_ERROR ? RefusalCode::invalid_encoding
                                            : RefusalCode::malformed_json,
                  "", std::string("the batch is not a JSON array of inputs: ") +
                          simdjson::error_message(e)};
      if (e == simdjson::UTF8_ERROR && charset == Charset::utf8) {
        why = intake::InputText::locate_invalid_utf8(request.body);
      }
      return dead_letter(source, *sender, {}, request.body, why);
    };
    if (auto e = parser.iterate(*utf8).get(doc)) return malformed(e);
    if (auto e = doc.get_array().get(array)) return malformed(e);
    for (auto element : array) {
      simdjson::ondemand::value value;
      if (auto e = element.get(value)) return malformed(e);
      simdjson::ondemand::object object;
      std::string_view raw;
      if (value.get_object().get(object) != simdjson::SUCCESS) {
        items.push_back(value.raw_json_token());  // a dead letter's bytes: its first token
        item_refusals.emplace_back(Refusal{RefusalCode::not_an_object, "",
                                           "each element of a batch must be a JSON object"});
      } else if (auto e = object.raw_json().get(raw)) {
        return malformed(e);
      } else {
        items.push_back(raw);
        item_refusals.emplace_back();
      }
      if (items.size() > config_.http.max_batch_items) {
        count_rejected("too_large");
        return problem_reply(problem_for(
            413, "too_large",
            "a batch may hold at most " + std::to_string(config_.http.max_batch_items) +
                " inputs (http.max_batch_items)"));
      }
    }
    if (auto refused = json::check_nothing_after_root(doc, *utf8)) {
      return dead_letter(source, *sender, {}, request.body, *refused);
    }
    if (items.empty()) {
      return dead_letter(source, *sender, {}, request.body,
                         Refusal{RefusalCode::out_of_range, "",
                                 "a batch must hold at least one input"});
    }
  } else {
    items.push_back(body);
    item_refusals.emplace_back();
  }

  if (auto refused = over_rate(*sender, static_cast<double>(items.size()))) return *refused;

  // Decode each input; collect the records to write: forwarded cases (waited for) and dead
  // letters (not waited for: the sender learns of its refusal from the answer).
  const EpochMs now = epoch_now_();
  std::vector<OutRecord> cases;
  std::vector<std::size_t> case_item;  // cases[i] came from items[case_item[i]]
  std::vector<OutRecord> dead_letters;
  std::vector<std::string> case_ids(items.size());
  std::vector<std::optional<Problem>> problems(items.size());
  std::unique_ptr<CaseProcessor> processor = take_processor();
  for (std::size_t i = 0; i < items.size(); ++i) {
    InputRecord in;
    in.topic = source;
    in.partition = -1;
    in.offset = -1;
    in.value = items[i];
    in.timestamp = now;
    if (item_refusals[i]) {
      problems[i] = problem_from_refusal(*item_refusals[i]);
      dead_letter(source, *sender, {}, items[i], *item_refusals[i]);
      continue;
    }
    ProcessOutcome outcome = processor->forward(in, config_.internal_topic, internal_partitions_);
    for (OutRecord& r : outcome.records) {
      r.headers.emplace_back(kSourceSenderHeader, sender->id);
    }
    if (outcome.dead_lettered) {
      problems[i] = problem_from_refusal(*outcome.refusal);
      count_dead_letter(to_string(outcome.refusal->code));
      std::move(outcome.records.begin(), outcome.records.end(), std::back_inserter(dead_letters));
      continue;
    }
    case_ids[i] = outcome.case_id;
    for (OutRecord& r : outcome.records) {
      cases.push_back(std::move(r));
      case_item.push_back(i);
    }
  }
  give_back(std::move(processor));
  if (!dead_letters.empty()) {
    writer_.write(dead_letters, std::chrono::steady_clock::now());  // not waited for
  }
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.http.request_timeout_ms);
  const std::vector<kafka::WriteResult> written =
      cases.empty() ? std::vector<kafka::WriteResult>{} : writer_.write(cases, deadline);
  std::size_t accepted = 0;
  std::size_t unwritten = 0;
  for (std::size_t k = 0; k < written.size(); ++k) {
    const std::size_t i = case_item[k];
    if (written[k].status == kafka::WriteStatus::acknowledged) {
      ++accepted;
    } else {
      ++unwritten;
      problems[i] = kafka_unavailable(why_not_written(written[k]));
      spdlog::warn("webhook: case {} from sender {} not written: {}", case_ids[i], sender->id,
                   why_not_written(written[k]));
    }
  }
  {
    std::lock_guard lock(counts_mutex_);
    const int which = hotline ? WebhookCounts::kHotline : WebhookCounts::kGrid;
    counts_.received[which] += items.size();
    counts_.accepted[which] += accepted;
    if (unwritten > 0) counts_.rejected["kafka_unavailable"] += unwritten;
  }

  if (!batch) {
    if (problems[0]) return problem_reply(*problems[0]);
    HttpReply ok;
    ok.status = 202;
    ok.body = "{\"caseId\":";
    append_json_string(ok.body, case_ids[0]);
    ok.body += "}";
    return ok;
  }
  HttpReply out;
  const std::size_t refused = items.size() - accepted - unwritten;
  out.status = accepted == items.size() ? 202 : (refused == 0 ? 503 : 207);
  if (out.status == 503) {
    out.headers.emplace_back("Retry-After", std::to_string(kRetryAfterSeconds));
  }
  out.body = "{\"results\":[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.body += ',';
    out.body += "{\"index\":" + std::to_string(i) + ",\"status\":";
    if (problems[i]) {
      out.body += std::to_string(problems[i]->status) + ",\"problem\":" + to_json(*problems[i]);
    } else {
      out.body += "202,\"caseId\":";
      append_json_string(out.body, case_ids[i]);
    }
    out.body += '}';
  }
  out.body += "]}";
  return out;
}

HttpReply WebhookService::post_update(std::string_view case_id, const WebhookRequest& request) {
  HttpReply reply;
  const HttpSender* sender = authenticate(request, reply);
  if (sender == nullptr) {
    count_rejected("unauthenticated");
    return reply;
  }
  if (!sender->may_post_updates) {
    count_rejected("forbidden");
    return problem_reply(problem_for(403, "forbidden",
                                     "sender \"" + sender->id +
                                         "\" may not post status updates (see may_post)"));
  }
  if (auto refused = over_rate(*sender, 1)) return *refused;
  Charset charset = Charset::utf8;
  if (auto refused = read_charset(request, charset)) return *refused;
  intake::InputText text(charset, config_.http.max_body_bytes);
  auto utf8 = text.prepare(request.body);
  if (!utf8) {
    return dead_letter(kUpdatesWebhookSource, *sender, case_id, request.body, utf8.refusal());
  }
  {
    std::lock_guard lock(counts_mutex_);
    ++counts_.received[WebhookCounts::kUpdates];
  }
  simdjson::ondemand::parser parser;
  Result<StatusUpdate> update = updates::parse_status_update(parser, *utf8);
  if (!update) {
    Refusal why = update.refusal();
    if (why.code == RefusalCode::invalid_encoding && charset == Charset::utf8) {
      why = intake::InputText::locate_invalid_utf8(request.body);
    }
    return dead_letter(kUpdatesWebhookSource, *sender, case_id, request.body, why);
  }
  if (update->case_id != case_id) {
    return dead_letter(kUpdatesWebhookSource, *sender, case_id, request.body,
                       Refusal{RefusalCode::out_of_range, "caseId",
                               "the update names case \"" + update->case_id +
                                   "\" but was posted to /v1/cases/" + std::string(case_id) +
                                   "/updates"});
  }
  if (!sender->department.empty() && update->department != sender->department) {
    count_rejected("forbidden");
    return problem_reply(problem_for(
        403, "forbidden",
        "sender \"" + sender->id + "\" may post updates only for department \"" +
            sender->department + "\""));
  }
  OutRecord r;
  r.topic = config_.updates_topic;
  r.key = update->case_id;
  updates::append_status_update_json(r.value, *update);
  r.headers = {{"update.id", update->update_id},
               {std::string(kCaseIdHeader), update->case_id},
               {std::string(kSourceSenderHeader), sender->id}};
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.http.request_timeout_ms);
  const std::vector<kafka::WriteResult> written = writer_.write({r}, deadline);
  if (written.front().status != kafka::WriteStatus::acknowledged) {
    spdlog::warn("webhook: update {} of case {} from sender {} not written: {}",
                 update->update_id, update->case_id, sender->id, why_not_written(written.front()));
    count_rejected("kafka_unavailable");
    return problem_reply(kafka_unavailable(why_not_written(written.front())));
  }
  {
    std::lock_guard lock(counts_mutex_);
    ++counts_.accepted[WebhookCounts::kUpdates];
  }
  HttpReply ok;
  ok.status = 202;
  ok.body = "{\"updateId\":";
  append_json_string(ok.body, update->update_id);
  ok.body += ",\"caseId\":";
  append_json_string(ok.body, update->case_id);
  ok.body += "}";
  return ok;
}

}  // namespace gw::http
