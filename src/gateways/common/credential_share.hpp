#pragma once
// The replicas' common store of provider-issued credentials (shared.redis.share_credentials),
// as one gateway account's adapter sees it: the credential last issued for the account with
// its expiry, and a short renewal lease so that one replica renews it for all. What the steps
// are for is decided by SharedRenewal (token_refresh.hpp); AdapterBase executes them. The
// implementation lives in shared/ (Redis); adapters never see it.
//
// Every Error means the store could not answer (down, slow, an unexpected reply): the caller
// then renews alone, as without a store. Neither a credential nor a lease token is ever placed
// in an error detail.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "coinfan/core/error.hpp"
#include "gateways/common/token_refresh.hpp"

namespace coinfan::gateways {

class CredentialShare {
 public:
  virtual ~CredentialShare() = default;

  // The credential the store holds for the account (nullopt: none, or it has expired).
  virtual boost::asio::awaitable<Result<std::optional<IssuedCredential>>> load() = 0;

  // Removes the stored credential only while it is still `refused` (compare-and-delete):
  // whether it did. False means another replica renewed or removed it first.
  virtual boost::asio::awaitable<Result<bool>> discard(std::string refused) = 0;

  // Takes the renewal lease for `ttl` unless another replica holds it: the lease's token
  // (nullopt: held elsewhere). A holder that dies loses it when `ttl` has passed.
  virtual boost::asio::awaitable<Result<std::optional<std::string>>> claim(std::chrono::milliseconds ttl) = 0;

  // Stores `credential` for every replica for `lifetime` (its time left until expiry), then
  // hands the lease `lease` back.
  virtual boost::asio::awaitable<Result<bool>> publish(IssuedCredential credential, std::chrono::milliseconds lifetime,
                                                       std::string lease) = 0;

  // Hands the lease `lease` back without a credential (the renewal failed); whether it was
  // still this replica's.
  virtual boost::asio::awaitable<Result<bool>> release(std::string lease) = 0;
};

}  // namespace coinfan::gateways
