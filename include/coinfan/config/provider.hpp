#pragma once
// What config/ knows about gateway providers: nothing specific. Each provider folder
// (src/gateways/<provider>/config.*) defines its typed settings and parses them from the
// gateway's JSON object through a SettingsReader; the registration table
// (src/gateways/providers.hpp) hands config parsing one ProviderSchema per provider. Pure code.

#include <any>
#include <compare>
#include <span>
#include <string>
#include <string_view>

namespace coinfan::config {

// The registered type name of a provider ("ccpayment-v2"), as written in the configuration.
// The name always points at static storage: a provider's constant or the registration table.
class GatewayType {
 public:
  constexpr GatewayType() noexcept = default;
  constexpr explicit GatewayType(std::string_view name) noexcept : name_(name) {}
  constexpr std::string_view name() const noexcept { return name_; }
  constexpr bool empty() const noexcept { return name_.empty(); }
  friend constexpr bool operator==(GatewayType, GatewayType) noexcept = default;
  friend constexpr auto operator<=>(GatewayType, GatewayType) noexcept = default;

 private:
  std::string_view name_;
};

constexpr std::string_view to_string(GatewayType type) noexcept { return type.name(); }

namespace detail {
class ObjectReader;
}  // namespace detail

// The provider-specific keys of one gateway object (`gateways[i]`). Problems are reported with
// their JSON path (`gateways[2].app_secret: is required`); values are never put into messages.
class SettingsReader {
 public:
  explicit SettingsReader(detail::ObjectReader& in) noexcept : in_(&in) {}

  bool has(std::string_view key) const;
  // Reads a string with `${NAME}` / `${file:/path}` expanded. Required strings must be present
  // and non-empty. False (and the problem reported) when it cannot be read.
  bool read_string(std::string_view key, std::string& out, bool required);
  // Accepts `key` without reading it, so it is not reported as unknown.
  void accept(std::string_view key);
  void error(std::string_view key, std::string reason);

 private:
  detail::ObjectReader* in_;
};

// Parses a provider's settings; the result holds the provider's own Settings type.
using ParseSettings = std::any (*)(SettingsReader& in);

struct ProviderSchema {
  GatewayType type;
  ParseSettings parse_settings = nullptr;
  // Every provider-specific key; accepted without judgement when the type itself is invalid.
  std::span<const std::string_view> keys;
};

}  // namespace coinfan::config
