#!/usr/bin/env bash
# scripts/kafka.sh -- a real Apache Kafka 4.x broker (KRaft, combined broker+controller
# nodes) on 127.0.0.1 for the case gateway's tests, run from the Maven Central jars listed
# in kafka/pom.xml. Everything it generates lives under .kafka/ (git-ignored).
# See kafka/README.md.
#
#   scripts/kafka.sh fetch                               download the jars once into .kafka/libs
#   scripts/kafka.sh start [--brokers 1|3] [--port-base 19092] [--keep-data] [--jvm test|production]
#                                                        format + start, wait until serving;
#                                                        last stdout line = bootstrap servers.
#                                                        --jvm test (default): small heap, C1 only,
#                                                        fast to start; --jvm production: Kafka's
#                                                        own defaults (1 GB heap, G1, C2), for
#                                                        benchmarks. Kept for start-broker N.
#   scripts/kafka.sh stop                                SIGTERM, wait, SIGKILL after a timeout
#   scripts/kafka.sh kill-broker N                       SIGKILL node N (fault tests)
#   scripts/kafka.sh start-broker N                      restart node N, wait until it serves
#   scripts/kafka.sh status                              exit 0 only if every node serves
#   scripts/kafka.sh topics ARGS...                      kafka-topics (TopicCommand) against the cluster
#
# Environment (all optional):
#   KAFKA_DIR            state directory (default: <repo>/.kafka)
#   JAVA                 java binary, 17+ (default: java)
#   KAFKA_HEAP_OPTS      default: -Xms64m -Xmx384m (--jvm production: -Xms1g -Xmx1g)
#   KAFKA_JVM_OPTS       default: -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError
#                        -Djava.awt.headless=true (--jvm production: kafka-run-class.sh's G1
#                        settings, full JIT)
#   KAFKA_START_TIMEOUT  seconds to wait for the cluster to serve (default 120)
#   KAFKA_STOP_TIMEOUT   seconds between SIGTERM and SIGKILL (default 30)
#   KAFKA_MVN_ARGS       extra arguments for mvn (e.g. -Dmaven.repo.local=...)
#   JAVAC                javac used to build kafka/FormatAll.java (default: javac; a missing
#                        one means one StorageTool JVM per node)
#
# Progress goes to stderr; stdout carries only results (the bootstrap address for start).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
POM=$ROOT/kafka/pom.xml
LOG4J_CONF=$ROOT/kafka/log4j2.properties
TOOLS_LOG4J_CONF=$ROOT/kafka/tools-log4j2.properties
FORMAT_SRC=$ROOT/kafka/FormatAll.java
KDIR=${KAFKA_DIR:-$ROOT/.kafka}
LIBS=$KDIR/libs
CLASSES=$KDIR/classes
JAVA=${JAVA:-java}
# The JVM profiles. test: C1 only (TieredStopAtLevel=1), about half the CPU of a default JVM
# to start, and no slower for short test runs on 2 cores (see kafka/README.md). production:
# what Kafka's kafka-run-class.sh / kafka-server-start.sh use, for benchmarks (the C2 JIT
# halves the broker's CPU per produce request once warm; docs/performance.md).
TEST_HEAP_OPTS="-Xms64m -Xmx384m"
TEST_JVM_OPTS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true"
PRODUCTION_HEAP_OPTS="-Xms1g -Xmx1g"
PRODUCTION_JVM_OPTS="-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true"
JVM_PROFILE=test
jvm_options() {  # sets HEAP_OPTS and JVM_OPTS for $JVM_PROFILE; the environment wins
    if [[ $JVM_PROFILE == production ]]; then
        HEAP_OPTS=${KAFKA_HEAP_OPTS:-$PRODUCTION_HEAP_OPTS}
        JVM_OPTS=${KAFKA_JVM_OPTS:-$PRODUCTION_JVM_OPTS}
    else
        HEAP_OPTS=${KAFKA_HEAP_OPTS:-$TEST_HEAP_OPTS}
        JVM_OPTS=${KAFKA_JVM_OPTS:-$TEST_JVM_OPTS}
    fi
}
START_TIMEOUT=${KAFKA_START_TIMEOUT:-120}
STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-30}
CTRL_OFFSET=100          # controller port of node i = port-base + 100 + (i-1)
MAX_NODES=5

