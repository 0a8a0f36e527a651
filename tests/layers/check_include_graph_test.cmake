# Tests scripts/check-include-graph.cmake on small trees written here: a clean tree passes; each
# tree with one bad include fails, and the message names the file, the include and the rule.
# Usage: cmake -DSCRIPT=<check-include-graph.cmake> -DWORK=<scratch dir> -P check_include_graph_test.cmake
cmake_minimum_required(VERSION 3.21)

set(failures "")

# A clean tree with every layer and the allowed edges between them.
function(write_clean_tree root)
  file(REMOVE_RECURSE "${root}")
  file(WRITE "${root}/config.hpp" "#include <cassert>\n")
  file(WRITE "${root}/version.hpp" "#define V 1\n")
  file(WRITE "${root}/core/types.hpp" "#include <lrs/config.hpp>\n#include <cstdint>\n")
  file(WRITE "${root}/core/error.hpp" "#include <lrs/core/types.hpp>\n#include <stdexcept>\n")
  file(WRITE "${root}/schedules/step.hpp"
       "#include <lrs/core/error.hpp>\n#include \"../core/types.hpp\"\n#include <cmath>\n")
  file(WRITE "${root}/schedules/warm.hpp" "#include <lrs/schedules/step.hpp>\n")
  file(WRITE "${root}/analysis/fit.hpp"
       "#include <Eigen/Core>\n#include <LBFGSB.h>\n#include <lrs/schedules/step.hpp>\n")
  file(WRITE "${root}/controllers/reduce_lr_on_plateau.hpp" "#include <lrs/core/error.hpp>\n")
  file(WRITE "${root}/controllers/plateau_scaled.hpp"
       "#include <lrs/controllers/reduce_lr_on_plateau.hpp>\n#include <lrs/schedules/warm.hpp>\n")
  file(WRITE "${root}/controllers/auto.hpp" "#include <lrs/analysis/fit.hpp>\n")
  file(WRITE "${root}/optim/sgd.hpp" "#include <Eigen/Core>\n#include <lrs/core/types.hpp>\n")
  file(WRITE "${root}/io/csv.hpp"
       "#include <fstream>\n#include <lrs/optim/sgd.hpp>\n#include <lrs/controllers/auto.hpp>\n")
  file(WRITE "${root}/adapters/torch.hpp" "#include <torch/torch.h>\n#include <lrs/lrs.hpp>\n")
  file(WRITE "${root}/lrs.hpp"
       "#include <lrs/config.hpp>\n#include <lrs/schedules/warm.hpp>\n"
       "#include <lrs/controllers/reduce_lr_on_plateau.hpp>\n"
       "#include <lrs/controllers/plateau_scaled.hpp>\n")
  file(WRITE "${root}/analysis.hpp" "#include <lrs/analysis/fit.hpp>\n")
  # A commented-out include is not an include.
  file(APPEND "${root}/schedules/step.hpp" "// #include <lrs/io/csv.hpp>\n")
endfunction()

