#pragma once
// RFC 9457 problem documents (`application/problem+json`): the one renderer behind every
// error body, whether the server writes it (404, 413, ...) or the API maps a domain outcome.

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace coinfan {

// The reason phrase of an HTTP status code, as a problem's `title`.
std::string_view status_title(unsigned status) noexcept;

// `{type: "urn:coinfan:problem:<code>", title, status, detail, code}`; callers may add members.
boost::json::object problem_object(unsigned status, std::string_view code, std::string_view detail);

// problem_object() serialized.
std::string render_problem(unsigned status, std::string_view code, std::string_view detail);

}  // namespace coinfan