say() { echo "kafka.sh: $*" >&2; }
die() { echo "kafka.sh: ERROR: $*" >&2; exit 1; }

lock() {
    mkdir -p "$KDIR"
    exec 9>"$KDIR/.lock"
    flock -w 600 9 || die "could not lock $KDIR/.lock (another kafka.sh is running?)"
}

# ---------------------------------------------------------------- jars

libs_complete() {
    local marker=$LIBS/.complete hash size name
    [[ -f $marker ]] || return 1
    hash=$(sha256sum "$POM" | cut -d' ' -f1)
    [[ $(head -n1 "$marker") == "$hash" ]] || return 1
    while read -r size name; do
        [[ -f $LIBS/$name && $(stat -c %s "$LIBS/$name") == "$size" ]] || return 1
    done < <(tail -n +2 "$marker")
}

# Compiles kafka/FormatAll.java (one JVM formats all nodes) if javac is there.
build_format_helper() {
    local cls=$CLASSES/FormatAll.class
    [[ -f $cls && $cls -nt $FORMAT_SRC && $cls -nt $LIBS/.complete ]] && return 0
    command -v "${JAVAC:-javac}" >/dev/null || { say "no javac: storage is formatted with one JVM per node"; return 0; }
    rm -rf "$CLASSES"; mkdir -p "$CLASSES"
    "${JAVAC:-javac}" -nowarn --release 17 -cp "$LIBS/*" -d "$CLASSES" "$FORMAT_SRC" >&2 \
        || { say "WARNING: could not compile $FORMAT_SRC; formatting with one JVM per node"; rm -rf "$CLASSES"; }
}

cmd_fetch() {
    if libs_complete; then
        say "jars present and complete in $LIBS ($(ls "$LIBS"/*.jar | wc -l) jars)"
        build_format_helper
        return 0
    fi
    command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
    local tmp=$LIBS.tmp t0=$SECONDS f
    rm -rf "$tmp"
    say "fetching Kafka jars from Maven Central into $LIBS ..."
    # -C: fail on checksum mismatch instead of warning.
    # shellcheck disable=SC2086
    if ! mvn -B -q -C -Dstyle.color=never -f "$POM" ${KAFKA_MVN_ARGS:-} \
            dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" \
            </dev/null >"$KDIR/fetch.log" 2>&1; then
        cat "$KDIR/fetch.log" >&2
        die "mvn dependency:copy-dependencies failed (log: $KDIR/fetch.log)"
    fi
    compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || die "no kafka_2.13 jar in $tmp"
    {
        sha256sum "$POM" | cut -d' ' -f1
        for f in "$tmp"/*.jar; do echo "$(stat -c %s "$f") $(basename "$f")"; done
    } > "$tmp/.complete"
    rm -rf "$LIBS"
    mv "$tmp" "$LIBS"
    say "fetched $(ls "$LIBS"/*.jar | wc -l) jars ($(du -sh "$LIBS" | cut -f1)) in $((SECONDS - t0)) s"
    build_format_helper
}

check_java() {
    local v
    v=$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
    [[ -n $v ]] || die "cannot run '$JAVA' (set JAVA=/path/to/java, 17 or newer)"
    (( v >= 17 )) || die "Kafka 4.x needs Java 17+, '$JAVA' is $v"
}

kafka_version() {
    local j
    j=$(compgen -G "$LIBS/kafka_2.13-*.jar" | head -n1) || true
    j=${j##*/kafka_2.13-}; echo "${j%.jar}"
}

# ---------------------------------------------------------------- cluster state

node_dir()    { echo "$KDIR/node$1"; }
broker_port() { echo $((PORT_BASE + $1 - 1)); }
ctrl_port()   { echo $((PORT_BASE + CTRL_OFFSET + $1 - 1)); }

