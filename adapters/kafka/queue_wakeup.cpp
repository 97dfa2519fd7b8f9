#include "adapters/kafka/queue_wakeup.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "adapters/kafka/kafka_config.h"

namespace gw::kafka {
namespace {

int make_eventfd() {
  int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) {
    throw KafkaError(std::string("eventfd: ") + std::strerror(errno));
  }
  return fd;
}

}  // namespace

QueueWakeup::QueueWakeup(boost::asio::io_context& io, rd_kafka_queue_t* queue,
                         std::function<void()> on_ready)
    : queue_(queue), eventfd_(io, make_eventfd()), on_ready_(std::move(on_ready)) {}

QueueWakeup::~QueueWakeup() { stop(); }

void QueueWakeup::start() {
  if (watching_) {
    return;
  }
  static constexpr std::uint64_t kOne = 1;  // an eventfd takes 8-byte counter increments
  rd_kafka_queue_io_event_enable(queue_, eventfd_.native_handle(), &kOne, sizeof kOne);
  watching_ = true;
  arm();
  // Work may have arrived before the eventfd was attached; that produced no event.
  if (rd_kafka_queue_length(queue_) > 0) {
    std::uint64_t bump = 1;
    (void)::write(eventfd_.native_handle(), &bump, sizeof bump);
  }
}

void QueueWakeup::stop() {
  if (!watching_) {
    return;
  }
  watching_ = false;
  rd_kafka_queue_io_event_enable(queue_, -1, nullptr, 0);
  boost::system::error_code ignored;
  eventfd_.cancel(ignored);
}

void QueueWakeup::arm() {
  eventfd_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                      [this, alive = std::weak_ptr<int>(alive_)](boost::system::error_code ec) {
                        if (ec || alive.expired() || !watching_) {
                          return;
                        }
                        std::uint64_t count = 0;
                        (void)::read(eventfd_.native_handle(), &count, sizeof count);
                        arm();
                        on_ready_();
                      });
}

}  // namespace gw::kafka
