# Checks who may include whom in include/lrs (docs/architecture.md, "Layers"):
#
#   core        -> (nothing but config.hpp, version.hpp)
#   schedules   -> core
#   controllers -> core, schedules, analysis
#   optim       -> core
#   analysis    -> core, schedules
#   io          -> core, schedules, controllers, optim, analysis
#   adapters    -> anything
#
# A layer may always include its own headers, config.hpp and version.hpp. Core and schedule headers
# (and config.hpp, version.hpp, lrs.hpp and the standard-library controllers: reduce_lr_on_plateau.hpp,
# plateau_scaled.hpp) include the standard library only; <lrs/lrs.hpp> holds core, schedules and
# those two controllers only, and they include core, schedules and each other only; every <lrs/...>
# include names an existing header. Each violation is printed as "file:line: #include <x>: rule"; the script fails if any.
#
# Usage: cmake [-DROOT=<an include/lrs tree>] -P scripts/check-include-graph.cmake
# ROOT defaults to include/lrs beside this script.
cmake_minimum_required(VERSION 3.21)

if(NOT DEFINED ROOT)
  get_filename_component(ROOT "${CMAKE_CURRENT_LIST_DIR}/../include/lrs" ABSOLUTE)
endif()
if(NOT IS_DIRECTORY "${ROOT}")
  message(FATAL_ERROR "check-include-graph: ROOT=${ROOT} is not a directory")
endif()

set(layers core schedules controllers optim analysis io adapters)
# The controllers of <lrs/lrs.hpp>: standard library, core and schedules only.
set(std_controllers controllers/reduce_lr_on_plateau.hpp controllers/plateau_scaled.hpp)
set(may_include_core "")
set(may_include_schedules core)
set(may_include_controllers core schedules analysis)
set(may_include_optim core)
set(may_include_analysis core schedules)
set(may_include_io core schedules controllers optim analysis)
set(may_include_adapters ${layers})

# Known exceptions, each "<from> -> <to>" relative to ROOT. Keep this list empty: an entry is a
# layering bug with an owner and a date, not a rule.
set(allowed_edges)
if(DEFINED ALLOWED_EDGES)  # -DALLOWED_EDGES=... replaces the list (the script's own test uses it)
  set(allowed_edges ${ALLOWED_EDGES})
endif()

set(used_edges "")
set(violations "")

# Layer of a path relative to ROOT: its first folder, or "root" for config.hpp, version.hpp and the
# umbrellas directly in lrs/.
function(layer_of rel out)
  string(REGEX MATCH "^[^/]+/" first "${rel}")
  if(first STREQUAL "")
    set(${out} root PARENT_SCOPE)
  else()
    string(REGEX REPLACE "/$" "" first "${first}")
    set(${out} ${first} PARENT_SCOPE)
  endif()
endfunction()

