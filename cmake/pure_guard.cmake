# Layering guard for the pure domain library.
#
# Writes a shadow include tree in which every Asio, Beast and OpenSSL header, and every
# coinfan/http/ header, is a file that stops the compiler with an #error. Targets marked with
# coinfan_pure_target() search this tree before any other, so a pure file that includes one of
# those headers — directly or through another header — fails to build with a message naming
# the rule, instead of quietly growing a dependency on the network layer.

set(COINFAN_PURE_GUARD_DIR "${CMAKE_BINARY_DIR}/pure_guard")

function(coinfan_write_guard relative what)
  set(path "${COINFAN_PURE_GUARD_DIR}/${relative}")
  if(NOT EXISTS "${path}")
    file(WRITE "${path}"
      "#error \"layering: pure domain code must not include ${what} (<${relative}>); "
      "move the code that needs it to an async or network file (see CMakeLists.txt)\"\n")
  endif()
endfunction()

function(coinfan_make_pure_guard)
  find_path(COINFAN_BOOST_INCLUDE boost/asio.hpp HINTS ${Boost_INCLUDE_DIRS} REQUIRED)
  find_path(COINFAN_OPENSSL_INCLUDE openssl/evp.h HINTS ${OPENSSL_INCLUDE_DIR} REQUIRED)
  set(stamp "${COINFAN_PURE_GUARD_DIR}/.complete")
  if(EXISTS "${stamp}")
    return()
  endif()
  foreach(top IN ITEMS asio beast)
    coinfan_write_guard("boost/${top}.hpp" "Asio/Beast")
    file(GLOB_RECURSE headers RELATIVE "${COINFAN_BOOST_INCLUDE}" "${COINFAN_BOOST_INCLUDE}/boost/${top}/*")
    foreach(header IN LISTS headers)
      coinfan_write_guard("${header}" "Asio/Beast")
    endforeach()
  endforeach()
  file(GLOB_RECURSE headers RELATIVE "${COINFAN_OPENSSL_INCLUDE}" "${COINFAN_OPENSSL_INCLUDE}/openssl/*")
  foreach(header IN LISTS headers)
    coinfan_write_guard("${header}" "OpenSSL")
  endforeach()
  file(WRITE "${stamp}" "")
endfunction()

coinfan_make_pure_guard()

# The HTTP layer's headers follow the source tree, so they are shadowed at every configure.
file(GLOB COINFAN_HTTP_HEADERS RELATIVE "${PROJECT_SOURCE_DIR}/include" CONFIGURE_DEPENDS
  "${PROJECT_SOURCE_DIR}/include/coinfan/http/*.hpp")
foreach(header IN LISTS COINFAN_HTTP_HEADERS)
  coinfan_write_guard("${header}" "the HTTP layer")
endforeach()

# Puts the shadow tree first on `target`'s include path (before include/ and src/).
function(coinfan_pure_target target)
  target_include_directories(${target} BEFORE PRIVATE "${COINFAN_PURE_GUARD_DIR}")
endfunction()
