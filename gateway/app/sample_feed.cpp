#include "gateway/app/sample_feed.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace gw::app {

namespace fs = std::filesystem;

std::vector<SampleInput> read_samples(const std::string& dir) {
  std::vector<SampleInput> inputs;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw std::runtime_error(dir + ": not a folder of samples");
  std::vector<fs::path> topics;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory()) topics.push_back(entry.path());
  }
  std::sort(topics.begin(), topics.end());
  for (const fs::path& topic_dir : topics) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(topic_dir)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    const std::string topic = topic_dir.filename().string();
    for (const fs::path& file : files) {
      std::ifstream in(file, std::ios::binary);
      if (!in) throw std::runtime_error(file.string() + ": cannot read");
      std::string origin = topic + "/" + file.filename().string();
      if (file.extension() == ".jsonl") {
        std::string line;
        int number = 0;
        while (std::getline(in, line)) {
          ++number;
          if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
          inputs.push_back({topic, origin + ":" + std::to_string(number), line});
        }
      } else {
        std::string bytes(std::istreambuf_iterator<char>(in), {});
        // A trailing newline from an editor is not part of the sample.
        while (!bytes.empty() && bytes.back() == '\n') bytes.pop_back();
        inputs.push_back({topic, origin, std::move(bytes)});
      }
    }
  }
  return inputs;
}

std::string with_ref_suffix(const std::string& bytes, std::string_view suffix) {
  for (std::string_view field : {"\"ticketNo\": \"", "\"reportId\": \""}) {
    const std::size_t at = bytes.find(field);
    if (at == std::string::npos) continue;
    const std::size_t end = bytes.find('"', at + field.size());
    if (end == std::string::npos) continue;
    std::string out = bytes;
    out.insert(end, suffix);
    return out;
  }
  return bytes;
}

}  // namespace gw::app