load_cluster() {
    [[ -f $KDIR/cluster.env ]] || return 1
    # shellcheck disable=SC1091
    source "$KDIR/cluster.env"
    JVM_PROFILE=${JVM:-test}
    [[ -n ${BROKERS:-} && -n ${PORT_BASE:-} ]]
}

bootstrap_of() {
    local i out=""
    for ((i = 1; i <= BROKERS; i++)); do out+="${out:+,}127.0.0.1:$(broker_port "$i")"; done
    echo "$out"
}

# Prints the pid of node $1 if it is running (checked against /proc, not just the pid file).
node_pid() {
    local nd pid
    nd=$(node_dir "$1")
    [[ -f $nd/pid ]] || return 1
    pid=$(<"$nd/pid")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    tr "\\0" " " 2>/dev/null < "/proc/$pid/cmdline" | grep -qF "kafka.Kafka $nd/server.properties" || return 1
    echo "$pid"
}

write_props() {
    local i=$1 nd voters="" j rf isr
    nd=$(node_dir "$i")
    for ((j = 1; j <= BROKERS; j++)); do voters+="${voters:+,}$j@127.0.0.1:$(ctrl_port "$j")"; done
    rf=$(( BROKERS < 3 ? BROKERS : 3 ))
    isr=$(( BROKERS < 3 ? 1 : 2 ))
    mkdir -p "$nd/data"
    cat > "$nd/server.properties" <<EOF
# Generated by scripts/kafka.sh -- node $i of $BROKERS (combined broker + controller).
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$(broker_port "$i"),CONTROLLER://127.0.0.1:$(ctrl_port "$i")
advertised.listeners=PLAINTEXT://127.0.0.1:$(broker_port "$i")
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$nd/data

# Topics: auto-creation stays on (1 partition, RF $rf). Create topics explicitly in tests
# that care about partitions.
auto.create.topics.enable=true
num.partitions=1
default.replication.factor=$rf
min.insync.replicas=$isr
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=$isr
unclean.leader.election.enable=false
group.initial.rebalance.delay.ms=0

# Small and quick on a 2-core machine.
num.network.threads=2
num.io.threads=2
background.threads=2
num.replica.fetchers=1
num.recovery.threads.per.data.dir=1
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=16777216
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=6000
# 'stop' takes the whole cluster down at once: no leadership hand-over wanted. With
# controlled shutdown on, a node sometimes waited for a controller that had already gone
# (up to 5 min, observed with 4.4.0 after --keep-data restarts).
controlled.shutdown.enable=false
EOF
}

start_node() {
    local i=$1 nd pid
    nd=$(node_dir "$i")
    [[ -f $nd/server.properties && -f $nd/data/meta.properties ]] \
        || die "node $i is not formatted ($nd); run 'start' first"
    echo "===== $(date "+%F %T") starting node $i" >> "$nd/console.log"
    # setsid: own session, so the broker outlives this script and its process group.
    jvm_options
    # shellcheck disable=SC2086
    setsid "$JAVA" $HEAP_OPTS $JVM_OPTS \
        -Dlog4j2.configurationFile="$LOG4J_CONF" -Dkafka.logs.dir="$nd" \
        -cp "$LIBS/*" kafka.Kafka "$nd/server.properties" \
        </dev/null >>"$nd/console.log" 2>&1 9>&- &
    pid=$!
    echo "$pid" > "$nd/pid"
    say "node $i: started pid $pid (broker 127.0.0.1:$(broker_port "$i"), controller 127.0.0.1:$(ctrl_port "$i"))"
}

log_tail() {
    local nd
    nd=$(node_dir "$1")
    {
        echo "----- node $1: tail of $nd/server.log"
        tail -n 40 "$nd/server.log" 2>/dev/null || echo "(no server.log)"
        if [[ -s $nd/console.log ]]; then
            echo "----- node $1: tail of $nd/console.log"
            tail -n 20 "$nd/console.log"
        fi
    } >&2
}

# Number of live (unfenced) brokers in the metadata answered by node $1, or nothing.
brokers_seen_by() {
    timeout 10 kcat -L -b "127.0.0.1:$(broker_port "$1")" -m 3 2>/dev/null \
        | sed -n 's/^ *\([0-9][0-9]*\) brokers:.*/\1/p' | head -n1 || true
}

