#!/usr/bin/env bash
# The quick start: installs what is missing, builds, and runs the gateway on the embedded
# Kafka (librdkafka's in-process mock cluster), feeding the samples in config/samples/.
# It prints, per department, the cases routed there and the dead letters with their reasons,
# then keeps serving (the bootstrap address it prints takes kcat or any Kafka client) until
# Ctrl-C. Extra arguments go to `gateway run`, e.g. --exit-after-feed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --no-test-tools
scripts/build.sh
exec build/gateway/app/gateway run --config config/gateway.yaml --feed config/samples "$@"
