# SPDX-License-Identifier: BSD-2-Clause
# Third-party dependencies as imported targets: nke::pcap (libpcap) and, for
# the tests, nke::cmocka.  pkg-config first, then a plain library search.
include_guard(GLOBAL)
find_package(PkgConfig QUIET)

function(_nke_find_dep target pcname header lib)
    if(TARGET ${target})
        return()
    endif()
    if(PKG_CONFIG_FOUND)
        pkg_check_modules(_NKE_${pcname} QUIET IMPORTED_TARGET GLOBAL ${pcname})
        if(_NKE_${pcname}_FOUND)
            add_library(${target} ALIAS PkgConfig::_NKE_${pcname})
            return()
        endif()
    endif()
    find_path(_NKE_${pcname}_INC ${header})
    find_library(_NKE_${pcname}_LIB NAMES ${lib})
    if(_NKE_${pcname}_INC AND _NKE_${pcname}_LIB)
        add_library(_nke_${pcname} INTERFACE)
        target_include_directories(_nke_${pcname} INTERFACE ${_NKE_${pcname}_INC})
        target_link_libraries(_nke_${pcname} INTERFACE ${_NKE_${pcname}_LIB})
        add_library(${target} ALIAS _nke_${pcname})
    endif()
endfunction()

_nke_find_dep(nke::pcap libpcap pcap.h pcap)
_nke_find_dep(nke::cmocka cmocka cmocka.h cmocka)