file(GLOB_RECURSE headers RELATIVE "${ROOT}" "${ROOT}/*.hpp" "${ROOT}/*.h")
list(SORT headers)
foreach(rel IN LISTS headers)
  layer_of("${rel}" from)
  set(std_only FALSE)
  if(from STREQUAL "core" OR from STREQUAL "schedules" OR rel STREQUAL "config.hpp"
     OR rel STREQUAL "version.hpp" OR rel STREQUAL "lrs.hpp")
    set(std_only TRUE)
  endif()
  list(FIND std_controllers "${rel}" std_controller)
  if(NOT std_controller EQUAL -1)
    set(std_only TRUE)
  endif()
  if(NOT from STREQUAL "root")
    list(FIND layers "${from}" known)
    if(known EQUAL -1)
      string(APPEND violations
             "include/lrs/${rel}: folder '${from}' is not a layer (one of: ${layers})\n")
      continue()
    endif()
  endif()

  file(STRINGS "${ROOT}/${rel}" lines)
  set(lineno 0)
  foreach(line IN LISTS lines)
    math(EXPR lineno "${lineno} + 1")
    if(NOT line MATCHES "^[ \t]*#[ \t]*include[ \t]*([<\"])([^>\"]+)[>\"]")
      continue()
    endif()
    set(delim "${CMAKE_MATCH_1}")
    set(inc "${CMAKE_MATCH_2}")
    set(where "include/lrs/${rel}:${lineno}: #include ${delim}${inc}")
    if(delim STREQUAL "<")
      set(where "${where}>")
    else()
      set(where "${where}\"")
    endif()

    # Resolve to a path relative to ROOT, or classify as a third-party / standard header.
    set(target "")
    if(inc MATCHES "^lrs/(.*)$")
      set(target "${CMAKE_MATCH_1}")
    elseif(delim STREQUAL "\"")
      get_filename_component(dir "${ROOT}/${rel}" DIRECTORY)
      get_filename_component(abs "${dir}/${inc}" ABSOLUTE)
      file(RELATIVE_PATH target "${ROOT}" "${abs}")
      if(target MATCHES "^\\.\\./")
        string(APPEND violations "${where}: quoted include outside include/lrs\n")
        continue()
      endif()
    endif()

    if(target STREQUAL "")
      # Not an lrs header: the standard library has names without '/' or '.'.
      if(std_only AND NOT inc MATCHES "^[a-z_0-9]+$")
        string(APPEND violations
               "${where}: ${from} headers (and config.hpp, version.hpp, lrs.hpp and its "
               "controllers) include the standard library only\n")
      endif()
      continue()
    endif()

    if(NOT EXISTS "${ROOT}/${target}")
      string(APPEND violations "${where}: no such header include/lrs/${target}\n")
      continue()
    endif()

    layer_of("${target}" to)
    if(to STREQUAL "root")
      if(NOT (target STREQUAL "config.hpp" OR target STREQUAL "version.hpp")
         AND NOT from STREQUAL "root" AND NOT from STREQUAL "adapters")
        string(APPEND violations
               "${where}: layer headers never include an umbrella; include the header itself\n")
      endif()
      continue()
    endif()

    list(FIND std_controllers "${target}" to_std_controller)
    if(rel STREQUAL "lrs.hpp")
      if(NOT (to STREQUAL "core" OR to STREQUAL "schedules" OR NOT to_std_controller EQUAL -1))
        string(APPEND violations
               "${where}: <lrs/lrs.hpp> holds core, schedules and "
               "controllers/reduce_lr_on_plateau.hpp, controllers/plateau_scaled.hpp only "
               "(standard library only); other layers have their own umbrella\n")
      endif()
      continue()
    endif()
    if(NOT std_controller EQUAL -1
       AND NOT (to STREQUAL "core" OR to STREQUAL "schedules" OR NOT to_std_controller EQUAL -1))
      string(APPEND violations
             "${where}: ${rel} is in <lrs/lrs.hpp> (standard library only): it includes core, "
             "schedules and the other controllers of lrs.hpp only\n")
      continue()
    endif()
    if(rel STREQUAL "config.hpp" OR rel STREQUAL "version.hpp")
      string(APPEND violations "${where}: config.hpp and version.hpp include no lrs header\n")
      continue()
    endif()
    if(from STREQUAL "root")
      continue()  # the other umbrellas may include any layer
    endif()
    if(to STREQUAL from)
      continue()
    endif()
    list(FIND may_include_${from} "${to}" ok)
    if(NOT ok EQUAL -1)
      continue()
    endif()
    set(edge "${rel} -> ${target}")
    list(FIND allowed_edges "${edge}" listed)
    if(NOT listed EQUAL -1)
      list(APPEND used_edges "${edge}")
      continue()
    endif()
    set(allowed "${may_include_${from}}")
    if(allowed STREQUAL "")
      set(allowed "nothing but config.hpp and version.hpp")
    endif()
    string(REPLACE ";" ", " allowed "${allowed}")
    string(APPEND violations "${where}: ${from} may include ${allowed}; never ${to}\n")
  endforeach()
endforeach()

foreach(edge IN LISTS allowed_edges)
  list(FIND used_edges "${edge}" used)
  if(used EQUAL -1)
    message(WARNING "check-include-graph: allow-list entry '${edge}' is no longer needed; "
                    "remove it from ${CMAKE_CURRENT_LIST_FILE}")
  endif()
endforeach()

list(LENGTH headers n)
if(NOT violations STREQUAL "")
  # NOTICE prints each line as is (FATAL_ERROR would re-wrap it).
  message(NOTICE "${violations}")
  string(REGEX MATCHALL "\n" nl "${violations}")
  list(LENGTH nl count)
  message(FATAL_ERROR "${count} include graph violation(s) above; the rules are in "
                      "docs/architecture.md (\"Layers\") and at the top of this script")
endif()
message(STATUS "include graph ok: ${n} headers under ${ROOT}")
