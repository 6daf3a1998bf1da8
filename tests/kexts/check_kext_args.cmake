# SPDX-License-Identifier: BSD-2-Clause
# Calls nke_add_kext() wrongly, one way per CASE, in script mode (cmake -P),
# so CTest can check that each is refused with a clear message before
# anything is built.  MODULE is cmake/NkeSimKext.cmake.
include("${MODULE}")
if(CASE STREQUAL "unknown_argument")
    nke_add_kext(k BOGUS 1 SOURCES k.c)
elseif(CASE STREQUAL "unknown_after_sources")
    nke_add_kext(k SOURCES k.c BOGUS 1)
elseif(CASE STREQUAL "missing_sources")
    nke_add_kext(k BUNDLE_ID com.example.k)
elseif(CASE STREQUAL "empty_value")
    nke_add_kext(k SOURCES k.c VERSION)
elseif(CASE STREQUAL "bad_bundle_id")
    nke_add_kext(k SOURCES k.c BUNDLE_ID "com.example.k\"x")
elseif(CASE STREQUAL "long_bundle_id")
    nke_add_kext(k SOURCES k.c
        BUNDLE_ID com.example.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa)
elseif(CASE STREQUAL "bad_version")
    nke_add_kext(k SOURCES k.c VERSION 1.0-beta)
elseif(CASE STREQUAL "bad_start")
    nke_add_kext(k SOURCES k.c START 9start)
elseif(CASE STREQUAL "no_nkesim")
    nke_add_kext(k SOURCES k.c)
else()
    message(FATAL_ERROR "unknown CASE ${CASE}")
endif()
message(FATAL_ERROR "nke_add_kext accepted case ${CASE}")
