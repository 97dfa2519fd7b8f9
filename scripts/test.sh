#!/usr/bin/env bash
# Installs what is missing, builds, starts a real Apache Kafka (from its Maven Central jars,
# KRaft, loopback), runs every test with CTest, and stops Kafka again.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scripts/install-deps.sh
scripts/build.sh
scripts/kafka.sh fetch
scripts/kafka.sh start --brokers 1
trap '"$root/scripts/kafka.sh" stop' EXIT
export GW_TEST_KAFKA_BROKERS
GW_TEST_KAFKA_BROKERS=$(cat .kafka/bootstrap)
cd build
ctest --output-on-failure -j "${JOBS:-2}" --timeout 600 "$@"
