# SPDX-License-Identifier: BSD-2-Clause
# The tests of a kext built with nke_add_kext(), for kext authors' projects
# (installed with the package; nkesim's own examples in filters/ use them).
#
#   nke_add_kext_test(<name>
#       KEXT <kext>                       # required: an nke_add_kext() name
#       SOURCES <file>...                 # required: kernel-world test bodies
#       [DEFINES <def>...] [INCLUDE_DIRECTORIES <dir>...]
#       [LABELS <label>...])
#
#   A CMocka unit test: the SOURCES are compiled like the kext (freestanding,
#   against nkesim's kernel header tree, NkeSim::kernel_env) with
#   <nkt_kext.h> and <nkt.h> in reach, and define their cases with
#   NKT_CASES(); they are linked with <kext>_lib (the kext's objects and its
#   generated `kmod_info`) and NkeSim::testsupport (helpers, the runner that
#   provides main(), the static shim, CMocka).  One executable <name> and
#   one CTest entry <name>, labels "unit" and LABELS.  Every case runs in a
#   fresh simulated kernel and fails on a leak or an unexpected check report.
#   `<name> <substring>` runs only the cases whose name contains it.
#
#   nke_add_replay_test(<name>
#       KEXT <kext>...                    # required: nke_add_kext() names (or
#                                         #   paths of .nke.so modules), loaded
#                                         #   in this order
#       CAPTURE <file>                    # required: pcap or pcapng
#       GOLDEN <file>                     # required: the expected verdict log
#                                         #   (.jsonl: JSON Lines, else text)
#       [CONSOLE_GOLDEN <file>]           # the expected kext console output
#       [FILE_GOLDEN <output> <file>...]  # pairs: an output ARGS names (e.g.
#                                         #   --ctl NAME=tcplog.ctl), expected
#       [ARGS <nke-replay argument>...]   # e.g. --local 10.0.0.1
#       [EXIT <status>]                   # expected exit status (default 0)
#       [LABELS <label>...])
#
#   A CTest entry <name> (labels "replay" and LABELS) that runs
#     nke-replay -r CAPTURE --kext <kext>... --log <log> ARGS
#   in its own scratch directory, ${CMAKE_CURRENT_BINARY_DIR}/nke_replay/<name>
#   (where outputs named in ARGS land), and compares the verdict log (and
#   the console, with CONSOLE_GOLDEN, and each FILE_GOLDEN output) with the
#   golden files: a mismatch fails the test and prints a unified diff.  Running ctest with the
#   environment variable NKE_UPDATE_GOLDEN=1 writes the golden files
#   instead (creating them the first time): review the change, commit it.
#   Relative CAPTURE and GOLDEN paths are relative to the calling
#   CMakeLists.txt.  docs/log-format.md specifies the log.
include_guard(GLOBAL)

# Where the shared driver (run_replay.cmake) is: beside this file in the
# package, in cmake/ of the source tree.
set_property(GLOBAL PROPERTY NKE_USER_TESTS_DIR "${CMAKE_CURRENT_LIST_DIR}")

function(nke_add_kext_test name)
    cmake_parse_arguments(PARSE_ARGV 1 T "" "KEXT" "SOURCES;DEFINES;INCLUDE_DIRECTORIES;LABELS")
    set(_me "nke_add_kext_test(${name})")
    if(T_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "${_me}: unknown arguments: ${T_UNPARSED_ARGUMENTS} "
            "(known: KEXT SOURCES DEFINES INCLUDE_DIRECTORIES LABELS)")
    endif()
    if(T_KEYWORDS_MISSING_VALUES)
        message(FATAL_ERROR "${_me}: no value given for ${T_KEYWORDS_MISSING_VALUES}")
    endif()
    if(NOT T_KEXT OR NOT T_SOURCES)
        message(FATAL_ERROR "${_me}: KEXT and SOURCES are required")
    endif()
    if(NOT TARGET ${T_KEXT}_lib)
        message(FATAL_ERROR "${_me}: ${T_KEXT} is not a kext of this project "
            "(no target ${T_KEXT}_lib: call nke_add_kext(${T_KEXT} ...) first)")
    endif()
    if(NOT TARGET NkeSim::testsupport)
        message(FATAL_ERROR "${_me}: NkeSim::testsupport does not exist: nkesim's "
            "test-support library needs CMocka (Debian: libcmocka-dev, Homebrew: cmocka)")
    endif()

    add_library(${name}_body OBJECT ${T_SOURCES})
    # NkeSim::testsupport gives the object library its include directories
    # (and nkesim's sanitizer flags); nothing is linked into an object library.
    target_link_libraries(${name}_body PRIVATE NkeSim::kernel_env NkeSim::testsupport)
    if(T_DEFINES)
        target_compile_definitions(${name}_body PRIVATE ${T_DEFINES})
    endif()
    if(T_INCLUDE_DIRECTORIES)
        target_include_directories(${name}_body PRIVATE ${T_INCLUDE_DIRECTORIES})
    endif()
    add_executable(${name} $<TARGET_OBJECTS:${name}_body>)
    # The kext before the library: its references to the KPI resolve in the
    # static shim that NkeSim::testsupport brings after itself.
    target_link_libraries(${name} PRIVATE ${T_KEXT}_lib NkeSim::testsupport)
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS "unit;${T_LABELS}")
endfunction()

