# Tests of the budget_sweep program (included from examples/CMakeLists.txt): the same tiny
# configuration run twice (and on 1 vs 2 threads) writes identical files, and bad options exit 2
# with a clear message.
if(NOT LRS_BUILD_TESTS OR NOT TARGET budget_sweep)
  return()
endif()
set(_lrs_check ${CMAKE_CURRENT_LIST_DIR}/check_budget_sweep.cmake)
set(_lrs_tiny
    "--synthetic|--train-size|256|--test-size|64|--epochs|1|--hidden|8|--batch|32|--schedules|linear,onecycle|--budgets|50,100|--seeds|2|--quiet")
add_test(NAME budget_sweep_deterministic
         COMMAND ${CMAKE_COMMAND} -DMODE=deterministic -DEXE=$<TARGET_FILE:budget_sweep>
                 "-DARGS=${_lrs_tiny}" -DWORK=${CMAKE_CURRENT_BINARY_DIR}/check_deterministic -P
                 ${_lrs_check})
foreach(
  case IN
  ITEMS "budget_zero|--budgets|0|each budget must be in \\(0, 100\\] percent of the full run, got 0"
        "budget_over|--budgets|10,150|each budget must be in \\(0, 100\\] percent of the full run, got 150"
        "unknown_schedule|--schedules|linear,sqrt|--schedules: 'sqrt': "
        "bad_spec|--schedules|rex,wsd(decay=2)|--schedules: 'wsd\\(decay=2\\)': .*decay"
        "twice|--schedules|rex,rex|--schedules: 'rex' is given twice"
        "budget_twice|--budgets|50,50|--budgets: 50 is given twice"
        "no_seeds|--seeds|0|--seeds must be >= 1, got 0"
        "unknown_option|--warmup|5|--warmup"
        "bad_epochs|--epochs|0|--epochs must be > 0, got 0"
        "bad_optimizer|--optimizer|lamb|--optimizer must be sgd or adam, got 'lamb'"
        "corrupt_data|--data|{WORK}|dataset: .*train-images-idx3-ubyte.gz: not an IDX image file")
  string(REPLACE "|" ";" _parts "${case}")
  list(GET _parts 0 _name)
  list(POP_BACK _parts _expect)
  list(REMOVE_AT _parts 0)
  string(REPLACE ";" "|" _args "${_parts}")
  add_test(NAME budget_sweep_rejects_${_name}
           COMMAND ${CMAKE_COMMAND} -DMODE=usage_error -DEXE=$<TARGET_FILE:budget_sweep>
                   "-DARGS=${_args}|--quiet" "-DEXPECT=${_expect}"
                   -DWORK=${CMAKE_CURRENT_BINARY_DIR}/check_${_name} -P ${_lrs_check})
endforeach()
