#include "adapters/intake/input_decoders.h"

#include <simdjson.h>

#include <optional>

#include "adapters/grid/grid_report.h"
#include "adapters/hotline/hotline_ticket.h"
#include "adapters/intake/format_detection.h"
#include "adapters/intake/input_text.h"

namespace gw {
namespace {

// One decoder for all three cases; `format` empty means detect per input.
class JsonInputDecoder final : public InputDecoder {
 public:
  JsonInputDecoder(std::optional<InputFormat> format, Charset charset, std::size_t max_bytes,
                   const GridOptions& grid)
      : format_(format), charset_(charset), grid_(grid), text_(charset, max_bytes) {}

  MaybeRefusal decode_into(std::string_view bytes, EpochMs received_at, Case& out) override {
    Result<simdjson::padded_string_view> text = text_.prepare(bytes);
    if (!text.ok()) {
      return text.refusal();
    }
    const InputFormat format = format_ ? *format_ : intake::detect_format(parser_, *text);
    MaybeRefusal refused = format == InputFormat::grid
                               ? grid::parse_report_into(parser_, *text, received_at, grid_, out)
                               : hotline::parse_ticket_into(parser_, *text, received_at, out);
    // simdjson validates UTF-8 while parsing; its offset would be in the BOM-less copy.
    if (refused && refused->code == RefusalCode::invalid_encoding && charset_ == Charset::utf8) {
      return intake::InputText::locate_invalid_utf8(bytes);
    }
    return refused;
  }

 private:
  std::optional<InputFormat> format_;
  Charset charset_;
  GridOptions grid_;
  intake::InputText text_;
  simdjson::ondemand::parser parser_;
};

}  // namespace

std::unique_ptr<InputDecoder> make_input_decoder(const InputSpec& spec) {
  return std::make_unique<JsonInputDecoder>(spec.format, spec.charset, spec.max_bytes, spec.grid);
}

std::unique_ptr<InputDecoder> make_autodetect_decoder(Charset charset, std::size_t max_bytes,
                                                      const GridOptions& grid) {
  return std::make_unique<JsonInputDecoder>(std::nullopt, charset, max_bytes, grid);
}

}  // namespace gw
