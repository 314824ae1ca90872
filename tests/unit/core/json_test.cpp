#include "coinfan/core/json.hpp"

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace coinfan {
namespace {

namespace json = boost::json;

json::value parse_ok(std::string_view text) {
  auto parsed = parse_json_exact(text);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().detail);
  return parsed.ok() ? std::move(parsed).value() : json::value{};
}

std::string text_of(const json::value& v) {
  EXPECT_TRUE(v.is_string());
  return v.is_string() ? std::string(v.get_string().c_str()) : std::string{};
}

std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST(ParseJsonExact, KeepsFractionalNumbersAsTheirOriginalText) {
  const auto v = parse_ok(R"({"a":0.1,"b":1e-7,"c":10.0,"d":-0.0,"e":1.5E+3,"f":123456.789012345678901234})");
  const auto& o = v.as_object();
  EXPECT_EQ(text_of(o.at("a")), "0.1");
  EXPECT_EQ(text_of(o.at("b")), "1e-7");
  EXPECT_EQ(text_of(o.at("c")), "10.0");
  EXPECT_EQ(text_of(o.at("d")), "-0.0");
  EXPECT_EQ(text_of(o.at("e")), "1.5E+3");
  EXPECT_EQ(text_of(o.at("f")), "123456.789012345678901234");
}

TEST(ParseJsonExact, KeepsNumbersBeyondSixtyFourBitsAsText) {
  const auto v = parse_ok(
      R"([18446744073709551616,-9223372036854775809,123456789012345678901234567890,1e400])");
  const auto& a = v.as_array();
  EXPECT_EQ(text_of(a[0]), "18446744073709551616");
  EXPECT_EQ(text_of(a[1]), "-9223372036854775809");
  EXPECT_EQ(text_of(a[2]), "123456789012345678901234567890");
  EXPECT_EQ(text_of(a[3]), "1e400");
}

TEST(ParseJsonExact, IntegersStayIntegers) {
  const auto v = parse_ok(
      R"({"coinId":1280,"neg":-5,"zero":0,"max":9223372036854775807,"umax":18446744073709551615})");
  const auto& o = v.as_object();
  ASSERT_TRUE(o.at("coinId").is_int64());
  EXPECT_EQ(o.at("coinId").get_int64(), 1280);
  EXPECT_EQ(o.at("neg").get_int64(), -5);
  EXPECT_EQ(o.at("zero").get_int64(), 0);
  EXPECT_EQ(o.at("max").get_int64(), INT64_MAX);
  ASSERT_TRUE(o.at("umax").is_uint64());
  EXPECT_EQ(o.at("umax").get_uint64(), UINT64_MAX);
}

TEST(ParseJsonExact, BuildsNestedStructuresStringsAndLiterals) {
  const auto v = parse_ok(
      " {\"s\":\"a\\\"b\\u00e9\",\"t\":true,\"f\":false,\"n\":null,\"arr\":[1,[2,{\"k\":\"v\"}]],"
      "\"empty\":{},\"none\":[]} \n");
  const auto& o = v.as_object();
  EXPECT_EQ(text_of(o.at("s")), "a\"b\xc3\xa9");
  EXPECT_TRUE(o.at("t").as_bool());
  EXPECT_FALSE(o.at("f").as_bool());
  EXPECT_TRUE(o.at("n").is_null());
  EXPECT_EQ(o.at("arr").as_array()[1].as_array()[1].as_object().at("k").as_string(), "v");
  EXPECT_TRUE(o.at("empty").as_object().empty());
  EXPECT_TRUE(o.at("none").as_array().empty());
  EXPECT_EQ(parse_ok("42").as_int64(), 42);
  EXPECT_EQ(text_of(parse_ok("\"x\"")), "x");
}

TEST(ParseJsonExact, RejectsMalformedAndTruncatedInputAsBadResponse) {
  for (const std::string_view text :
       {"", " ", "{", R"({"a":1)", "[1,2", R"({"a":"x)", R"({"a":})", "[1,]", R"({"a":1,})",
        "{'a':1}", R"({"a":1}x)", R"({"a":1}{"b":2})", "01", "1.", ".5", "-", "NaN", "tru",
        "[1e]", R"({"a" 1})", "// c\n{}", "\"\x01\""}) {
    const auto parsed = parse_json_exact(text);
    ASSERT_FALSE(parsed.ok()) << "accepted: " << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::bad_response);
  }
}