# Waits until every node in "$@" runs and its metadata lists all $BROKERS brokers.
# On failure prints the log tails and returns 1.
wait_serving() {
    local deadline=$((SECONDS + START_TIMEOUT)) i n pending
    while :; do
        pending=""
        for i in "$@"; do
            if ! node_pid "$i" >/dev/null; then
                log_tail "$i"
                say "ERROR: node $i died while starting (see $(node_dir "$i")/server.log)"
                return 1
            fi
            n=$(brokers_seen_by "$i")
            [[ $n == "$BROKERS" ]] || pending+=" $i(${n:-no answer})"
        done
        [[ -z $pending ]] && return 0
        if (( SECONDS >= deadline )); then
            for i in "$@"; do log_tail "$i"; done
            say "ERROR: cluster not serving after ${START_TIMEOUT}s; nodes not ready (brokers seen):$pending"
            return 1
        fi
        sleep 0.5
    done
}

port_free() { [[ -z $(ss -Hltn "sport = :$1" 2>/dev/null) ]]; }

format_nodes() {
    local i nd cluster_id pids=() rc=0 t0=$SECONDS confs=()
    # A Kafka Uuid: 16 random bytes, base64url without padding. One beginning with '-' would
    # read as an option to the storage tool: draw again (as Kafka's Uuid.randomUuid does).
    cluster_id=-
    while [ "${cluster_id#-}" != "$cluster_id" ]; do
        cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
    done
    for ((i = 1; i <= BROKERS; i++)); do
        write_props "$i"
        confs+=("$(node_dir "$i")/server.properties")
    done
    if [[ -f $CLASSES/FormatAll.class ]]; then
        # One JVM for all nodes (kafka/FormatAll.java).
        "$JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
            -Dlog4j2.configurationFile="$TOOLS_LOG4J_CONF" \
            -cp "$LIBS/*:$CLASSES" FormatAll "$cluster_id" "${confs[@]}" \
            </dev/null >"$KDIR/format.log" 2>&1 9>&- || rc=1
        (( rc == 0 )) || { cat "$KDIR/format.log" >&2; die "storage format failed ($KDIR/format.log)"; }
    else
        for ((i = 1; i <= BROKERS; i++)); do
            nd=$(node_dir "$i")
            "$JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
                -Dlog4j2.configurationFile="$TOOLS_LOG4J_CONF" \
                -cp "$LIBS/*" kafka.tools.StorageTool format \
                -t "$cluster_id" -c "$nd/server.properties" \
                </dev/null >"$nd/format.log" 2>&1 9>&- &
            pids+=($!)
        done
        for ((i = 1; i <= BROKERS; i++)); do
            if ! wait "${pids[i-1]}"; then
                rc=1
                echo "----- node $i: $(node_dir "$i")/format.log" >&2
                cat "$(node_dir "$i")/format.log" >&2
            fi
        done
        (( rc == 0 )) || die "storage format failed"
    fi
    say "formatted $BROKERS node(s) in $((SECONDS - t0)) s, cluster id $cluster_id"
}

# ---------------------------------------------------------------- commands