function(nke_add_replay_test name)
    cmake_parse_arguments(PARSE_ARGV 1 T "" "CAPTURE;GOLDEN;CONSOLE_GOLDEN;EXIT"
        "KEXT;ARGS;LABELS;FILE_GOLDEN")
    set(_me "nke_add_replay_test(${name})")
    if(T_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "${_me}: unknown arguments: ${T_UNPARSED_ARGUMENTS} "
            "(known: KEXT CAPTURE GOLDEN CONSOLE_GOLDEN FILE_GOLDEN ARGS EXIT LABELS)")
    endif()
    list(LENGTH T_FILE_GOLDEN _n)
    math(EXPR _odd "${_n} % 2")
    if(_odd)
        message(FATAL_ERROR "${_me}: FILE_GOLDEN takes pairs: <output> <golden file>")
    endif()
    if(T_KEYWORDS_MISSING_VALUES)
        message(FATAL_ERROR "${_me}: no value given for ${T_KEYWORDS_MISSING_VALUES}")
    endif()
    if(NOT T_KEXT OR NOT T_CAPTURE OR NOT T_GOLDEN)
        message(FATAL_ERROR "${_me}: KEXT, CAPTURE and GOLDEN are required")
    endif()
    if(NOT TARGET NkeSim::nke-replay)
        message(FATAL_ERROR "${_me}: target NkeSim::nke-replay does not exist; include "
            "nkesim (add_subdirectory or find_package(NkeSim)) first")
    endif()
    get_property(_dir GLOBAL PROPERTY NKE_USER_TESTS_DIR)
    set(_driver "${_dir}/run_replay.cmake")

    get_filename_component(_cap "${T_CAPTURE}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT EXISTS "${_cap}")
        message(FATAL_ERROR "${_me}: CAPTURE ${_cap} does not exist")
    endif()
    get_filename_component(_golden "${T_GOLDEN}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    set(_out "${CMAKE_CURRENT_BINARY_DIR}/nke_replay/${name}")
    if(_golden MATCHES "\\.jsonl$")
        set(_log "${_out}/verdicts.jsonl")
        set(_fmt --log-format jsonl)
    else()
        set(_log "${_out}/verdicts.log")
        set(_fmt "")
    endif()

    set(_args -r "${_cap}")
    foreach(_k IN LISTS T_KEXT)
        if(TARGET ${_k})
            list(APPEND _args --kext "$<TARGET_FILE:${_k}>")
        else()
            get_filename_component(_kp "${_k}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
            if(NOT _kp MATCHES "\\.so$")
                message(FATAL_ERROR "${_me}: KEXT ${_k} is neither a target nor a .so module")
            endif()
            list(APPEND _args --kext "${_kp}")
        endif()
    endforeach()
    list(APPEND _args --log "${_log}" ${_fmt})
    set(_d "")
    if(DEFINED T_CONSOLE_GOLDEN)
        get_filename_component(_cg "${T_CONSOLE_GOLDEN}" ABSOLUTE
            BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
        list(APPEND _args --console "${_out}/console.txt")
        list(APPEND _d "-DCONSOLE=${_out}/console.txt" "-DCONSOLE_GOLDEN=${_cg}")
    endif()
    set(_fg "")
    while(T_FILE_GOLDEN)
        list(POP_FRONT T_FILE_GOLDEN _o _g)
        get_filename_component(_g "${_g}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
        list(APPEND _fg "${_out}/${_o}" "${_g}")
    endwhile()
    if(_fg)
        list(JOIN _fg "|" _fg)
        list(APPEND _d "-DFILE_GOLDENS=${_fg}")
    endif()
    list(APPEND _args ${T_ARGS})
    # The driver takes lists with "|" between items (a CTest command line
    # cannot carry ";"); a literal "|" in an argument is written <OR>.
    set(_joined "")
    foreach(_a IN LISTS _args)
        string(REPLACE "|" "<OR>" _a "${_a}")
        list(APPEND _joined "${_a}")
    endforeach()
    list(JOIN _joined "|" _joined)
    if(NOT DEFINED T_EXIT)
        set(T_EXIT 0)
    endif()
    add_test(NAME ${name} COMMAND ${CMAKE_COMMAND}
        "-DNKE_REPLAY=$<TARGET_FILE:NkeSim::nke-replay>" "-DOUT_DIR=${_out}"
        "-DARGS=${_joined}" "-DEXPECT_EXIT=${T_EXIT}" "-DLOG=${_log}" "-DGOLDEN=${_golden}"
        ${_d} -P "${_driver}")
    set_tests_properties(${name} PROPERTIES LABELS "replay;${T_LABELS}")
endfunction()