TEST(ParseJsonExact, RejectsNestingDeeperThanTheLimit) {
  EXPECT_TRUE(parse_json_exact(nested_arrays(64)).ok());
  const auto deep = parse_json_exact(nested_arrays(65));
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.error().code, ErrorCode::bad_response);
  EXPECT_FALSE(parse_json_exact(nested_arrays(100000)).ok());
  EXPECT_TRUE(parse_json_exact(R"({"a":{"b":1}})", 2).ok());
  EXPECT_FALSE(parse_json_exact(R"({"a":{"b":[1]}})", 2).ok());
}

TEST(ParseJsonExact, RejectsInputOverTheSizeCap) {
  const std::string body = R"({"a":")" + std::string(200, 'x') + R"("})";
  EXPECT_TRUE(parse_json_exact(body, 64, body.size()).ok());
  const auto parsed = parse_json_exact(body, 64, body.size() - 1);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::bad_response);
}

TEST(ParseJsonExact, RejectsDuplicateKeysRatherThanPickingOne) {
  const auto parsed = parse_json_exact(R"({"amount":"1","amount":"1000"})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().detail.find("duplicate"), std::string::npos);
  EXPECT_TRUE(parse_json_exact(R"([{"amount":"1"},{"amount":"1000"}])").ok());
}

TEST(ParseJsonExact, DuplicateKeysAreFoundWhateverTheirSpellingOrPlace) {
  // An escaped spelling of the same key is the same key.
  auto parsed = parse_json_exact(R"({"a":1,"\u0061":2})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().detail, "malformed JSON: duplicate object key near offset 17");
  // A long escaped key whose value nests containers: it is still the pending key when they close.
  parsed = parse_json_exact(R"({"long key with an \"escape\" in it":{"x":[[{"y":1}]]},"long key with an \"escape\" in it":0})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().detail, "malformed JSON: duplicate object key near offset 92");
  // Many members (a hashed object), the repeat last.
  std::string big = "{";
  for (int i = 0; i < 500; ++i) big += "\"key" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  EXPECT_TRUE(parse_json_exact(big + "\"last\":0}").ok());
  EXPECT_FALSE(parse_json_exact(big + "\"key250\":0}").ok());
}

TEST(ParseJsonExact, ErrorDetailsNameTheOffset) {
  auto parsed = parse_json_exact(R"([1,{"a":[]}, "x")");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().detail, "malformed JSON near offset 16: incomplete JSON");
  parsed = parse_json_exact(R"({"a":1} x)");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().detail, "malformed JSON: trailing data at offset 8");
}

TEST(ParseJsonExact, KeysAndStringsWithEscapesKeepTheirText) {
  const auto v = parse_ok(R"({"k\"1":{"a\\b":["\u00e9\n", "plain"], "c":{}}, "k2":[{"x":"y"}]})");
  const auto& o = v.as_object();
  ASSERT_TRUE(o.contains("k\"1"));
  EXPECT_EQ(text_of(o.at("k\"1").at("a\\b").at(0)), "\xc3\xa9\n");
  EXPECT_EQ(text_of(o.at("k\"1").at("a\\b").at(1)), "plain");
  EXPECT_TRUE(o.at("k\"1").at("c").as_object().empty());
  EXPECT_EQ(text_of(o.at("k2").at(0).at("x")), "y");
}