cmd_start() {
    local want_brokers=1 want_base=19092 keep=0 want_jvm=test i p running=() t0=$SECONDS
    while (( $# )); do
        case $1 in
            --brokers)     want_brokers=${2:?--brokers needs a value}; shift 2 ;;
            --brokers=*)   want_brokers=${1#*=}; shift ;;
            --port-base)   want_base=${2:?--port-base needs a value}; shift 2 ;;
            --port-base=*) want_base=${1#*=}; shift ;;
            --keep-data)   keep=1; shift ;;
            --jvm)         want_jvm=${2:?--jvm needs a value}; shift 2 ;;
            --jvm=*)       want_jvm=${1#*=}; shift ;;
            *) die "start: unknown argument '$1'" ;;
        esac
    done
    [[ $want_brokers =~ ^[0-9]+$ ]] && (( want_brokers >= 1 && want_brokers <= MAX_NODES )) \
        || die "--brokers must be 1..$MAX_NODES (1 or 3 are the tested ones)"
    [[ $want_base =~ ^[0-9]+$ ]] && (( want_base >= 1024 && want_base + CTRL_OFFSET + MAX_NODES < 65536 )) \
        || die "--port-base must be a port number >= 1024"
    [[ $want_jvm == test || $want_jvm == production ]] || die "--jvm must be test or production"
    lock

    # Already running?
    if load_cluster; then
        for ((i = 1; i <= MAX_NODES; i++)); do node_pid "$i" >/dev/null && running+=("$i"); done
        if (( ${#running[@]} )); then
            [[ $BROKERS == "$want_brokers" && $PORT_BASE == "$want_base" && $JVM_PROFILE == "$want_jvm" ]] \
                || die "a cluster of $BROKERS node(s) on port base $PORT_BASE (--jvm $JVM_PROFILE) is running; run '$0 stop' first"
            for ((i = 1; i <= BROKERS; i++)); do
                node_pid "$i" >/dev/null || { check_java; start_node "$i"; }
            done
            wait_serving $(seq 1 "$BROKERS") || die "cluster not serving (it stays up: inspect, then '$0 stop')"
            bootstrap_of > "$KDIR/bootstrap"
            say "already running: $BROKERS node(s)"
            bootstrap_of
            return 0
        fi
    fi

    cmd_fetch
    check_java
    command -v kcat >/dev/null || die "kcat not found (apt-get install kcat)"

    local reuse=0
    if (( keep )) && load_cluster && [[ $BROKERS == "$want_brokers" && $PORT_BASE == "$want_base" ]]; then
        reuse=1
        for ((i = 1; i <= BROKERS; i++)); do
            [[ -f $(node_dir "$i")/data/meta.properties ]] || reuse=0
        done
    fi
    BROKERS=$want_brokers
    PORT_BASE=$want_base
    JVM_PROFILE=$want_jvm
    for ((i = 1; i <= BROKERS; i++)); do
        for p in $(broker_port "$i") $(ctrl_port "$i"); do
            port_free "$p" || die "port $p is already in use (choose another --port-base)"
        done
    done

    rm -f "$KDIR/bootstrap"
    if (( reuse )); then
        say "reusing the data of the previous $BROKERS-node cluster (--keep-data)"
    else
        rm -rf "$KDIR"/node[0-9]* "$KDIR/cluster.env" "$KDIR/format.log"
        format_nodes
    fi
    printf 'BROKERS=%s\nPORT_BASE=%s\nJVM=%s\n' "$BROKERS" "$PORT_BASE" "$JVM_PROFILE" > "$KDIR/cluster.env"
    for ((i = 1; i <= BROKERS; i++)); do start_node "$i"; done
    if ! wait_serving $(seq 1 "$BROKERS"); then
        stop_nodes $(seq 1 "$BROKERS") || true
        die "start failed; node(s) stopped, logs kept in $KDIR/node*/"
    fi
    bootstrap_of > "$KDIR/bootstrap"
    say "Kafka $(kafka_version): $BROKERS node(s) serving after $((SECONDS - t0)) s; logs in $KDIR/node*/server.log"
    bootstrap_of
}

# Sends SIGTERM to the given nodes, waits, SIGKILLs the stragglers.
stop_nodes() {
    local i pid deadline left=() killed=0
    for i in "$@"; do
        if pid=$(node_pid "$i"); then kill -TERM "$pid" 2>/dev/null || true; left+=("$i"); fi
    done
    deadline=$((SECONDS + STOP_TIMEOUT))
    while (( ${#left[@]} )); do
        local still=()
        for i in "${left[@]}"; do node_pid "$i" >/dev/null && still+=("$i"); done
        left=("${still[@]}")
        (( ${#left[@]} )) || break
        if (( SECONDS >= deadline )); then
            for i in "${left[@]}"; do
                if pid=$(node_pid "$i"); then
                    say "node $i (pid $pid) still running after ${STOP_TIMEOUT}s: thread dump to $(node_dir "$i")/console.log, then SIGKILL"
                    kill -QUIT "$pid" 2>/dev/null || true
                    sleep 1
                    kill -KILL "$pid" 2>/dev/null || true
                    killed=1
                fi
            done
            sleep 0.5
            break
        fi
        sleep 0.2
    done
    for i in "$@"; do rm -f "$(node_dir "$i")/pid"; done
    return $killed
}

cmd_stop() {
    local t0=$SECONDS nodes=() i
    lock
    for ((i = 1; i <= MAX_NODES; i++)); do [[ -f $(node_dir "$i")/pid ]] && nodes+=("$i"); done
    rm -f "$KDIR/bootstrap"
    if (( ${#nodes[@]} == 0 )); then say "nothing running"; return 0; fi
    if stop_nodes "${nodes[@]}"; then
        say "stopped node(s) ${nodes[*]} in $((SECONDS - t0)) s"
    else
        say "stopped node(s) ${nodes[*]} in $((SECONDS - t0)) s (some needed SIGKILL)"
    fi
}

node_arg() {
    [[ ${1:-} =~ ^[0-9]+$ ]] || die "$2: needs a node number"
    load_cluster || die "no cluster; run '$0 start' first"
    (( $1 >= 1 && $1 <= BROKERS )) || die "$2: node must be 1..$BROKERS"
}

cmd_kill_broker() {
    local n=${1:-} pid
    lock
    node_arg "$n" kill-broker
    pid=$(node_pid "$n") || die "node $n is not running"
    kill -KILL "$pid"
    # node_pid, not kill -0: a killed broker whose parent does not reap it stays a zombie.
    local deadline=$((SECONDS + 10))
    while node_pid "$n" >/dev/null && (( SECONDS < deadline )); do sleep 0.1; done
    rm -f "$(node_dir "$n")/pid"
    say "node $n (pid $pid, 127.0.0.1:$(broker_port "$n")) killed with SIGKILL"
}

cmd_start_broker() {
    local n=${1:-} t0=$SECONDS
    lock
    node_arg "$n" start-broker
    if node_pid "$n" >/dev/null; then
        say "node $n already running"
    else
        check_java
        start_node "$n"
    fi
    if ! wait_serving "$n"; then
        stop_nodes "$n" || true
        die "node $n did not come back; it is stopped again"
    fi
    say "node $n serving after $((SECONDS - t0)) s"
}

cmd_status() {
    local i pid n rss bad=0
    if ! load_cluster; then echo "no cluster (never started)"; return 3; fi
    echo "Kafka $(kafka_version), $BROKERS node(s), bootstrap $(bootstrap_of)"
    for ((i = 1; i <= BROKERS; i++)); do
        if pid=$(node_pid "$i"); then
            rss=$(awk '/VmRSS/ {printf "%d MiB", $2/1024}' "/proc/$pid/status" 2>/dev/null)
            n=$(brokers_seen_by "$i")
            echo "node $i: running pid $pid rss ${rss:-?} 127.0.0.1:$(broker_port "$i") sees ${n:-no answer} broker(s)"
            [[ $n == "$BROKERS" ]] || bad=1
        else
            echo "node $i: stopped"
            bad=1
        fi
    done
    return $bad
}

cmd_topics() {
    [[ -f $KDIR/bootstrap ]] || die "no running cluster ($KDIR/bootstrap missing)"
    libs_complete || die "jars missing; run '$0 fetch'"
    exec "$JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
        -Dlog4j2.configurationFile="$TOOLS_LOG4J_CONF" \
        -cp "$LIBS/*" org.apache.kafka.tools.TopicCommand \
        --bootstrap-server "$(<"$KDIR/bootstrap")" "$@"
}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

case ${1:-} in
    fetch)        shift; lock; cmd_fetch "$@" ;;
    start)        shift; cmd_start "$@" ;;
    stop)         shift; cmd_stop ;;
    kill-broker)  shift; cmd_kill_broker "$@" ;;
    start-broker) shift; cmd_start_broker "$@" ;;
    status)       shift; cmd_status ;;
    topics)       shift; cmd_topics "$@" ;;
    -h|--help|help) usage ;;
    *) usage ;;
esac
