# SPDX-License-Identifier: BSD-2-Clause
# `cmake --install`: nkesim as a package a kext author's own project finds
# with find_package(NkeSim CONFIG REQUIRED) (or pkg-config nkesim).
#
#   bin/nke-replay
#   lib/libnkesim_kern.so*            the shim kext modules and nke-replay use
#   lib/libnkesim_kern_static.a       the same, static, for unit tests
#   lib/libnkesim_testsupport.a       test helpers + the CMocka runner (main)
#   include/nkesim/kernel/...         the kernel header tree (kexts see only
#                                     this and the compiler's own headers)
#   include/nkesim/nke_seam.h         the seam between the two worlds
#   include/nkesim/nkt.h, nkt_kext.h  the test seam and the test helpers
#   lib/cmake/NkeSim/                 NkeSimConfig.cmake, its version file,
#                                     the exported targets, nke_add_kext(),
#                                     nke_add_kext_test(),
#                                     nke_add_replay_test(), their driver
#   lib/pkgconfig/nkesim.pc
#   share/nkesim/captures/            the reference captures (and their
#                                     provenance README)
#   share/doc/nkesim/                 the user documentation
#
# Exported targets: NkeSim::kern, NkeSim::kern_static, NkeSim::testsupport,
# NkeSim::sanitizers, NkeSim::nke-replay; NkeSimConfig.cmake adds
# NkeSim::kernel_env (for the consumer's compiler) and NkeSim::cmocka.
include_guard(GLOBAL)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(NKE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/NkeSim")

# The build tree answers to the package's names too, so a project that adds
# nkesim with add_subdirectory() writes the same CMake as one that finds it.
add_executable(NkeSim::nke-replay ALIAS nke-replay)
if(NOT TARGET NkeSim::kern_static)
    add_library(NkeSim::kern_static ALIAS nkesim_kern_static)
endif()
set_target_properties(nkesim_kern PROPERTIES EXPORT_NAME kern)
set_target_properties(nkesim_kern_static PROPERTIES EXPORT_NAME kern_static)

# A project that embeds nkesim with add_subdirectory() does not install it
# with its own files unless it asks.
option(NKE_INSTALL "Install nkesim (the tool, the shim, headers, CMake package)"
    ${PROJECT_IS_TOP_LEVEL})
if(NOT NKE_INSTALL)
    return()
endif()

set(_nke_targets nkesim_kern nkesim_kern_static nke_sanitizers)
if(TARGET nkesim_testsupport)
    list(APPEND _nke_targets nkesim_testsupport)
endif()
install(TARGETS ${_nke_targets} EXPORT NkeSimTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# pcap_replay/ installs the tool; this rule only puts it in the export set.
install(TARGETS nke-replay EXPORT NkeSimTargets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT NkeSimTargets NAMESPACE NkeSim:: DESTINATION ${NKE_INSTALL_CMAKEDIR})

install(DIRECTORY ${PROJECT_SOURCE_DIR}/kpi_shim/include/
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/nkesim/kernel)
install(FILES ${PROJECT_SOURCE_DIR}/kpi_shim/seam/nke_seam.h
    ${PROJECT_SOURCE_DIR}/testsupport/include/nkt.h
    ${PROJECT_SOURCE_DIR}/testsupport/include/nkt_kext.h
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/nkesim)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/NkeSimConfig.cmake.in
    ${PROJECT_BINARY_DIR}/NkeSimConfig.cmake
    INSTALL_DESTINATION ${NKE_INSTALL_CMAKEDIR}
    PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_DATADIR)
# 0.x: minor versions may break the interface.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/NkeSimConfigVersion.cmake
    VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/NkeSimConfig.cmake
    ${PROJECT_BINARY_DIR}/NkeSimConfigVersion.cmake
    ${PROJECT_SOURCE_DIR}/cmake/NkeSimKext.cmake
    ${PROJECT_SOURCE_DIR}/cmake/NkeSimUserTests.cmake
    ${PROJECT_SOURCE_DIR}/cmake/NkeSimFreestanding.cmake
    ${PROJECT_SOURCE_DIR}/cmake/run_replay.cmake
    DESTINATION ${NKE_INSTALL_CMAKEDIR})

# pkg-config: relocatable (the prefix is found from the .pc file itself).
file(RELATIVE_PATH NKE_PC_UP "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
string(REGEX REPLACE "/$" "" NKE_PC_UP "${NKE_PC_UP}")
_nke_freestanding_options(_nke_pc_fs)
string(REPLACE "SHELL:" "" NKE_PC_FREESTANDING "${_nke_pc_fs}")
string(REPLACE ";" " " NKE_PC_FREESTANDING "${NKE_PC_FREESTANDING}")
set(NKE_PC_SANITIZE "")
if(NKE_SANITIZERS)
    set(NKE_PC_SANITIZE "-fsanitize=${NKE_SANITIZERS}")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/nkesim.pc.in ${PROJECT_BINARY_DIR}/nkesim.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/nkesim.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/fixtures/captures/
    DESTINATION ${CMAKE_INSTALL_DATADIR}/nkesim/captures)
install(FILES ${PROJECT_SOURCE_DIR}/fixtures/README.md
    DESTINATION ${CMAKE_INSTALL_DATADIR}/nkesim/captures)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
    FILES_MATCHING PATTERN "*.md")
