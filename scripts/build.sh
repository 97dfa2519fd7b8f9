#!/usr/bin/env bash
# Configures and builds the gateway, its tests and benchmarks into build/ (Release by default).
#   BUILD_TYPE=Debug scripts/build.sh      GW_SANITIZE=ON scripts/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  -DGW_SANITIZE="${GW_SANITIZE:-OFF}" >/dev/null
cmake --build "$build_dir" -j "${JOBS:-$(nproc)}"
