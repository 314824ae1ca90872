#pragma once
// JSON text of the write answers that are not records (openapi/openapi.yaml, SwapQuote and
// RescanResult); records are rendered by records/render.hpp, as their GET endpoints show them.

#include <string>
#include <string_view>

#include "coinfan/core/types.hpp"

namespace coinfan::writes {

// {gateway, coin_id_in, asset_in, amount_in, coin_id_out, asset_out, amount_out,
//  net_amount_out, swap_rate, fee, fee_rate, extra_fee}: amounts as decimal strings.
std::string render_quote(std::string_view gateway, const SwapQuote& quote, std::string_view asset_in,
                         std::string_view asset_out);

// {gateway, chain, tx_id, description}: what the provider said it will do.
std::string render_rescan(std::string_view gateway, std::string_view chain, std::string_view tx_id,
                          std::string_view description);

}  // namespace coinfan::writes
