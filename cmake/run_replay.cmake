# SPDX-License-Identifier: BSD-2-Clause
# Driver of one nke-replay test (cmake -P), shared by kext authors'
# nke_add_replay_test() (NkeSimUserTests.cmake, installed with the package)
# and the project's own nke_test_replay() (tests/support/ReplayTest.cmake).
# Lists are passed with "|" between items (CTest command lines cannot carry
# ";"); <OR> stands for a "|" inside an item.  In regexes, <NL> stands for a
# newline.
#
#   NKE_REPLAY      the nke-replay executable
#   ARGS            its arguments
#   OUT_DIR         scratch directory (emptied first)
#   EXPECT_EXIT     expected exit status (default 0); "crash": anything but
#                   0 (a signal, or the status a sanitizer exits with)
#   GOLDEN          expected verdict log; LOG is the log ARGS write.  With the
#                   environment variable NKE_UPDATE_GOLDEN=1 the golden file
#                   is rewritten instead; a mismatch prints a unified diff.
#   CONSOLE_GOLDEN  expected console output (CONSOLE), the same way
#   FILE_GOLDENS    "OUTPUT|GOLDEN|...": pairs, each output file compared
#                   with its golden file the same way
#   STDIN           file to feed on standard input
#   STDOUT_REGEX    regexes stdout must match
#   STDERR_REGEX    regexes stderr must match
#   STDERR_NOT_REGEX  regexes stderr must not match
#   CONSOLE         console file ARGS write; CONSOLE_REGEX regexes it must
#                   match, CONSOLE_NOT_REGEX regexes it must not match
#   LOG_REGEX       regexes the log (LOG) must match
#   PCAPCMP         the pcapcmp program, for:
#   IDENTITY        "EXPECTED|ACTUAL": the captures must be equal
#   SAME_COUNT      "A|B": the captures must have as many records
#   EXPECT_COUNT    "FILE|N": FILE must have N records
#   ANNOTATE        an --annotate output; ANNOTATE_REGEX regexes that the
#                   listing "<record>\t<comment>" per line (pcapcmp
#                   --comments) must match
#   REPEAT          files to compare byte for byte with a second, identical run
#   COUNT_MATCH     "CONSOLE_REGEX|LOG_REGEX|...": pairs; for each, the number
#                   captured by the console regex (\\1) equals the number of
#                   log lines that match the log regex
cmake_minimum_required(VERSION 3.20)

function(_split var)
    string(REPLACE "|" ";" _l "${${var}}")
    string(REPLACE "<NL>" "\n" _l "${_l}")
    string(REPLACE "<OR>" "|" _l "${_l}")
    set(${var} "${_l}" PARENT_SCOPE)
endfunction()

foreach(v ARGS FILE_GOLDENS ANNOTATE_REGEX STDOUT_REGEX STDERR_REGEX STDERR_NOT_REGEX CONSOLE_REGEX CONSOLE_NOT_REGEX LOG_REGEX
        IDENTITY SAME_COUNT EXPECT_COUNT REPEAT COUNT_MATCH)
    _split(${v})
endforeach()
if(NOT DEFINED EXPECT_EXIT)
    set(EXPECT_EXIT 0)
endif()

set(_failed 0)
macro(fail msg)
    message(SEND_ERROR "${msg}")
    set(_failed 1)
endmacro()

file(REMOVE_RECURSE "${OUT_DIR}")
file(MAKE_DIRECTORY "${OUT_DIR}")

function(run_once rc_var err_var out_var)
    set(_in "")
    if(DEFINED STDIN)
        set(_in INPUT_FILE "${STDIN}")
    endif()
    execute_process(COMMAND "${NKE_REPLAY}" ${ARGS}
        WORKING_DIRECTORY "${OUT_DIR}" ${_in}
        RESULT_VARIABLE _rc ERROR_VARIABLE _err OUTPUT_VARIABLE _out)
    set(${rc_var} "${_rc}" PARENT_SCOPE)
    set(${err_var} "${_err}" PARENT_SCOPE)
    set(${out_var} "${_out}" PARENT_SCOPE)
