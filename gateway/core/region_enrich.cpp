// enrich_region (declared in route_table.h): lets one rule written with street or community
// names route grid reports (which carry only a grid code) and one written with codes route
// hotline tickets (which carry only names).
#include <cstddef>
#include <string>
#include <string_view>

#include "gateway/core/route_table.h"
#include "gateway/core/routing_config.h"

namespace gw {

namespace {

constexpr std::size_t kStreetCodeDigits = 9;
constexpr std::size_t kCommunityCodeDigits = 12;

bool all_digits(std::string_view s) {
  for (char ch : s) {
    if (ch < '0' || ch > '9') return false;
  }
  return true;
}

struct Found {
  const Street* street = nullptr;
  const Community* community = nullptr;
};

const Street* street_by_code(const RoutingConfig& config, std::string_view code) {
  for (const Street& s : config.streets) {
    if (s.code == code) return &s;
  }
  return nullptr;
}

const Street* street_by_name(const RoutingConfig& config, std::string_view name) {
  for (const Street& s : config.streets) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// Community names repeat across streets (many districts have a 向阳社区), so a community is
// looked up within the case's street when that is known, and across all streets only when
// exactly one street has it.
Found community_by(const RoutingConfig& config, const Street* within, std::string_view value,
                   bool by_code) {
  auto search = [&](const Street& s) -> const Community* {
    for (const Community& c : s.communities) {
      if ((by_code ? c.code : c.name) == value) return &c;
    }
    return nullptr;
  };
  if (within != nullptr) return {within, search(*within)};
  Found found;
  for (const Street& s : config.streets) {
    const Community* c = search(s);
    if (c == nullptr) continue;
    if (found.community != nullptr) return {};  // ambiguous: do not guess
    found = {&s, c};
  }
  return found;
}

void fill(std::string& field, const std::string& value) {
  if (field.empty()) field = value;
}

}  // namespace

void enrich_region(const RoutingConfig& config, Region& region) {
  // The grid code's leading digits are the street and community codes by construction
  // (DOMAIN.md section 3), whether or not the directory lists them.
  if (all_digits(region.grid_code)) {
    if (region.grid_code.size() >= kStreetCodeDigits) {
      fill(region.street_code, region.grid_code.substr(0, kStreetCodeDigits));
    }
    if (region.grid_code.size() >= kCommunityCodeDigits) {
      fill(region.community_code, region.grid_code.substr(0, kCommunityCodeDigits));
    }
  }
  if (config.streets.empty()) return;

  const Street* street = nullptr;
  if (!region.street_code.empty()) street = street_by_code(config, region.street_code);
  if (street == nullptr && !region.street.empty()) street = street_by_name(config, region.street);

  Found community;
  if (!region.community_code.empty()) {
    community = community_by(config, street, region.community_code, /*by_code=*/true);
  }
  if (community.community == nullptr && !region.community.empty()) {
    community = community_by(config, street, region.community, /*by_code=*/false);
  }
  if (street == nullptr) street = community.street;

  if (street != nullptr) {
    fill(region.street_code, street->code);
    fill(region.street, street->name);
  }
  if (community.community != nullptr) {
    fill(region.community_code, community.community->code);
    fill(region.community, community.community->name);
  }
}

}  // namespace gw