TEST(ParseJsonExact, PartsOfTheTreeCanBeCopiedAndMovedOutOfIt) {
  json::object kept;
  json::value moved;
  {
    auto root = parse_ok(R"({"data":{"list":[{"amount":"0.1"},{"amount":2}]}})");
    kept = root.as_object().at("data").as_object();               // a copy, in other storage
    moved = std::move(root.as_object().at("data").at("list"));    // shares the tree's storage
  }  // the root is gone; what was taken from it stays valid
  EXPECT_EQ(text_of(kept.at("list").at(0).at("amount")), "0.1");
  EXPECT_EQ(moved.as_array().at(1).at("amount").as_int64(), 2);
  moved.as_array().emplace_back("more");
  EXPECT_EQ(moved.as_array().size(), 3U);
}

TEST(ParseJsonExact, TreesOfAnySizeCanBeFreedOnAnotherThread) {
  // Large bodies take several arena blocks, which a thread keeps for its next parse; a tree
  // freed elsewhere gives its blocks to that thread.
  std::vector<std::string> bodies;
  for (std::size_t n : {1U, 100U, 5000U, 60000U}) {
    std::string body = "[";
    for (std::size_t i = 0; i < n; ++i) body += std::string(i ? "," : "") + R"({"amount":"0.)" + std::to_string(i) + "\"}";
    bodies.push_back(body + "]");
  }
  std::vector<json::value> trees;
  std::thread parser([&] {
    for (int round = 0; round < 3; ++round) {
      for (const auto& body : bodies) trees.push_back(parse_ok(body));
    }
  });
  parser.join();
  ASSERT_EQ(trees.size(), 12U);
  EXPECT_EQ(text_of(trees.back().as_array().at(59999).at("amount")), "0.59999");
  trees.clear();  // freed on this thread
  for (int round = 0; round < 3; ++round) {
    for (const auto& body : bodies) EXPECT_EQ(parse_ok(body).as_array().size(), parse_ok(body).as_array().size());
  }
}

TEST(ParseJsonExact, ErrorDetailIsShortAndNeverEchoesTheBody) {
  const std::string body = R"({"secret":")" + std::string(10000, 's') + "\"";
  const auto parsed = parse_json_exact(body);
  ASSERT_FALSE(parsed.ok());
  EXPECT_LT(parsed.error().detail.size(), 200U);
  EXPECT_EQ(parsed.error().detail.find("sss"), std::string::npos);
}

TEST(ParseJsonExact, CryptoCloudFloatBalancesKeepTheirExactValue) {
  const auto v = parse_ok(R"({"status":"success","result":[{"currency":{"id":4,
      "code":"USDT_TRC20","short_code":"USDT","obj_network":{"code":"TRC20","id":4,
      "fullname":"Tron"},"enable":true},"balance_crypto":10.0,"balance_usd":0.1,
      "available_balance":0.30000000000000004,"available_balance_usd":7}]})");
  const auto& entry = v.as_object().at("result").as_array()[0].as_object();
  EXPECT_EQ(decimal_field(entry, "balance_crypto", false)->to_string(), "10");
  EXPECT_EQ(decimal_field(entry, "balance_usd", false)->to_string(), "0.1");
  EXPECT_EQ(decimal_field(entry, "available_balance", false)->to_string(),
            "0.30000000000000004");
  EXPECT_EQ(decimal_field(entry, "available_balance_usd", false)->to_string(), "7");
}

TEST(DecimalField, AcceptsDecimalStringsIntegersAndPreservedNumberText) {
  const auto v = parse_ok(
      R"({"s":"1.634953704442886400000000","i":-12,"u":18446744073709551615,"f":0.5,"e":""})");
  const auto& o = v.as_object();
  EXPECT_EQ(decimal_field(o, "s", false)->to_string(), "1.6349537044428864");
  EXPECT_EQ(decimal_field(o, "i", false)->to_string(), "-12");
  EXPECT_EQ(decimal_field(o, "u", false)->to_string(), "18446744073709551615");
  EXPECT_EQ(decimal_field(o, "f", false)->to_string(), "0.5");
  EXPECT_TRUE(decimal_field(o, "e", true)->is_zero());
}

