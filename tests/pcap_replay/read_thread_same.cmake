# SPDX-License-Identifier: BSD-2-Clause
# replay_read_thread_same (cmake -P): every capture replayed with
# --read-thread on and off gives byte-identical outputs (-w, --annotate,
# --log, the summary and messages on stderr) and the same exit status; on
# stdin too (where auto means off).
#   NKE_REPLAY  nke-replay     KEXT  the pass-through kext
#   CAPS        "|"-separated captures     OUT_DIR  scratch directory
cmake_minimum_required(VERSION 3.20)
string(REPLACE "|" ";" CAPS "${CAPS}")
file(REMOVE_RECURSE "${OUT_DIR}")
set(_failed 0)
set(_n 0)
foreach(cap IN LISTS CAPS)
    get_filename_component(base ${cap} NAME)
    foreach(how file stdin)
        set(in -r ${cap})
        set(feed "")
        if(how STREQUAL "stdin")
            set(in -r -)
            set(feed INPUT_FILE ${cap})
        endif()
        foreach(mode on off)
            set(d ${OUT_DIR}/${how}-${mode})
            file(REMOVE_RECURSE ${d})
            file(MAKE_DIRECTORY ${d})
            execute_process(COMMAND ${NKE_REPLAY} ${in} --read-thread ${mode} --kext ${KEXT}
                -w out.pcap --annotate a.pcapng --log v.log
                WORKING_DIRECTORY ${d} ${feed}
                RESULT_VARIABLE rc ERROR_FILE ${d}/stderr OUTPUT_FILE ${d}/stdout)
            file(WRITE ${d}/status "${rc}\n")
        endforeach()
        foreach(f status stdout stderr out.pcap a.pcapng v.log)
            set(x ${OUT_DIR}/${how}-on/${f})
            set(y ${OUT_DIR}/${how}-off/${f})
            if(EXISTS ${x} OR EXISTS ${y})
                execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${x} ${y}
                    RESULT_VARIABLE same)
                if(NOT same EQUAL 0)
                    message(SEND_ERROR "${base} (${how}): ${f} differs with --read-thread on and off")
                    set(_failed 1)
                endif()
            endif()
        endforeach()
        math(EXPR _n "${_n} + 1")
    endforeach()
endforeach()
if(_failed)
    message(FATAL_ERROR "outputs differ")
endif()
message(STATUS "${_n} replays the same with --read-thread on and off")
