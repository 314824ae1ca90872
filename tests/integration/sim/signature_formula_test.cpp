// Each simulator checks the provider's signature and token rules with its own implementation,
// so a client whose formula is subtly wrong is refused end to end. Every request here is
// signed by the test itself, from the provider's document, with the hash primitives only
// (never the production signers of src/gateways/<provider>/signer.*): first the documented
// formula (accepted, which proves the test's formula is the document's), then near misses.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>

#include "coinfan/core/base64url.hpp"
#include "coinfan/core/hash.hpp"
#include "gateways/ccpayment_v1/simulator.hpp"
#include "gateways/ccpayment_v2/simulator.hpp"
#include "gateways/cryptocloud/simulator.hpp"
#include "gateways/kuna/simulator.hpp"
#include "gateways/trubit/simulator.hpp"
#include "integration/sim/sim_http.hpp"

namespace coinfan::sim {
namespace {

using sim::testing::HttpReply;
using sim::testing::HttpRequest;

std::string sha256(const std::string& text) { return hash::sha256_hex(text).value(); }
std::string hmac(const std::string& key, const std::string& text) { return hash::hmac_sha256_hex(key, text).value(); }

std::string hex_to_raw(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

std::int64_t json_code(const HttpReply& reply) { return reply.json().at("code").as_int64(); }

// --- CCPayment v1: Sign = hex SHA-256(Appid + AppSecret + Timestamp + body) -------------------

class CcpaymentV1Formula : public sim::testing::SimulatorFixture<CcpaymentV1Provider, CcpaymentV1Account> {
 protected:
  CcpaymentV1Formula() : SimulatorFixture(demo_ccpayment_v1_account()) {}
  HttpReply send(const std::string& sign, const std::string& body = "{}") const {
    HttpRequest request;
    request.method = "POST";
    request.target = std::string(CcpaymentV1Provider::assets_path);
    request.headers = {{"Appid", account.app_id}, {"Timestamp", ts()}, {"Sign", sign},
                       {"Content-Type", "application/json; charset=utf-8"}};
    request.body = body;
    return call(request);
  }
  std::string ts() const { return std::to_string(clock.seconds()); }
};

TEST_F(CcpaymentV1Formula, TheDocumentedFormulaIsAcceptedAndNearMissesAreRefused) {
  const std::string body = "{}";
  const auto& id = account.app_id;
  const auto& secret = account.app_secret;
  EXPECT_EQ(json_code(send(sha256(id + secret + ts() + body))), 10000);
  for (const auto& wrong : {sha256(secret + id + ts() + body),  // secret and id swapped
                            sha256(id + secret + body + ts()),  // timestamp after the body
                            sha256(id + secret + ts()),         // body left out
                            hmac(secret, id + ts() + body),     // the v2 formula
                            sha256(id + ":" + secret + ":" + ts() + ":" + body)}) {
    EXPECT_EQ(json_code(send(wrong)), 11005) << wrong;
  }
}

// --- CCPayment v2: Sign = hex HMAC-SHA256(key = AppSecret, Appid + Timestamp + body) ---------

class CcpaymentV2Formula : public sim::testing::SimulatorFixture<CcpaymentV2Provider, CcpaymentV2Account> {
 protected:
  CcpaymentV2Formula() : SimulatorFixture(demo_ccpayment_v2_account()) {}
  HttpReply send(const std::string& sign, const std::string& body) const {
    HttpRequest request;
    request.method = "POST";
    request.target = std::string(CcpaymentV2Provider::path_prefix) + "getCoinList";
    request.headers = {{"Appid", account.app_id}, {"Timestamp", ts()}, {"Sign", sign},
                       {"Content-Type", "application/json"}};
    request.body = body;
    return call(request);
  }
  std::string ts() const { return std::to_string(clock.seconds()); }
};

TEST_F(CcpaymentV2Formula, TheDocumentedFormulaIsAcceptedAndNearMissesAreRefused) {
  const std::string body = "{}";
  const auto& id = account.app_id;
  const auto& secret = account.app_secret;
  EXPECT_EQ(json_code(send(hmac(secret, id + ts() + body), body)), 10000);
  for (const auto& wrong : {hmac(secret, ts() + id + body),  // timestamp before the app id
                            hmac(id, secret + ts() + body),  // key and message mixed up
                            hmac(secret, id + ts()),         // body left out
                            sha256(id + secret + ts() + body),  // the v1 formula
                            hmac(secret, id + std::to_string(clock.seconds() * 1000) + body)}) {  // milliseconds
    EXPECT_EQ(json_code(send(wrong, body)), 11005) << wrong;
  }
  // The signature covers the body as sent: signing a re-serialised body is a different string.
  EXPECT_EQ(json_code(send(hmac(secret, id + ts() + "{ }"), body)), 11005);
}

// --- TruBit: signature = hex HMAC-SHA256(key = api secret, the query before &signature) ------

class TruBitFormula : public sim::testing::SimulatorFixture<TruBitProvider, TruBitAccount> {
 protected:
  TruBitFormula() : SimulatorFixture(demo_trubit_account()) {}
  HttpReply send(const std::string& query, const std::string& signature) const {
    HttpRequest request;
    request.target = std::string(TruBitProvider::token_path) + "?" + query + "&signature=" + signature;
    request.headers = {{"X-BH-APIKEY", account.api_key}};
    return call(request);
  }
};

TEST_F(TruBitFormula, TheDocumentedFormulaIsAcceptedAndNearMissesAreRefused) {
  const std::string ms = std::to_string(clock.millis());
  const std::string query = "timestamp=" + ms;
  const auto& secret = account.api_secret;
  EXPECT_EQ(json_code(send(query, hmac(secret, query))), 200);
  for (const auto& wrong : {hmac(secret, ms),                        // the value without its name
                            hmac(secret, query + "&"),               // a trailing separator
                            hmac(account.api_key, query),            // keyed with the API key
                            sha256(secret + query),                  // a plain hash
                            hmac(secret, "timestamp=" + std::to_string(clock.seconds()))}) {  // seconds
    const auto reply = send(query, wrong);
    EXPECT_EQ(reply.status, 400u) << wrong;
    EXPECT_EQ(json_code(reply), -1022) << wrong;
  }
}

// --- CryptoCloud: the API key is an HS256 JWT; anything but the issued key is refused -------

class CryptoCloudFormula : public sim::testing::SimulatorFixture<CryptoCloudProvider, CryptoCloudAccount> {
 protected:
  CryptoCloudFormula() : SimulatorFixture(demo_cryptocloud_account()) {}
  HttpReply send(const std::string& key) const {
    HttpRequest request;
    request.method = "POST";
    request.target = "/v2/merchant/wallet/balance/all";
    request.headers = {{"Authorization", "Token " + key}};
    return call(request);
  }
};

TEST_F(CryptoCloudFormula, TheIssuedKeyIsAcceptedAndReSignedVariantsAreRefused) {
  EXPECT_EQ(send(account.api_key).status, 200u);
  const auto& key = account.api_key;
  const auto last_dot = key.rfind('.');
  ASSERT_NE(last_dot, std::string::npos);
  const std::string signing_input = key.substr(0, last_dot);
  const std::string payload = signing_input.substr(signing_input.find('.') + 1);
  for (const auto& wrong_mac : {hmac("secret", signing_input),  // a guessed secret
                                hmac("", signing_input),        // an empty secret
                                sha256(signing_input)}) {       // no key at all
    const auto reply = send(signing_input + "." + base64url_encode(hex_to_raw(wrong_mac)));
    EXPECT_EQ(reply.status, 401u);
    EXPECT_EQ(std::string(reply.json().at("detail").as_string()), "Signature verification failed");
  }
  // The same claims under an "alg":"none" header and no signature.
  const auto none = base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + payload + ".";
  EXPECT_EQ(send(none).status, 401u);
}

// --- Kuna: login is {"token": e-mail, "password"} with a merchant_id header; the Bearer JWT
// is the one the login issued, byte for byte -----------------------------------------------

class KunaFormula : public sim::testing::SimulatorFixture<KunaProvider, KunaAccount> {
 protected:
  KunaFormula() : SimulatorFixture(demo_kuna_account()) {}
  HttpReply login(const std::string& body, const std::string& merchant_header = "merchant_id") const {
    HttpRequest request;
    request.method = "POST";
    request.target = std::string(KunaProvider::login_path);
    request.headers = {{"Content-Type", "application/json"}, {merchant_header, account.merchant_id}};
    request.body = body;
    return call(request);
  }
  HttpReply balance(const std::string& bearer) const {
    HttpRequest request;
    request.method = "POST";
    request.target = std::string(KunaProvider::balance_path);
    request.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + bearer}};
    request.body = R"({"walletId":")" + account.wallet_id + R"("})";
    return call(request);
  }
};

TEST_F(KunaFormula, TheDocumentedLoginIsAcceptedAndNearMissesAreRefused) {
  const auto ok = login(R"({"token":")" + account.email + R"(","password":")" + account.password + R"("})");
  ASSERT_EQ(ok.status, 200u) << ok.body;
  const std::string token(ok.json().at("data").at("accessToken").as_string());
  EXPECT_EQ(balance(token).status, 200u);

  // The e-mail under "email" (not the documented "token"), or the merchant id under another name.
  EXPECT_NE(login(R"({"email":")" + account.email + R"(","password":")" + account.password + R"("})").status, 200u);
  EXPECT_NE(login(R"({"token":")" + account.email + R"(","password":")" + account.password + R"("})", "merchant-id")
                .status,
            200u);

  // A token whose payload was re-encoded with a later exp, or whose signature lost a byte.
  const auto first_dot = token.find('.');
  const auto last_dot = token.rfind('.');
  auto claims = boost::json::parse(base64url_decode(token.substr(first_dot + 1, last_dot - first_dot - 1)).value());
  claims.as_object()["exp"] = claims.at("exp").to_number<std::int64_t>() + 86400;
  const auto extended = token.substr(0, first_dot) + "." + base64url_encode(boost::json::serialize(claims)) +
                        token.substr(last_dot);
  EXPECT_EQ(balance(extended).status, 401u);
  auto signature = base64url_decode(token.substr(last_dot + 1)).value();
  signature.pop_back();
  EXPECT_EQ(balance(token.substr(0, last_dot + 1) + base64url_encode(signature)).status, 401u);
}

}  // namespace
}  // namespace coinfan::sim