# run(<name> <expect: pass|fail> <regex the output must match> [-D... arguments])
function(run name expect regex)
  execute_process(COMMAND ${CMAKE_COMMAND} ${ARGN} -DROOT=${WORK}/${name}/lrs -P ${SCRIPT}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(all "${out}${err}")
  if(expect STREQUAL "pass" AND NOT rc EQUAL 0)
    string(APPEND failures "${name}: expected to pass, failed:\n${all}\n")
  elseif(expect STREQUAL "fail" AND rc EQUAL 0)
    string(APPEND failures "${name}: expected to fail, passed:\n${all}\n")
  elseif(NOT all MATCHES "${regex}")
    string(APPEND failures "${name}: output does not match '${regex}':\n${all}\n")
  endif()
  set(failures "${failures}" PARENT_SCOPE)
endfunction()

# case(<name> <file relative to lrs/> <line to append> <regex>): a clean tree plus one bad line.
function(bad_case name file line regex)
  write_clean_tree("${WORK}/${name}/lrs")
  file(APPEND "${WORK}/${name}/lrs/${file}" "${line}\n")
  run(${name} fail "${regex}" -DALLOWED_EDGES=)
  set(failures "${failures}" PARENT_SCOPE)
endfunction()

write_clean_tree("${WORK}/clean/lrs")
run(clean pass "include graph ok: 15 headers" -DALLOWED_EDGES=)

bad_case(schedules_optim schedules/step.hpp "#include <lrs/optim/sgd.hpp>"
         "include/lrs/schedules/step.hpp:5: #include <lrs/optim/sgd.hpp>: schedules may include core; never optim")
bad_case(schedules_controllers schedules/warm.hpp "#include <lrs/controllers/reduce_lr_on_plateau.hpp>"
         "schedules/warm.hpp:2: #include <lrs/controllers/reduce_lr_on_plateau.hpp>: schedules may include core; never controllers")
bad_case(core_schedules core/error.hpp "#include <lrs/schedules/step.hpp>"
         "core/error.hpp:3: #include <lrs/schedules/step.hpp>: core may include nothing but config.hpp and version.hpp; never schedules")
bad_case(optim_analysis optim/sgd.hpp "#include <lrs/analysis/fit.hpp>"
         "optim/sgd.hpp:3: #include <lrs/analysis/fit.hpp>: optim may include core; never analysis")
bad_case(analysis_io analysis/fit.hpp "#include <lrs/io/csv.hpp>"
         "analysis/fit.hpp:4: #include <lrs/io/csv.hpp>: analysis may include core, schedules; never io")
bad_case(analysis_controllers analysis/fit.hpp "#include <lrs/controllers/reduce_lr_on_plateau.hpp>"
         "analysis/fit.hpp:4: #include <lrs/controllers/reduce_lr_on_plateau.hpp>: analysis may include core, schedules; never controllers")
bad_case(quoted_up schedules/warm.hpp "#include \"../io/csv.hpp\""
         "schedules/warm.hpp:2: #include \"../io/csv.hpp\": schedules may include core; never io")
bad_case(schedule_eigen schedules/step.hpp "#include <Eigen/Core>"
         "schedules/step.hpp:5: #include <Eigen/Core>: schedules headers .* standard library only")
bad_case(core_fmt core/types.hpp "#  include <fmt/core.h>"
         "core/types.hpp:3: #include <fmt/core.h>: core headers .* standard library only")
bad_case(umbrella_autolrs lrs.hpp "#include <lrs/controllers/auto.hpp>"
         "lrs.hpp:5: #include <lrs/controllers/auto.hpp>: <lrs/lrs.hpp> holds core, schedules and controllers/reduce_lr_on_plateau.hpp, controllers/plateau_scaled.hpp only")
bad_case(plateau_scaled_analysis controllers/plateau_scaled.hpp "#include <lrs/analysis/fit.hpp>"
         "controllers/plateau_scaled.hpp:3: #include <lrs/analysis/fit.hpp>: controllers/plateau_scaled.hpp is in <lrs/lrs.hpp> .standard library only.: it includes core, schedules and the other controllers of lrs.hpp only")
bad_case(plateau_scaled_eigen controllers/plateau_scaled.hpp "#include <Eigen/Core>"
         "controllers/plateau_scaled.hpp:3: #include <Eigen/Core>: controllers headers .* standard library only")
bad_case(plateau_scaled_autolrs controllers/plateau_scaled.hpp "#include <lrs/controllers/auto.hpp>"
         "controllers/plateau_scaled.hpp:3: #include <lrs/controllers/auto.hpp>: controllers/plateau_scaled.hpp is in <lrs/lrs.hpp>")
bad_case(umbrella_in_layer schedules/warm.hpp "#include <lrs/lrs.hpp>"
         "schedules/warm.hpp:2: #include <lrs/lrs.hpp>: layer headers never include an umbrella")
bad_case(missing io/csv.hpp "#include <lrs/io/json.hpp>"
         "io/csv.hpp:4: #include <lrs/io/json.hpp>: no such header include/lrs/io/json.hpp")
bad_case(new_folder misc/x.hpp "#include <vector>" "misc/x.hpp: folder 'misc' is not a layer")

# Several violations are all reported, not only the first.
write_clean_tree("${WORK}/two/lrs")
file(APPEND "${WORK}/two/lrs/schedules/step.hpp" "#include <lrs/io/csv.hpp>\n")
file(APPEND "${WORK}/two/lrs/optim/sgd.hpp" "#include <lrs/io/csv.hpp>\n")
run(two fail "optim/sgd.hpp:3: #include <lrs/io/csv.hpp>.*schedules/step.hpp:5: #include <lrs/io/csv.hpp>"
    -DALLOWED_EDGES=)

# An allow-listed edge passes; the same edge without the entry fails.
write_clean_tree("${WORK}/allowed/lrs")
file(APPEND "${WORK}/allowed/lrs/analysis/fit.hpp" "#include <lrs/io/csv.hpp>\n")
run(allowed pass "include graph ok" "-DALLOWED_EDGES=analysis/fit.hpp -> io/csv.hpp")
run(allowed fail "analysis/fit.hpp:4: #include <lrs/io/csv.hpp>" -DALLOWED_EDGES=)

if(NOT failures STREQUAL "")
  message(FATAL_ERROR "check-include-graph test failures:\n${failures}")
endif()
message(STATUS "check-include-graph rejects every bad tree and accepts the clean one")
