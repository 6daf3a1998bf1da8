# SPDX-License-Identifier: BSD-2-Clause
# Replay tests of the project's own suite: nke_test_replay() runs nke-replay
# over a capture with test kexts and checks what came out.
include_guard(GLOBAL)

# Every test runs cmake/run_replay.cmake (the driver nke_add_replay_test
# shares), which runs nke-replay in its own scratch
# directory and checks exit status, stderr, console, verdict log (golden
# files in fixtures/golden: NKE_UPDATE_GOLDEN=1 ctest rewrites them, a
# mismatch prints a unified diff) and output captures (pcapcmp, a small
# libpcap comparison program).
add_executable(pcapcmp ${CMAKE_CURRENT_LIST_DIR}/pcapcmp.c)
target_link_libraries(pcapcmp PRIVATE nke::pcap nke::host_env nke::warnings nke::sanitizers)

# (Paths are spelled in the function: it is called from other directories.)

# nke_test_replay(<name> [EXIT n] [KEXTS k...] [ARGS a...] [GOLDEN file] [LOG file]
#           [CONSOLE file] [STDIN file] [ANNOTATE file] [ANNOTATE_RE re...]
#           [STDOUT re...] [STDERR re...]
#           [STDERR_NOT re...] [CONSOLE_RE re...] [CONSOLE_NOT_RE re...]
#           [LOG_RE re...] [IDENTITY exp act] [SAME_COUNT a b]
#           [EXPECT_COUNT file n] [REPEAT files...] [COUNT_MATCH cre lre...])
# In regexes, <NL> is a newline and <OR> "|" (see run_replay.cmake); a regex
# cannot contain ";" (a CMake list separator): write "." instead.
# Output names (LOG, CONSOLE, files in ARGS) are relative to the test's
# scratch directory, <current binary dir>/out/<name>.
function(nke_test_replay name)
    cmake_parse_arguments(PARSE_ARGV 1 T "" "EXIT;GOLDEN;LOG;CONSOLE;STDIN;ANNOTATE"
        "KEXTS;ARGS;ANNOTATE_RE;STDOUT;STDERR;STDERR_NOT;CONSOLE_RE;CONSOLE_NOT_RE;LOG_RE;IDENTITY;SAME_COUNT;EXPECT_COUNT;REPEAT;COUNT_MATCH")
    if(T_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "nke_test_replay(${name}): unknown arguments ${T_UNPARSED_ARGUMENTS}")
    endif()
    set(out ${CMAKE_CURRENT_BINARY_DIR}/out/${name})
    set(args ${T_ARGS})
    foreach(k IN LISTS T_KEXTS)
        list(APPEND args --kext $<TARGET_FILE:${k}>)
    endforeach()
    set(d -DNKE_REPLAY=$<TARGET_FILE:nke-replay> -DOUT_DIR=${out}
        -DPCAPCMP=$<TARGET_FILE:pcapcmp>)
    foreach(v ARGS ANNOTATE_RE STDOUT STDERR STDERR_NOT CONSOLE_RE CONSOLE_NOT_RE LOG_RE IDENTITY
            SAME_COUNT EXPECT_COUNT REPEAT COUNT_MATCH)
        set(val ${T_${v}})
        if(v STREQUAL "ARGS")
            set(val ${args})
        endif()
        if(NOT val)
            continue()
        endif()
        list(JOIN val "|" j)
        set(key ${v})
        if(v MATCHES "^(STDOUT|STDERR|STDERR_NOT)$")
            set(key ${v}_REGEX)
        elseif(v STREQUAL "CONSOLE_RE")
            set(key CONSOLE_REGEX)
        elseif(v STREQUAL "CONSOLE_NOT_RE")
            set(key CONSOLE_NOT_REGEX)
        elseif(v STREQUAL "LOG_RE")
            set(key LOG_REGEX)
        elseif(v STREQUAL "ANNOTATE_RE")
            set(key ANNOTATE_REGEX)
        endif()
        list(APPEND d "-D${key}=${j}")
    endforeach()
    if(DEFINED T_EXIT)
        list(APPEND d -DEXPECT_EXIT=${T_EXIT})
    endif()
    if(DEFINED T_GOLDEN)
        list(APPEND d -DGOLDEN=${PROJECT_SOURCE_DIR}/fixtures/golden/${T_GOLDEN})
    endif()
    if(DEFINED T_LOG)
        list(APPEND d -DLOG=${out}/${T_LOG})
    endif()
    if(DEFINED T_CONSOLE)
        list(APPEND d -DCONSOLE=${out}/${T_CONSOLE})
    endif()
    if(DEFINED T_ANNOTATE)
        list(APPEND d -DANNOTATE=${T_ANNOTATE})
    endif()
    if(DEFINED T_STDIN)
        list(APPEND d -DSTDIN=${T_STDIN})
    endif()
    add_test(NAME replay_${name} COMMAND ${CMAKE_COMMAND} ${d} -P ${PROJECT_SOURCE_DIR}/cmake/run_replay.cmake)
    set_tests_properties(replay_${name} PROPERTIES LABELS "replay;pcap_replay")
endfunction()

