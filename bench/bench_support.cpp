#include "bench/bench_support.h"

#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "adapters/kafka/kafka_config.h"
#include "adapters/kafka/rdkafka_handles.h"

namespace gw::bench {

double process_cpu_seconds(int pid) {
  if (pid <= 0) return 0;
  std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr) return 0;
  char buf[1024] = {};
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  // Fields 14 and 15 (utime, stime, in clock ticks) follow the ")" that ends the name.
  const char* p = std::strrchr(buf, ')');
  if (p == nullptr || n == 0) return 0;
  unsigned long utime = 0;
  unsigned long stime = 0;
  if (std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime,
                  &stime) != 2) {
    return 0;
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

bool delete_topics(const KafkaSettings& settings, const std::vector<std::string>& topics) {
  kafka::KafkaHandle admin = kafka::make_client(
      kafka::make_conf(settings, kafka::ClientRole::admin), kafka::ClientRole::admin);
  std::vector<rd_kafka_DeleteTopic_t*> requests;
  for (const std::string& t : topics) requests.push_back(rd_kafka_DeleteTopic_new(t.c_str()));
  rd_kafka_queue_t* queue = rd_kafka_queue_new(admin.get());
  rd_kafka_DeleteTopics(admin.get(), requests.data(), requests.size(), nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 30000);
  bool deleted = false;
  if (event == nullptr) {
    std::fprintf(stderr, "deleting this run's topics: no answer in 30 s\n");
  } else {
    if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "deleting this run's topics: %s\n", rd_kafka_event_error_string(event));
    } else if (const auto* result = rd_kafka_event_DeleteTopics_result(event)) {
      deleted = true;
      std::size_t n = 0;
      const rd_kafka_topic_result_t** each = rd_kafka_DeleteTopics_result_topics(result, &n);
      for (std::size_t i = 0; i < n; ++i) {
        if (rd_kafka_topic_result_error(each[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
          deleted = false;
          std::fprintf(stderr, "deleting topic %s: %s\n", rd_kafka_topic_result_name(each[i]),
                       rd_kafka_topic_result_error_string(each[i]));
        }
      }
    }
    rd_kafka_event_destroy(event);
  }
  rd_kafka_DeleteTopic_destroy_array(requests.data(), requests.size());
  rd_kafka_queue_destroy(queue);
  return deleted;
}

}  // namespace gw::bench
