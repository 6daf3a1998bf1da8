# SPDX-License-Identifier: BSD-2-Clause
# nke_add_kext(): build a kext's unchanged sources in nkesim's kernel world,
# the way an Xcode kext target would, as a module nke-replay can load.
#
#   nke_add_kext(<name>
#       SOURCES <file>...                 # required
#       [BUNDLE_ID <id>]                  # MODULE_NAME;    default com.example.<name>
#       [VERSION <v>]                     # MODULE_VERSION; default 1.0.0d1
#       [START <function>|NONE]           # MODULE_START;   default <name>_start
#       [STOP <function>|NONE]            # MODULE_STOP;    default <name>_stop
#       [DEFINES <def>...]                # extra -D for the kext's sources
#       [INCLUDE_DIRECTORIES <dir>...]    # extra -I for the kext's sources
#       [OUTPUT_DIRECTORY <dir>])         # default ${NKE_KEXT_OUTPUT_DIRECTORY},
#                                         # else ${CMAKE_BINARY_DIR}/kexts
#
# The defaults are what Xcode's kext template writes into a new project
# (<name> made a C identifier for START/STOP, an RFC 1034 label for the
# bundle identifier).  Give the real values of the project being ported: they
# are in its project.pbxproj (MODULE_NAME, MODULE_VERSION, MODULE_START,
# MODULE_STOP).  NONE stands for an empty MODULE_START/MODULE_STOP: the
# routine then succeeds without doing anything, as Xcode's libkmod does.
#
# What it makes:
#   <name>          MODULE library <OUTPUT_DIRECTORY>/<name>.nke.so: the
#                   kext's objects plus the generated kmod_info, linked against
#                   the shared shim (NkeSim::kern).  Only `kmod_info` is
#                   exported and references inside the module bind to the
#                   module itself, so two kexts that define the same global
#                   names can be loaded into one nke-replay (as in a kernel,
#                   where each kext is linked separately).  Undefined symbols
#                   (a KPI nkesim does not have) are allowed at link time and
#                   fail when nke-replay loads the module, as kextload would.
#   <name>_lib      STATIC library of the same objects (kmod_info included),
#                   for unit tests that call the kext's functions directly.
#                   It links nothing by itself: link it together with a shim
#                   (NkeSim::kern, or the static one of the build tree).  Its
#                   global names are not hidden at static link time.
#   <name>_objects  the OBJECT library both are made of (add compile options
#                   to it, e.g. warnings, if wanted).
#   <name>_info.c   generated into ${CMAKE_CURRENT_BINARY_DIR}/<name>_nke/:
#                   the kmod_info Xcode would generate,
#                   KMOD_EXPLICIT_DECL(MODULE_NAME, "MODULE_VERSION",
#                   MODULE_START, MODULE_STOP).
# Target properties on <name>: NKE_BUNDLE_ID, NKE_VERSION, NKE_START, NKE_STOP.
#
# The sources are compiled freestanding against the kernel header tree
# (NkeSim::kernel_env: -DKERNEL, -ffreestanding, no host headers), position-
# independent, with hidden visibility, and with nkesim's sanitizers
# (NkeSim::sanitizers) when that target exists.  NDEBUG, which CMake's
# release build types define, is undefined unless DEFINES names it: Xcode
# kext builds define only what the project sets.  The function assumes
# nothing about where it is called from: it needs the targets
# NkeSim::kernel_env and NkeSim::kern, which both the nkesim build tree and
# its package provide.
#
# The tests of a kext (nke_add_kext_test, nke_add_replay_test) are in
# NkeSimUserTests.cmake, included at the end of this file.
include_guard(GLOBAL)

