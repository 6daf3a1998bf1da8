# SPDX-License-Identifier: BSD-2-Clause
# Driver of one stream test (cmake -P): run nke-replay, then compare what
# the simulated application saw (the verdict log's NKS_HOOK_APP totals and
# stream hashes) with an independent reassembly of the capture
# (streamcheck), and, with OUTPUT, the outbound streams of the -w capture
# with the input's.  Lists are passed with "|" between items.
#
#   NKE_REPLAY  STREAMCHECK  CAPTURE  ARGS  OUT_DIR
#   OUTPUT        the -w file ARGS write (relative to OUT_DIR), optional
#   CONSOLE_REGEX regexes the console file c.txt must match, optional
cmake_minimum_required(VERSION 3.20)

string(REPLACE "|" ";" ARGS "${ARGS}")
string(REPLACE "|" ";" CONSOLE_REGEX "${CONSOLE_REGEX}")
file(REMOVE_RECURSE "${OUT_DIR}")
file(MAKE_DIRECTORY "${OUT_DIR}")
execute_process(COMMAND "${NKE_REPLAY}" -r "${CAPTURE}" ${ARGS} --log v.log --console c.txt
    WORKING_DIRECTORY "${OUT_DIR}" RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "nke-replay exited with ${rc}:\n${err}")
endif()
execute_process(COMMAND "${STREAMCHECK}" --compare "${CAPTURE}" "${OUT_DIR}/v.log"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "${out}${err}")
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the application's streams differ from the capture's")
endif()
if(DEFINED OUTPUT)
    execute_process(COMMAND "${STREAMCHECK}" --compare-out "${CAPTURE}" "${OUT_DIR}/${OUTPUT}"
        "${OUT_DIR}/v.log" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    message(STATUS "${out}${err}")
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "the outbound streams on the wire differ from the capture's")
    endif()
endif()
if(CONSOLE_REGEX)
    file(READ "${OUT_DIR}/c.txt" con)
    message(STATUS "console:\n${con}")
    foreach(re IN LISTS CONSOLE_REGEX)
        if(NOT con MATCHES "${re}")
            message(FATAL_ERROR "console does not match: ${re}")
        endif()
    endforeach()
endif()
