#!/usr/bin/env bash
# scripts/faults/run-all.sh -- the four fault scenarios of issue 3 in sequence, each on its
# own real Kafka cluster, printing the results table (markdown).
#
#   scripts/faults/run-all.sh                  full scale: 100000 inputs per scenario
#   scripts/faults/run-all.sh --count 3000     CI scale (about 3.5 minutes on 2 cores)
#   scripts/faults/run-all.sh --count 3000 --out results.json --seed 7
#
# Every argument is passed to faults.py (see scripts/faults/faults.py --help). The JSON
# results go to --out, by default /tmp/faults-results-<time>.json. Exit status: that of
# faults.py (0 when every input of every scenario is accounted for).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=()
[[ " $* " == *" --out "* || " $* " == *" --out="* ]] || out=(--out "/tmp/faults-results-$(date +%Y%m%d-%H%M%S).json")
# Debian's python3 (it has python3-kafka and python3-yaml), not a pyenv one.
exec /usr/bin/python3 "$HERE/faults.py" all "${out[@]}" "$@"
