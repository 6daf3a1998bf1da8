# SPDX-License-Identifier: BSD-2-Clause
# Test helpers of the project's own suite.
#
#   nke_add_ktest(NAME SOURCES <kernel-world test files...>
#                 [HOST_SOURCES <host files...>] [LABELS ...])
#       One executable and one CTest entry: kernel-world test bodies (they
#       define nkt_cases[], see testsupport/include/nkt.h) compiled
#       freestanding against the kernel header tree, with the simulator's
#       private headers (kpi_shim/kern) in reach, run by the test-support
#       library's CMocka runner in the host world, linked with the static
#       shim.  (Kext authors' tests use nke_add_kext_test, NkeSimUser.cmake.)
#
#   nke_add_htest(NAME SOURCES <host files...> [LABELS ...])
#       A plain host-world CMocka test.
include_guard(GLOBAL)

if(NOT TARGET nke::cmocka)
    message(FATAL_ERROR "nkesim: the tests need cmocka (Debian: libcmocka-dev, "
        "Homebrew: cmocka); scripts/nke installs it, or configure with -DBUILD_TESTING=OFF")
endif()

set(_NKE_TESTSUPPORT_DIR "${PROJECT_SOURCE_DIR}/tests/support")
set(_NKE_NKT_DIR "${PROJECT_SOURCE_DIR}/testsupport/include")

function(nke_add_ktest name)
    cmake_parse_arguments(PARSE_ARGV 1 A "" "" "SOURCES;HOST_SOURCES;LABELS")
    if(A_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "nke_add_ktest(${name}): unknown arguments ${A_UNPARSED_ARGUMENTS}")
    endif()
    if(NOT A_SOURCES)
        message(FATAL_ERROR "nke_add_ktest(${name}): SOURCES is required")
    endif()
    add_library(${name}_kbody OBJECT ${A_SOURCES})
    target_include_directories(${name}_kbody PRIVATE ${_NKE_NKT_DIR}
        ${PROJECT_SOURCE_DIR}/kpi_shim/kern)
    target_link_libraries(${name}_kbody PRIVATE nke::kernel_impl nke::warnings nke::sanitizers)
    add_executable(${name} ${A_HOST_SOURCES} $<TARGET_OBJECTS:${name}_kbody>)
    target_include_directories(${name} PRIVATE ${_NKE_NKT_DIR})
    # nkesim_testsupport holds main() (the runner) and brings the static shim.
    target_link_libraries(${name} PRIVATE nke::host_env nke::warnings nke::sanitizers
        nkesim_testsupport nkesim_kern_static nkesim_host nke::cmocka)
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS "unit;${A_LABELS}")
endfunction()

function(nke_add_htest name)
    cmake_parse_arguments(PARSE_ARGV 1 A "" "" "SOURCES;LABELS")
    if(A_UNPARSED_ARGUMENTS OR NOT A_SOURCES)
        message(FATAL_ERROR "nke_add_htest(${name}): usage: SOURCES files... [LABELS ...]")
    endif()
    add_executable(${name} ${A_SOURCES})
    target_include_directories(${name} PRIVATE ${_NKE_TESTSUPPORT_DIR})
    target_link_libraries(${name} PRIVATE nke::host_env nke::warnings nke::sanitizers
        nkesim_host nke::cmocka)
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS "unit;${A_LABELS}")
endfunction()
