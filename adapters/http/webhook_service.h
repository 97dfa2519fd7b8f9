// The webhooks' logic, apart from any HTTP library: authenticate the sender, check its
// rights, rate and media type, decode the body (one input or a batch), and write what it
// accepts to Kafka, answering only once Kafka acknowledged (docs/http-api.md).
//
// Thread-safe: the server calls it from all its worker threads at once. The decoders it
// needs (CaseProcessor, not thread-safe) come from a pool, one per concurrent request.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/http/problem_json.h"
#include "adapters/http/rate_limiter.h"
#include "adapters/kafka/acked_producer.h"
#include "gateway/core/gateway_config.h"
#include "gateway/pipeline/case_processor.h"

namespace gw::http {

// The pseudo-topics webhook inputs carry in the forwarded records' source.topic header: not
// valid Kafka topic names, so they never collide with a configured input. The routing stage
// registers a UTF-8 decoder for each (add_webhook_decoders).
inline constexpr std::string_view kHotlineWebhookSource = "http:hotline";
inline constexpr std::string_view kGridWebhookSource = "http:grid";
inline constexpr std::string_view kUpdatesWebhookSource = "http:updates";
// Dead letters and forwarded records from webhooks name their sender in this header.
inline constexpr std::string_view kSourceSenderHeader = "source.sender";

// Registers the decoders for webhook inputs (UTF-8: the service converts GBK and GB18030).
void add_webhook_decoders(CaseProcessor& processor, const HttpSettings& http);

// What the service needs from a request, whatever parsed it. Header values are empty when
// the header is absent.
struct WebhookRequest {
  std::string_view sender;     // X-Gateway-Sender
  std::string_view timestamp;  // X-Gateway-Timestamp
  std::string_view signature;  // X-Gateway-Signature
  std::string_view content_type;
  std::string_view body;
};

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// The reply for a problem: problem+json, with Retry-After when the problem carries one.
HttpReply problem_reply(const Problem& p);

// Writes records and waits for the acknowledgements: AckedProducer, or a test's stand-in.
class RecordWriter {
 public:
  virtual ~RecordWriter() = default;
  virtual std::vector<kafka::WriteResult> write(const std::vector<OutRecord>& records,
                                                std::chrono::steady_clock::time_point deadline) = 0;
};

// Counts for /metrics, read with snapshot(). Indexed by kHotline, kGrid, kUpdates.
struct WebhookCounts {
  static constexpr int kHotline = 0, kGrid = 1, kUpdates = 2;
  std::uint64_t received[3] = {};  // inputs decoded (each item of a batch)
  std::uint64_t accepted[3] = {};  // inputs Kafka acknowledged
  // Inputs refused for their content (and dead-lettered), by refusal code.
  std::map<std::string, std::uint64_t> dead_letters;
  // Requests refused before their content was looked at: unauthenticated, forbidden,
  // unsupported_media_type, rate_limited, too_large; and inputs not written (kafka_unavailable).
  std::map<std::string, std::uint64_t> rejected;
};

class WebhookService {
 public:
  using ProcessorFactory = std::function<std::unique_ptr<CaseProcessor>()>;
  using UnixClock = std::function<std::int64_t()>;  // seconds since the epoch
  using EpochClock = std::function<EpochMs()>;       // milliseconds since the epoch

  // config: the senders and limits (http), the topics. internal_partitions: the internal
  // topic's partition count. make_processor: processors with add_webhook_decoders done.
  WebhookService(const GatewayConfig& config, std::int32_t internal_partitions,
                 ProcessorFactory make_processor, RecordWriter& writer,
                 UnixClock unix_now = nullptr, EpochClock epoch_now = nullptr);

  // POST /v1/webhooks/hotline and /v1/webhooks/grid.
  HttpReply post_input(InputFormat format, const WebhookRequest& request);
  // POST /v1/cases/{case_id}/updates.
  HttpReply post_update(std::string_view case_id, const WebhookRequest& request);

  WebhookCounts snapshot() const;

 private:
  const HttpSender* authenticate(const WebhookRequest& request, HttpReply& reply) const;
  std::unique_ptr<CaseProcessor> take_processor();
  void give_back(std::unique_ptr<CaseProcessor> p);
  // The body's charset from Content-Type, or the 415 reply.
  std::optional<HttpReply> read_charset(const WebhookRequest& request, Charset& charset);
  // The 429 reply when the sender has no tokens left for this many inputs.
  std::optional<HttpReply> over_rate(const HttpSender& sender, double inputs);
  void count_rejected(std::string_view code);
  void count_dead_letter(std::string_view code);
  // Writes bytes (not waited for) to the dead-letter topic with the refusal, counts it, and
  // returns the problem reply for it.
  HttpReply dead_letter(std::string_view source, const HttpSender& sender, std::string_view key,
                        std::string_view bytes, const Refusal& why);

  const GatewayConfig config_;
  std::int32_t internal_partitions_;
  ProcessorFactory make_processor_;
  RecordWriter& writer_;
  UnixClock unix_now_;
  EpochClock epoch_now_;
  RateLimiter limiter_;

  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<CaseProcessor>> pool_;

  mutable std::mutex counts_mutex_;
  WebhookCounts counts_;
};

}  // namespace gw::http
