# FindLBFGSpp: the header-only L-BFGS(-B) library LBFGSpp (https://github.com/yixuan/LBFGSpp),
# needed by <lrs/analysis/scaling_law.hpp>. Installed with lrs; lrsConfig.cmake uses it.
#
# Uses LBFGSpp's own package config when there is one (upstream's install exports the target
# `lbfgspp`); otherwise looks for its header LBFGSB.h (Debian/Ubuntu's liblbfgspp-dev ships no CMake
# files, only /usr/include/LBFGSB.h and /usr/include/LBFGSpp/). To use a copy elsewhere, set
# LBFGSpp_INCLUDE_DIR or add its prefix to CMAKE_PREFIX_PATH.
#
# Result: LBFGSpp_FOUND and the INTERFACE target LBFGSpp::LBFGSpp (plus LBFGSpp_INCLUDE_DIR when
# found by its header).
include(FindPackageHandleStandardArgs)

if(NOT LBFGSpp_INCLUDE_DIR)
  find_package(lbfgspp CONFIG QUIET)
endif()
if(TARGET lbfgspp)
  find_package_handle_standard_args(LBFGSpp REQUIRED_VARS lbfgspp_DIR)
  if(NOT TARGET LBFGSpp::LBFGSpp)
    add_library(LBFGSpp::LBFGSpp INTERFACE IMPORTED)
    set_target_properties(LBFGSpp::LBFGSpp PROPERTIES INTERFACE_LINK_LIBRARIES lbfgspp)
  endif()
  return()
endif()

find_path(LBFGSpp_INCLUDE_DIR NAMES LBFGSB.h DOC "Directory holding LBFGSpp's LBFGSB.h")
mark_as_advanced(LBFGSpp_INCLUDE_DIR)
find_package_handle_standard_args(LBFGSpp REQUIRED_VARS LBFGSpp_INCLUDE_DIR)

if(LBFGSpp_FOUND AND NOT TARGET LBFGSpp::LBFGSpp)
  add_library(LBFGSpp::LBFGSpp INTERFACE IMPORTED)
  set_target_properties(LBFGSpp::LBFGSpp PROPERTIES INTERFACE_INCLUDE_DIRECTORIES
                                                    "${LBFGSpp_INCLUDE_DIR}")
endif()
