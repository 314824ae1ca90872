#pragma once
// Provider-issued credentials (TruBit tokens, Kuna JWTs) shared by every replica through
// Redis, so that one replica logs in for all (shared.redis.share_credentials). Per gateway
// account, under the key prefix:
//   <prefix>cred:<gateway id>        "<expiry, ms since the epoch> <credential>", PX = its time left
//   <prefix>cred-lease:<gateway id>  a random token: the replica renewing it now (SET NX PX)
// The holder of the lease renews, stores the credential and deletes the lease only while it is
// still its own (compare-and-delete); a credential the provider refused is deleted only while it
// is still the stored one. The steps' order is decided by gateways::SharedRenewal; this is
// their Redis side (gateways::CredentialShare). Static credentials and app secrets never come
// here.

#include <functional>
#include <memory>
#include <string>

#include "coinfan/core/error.hpp"
#include "coinfan/shared/redis.hpp"

namespace coinfan::gateways {
class CredentialShare;
}

namespace coinfan::shared {

// Hears the outcome of every Redis call of a credential share: nullptr when Redis answered,
// else why it could not (the caller then renews alone).
using CredentialCallReport = std::function<void(const Error* failure)>;

class SharedCredentials {
 public:
  SharedCredentials(std::shared_ptr<RedisClient> redis, std::string key_prefix);

  // The store of one gateway account, keyed by its id under the prefix.
  std::shared_ptr<gateways::CredentialShare> account(std::string gateway_id, CredentialCallReport report) const;

  // The keys of one account (for the tests and for operators).
  std::string credential_key(const std::string& gateway_id) const;
  std::string lease_key(const std::string& gateway_id) const;

 private:
  std::shared_ptr<RedisClient> redis_;
  std::string key_prefix_;
};

}  // namespace coinfan::shared
