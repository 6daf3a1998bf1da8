# SPDX-License-Identifier: BSD-2-Clause
# _nke_freestanding_options(<var>): the compile options that leave a C
# compiler (the current project's CMAKE_C_COMPILER) no header but its own
# freestanding ones (stdarg.h, stddef.h, stdint.h, stdbool.h): what kernel-
# world code may see besides nkesim's header tree.  Clang has a flag for it;
# GCC needs its builtin include directory back after -nostdinc, a path
# that depends on the compiler, so it is computed here, at configure time,
# by the build tree (NkeSimFlags.cmake) and by the installed package
# (NkeSimConfig.cmake) alike, for whichever compiler configures.
include_guard(GLOBAL)

function(_nke_freestanding_options var)
    if(CMAKE_C_COMPILER_ID MATCHES "Clang")
        set(${var} -nostdlibinc PARENT_SCOPE)
        return()
    endif()
    if(NOT CMAKE_C_COMPILER)
        message(FATAL_ERROR "nkesim: the C language is not enabled (project(... LANGUAGES C))")
    endif()
    execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
        OUTPUT_VARIABLE _inc OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT IS_DIRECTORY "${_inc}")
        message(FATAL_ERROR "nkesim: cannot find the compiler's builtin include "
            "directory (${CMAKE_C_COMPILER} -print-file-name=include)")
    endif()
    set(${var} -nostdinc "SHELL:-isystem ${_inc}" PARENT_SCOPE)
endfunction()
