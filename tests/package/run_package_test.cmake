# SPDX-License-Identifier: BSD-2-Clause
# Driver of the package test (cmake -P): install, then use the installation
# from a project of its own, with CMake and with pkg-config.
#   NKE_BUILD_DIR  the nkesim build to install
#   CONSUMER_DIR   the consumer project's sources
#   WORK_DIR       scratch directory (emptied first)
#   GENERATOR, C_COMPILER, BUILD_TYPE  what the nkesim build used
cmake_minimum_required(VERSION 3.20)

set(prefix "${WORK_DIR}/prefix")
set(build "${WORK_DIR}/consumer-build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(step what)
    message(STATUS "== ${what}: ${ARGN}")
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    message(STATUS "${out}${err}")
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "${what} failed (status ${rc})")
    endif()
endfunction()

step("install" ${CMAKE_COMMAND} --install "${NKE_BUILD_DIR}" --prefix "${prefix}")
foreach(f bin/nke-replay include/nkesim/kernel/sys/kpi_mbuf.h include/nkesim/nkt_kext.h
        lib/cmake/NkeSim/NkeSimConfig.cmake lib/cmake/NkeSim/NkeSimConfigVersion.cmake
        lib/cmake/NkeSim/run_replay.cmake)
    if(NOT EXISTS "${prefix}/${f}")
        message(FATAL_ERROR "the installation lacks ${f}")
    endif()
endforeach()

# --- With CMake: find_package(NkeSim) ------------------------------------
step("configure the consumer" ${CMAKE_COMMAND} -S "${CONSUMER_DIR}" -B "${build}"
    -G "${GENERATOR}" "-DCMAKE_C_COMPILER=${C_COMPILER}" "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}"
    "-DCMAKE_PREFIX_PATH=${prefix}")
step("build the consumer" ${CMAKE_COMMAND} --build "${build}")
step("test the consumer" ${CMAKE_CTEST_COMMAND} --test-dir "${build}" --output-on-failure
    --no-tests=error)

# --- Without CMake: pkg-config nkesim -------------------------------------
find_program(PKG_CONFIG pkg-config)
if(NOT PKG_CONFIG)
    message(STATUS "no pkg-config: the build without CMake is not tested")
    return()
endif()
set(ENV{PKG_CONFIG_PATH} "${prefix}/lib/pkgconfig")
execute_process(COMMAND ${PKG_CONFIG} --cflags nkesim OUTPUT_VARIABLE cflags
    OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
execute_process(COMMAND ${PKG_CONFIG} --libs nkesim OUTPUT_VARIABLE libs
    OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pkg-config does not know nkesim")
endif()
separate_arguments(cflags UNIX_COMMAND "${cflags}")
separate_arguments(libs UNIX_COMMAND "${libs}")
set(pc "${WORK_DIR}/pkgconfig-build")
file(MAKE_DIRECTORY "${pc}")
foreach(src tinykext tinykext_info)
    step("compile ${src}.c (pkg-config)" ${C_COMPILER} ${cflags} -fPIC -fvisibility=hidden
        -c "${CONSUMER_DIR}/${src}.c" -o "${pc}/${src}.o")
endforeach()
step("link tinykext.nke.so (pkg-config)" ${C_COMPILER} -shared -o "${pc}/tinykext.nke.so"
    "${pc}/tinykext.o" "${pc}/tinykext_info.o" ${libs} "-Wl,-rpath,${prefix}/lib")
step("replay through it" "${prefix}/bin/nke-replay"
    -r "${prefix}/share/nkesim/captures/19_mixed-v4v6-tcp-udp.pcap"
    --kext "${pc}/tinykext.nke.so" --console "${pc}/console.txt" -q)
file(READ "${pc}/console.txt" con)
if(NOT con MATCHES "tinykext: saw [0-9]+, dropped 5")
    message(FATAL_ERROR "unexpected console output: ${con}")
endif()