function(nke_add_kext name)
    set(_one BUNDLE_ID VERSION START STOP OUTPUT_DIRECTORY)
    set(_multi SOURCES DEFINES INCLUDE_DIRECTORIES)
    cmake_parse_arguments(PARSE_ARGV 1 K "" "${_one}" "${_multi}")
    set(_me "nke_add_kext(${name})")
    if(K_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "${_me}: unknown arguments: ${K_UNPARSED_ARGUMENTS} "
            "(known: SOURCES BUNDLE_ID VERSION START STOP DEFINES INCLUDE_DIRECTORIES "
            "OUTPUT_DIRECTORY)")
    endif()
    if(K_KEYWORDS_MISSING_VALUES)
        message(FATAL_ERROR "${_me}: no value given for ${K_KEYWORDS_MISSING_VALUES}")
    endif()
    if(NOT K_SOURCES)
        message(FATAL_ERROR "${_me}: SOURCES is required (the kext's .c files)")
    endif()
    # A misspelt keyword after SOURCES would be taken for a file name.
    foreach(_s IN LISTS K_SOURCES)
        if(_s MATCHES "^[A-Z][A-Z_]*$" AND NOT EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/${_s}")
            message(FATAL_ERROR "${_me}: unknown arguments: ${_s} (not a keyword, and no "
                "such source file)")
        endif()
    endforeach()
    if(NOT name MATCHES "^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")
        message(FATAL_ERROR "${_me}: the name must be usable as a target and file name")
    endif()

    # Xcode's defaults: ${PRODUCT_NAME:rfc1034identifier} and
    # ${PRODUCT_NAME:c99extidentifier}_start.
    string(MAKE_C_IDENTIFIER "${name}" _cname)
    string(REGEX REPLACE "[^A-Za-z0-9.-]" "-" _label "${name}")
    if(NOT DEFINED K_BUNDLE_ID)
        set(K_BUNDLE_ID "com.example.${_label}")
    endif()
    if(NOT DEFINED K_VERSION)
        set(K_VERSION "1.0.0d1")
    endif()
    if(NOT DEFINED K_START)
        set(K_START "${_cname}_start")
    endif()
    if(NOT DEFINED K_STOP)
        set(K_STOP "${_cname}_stop")
    endif()

    # The bundle identifier is spelled as C tokens (KMOD_EXPLICIT_DECL
    # stringizes it) and must fit kmod_info_t.name with its NUL.
    string(LENGTH "${K_BUNDLE_ID}" _len)
    if(NOT K_BUNDLE_ID MATCHES "^[A-Za-z0-9._-]+$" OR _len GREATER 63)
        message(FATAL_ERROR "${_me}: BUNDLE_ID '${K_BUNDLE_ID}' must be 1 to 63 of "
            "A-Z a-z 0-9 . - _ (a CFBundleIdentifier)")
    endif()
    # The kext version format OSKext accepts: 1 to 3 numbers, then an
    # optional stage (d, a, b, fc) and its number, e.g. 1.0.0d1.
    string(LENGTH "${K_VERSION}" _len)
    if(NOT K_VERSION MATCHES "^[0-9]+(\\.[0-9]+)?(\\.[0-9]+)?(([dab]|fc)[0-9]+)?$"
            OR _len GREATER 63)
        message(FATAL_ERROR "${_me}: VERSION '${K_VERSION}' is not a kext version "
            "(like 1.0.0d1 or 2.1)")
    endif()
    foreach(_r IN ITEMS START STOP)
        if(NOT K_${_r} STREQUAL "NONE" AND NOT K_${_r} MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
            message(FATAL_ERROR "${_me}: ${_r} '${K_${_r}}' is not a C function name")
        endif()
    endforeach()

    foreach(_t IN ITEMS NkeSim::kernel_env NkeSim::kern)
        if(NOT TARGET ${_t})
            message(FATAL_ERROR "${_me}: target ${_t} does not exist; include nkesim "
                "(add_subdirectory or find_package(NkeSim)) before calling nke_add_kext")
        endif()
    endforeach()

    if(NOT DEFINED K_OUTPUT_DIRECTORY)
        if(DEFINED NKE_KEXT_OUTPUT_DIRECTORY)
            set(K_OUTPUT_DIRECTORY "${NKE_KEXT_OUTPUT_DIRECTORY}")
        else()
            set(K_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/kexts")
        endif()
    endif()

    # --- The kmod_info Xcode would generate --------------------------------
    set(_gendir "${CMAKE_CURRENT_BINARY_DIR}/${name}_nke")
    set(_decls "")
    set(_stubs "")
    foreach(_r IN ITEMS START STOP)
        string(TOLOWER "${_r}" _lr)
        if(K_${_r} STREQUAL "NONE")
            # libkmod's _start/_stop succeed when there is no routine.
            set(_fn "nke_kmod_no_${_lr}")
            string(APPEND _stubs
                "static kern_return_t\n${_fn}(kmod_info_t *ki, void *data)\n{\n"
                "\t(void)ki;\n\t(void)data;\n\treturn KERN_SUCCESS;\n}\n\n")
        else()
            set(_fn "${K_${_r}}")
            string(APPEND _decls "extern kern_return_t ${_fn}(kmod_info_t *ki, void *data);\n")
        endif()
        set(_fn_${_r} "${_fn}")
    endforeach()
    set(_info "${_gendir}/${name}_info.c")
    file(CONFIGURE OUTPUT "${_info}" @ONLY CONTENT
"/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ${name}_info.c - generated by nke_add_kext() (kernel world): the kmod_info
 * an Xcode build generates from MODULE_NAME, MODULE_VERSION, MODULE_START and
 * MODULE_STOP.  Do not edit; change the nke_add_kext() call instead.
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>

${_decls}
${_stubs}__attribute__((visibility(\"default\")))
KMOD_EXPLICIT_DECL(${K_BUNDLE_ID}, \"${K_VERSION}\", ${_fn_START}, ${_fn_STOP})
")

    # --- Objects, module, static library -----------------------------------
    add_library(${name}_objects OBJECT ${K_SOURCES} "${_info}")
    target_link_libraries(${name}_objects PRIVATE NkeSim::kernel_env)
    if(TARGET NkeSim::sanitizers)
        target_link_libraries(${name}_objects PRIVATE NkeSim::sanitizers)
    endif()
    # The kext sees the defines its Xcode project sets, and no others: CMake's
    # Release/RelWithDebInfo flags carry -DNDEBUG, which Xcode's kext builds
    # never define (and which changes what assert() and a kext's own
    # "#if defined(NDEBUG)" code do).  Keep it only when the kext asks.
    set(_ndebug_asked FALSE)
    foreach(_d IN LISTS K_DEFINES)
        if(_d MATCHES "^NDEBUG(=.*)?$")
            set(_ndebug_asked TRUE)
        endif()
    endforeach()
    if(NOT _ndebug_asked)
        target_compile_options(${name}_objects PRIVATE -UNDEBUG)
    endif()
    if(K_DEFINES)
        target_compile_definitions(${name}_objects PRIVATE ${K_DEFINES})
    endif()
    if(K_INCLUDE_DIRECTORIES)
        target_include_directories(${name}_objects PRIVATE ${K_INCLUDE_DIRECTORIES})
    endif()
    set_target_properties(${name}_objects PROPERTIES
        POSITION_INDEPENDENT_CODE ON
        C_VISIBILITY_PRESET hidden)

    add_library(${name} MODULE $<TARGET_OBJECTS:${name}_objects>)
    target_link_libraries(${name} PRIVATE NkeSim::kern)
    if(TARGET NkeSim::sanitizers)
        target_link_libraries(${name} PRIVATE NkeSim::sanitizers)
    endif()
    if(APPLE)
        # Two-level namespace is the default; KPIs not in the shim resolve
        # (or fail) when the module is loaded.
        target_link_options(${name} PRIVATE "LINKER:-exported_symbol,_kmod_info"
            "LINKER:-undefined,dynamic_lookup")
    else()
        set(_map "${_gendir}/${name}.map")
        file(CONFIGURE OUTPUT "${_map}" CONTENT "{\n\tglobal: kmod_info;\n\tlocal: *;\n};\n")
        target_link_options(${name} PRIVATE "LINKER:--version-script=${_map}"
            "LINKER:-Bsymbolic")
        set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS "${_map}")
    endif()
    # $<1:...> keeps multi-config generators from adding a per-config subdir.
    set_target_properties(${name} PROPERTIES
        PREFIX ""
        SUFFIX ".nke.so"
        LIBRARY_OUTPUT_DIRECTORY "$<1:${K_OUTPUT_DIRECTORY}>"
        NKE_BUNDLE_ID "${K_BUNDLE_ID}"
        NKE_VERSION "${K_VERSION}"
        NKE_START "${K_START}"
        NKE_STOP "${K_STOP}")

    add_library(${name}_lib STATIC $<TARGET_OBJECTS:${name}_objects>)
    set_target_properties(${name}_lib PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

include(${CMAKE_CURRENT_LIST_DIR}/NkeSimUserTests.cmake)
