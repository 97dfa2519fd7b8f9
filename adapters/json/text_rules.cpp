#include "adapters/json/text_rules.h"

#include <optional>

#include "adapters/json/field_readers.h"

namespace gw::json {

MaybeRefusal read_string_into(simdjson::ondemand::value& v, const FieldPath& path,
                              std::string& out) {
  std::optional<std::string_view> s;
  if (auto refused = read_string(v, path, s)) {
    return refused;
  }
  if (s) {
    out.assign(*s);
  }
  return std::nullopt;
}

MaybeRefusal read_source_ref(simdjson::ondemand::value& v, const FieldPath& path,
                             std::string& out) {
  std::optional<std::string_view> s;
  if (auto refused = read_string(v, path, s); refused || !s) {
    return refused;
  }
  if (auto refused = check_length(*s, 1, kMaxSourceRefBytes, path)) {
    return refused;
  }
  out.assign(*s);
  return std::nullopt;
}

MaybeRefusal read_one_of(simdjson::ondemand::value& v, const FieldPath& path,
                         std::span<const std::string_view> allowed, std::string& out) {
  std::optional<std::string_view> s;
  if (auto refused = read_string(v, path, s); refused || !s) {
    return refused;
  }
  for (std::string_view candidate : allowed) {
    if (*s == candidate) {
      out.assign(*s);
      return std::nullopt;
    }
  }
  std::string detail = "expected one of ";
  for (std::size_t i = 0; i < allowed.size(); ++i) {
    if (i > 0) {
      detail.append(", ");
    }
    detail.append(allowed[i]);
  }
  detail.append("; found ").append(quote_value(*s));
  return out_of_range(path, std::move(detail));
}

MaybeRefusal check_length(std::string_view text, std::size_t min_bytes, std::size_t max_bytes,
                          const FieldPath& path) {
  if (text.size() >= min_bytes && text.size() <= max_bytes) {
    return std::nullopt;
  }
  return out_of_range(path, "expected " + std::to_string(min_bytes) + " to " +
                                std::to_string(max_bytes) + " bytes, found " +
                                std::to_string(text.size()));
}

MaybeRefusal check_digits(std::string_view text, std::size_t count, const FieldPath& path) {
  bool ok = text.size() == count;
  for (std::size_t i = 0; ok && i < text.size(); ++i) {
    ok = text[i] >= '0' && text[i] <= '9';
  }
  if (ok) {
    return std::nullopt;
  }
  return out_of_range(path, "expected exactly " + std::to_string(count) + " ASCII digits, found " +
                                quote_value(text));
}

}  // namespace gw::json
