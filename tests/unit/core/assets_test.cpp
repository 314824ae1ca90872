#include "coinfan/core/assets.hpp"

#include <gtest/gtest.h>

namespace coinfan {
namespace {

TEST(NormaliseAsset, TrimsAndUpperCases) {
  EXPECT_EQ(normalise_asset("usdt"), "USDT");
  EXPECT_EQ(normalise_asset("  Btc\t"), "BTC");
  EXPECT_EQ(normalise_asset("USDT_trc20"), "USDT_TRC20");
  EXPECT_EQ(normalise_asset(""), "");
  EXPECT_EQ(normalise_asset("   "), "");
}

TEST(SplitAssetCode, SplitsCryptoCloudAssetAndNetwork) {
  EXPECT_EQ(split_asset_code("USDT_TRC20"), (AssetNetwork{"USDT", "TRC20"}));
  EXPECT_EQ(split_asset_code("usdt_erc20"), (AssetNetwork{"USDT", "ERC20"}));
  EXPECT_EQ(split_asset_code(" USDC_BSC "), (AssetNetwork{"USDC", "BSC"}));
  EXPECT_EQ(split_asset_code("USDT_BSC_BEP20"), (AssetNetwork{"USDT", "BSC_BEP20"}));
}

TEST(SplitAssetCode, PlainSymbolHasNoNetwork) {
  EXPECT_EQ(split_asset_code("BTC"), (AssetNetwork{"BTC", std::nullopt}));
  EXPECT_EQ(split_asset_code("eth"), (AssetNetwork{"ETH", std::nullopt}));
}

TEST(SplitAssetCode, EmptyAndDegenerateCodesAreSafe) {
  EXPECT_EQ(split_asset_code(""), (AssetNetwork{"", std::nullopt}));
  EXPECT_EQ(split_asset_code("   "), (AssetNetwork{"", std::nullopt}));
  EXPECT_EQ(split_asset_code("_"), (AssetNetwork{"", std::nullopt}));
  EXPECT_EQ(split_asset_code("USDT_"), (AssetNetwork{"USDT", std::nullopt}));
  EXPECT_EQ(split_asset_code("_TRC20"), (AssetNetwork{"TRC20", std::nullopt}));
}

TEST(IsValidAssetSymbol, AcceptsTickerCharactersOnly) {
  EXPECT_TRUE(is_valid_asset_symbol("USDT"));
  EXPECT_TRUE(is_valid_asset_symbol("usdt"));
  EXPECT_TRUE(is_valid_asset_symbol("USDT_TRC20"));
  EXPECT_TRUE(is_valid_asset_symbol("1INCH"));
  EXPECT_TRUE(is_valid_asset_symbol("USDC.E"));
  EXPECT_FALSE(is_valid_asset_symbol(""));
  EXPECT_FALSE(is_valid_asset_symbol("US DT"));
  EXPECT_FALSE(is_valid_asset_symbol("USDT,BTC"));
  EXPECT_FALSE(is_valid_asset_symbol("<script>"));
  EXPECT_FALSE(is_valid_asset_symbol(std::string(33, 'A')));
  EXPECT_TRUE(is_valid_asset_symbol(std::string(32, 'A')));
}

}  // namespace
}  // namespace coinfan
