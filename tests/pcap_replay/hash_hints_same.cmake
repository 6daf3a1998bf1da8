# SPDX-License-Identifier: BSD-2-Clause
# replay_hash_hints_same (cmake -P): the reading thread's hashes change
# nothing.  It works them out (for the kernel's verdict hashes) only for
# records after the look-ahead window, so the capture is generated: the
# benchmark's traffic, 39608 records.  Replayed with the verdict log, a
# kext that changes packets (at ipf_input, after the other) and one that passes
# them at every hook, socket filters included, --read-thread on and off
# give byte-identical logs, written captures, stderr and exit status.
#   GEN  gen_capture    NKE_REPLAY  nke-replay
#   KEXTS  "|"-separated kexts    OUT_DIR  scratch directory
cmake_minimum_required(VERSION 3.20)
string(REPLACE "|" ";" KEXTS "${KEXTS}")
file(REMOVE_RECURSE "${OUT_DIR}")
file(MAKE_DIRECTORY "${OUT_DIR}")
set(cap ${OUT_DIR}/traffic.pcap)
execute_process(COMMAND ${GEN} traffic ${cap} --packets 14000 RESULT_VARIABLE rc
    OUTPUT_QUIET)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gen_capture failed: ${rc}")
endif()
set(kargs "")
foreach(k IN LISTS KEXTS)
    list(APPEND kargs --kext ${k})
endforeach()
foreach(mode on off)
    set(d ${OUT_DIR}/${mode})
    file(MAKE_DIRECTORY ${d})
    execute_process(COMMAND ${NKE_REPLAY} -r ${cap} --read-thread ${mode} ${kargs}
        --local 192.168.1.10 --local 2001:db8:1::10 -w out.pcap --log v.log
        WORKING_DIRECTORY ${d} RESULT_VARIABLE rc ERROR_FILE ${d}/stderr OUTPUT_FILE ${d}/stdout)
    file(WRITE ${d}/status "${rc}\n")
endforeach()
set(_failed 0)
foreach(f status stdout stderr out.pcap v.log)
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT_DIR}/on/${f}
        ${OUT_DIR}/off/${f} RESULT_VARIABLE same)
    if(NOT same EQUAL 0)
        message(SEND_ERROR "${f} differs with --read-thread on and off")
        set(_failed 1)
    endif()
endforeach()
# The run did what the test is for: filters at every hook, changed packets.
file(READ ${OUT_DIR}/on/stderr err)
file(READ ${OUT_DIR}/on/status st)
foreach(want "sf_data_in: pass [1-9]" "ipf_input: pass [1-9][0-9]*, drop 0, kept 0, modified [1-9]")
    if(NOT err MATCHES "${want}")
        message(SEND_ERROR "the summary lacks \"${want}\"")
        set(_failed 1)
    endif()
endforeach()
if(NOT st STREQUAL "0\n")
    message(SEND_ERROR "exit status ${st}")
    set(_failed 1)
endif()
if(_failed)
    message(FATAL_ERROR "outputs differ or the run did not exercise them")
endif()
message(STATUS "the same with --read-thread on and off")
