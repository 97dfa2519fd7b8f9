// `gateway run`: the pipeline on Kafka (or on the embedded mock cluster), until SIGINT/SIGTERM.
#pragma once

#include <string>

namespace gw::app {

struct RunOptions {
  std::string config_path;
  std::string feed_dir;  // when set: produce its samples to the inputs, then report
  bool exit_after_feed = false;
};

// Returns the process exit code.
int run(const RunOptions& options);

}  // namespace gw::app
