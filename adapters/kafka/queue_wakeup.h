// Wakes a Boost.Asio io_context when a librdkafka queue receives work, so the pipeline needs
// neither a polling thread nor a busy loop.
//
// librdkafka writes to an eventfd when an element is enqueued on a previously EMPTY queue
// (rd_kafka_queue_io_event_enable); it writes again only after the queue has been served.
// The owner must therefore, after each wakeup, serve the queue until it is empty, or come
// back by itself (asio::post) while elements remain.
//
// Lives on the io_context's thread. The queue must outlive this object.
#pragma once

#include <librdkafka/rdkafka.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <memory>

namespace gw::kafka {

class QueueWakeup {
 public:
  // on_ready runs on the io_context's thread each time the queue turns non-empty.
  QueueWakeup(boost::asio::io_context& io, rd_kafka_queue_t* queue, std::function<void()> on_ready);
  ~QueueWakeup();
  QueueWakeup(const QueueWakeup&) = delete;
  QueueWakeup& operator=(const QueueWakeup&) = delete;

  void start();
  // Stops watching and detaches the eventfd from the queue. Idempotent.
  void stop();

 private:
  void arm();

  rd_kafka_queue_t* queue_;
  boost::asio::posix::stream_descriptor eventfd_;
  std::function<void()> on_ready_;
  bool watching_ = false;
  // Expires with this object, so a completion already queued in the io_context never touches
  // a destroyed watcher.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace gw::kafka