endfunction()

string(REPLACE ";" " " _cmdline "${ARGS}")
message(STATUS "nke-replay ${_cmdline}")
run_once(rc err out)
message(STATUS "stderr:\n${err}")
if(EXPECT_EXIT STREQUAL "crash")
    if("${rc}" STREQUAL "0")
        fail("exit status ${rc}, expected a crash")
    endif()
elseif(NOT "${rc}" STREQUAL "${EXPECT_EXIT}")
    fail("exit status ${rc}, expected ${EXPECT_EXIT}")
endif()

foreach(re IN LISTS STDOUT_REGEX)
    if(NOT out MATCHES "${re}")
        fail("stdout does not match: ${re}")
    endif()
endforeach()
foreach(re IN LISTS STDERR_REGEX)
    if(NOT err MATCHES "${re}")
        fail("stderr does not match: ${re}")
    endif()
endforeach()
foreach(re IN LISTS STDERR_NOT_REGEX)
    if(err MATCHES "${re}")
        fail("stderr matches what it must not: ${re}")
    endif()
endforeach()

if(CONSOLE_REGEX OR CONSOLE_NOT_REGEX OR COUNT_MATCH)
    if(NOT EXISTS "${CONSOLE}")
        fail("no console file ${CONSOLE}")
        set(con "")
    else()
        file(READ "${CONSOLE}" con)
        message(STATUS "console:\n${con}")
    endif()
    foreach(re IN LISTS CONSOLE_REGEX)
        if(NOT con MATCHES "${re}")
            fail("console does not match: ${re}")
        endif()
    endforeach()
    foreach(re IN LISTS CONSOLE_NOT_REGEX)
        if(con MATCHES "${re}")
            fail("console matches what it must not: ${re}")
        endif()
    endforeach()
endif()

if(LOG_REGEX OR COUNT_MATCH)
    if(EXISTS "${LOG}")
        file(READ "${LOG}" log)
    else()
        set(log "")
    endif()
    foreach(re IN LISTS LOG_REGEX)
        if(NOT log MATCHES "${re}")
            fail("log does not match: ${re}")
        endif()
    endforeach()
endif()

if(COUNT_MATCH)
    list(LENGTH COUNT_MATCH npairs)
    math(EXPR last "${npairs} - 1")
    foreach(i RANGE 0 ${last} 2)
        math(EXPR j "${i} + 1")
        list(GET COUNT_MATCH ${i} cre)
        list(GET COUNT_MATCH ${j} lre)
        if(NOT con MATCHES "${cre}")
            fail("console does not match ${cre}")
        else()
            set(n_console "${CMAKE_MATCH_1}")
            file(STRINGS "${LOG}" lines REGEX "${lre}")
            list(LENGTH lines n_log)
            message(STATUS "console says ${n_console}; ${n_log} log lines match ${lre}")
            if(NOT n_console EQUAL n_log)
                fail("console counted ${n_console}, log has ${n_log} lines matching ${lre}")
            endif()
        endif()
    endforeach()
endif()

# Compare an output with its golden file, or rewrite the golden file.
function(_golden expected actual what)
    if(NOT EXISTS "${actual}")
        fail("the run wrote no ${what} ${actual}")
    elseif("$ENV{NKE_UPDATE_GOLDEN}" STREQUAL "1")
        configure_file("${actual}" "${expected}" COPYONLY)
        message(STATUS "golden file rewritten: ${expected}")
    elseif(NOT EXISTS "${expected}")
        fail("no golden file ${expected} (run with NKE_UPDATE_GOLDEN=1 to create it)")
    else()
        execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${expected}" "${actual}"
            RESULT_VARIABLE same)
        if(NOT same EQUAL 0)
            find_program(DIFF diff)
            if(DIFF)
                execute_process(COMMAND "${DIFF}" -u "${expected}" "${actual}"
                    OUTPUT_VARIABLE d)
                message(STATUS "diff -u golden actual:\n${d}")
            else()
                message(STATUS "(no diff program to show the difference)")
            endif()
            fail("${what} differs from ${expected} (NKE_UPDATE_GOLDEN=1 rewrites it)")
        endif()
    endif()
    set(_failed ${_failed} PARENT_SCOPE)
