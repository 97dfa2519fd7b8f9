#include "adapters/json/field_path.h"

#include "adapters/json/field_refusals.h"

namespace gw::json {

std::string FieldPath::str() const {
  std::string out;
  append_to(out);
  return out;
}

void FieldPath::append_to(std::string& out) const {
  if (parent_ == nullptr) {
    return;  // the root contributes nothing
  }
  parent_->append_to(out);
  if (index_ != kNoIndex) {
    out.push_back('[');
    out.append(std::to_string(index_));
    out.push_back(']');
    return;
  }
  if (!out.empty()) {
    out.push_back('.');
  }
  append_printable(out, key_, kMaxQuotedBytes);
}

}  // namespace gw::json
