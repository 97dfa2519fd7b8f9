#!/usr/bin/env bash
# kafka/smoke-test.sh -- checks scripts/kafka.sh end to end with kcat:
#   1 node : produce 3 messages, consume them back;
#   3 nodes: the same on a topic of replication factor 3 (min.insync.replicas 2), then
#            SIGKILL one broker, produce with acks=all (must succeed with 2 in-sync
#            replicas), restart the broker, check it serves, stop everything.
# Uses the default ports (19092-19094, controllers 19192-19194). Exit status 0 = all good.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
K=scripts/kafka.sh
trap '$K stop >/dev/null 2>&1 || true' EXIT

t() { date +%s.%N; }
elapsed() { printf '%.1f' "$(echo "$(t) - $1" | bc)"; }
rss() { local p; for p in $(cat .kafka/node*/pid); do awk '/VmRSS/ {printf "%d ", $2/1024}' "/proc/$p/status"; done; }
# CPU seconds (user+sys) each broker JVM has used so far: a figure the load of the machine
# does not inflate as much as wall time.
cpu() { local p; for p in $(cat .kafka/node*/pid); do awk '{printf "%.1f ", ($14+$15)/100}' "/proc/$p/stat"; done; }

# roundtrip BOOTSTRAP TOPIC TAG: produce 3 keyed messages (acks=all), read the topic back.
roundtrip() {
    local b=$1 topic=$2 tag=$3 got
    printf '%s\n' "k1:$tag-1" "k2:$tag-2" "k3:$tag-3" \
        | kcat -P -b "$b" -t "$topic" -K: -X acks=all -X message.timeout.ms=60000
    got=$(kcat -C -b "$b" -t "$topic" -e -q -f '%k:%s\n' | grep -c -- ":$tag-" || true)
    [[ $got == 3 ]] || { echo "FAIL: $topic: read back $got of 3 '$tag' messages" >&2; exit 1; }
    echo "ok: $topic: 3 messages produced (acks=all) and consumed back"
}

$K stop >/dev/null 2>&1 || true
$K fetch

echo "== 1 node"
s=$(t); B=$($K start --brokers 1 | tail -n1); echo "start: $(elapsed "$s") s (load $(cut -d' ' -f1 /proc/loadavg)), broker CPU s: $(cpu), bootstrap $B"
roundtrip "$B" smoke1 one
echo "rss MiB: $(rss)"
s=$(t); $K stop; echo "stop: $(elapsed "$s") s"

echo "== 3 nodes"
s=$(t); B=$($K start --brokers 3 | tail -n1); echo "start: $(elapsed "$s") s (load $(cut -d' ' -f1 /proc/loadavg)), broker CPU s: $(cpu), bootstrap $B"
$K topics --create --topic smoke3 --partitions 3 --replication-factor 3
$K topics --describe --topic smoke3
roundtrip "$B" smoke3 three
echo "rss MiB: $(rss)"

# Kill the leader of partition 0: the producer must wait for a new leader, not just an ISR shrink.
leader=$(kcat -L -b "$B" -t smoke3 | sed -n 's/.*partition 0, leader \([0-9]*\),.*/\1/p')
echo "== SIGKILL node $leader (leader of smoke3/0)"
$K kill-broker "$leader"
s=$(t); roundtrip "$B" smoke3 degraded; echo "acks=all produce with one broker down: $(elapsed "$s") s"
kcat -L -b "$B" -t smoke3 | grep -E 'brokers:|partition'

echo "== restart node $leader"
s=$(t); $K start-broker "$leader"; echo "restart: $(elapsed "$s") s"
echo "rss MiB: $(rss)"
$K status
s=$(t); $K stop; echo "stop: $(elapsed "$s") s"
trap - EXIT
echo "SMOKE TEST PASSED"