TEST(DecimalField, RejectsMissingWrongTypeAndBadTextWithTheKeyNamed) {
  const auto v = parse_ok(
      R"({"empty":"","null":null,"flag":true,"obj":{},"arr":[],"bad":"12abc","nan":"NaN"})");
  const auto& o = v.as_object();
  for (const std::string_view key : {"missing", "empty", "null", "flag", "obj", "arr", "bad", "nan"}) {
    const auto d = decimal_field(o, key, false);
    ASSERT_FALSE(d.ok()) << key;
    EXPECT_EQ(d.error().code, ErrorCode::bad_response);
    EXPECT_NE(d.error().detail.find(std::string(key)), std::string::npos) << d.error().detail;
  }
  EXPECT_TRUE(decimal_field(o, "null", true)->is_zero());
  EXPECT_FALSE(decimal_field(o, "missing", true).ok());
}

TEST(DecimalField, RejectsBinaryDoublesWhoseTextIsLost) {
  const json::value v = 0.1;
  const auto d = decimal_value(v, "price", false);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, ErrorCode::bad_response);
}

TEST(OptionalDecimalField, MissingNullAndEmptyAreAbsentButBadTextIsAnError) {
  const auto v = parse_ok(R"({"n":null,"e":"","ok":"2.50","bad":"x"})");
  const auto& o = v.as_object();
  EXPECT_EQ(optional_decimal_field(o, "missing").value(), std::nullopt);
  EXPECT_EQ(optional_decimal_field(o, "n").value(), std::nullopt);
  EXPECT_EQ(optional_decimal_field(o, "e").value(), std::nullopt);
  EXPECT_EQ(optional_decimal_field(o, "ok").value()->to_string(), "2.5");
  EXPECT_FALSE(optional_decimal_field(o, "bad").ok());
}

TEST(JsonFieldAccessors, ReturnValuesOnlyForTheMatchingType) {
  const auto v = parse_ok(
      R"({"s":"text","i":1280,"big":18446744073709551615,"b":true,"o":{"x":1},"a":[1],
          "sid":"202403220337521771018432423137280","huge":123456789012345678901234,"f":1.5})");
  const auto& o = v.as_object();
  EXPECT_EQ(string_field(o, "s"), "text");
  EXPECT_EQ(string_field(o, "i"), std::nullopt);
  EXPECT_EQ(string_field(o, "missing"), std::nullopt);
  EXPECT_EQ(int_field(o, "i"), 1280);
  EXPECT_EQ(int_field(o, "big"), std::nullopt);
  EXPECT_EQ(int_field(o, "s"), std::nullopt);
  EXPECT_EQ(bool_field(o, "b"), true);
  EXPECT_EQ(bool_field(o, "i"), std::nullopt);
  EXPECT_EQ(id_field(o, "i"), "1280");
  EXPECT_EQ(id_field(o, "big"), "18446744073709551615");
  EXPECT_EQ(id_field(o, "sid"), "202403220337521771018432423137280");
  EXPECT_EQ(id_field(o, "huge"), "123456789012345678901234");
  EXPECT_EQ(id_field(o, "b"), std::nullopt);
  ASSERT_NE(object_field(o, "o"), nullptr);
  EXPECT_EQ(object_field(o, "o")->at("x").as_int64(), 1);
  EXPECT_EQ(object_field(o, "a"), nullptr);
  ASSERT_NE(array_field(o, "a"), nullptr);
  EXPECT_EQ(array_field(o, "a")->size(), 1U);
  EXPECT_EQ(array_field(o, "o"), nullptr);
}

}  // namespace
}  // namespace coinfan
