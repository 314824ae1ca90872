// The one translation unit that compiles Asio, Asio's SSL support and Beast
// (BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION).
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>

// Beast's HTTP parser is compiled first, with one of its assertions lifted: Beast 1.81 asserts
// `n >= 5` in parse_chunk_header once the last chunk has been seen, but a request whose
// "0\r\n" and final "\r\n" arrive in separate reads reaches it with 4 bytes, and the code after
// the assertion handles that correctly (boostorg/beast#2861, fixed upstream). Left in, any
// build with assertions (debug, the sanitizer builds) lets a client abort the process.
// Every other assertion of the parser stays.
#include <boost/assert.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/rfc7230.hpp>

#include <string_view>

namespace coinfan::detail {
constexpr bool lifted_beast_assertion(std::string_view expression) { return expression == "n >= 5"; }
}  // namespace coinfan::detail

#define BOOST_BEAST_SOURCE
#pragma push_macro("BOOST_ASSERT")
#undef BOOST_ASSERT
#define BOOST_ASSERT(expr) (::coinfan::detail::lifted_beast_assertion(#expr) ? (void)0 : assert(expr))
#include <boost/beast/http/impl/basic_parser.ipp>
#pragma pop_macro("BOOST_ASSERT")

#include <boost/beast/src.hpp>
