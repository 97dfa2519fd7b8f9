// `gateway explain`: one input in; the normalized case, the rule that matched and why, and
// for every earlier rule why it did not. The same answer will back POST /v1/routes/explain.
#pragma once

#include <ostream>
#include <string>

#include "gateway/core/route_table.h"
#include "gateway/pipeline/case_processor.h"

namespace gw::app {

struct ExplainOptions {
  // The case is shown as the lead department would receive it, but with personal data at
  // least masked: explain output lands in terminals and tickets, which are logs in practice.
  bool show_personal_data = false;
};

// Returns 0 when the input was routed, 1 when it was refused (the refusal is printed).
int explain(std::ostream& out, std::string_view input, CaseProcessor& processor,
            std::string_view topic, const RouteTable& table, EpochMs received_at,
            const ExplainOptions& options);

// Indents compact JSON (as case_json writes it) two spaces per level.
std::string pretty_json(std::string_view compact);

}  // namespace gw::app
