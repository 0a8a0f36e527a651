#!/usr/bin/env bash
# Builds and runs the MPI tests (tests/mpi, a CMake project of its own: neither the library nor
# scripts/test.sh needs MPI): lrs's optimizers sharded over 2 ranks with clipping against one
# process, bit for bit, and the MPI example. Installs Open MPI from Debian if it is missing.
# Usage: scripts/test-mpi.sh [build dir, default build/mpi]
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

bash scripts/install-deps.sh libopenmpi-dev openmpi-bin || exit 1
dir=${1:-build/mpi}
start=$(date +%s)
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
# Ninja builds the targets side by side (CMake's Makefiles build the goals of one command one after
# another); a directory configured with another generator is made again.
if [ -f "$dir/CMakeCache.txt" ] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$dir/CMakeCache.txt"; then
  rm -rf "$dir"
fi
cmake -S tests/mpi -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ "${launcher[@]}" \
  >/dev/null || exit 1
cmake --build "$dir" -j "$(nproc 2>/dev/null || echo 2)" || exit 1
built=$(date +%s)

# Loopback only; as root in containers Open MPI needs --allow-run-as-root, and 2 ranks on a
# machine with fewer free slots need --oversubscribe. Each run is bounded in time.
# shellcheck disable=SC2054  # "self,tcp" is one argument of --mca
mpirun_2=(timeout 300 mpirun -np 2 --allow-run-as-root --oversubscribe --mca btl self,tcp
          --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo)
status=0
"${mpirun_2[@]}" "$dir/lrs_mpi_sharded_test" || status=1
"${mpirun_2[@]}" "$dir/mpi_sharded_adamw" || status=1
end=$(date +%s)
echo "=== mpi: $([ $status -eq 0 ] && echo PASS || echo FAIL) (build $((built - start)) s, runs $((end - built)) s)"
exit $status
