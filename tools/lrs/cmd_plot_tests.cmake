# Tests of `lrs plot` (included from tools/lrs/CMakeLists.txt): a plot is written with a status
# line on stderr, bad input exits 2 with "lrs: <message>" on stderr.
if(NOT LRS_BUILD_TESTS)
  return()
endif()
set(_lrs_plot_check ${CMAKE_CURRENT_LIST_DIR}/cmd_plot_check.cmake)
foreach(
  case IN
  ITEMS "two_specs|0|--lr|0.1|--steps|100|StepLR(step_size=30)|CosineAnnealingLR(T_max=100)|^wrote .*plot_two_specs.svg \\(2 schedules, steps 0..99\\)"
        "bad_spec|2|--lr|0.1|--steps|100|CosineAnnealingLR(Tmax=100)|^lrs: unknown parameter 'Tmax' for CosineAnnealingLR at column 19; did you mean 'T_max'"
        "zero_steps|2|--lr|0.1|--steps|0|StepLR(step_size=30)|^lrs: plot: --steps must be >= 1, got 0"
        "zero_on_log_axis|0|--lr|0.1|--steps|20|--log-y|StepLR(step_size=10, gamma=0)|^lrs: note: 'StepLR\\(step_size=10, gamma=0\\)': 10 of 20 steps have LR <= 0 \\(the first at step 10\\) and are left out of the log-y plot"
        "no_spec|2|--lr|0.1|--steps|10|^lrs: plot: give at least one schedule spec or --csv FILE\\[:COLUMN\\]")
  string(REPLACE "|" ";" _parts "${case}")
  list(GET _parts 0 _name)
  list(GET _parts 1 _rc)
  list(POP_BACK _parts _expect)
  list(REMOVE_AT _parts 0 1)
  string(REPLACE ";" "|" _args "${_parts}")
  add_test(NAME lrs_plot_${_name}
           COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:lrs_tool> "-DARGS=${_args}" -DRC=${_rc}
                   "-DEXPECT=${_expect}" -DOUT=${CMAKE_CURRENT_BINARY_DIR}/plot_${_name}.svg -P
                   ${_lrs_plot_check})
endforeach()