endfunction()

if(DEFINED GOLDEN)
    _golden("${GOLDEN}" "${LOG}" "verdict log")
endif()
if(DEFINED CONSOLE_GOLDEN)
    _golden("${CONSOLE_GOLDEN}" "${CONSOLE}" "console output")
endif()
while(FILE_GOLDENS)
    list(POP_FRONT FILE_GOLDENS _actual _expected)
    get_filename_component(_what "${_actual}" NAME)
    _golden("${_expected}" "${_actual}" "${_what}")
endwhile()

if(ANNOTATE_REGEX)
    execute_process(COMMAND "${PCAPCMP}" --comments "${OUT_DIR}/${ANNOTATE}"
        RESULT_VARIABLE r OUTPUT_VARIABLE notes ERROR_VARIABLE e)
    if(NOT r EQUAL 0)
        fail("cannot read ${ANNOTATE}: ${e}")
    endif()
    foreach(re IN LISTS ANNOTATE_REGEX)
        if(NOT notes MATCHES "${re}")
            fail("annotations do not match: ${re}")
        endif()
    endforeach()
endif()

if(IDENTITY)
    execute_process(COMMAND "${PCAPCMP}" ${IDENTITY} RESULT_VARIABLE r OUTPUT_VARIABLE o
        ERROR_VARIABLE e)
    message(STATUS "${o}${e}")
    if(NOT r EQUAL 0)
        fail("output differs from the input: ${o}${e}")
    endif()
endif()

function(_count file out)
    execute_process(COMMAND "${PCAPCMP}" --count "${file}" RESULT_VARIABLE r
        OUTPUT_VARIABLE o ERROR_VARIABLE e OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT r EQUAL 0)
        set(o "unreadable (${e})")
    endif()
    set(${out} "${o}" PARENT_SCOPE)
endfunction()

if(SAME_COUNT)
    list(GET SAME_COUNT 0 a)
    list(GET SAME_COUNT 1 b)
    _count("${a}" na)
    _count("${b}" nb)
    message(STATUS "${a}: ${na} records, ${b}: ${nb} records")
    if(NOT na STREQUAL nb)
        fail("record counts differ: ${na} vs ${nb}")
    endif()
endif()

if(EXPECT_COUNT)
    list(GET EXPECT_COUNT 0 f)
    list(GET EXPECT_COUNT 1 n)
    _count("${f}" nf)
    if(NOT nf STREQUAL n)
        fail("${f}: ${nf} records, expected ${n}")
    endif()
endif()

if(REPEAT)
    foreach(f IN LISTS REPEAT)
        file(RENAME "${OUT_DIR}/${f}" "${OUT_DIR}/${f}.first")
    endforeach()
    run_once(rc2 err2 out2)
    if(NOT "${rc2}" STREQUAL "${rc}")
        fail("second run: exit status ${rc2}, first ${rc}")
    endif()
    if(NOT err2 STREQUAL err)
        fail("second run: stderr differs")
    endif()
    foreach(f IN LISTS REPEAT)
        execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${OUT_DIR}/${f}.first"
            "${OUT_DIR}/${f}" RESULT_VARIABLE same)
        if(NOT same EQUAL 0)
            fail("${f} differs between two identical runs")
        else()
            message(STATUS "${f}: identical in both runs")
        endif()
    endforeach()
endif()

if(_failed)
    message(FATAL_ERROR "test failed")
endif()
