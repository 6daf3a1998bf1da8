# SPDX-License-Identifier: BSD-2-Clause
# Driver (cmake -P) of the summary_brief_* tests: nke-replay runs twice with
# the same ARGS, without a log (brief verdicts: the kernel counts the plain
# ones itself, seam v8) and with --log (every verdict reaches nke-replay,
# which counts them one by one).  The summary's filter lines (counts and
# order) must be the same, and there must be some.
#   NKE_REPLAY  the nke-replay executable
#   ARGS        its arguments, "|" between them
#   OUT_DIR     scratch directory (emptied first)
#   EXPECT      a regex the filter lines must match (what the case is about);
#               <NL> stands for a newline
cmake_minimum_required(VERSION 3.20)

string(REPLACE "|" ";" ARGS "${ARGS}")
string(REPLACE "<NL>" "\n" EXPECT "${EXPECT}")
file(REMOVE_RECURSE "${OUT_DIR}")
file(MAKE_DIRECTORY "${OUT_DIR}")

function(filters_of var)
    execute_process(COMMAND "${NKE_REPLAY}" ${ARGN}
        WORKING_DIRECTORY "${OUT_DIR}" RESULT_VARIABLE _rc ERROR_VARIABLE _err
        OUTPUT_QUIET)
    string(REGEX MATCH "\n  filters \\([^\n]*\n(    [^\n]*\n)*" _f "${_err}")
    if(_f STREQUAL "")
        message(FATAL_ERROR "no summary (status ${_rc}):\n${_err}")
    endif()
    set(${var} "${_f}" PARENT_SCOPE)
endfunction()

filters_of(brief ${ARGS})
filters_of(full ${ARGS} --log v.log)
message(STATUS "brief:${brief}")
if(NOT brief STREQUAL full)
    message(FATAL_ERROR "the filter counts differ without and with --log:\n"
        "without:${brief}\nwith --log:${full}")
endif()
if(NOT brief MATCHES "${EXPECT}")
    message(FATAL_ERROR "the filter lines do not match ${EXPECT}")
endif()
