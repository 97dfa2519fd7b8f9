// libFuzzer target over the case state decoder and the lifecycle. An input starting with 'L'
// is played as a case's life (updates, resends, timers, re-dispatches: play_life in
// tests/lifecycle_fakes.h checks its invariants); any other input is decoded as a stored
// state, which must be refused or survive every entry point of the lifecycle.
//
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DGW_FUZZ=ON \
//         -DGW_BUILD_TESTS=OFF -DGW_BUILD_BENCH=OFF -DGW_SANITIZE=ON
//   cmake --build build-fuzz --target case_state_fuzz
//   ./build-fuzz/gateway/core/case_state_fuzz -max_total_time=60 corpus/
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/core/case_lifecycle.h"
#include "gateway/core/case_state.h"
#include "gateway/core/tests/lifecycle_fakes.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void exercise(const gw::CaseState& s) {
  using namespace gw::testing;  // NOLINT(google-build-using-namespace)
  static const FakePolicy policy;
  static const gw::LifecycleOptions options;
  const std::string bytes = gw::encode_case_state(s);
  const gw::Result<gw::CaseState> again = gw::decode_case_state(bytes);
  check(again.ok() && *again == s);
  for (const gw::Timer& t : gw::due_timers(s)) {
    const gw::FireResult once = gw::fire(s, t, t.at, policy, options);
    const gw::FireResult twice = gw::fire(s, t, t.at, policy, options);
    check(once.outcome == twice.outcome && once.transition.events == twice.transition.events);
  }
  gw::fire_due(s, kT0 + 30 * kDay, policy, options);
  for (std::size_t a = 0; a < gw::kUpdateActionCount; ++a) {
    for (const std::string& sender : {s.lead, std::string("command-center")}) {
      gw::apply(s, update(s.case_id, static_cast<gw::UpdateAction>(a), sender, kT0 + kDay, "z"),
                kT0 + kDay, policy, options);
    }
  }
  District district;
  gw::redispatch(s, district.decision("gas"), policy, options);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (!bytes.empty() && bytes[0] == 'L') {
    gw::testing::play_life(bytes.substr(1), [](bool ok, const char*) { check(ok); });
    return 0;
  }
  const gw::Result<gw::CaseState> state = gw::decode_case_state(bytes);
  if (!state.ok()) {
    check(!state.refusal().message().empty());
    return 0;
  }
  exercise(*state);
  return 0;
}
