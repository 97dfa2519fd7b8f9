// Names of the gateway.yaml enumerations, spelled as gateway.yaml spells them.
#include "gateway/core/gateway_config.h"

namespace gw {

std::string_view to_string(InputFormat f) {
  switch (f) {
    case InputFormat::hotline:
      return "hotline";
    case InputFormat::grid:
      return "grid";
  }
  return "unknown";
}

std::string_view to_string(Charset c) {
  switch (c) {
    case Charset::utf8:
      return "utf-8";
    case Charset::gbk:
      return "gbk";
    case Charset::gb18030:
      return "gb18030";
  }
  return "unknown";
}

std::string_view to_string(ResolveClock c) {
  switch (c) {
    case ResolveClock::from_dispatch:
      return "from_dispatch";
    case ResolveClock::from_sign_for:
      return "from_sign_for";
  }
  return "unknown";
}

}  // namespace gw
