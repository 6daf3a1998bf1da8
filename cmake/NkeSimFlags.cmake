# SPDX-License-Identifier: BSD-2-Clause
# Flag targets. Flags travel on INTERFACE targets linked PRIVATE, never through
# global CMAKE_C_FLAGS edits, so kernel-world flags cannot leak into host-world
# targets (and vice versa).
#
#   nke::warnings    high warning level for code this project owns (+ -Werror
#                    when NKE_WERROR is ON, as in CI)
#   nke::sanitizers  -fsanitize=... from NKE_SANITIZERS (both worlds);
#                    also NkeSim::sanitizers, as the package exports it
#   nke::kernel_env  the kernel world: freestanding, -DKERNEL, only the
#                    project's Kernel.framework-shaped header tree; also
#                    NkeSim::kernel_env, the name kext projects use
#   nke::host_env    the host world: libc/POSIX
include_guard(GLOBAL)

option(NKE_WERROR "Treat compiler warnings as errors (CI turns this on)" OFF)
set(NKE_SANITIZERS "" CACHE STRING
    "Comma-separated sanitizers for every target, e.g. address,undefined")

add_library(nke_warnings INTERFACE)
add_library(nke::warnings ALIAS nke_warnings)
target_compile_options(nke_warnings INTERFACE
    -Wall -Wextra -Wno-unused-parameter
    -Wshadow -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes
    -Wformat=2 -Wundef -Wwrite-strings -Wimplicit-fallthrough
    -Wcast-align -Wvla -Wold-style-definition)
if(NKE_WERROR)
    target_compile_options(nke_warnings INTERFACE -Werror)
endif()

add_library(nke_sanitizers INTERFACE)
add_library(nke::sanitizers ALIAS nke_sanitizers)
# The package's name for it (exported: a sanitized shim needs the runtime).
add_library(NkeSim::sanitizers ALIAS nke_sanitizers)
set_target_properties(nke_sanitizers PROPERTIES EXPORT_NAME sanitizers)
if(NKE_SANITIZERS)
    target_compile_options(nke_sanitizers INTERFACE
        -fsanitize=${NKE_SANITIZERS} -fno-omit-frame-pointer
        -fno-sanitize-recover=all)
    target_link_options(nke_sanitizers INTERFACE -fsanitize=${NKE_SANITIZERS})
endif()

# Where the compiler keeps its own freestanding headers (stdarg.h, stddef.h,
# stdint.h, stdbool.h): the only headers besides ours a kext may see.
include(NkeSimFreestanding)
_nke_freestanding_options(_nke_freestanding)

set(NKE_KERNEL_INCLUDE_DIR "${PROJECT_SOURCE_DIR}/kpi_shim/include" CACHE INTERNAL "")
set(NKE_SEAM_INCLUDE_DIR "${PROJECT_SOURCE_DIR}/kpi_shim/seam" CACHE INTERNAL "")

# What every kernel-world translation unit gets: freestanding, -DKERNEL, and
# no header but the compiler's own freestanding ones.  -ffreestanding also
# stops the compiler from assuming libc semantics for printf & co.
add_library(nke_kernel_base INTERFACE)
target_compile_features(nke_kernel_base INTERFACE c_std_11)
target_compile_definitions(nke_kernel_base INTERFACE KERNEL=1)
target_compile_options(nke_kernel_base INTERFACE -ffreestanding -fno-common ${_nke_freestanding})

# Kexts: the header tree as a system directory, as Kernel.framework is in an
# Xcode kext build (its warnings are not the kext author's).
add_library(nke_kernel_env INTERFACE)
add_library(nke::kernel_env ALIAS nke_kernel_env)
# The name kext projects use; the installed package defines its own
# NkeSim::kernel_env (for the consumer's compiler, see NkeSimConfig.cmake).
add_library(NkeSim::kernel_env ALIAS nke_kernel_env)
target_link_libraries(nke_kernel_env INTERFACE nke_kernel_base)
target_include_directories(nke_kernel_env SYSTEM INTERFACE ${NKE_KERNEL_INCLUDE_DIR})

# The KPI implementation, its tests and the header checks: the same tree as
# an ordinary directory, so our own headers get our warnings; plus the seam.
add_library(nke_kernel_impl INTERFACE)
add_library(nke::kernel_impl ALIAS nke_kernel_impl)
target_link_libraries(nke_kernel_impl INTERFACE nke_kernel_base)
target_include_directories(nke_kernel_impl INTERFACE ${NKE_KERNEL_INCLUDE_DIR}
    ${NKE_SEAM_INCLUDE_DIR})

add_library(nke_host_env INTERFACE)
add_library(nke::host_env ALIAS nke_host_env)
target_compile_features(nke_host_env INTERFACE c_std_11)
target_compile_definitions(nke_host_env INTERFACE _DEFAULT_SOURCE _DARWIN_C_SOURCE)
