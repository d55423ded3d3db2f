#!/usr/bin/env bash
# Speed, against real peers in one run on this machine: Postfix's smtp-source sends three workloads
# to SMTP Lab (--store memory, as the peers keep mail in memory; bench/store.sh compares the stores),
# GreenMail, aiosmtpd and Postfix's smtp-sink (C, discards: the load tool's ceiling), each peer
# started fresh for each measure, interleaved, over several rounds; then launch to first 220, one
# `smtplab send` against swaks, and memory.
#
#   bench/throughput.sh [--rounds N] [--launches N] [--quick] [--check]
#
# Workloads: 10,000 x 2 KB over 8 kept connections; 2,000 x 100 KB over 4 kept connections;
# 2,000 x 2 KB with a new connection each (8 at a time). --quick divides the counts by 5.
# --check fails when a target of the speed issue is missed (see the README's "Speed").
# Needs: postfix (smtp-source, smtp-sink), python3-aiosmtpd, swaks, Maven (GreenMail's jar); the
# STARTTLS load is bench/starttls_load.py (Python's smtplib).
#
# Profile (JFR, 2026-12-05, 10,000 x 2 KB kept): SMTP Lab's session threads spend their time in
# socket reads and writes (sun.nio.ch.Net.poll, FileDispatcherImpl.write0); the Java frames at
# the top are InboundTap.readContent / EndOfData.scan (the content, scanned once),
# BufferedInputStream.read and ImmutableCollections.listFromArray (the session snapshot's
# transcript copy, once per message).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/bench/common.sh"
rounds=3
launches=10
scale=1
check=false
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --launches) launches=$2; shift 2 ;;
        --quick) scale=5; shift ;;
        --check) check=true; shift ;;
        *) echo "usage: bench/throughput.sh [--rounds N] [--launches N] [--quick] [--check]" >&2; exit 2 ;;
    esac
done

work="$root/bench/target/throughput"
rm -rf "$work"; mkdir -p "$work"
greenmail_version=2.1.3
greenmail_jar="$HOME/.m2/repository/com/icegreen/greenmail-standalone/$greenmail_version/greenmail-standalone-$greenmail_version.jar"
for tool in smtp-source smtp-sink swaks; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing: apt-get install postfix swaks" >&2; exit 1; }
done
/usr/bin/python3 -c "import aiosmtpd" 2>/dev/null || { echo "bench: aiosmtpd is missing: apt-get install python3-aiosmtpd" >&2; exit 1; }
[ -f "$greenmail_jar" ] || mvn -q -B -Dstyle.color=never dependency:get \
    -Dartifact="com.icegreen:greenmail-standalone:$greenmail_version" >&2
server_jar="$root/server/app/target/smtplab-server.jar"
client_jar="$root/client/target/smtplab.jar"
[ -f "$server_jar" ] && [ -f "$client_jar" ] \
    || (cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -pl server/app,client -am package)
# The launcher makes its class-data-sharing archives on a first run: not inside a measure.
"$root/smtplab" server --version >/dev/null 2>&1
"$root/smtplab" --version >/dev/null 2>&1

pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

# Starts a peer on the port, in the background; sets $pid.
start_peer() {
    local peer=$1 port=$2
    case "$peer" in
        # Through the launcher, with its JVM settings and class-data-sharing archive, as a person runs it.
        smtplab) "$root/smtplab" server --smtp-port "$port" --web-port 0 --store memory --data-dir "$work/data" \
                     >"$work/$peer.log" 2>&1 & ;;
        greenmail) java -Dgreenmail.smtp.hostname=127.0.0.1 -Dgreenmail.smtp.port="$port" -Dgreenmail.auth.disabled \
                       -jar "$greenmail_jar" >"$work/$peer.log" 2>&1 & ;;
        aiosmtpd) /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Sink \
                      >"$work/$peer.log" 2>&1 & ;;
        # As root, smtp-sink wants a user to switch to.
        smtp-sink) smtp-sink $([ "$(id -u)" = 0 ] && echo "-u nobody") "127.0.0.1:$port" 1024 >"$work/$peer.log" 2>&1 & ;;
    esac
    pid=$!
}
stop_peer() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; pid=""; }

# Sends one workload (or its warm-up); prints messages per second.
load() {
    local port=$1 workload=$2 warm_up=${3:-} count warm sessions size kept start end
    case "$workload" in
        kept-2k) count=10000 warm=2000 sessions=8 size=2048 kept=-d ;;
        kept-100k) count=2000 warm=200 sessions=4 size=102400 kept=-d ;;
        new-2k) count=2000 warm=1000 sessions=8 size=2048 kept="" ;;
    esac
    [ -n "$warm_up" ] && count=$warm
    count=$((count / scale))
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    timeout 600 smtp-source $kept -m "$count" -s "$sessions" -l "$size" -f sender@example.test -t rcpt@example.test \
        "127.0.0.1:$port"
    end=$(date +%s.%N)
    echo "$count $start $end" | awk '{ printf "%.0f", $1 / ($3 - $2) }'
}

peers=(smtplab greenmail aiosmtpd smtp-sink)
workloads=(kept-2k kept-100k new-2k)
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), $(java -version 2>&1 | head -1)"
echo "rounds: $rounds, each peer started fresh for each measure, 2 s to settle, then a warm-up (2,000, 200 and 1,000 messages) and the measure"
declare -A rates
for round in $(seq 1 "$rounds"); do
    for workload in "${workloads[@]}"; do
        for peer in "${peers[@]}"; do
            port=$(free_port)
            start_peer "$peer" "$port"
            await_banner "$port"
            # Every peer settles for 2 s: a JVM greets before its web server, JIT and warm-up threads
            # are done, and a load started at once measured them with it.
            sleep 2
            load "$port" "$workload" warm-up >/dev/null
            rate=$(load "$port" "$workload")
            if [ "$peer" = smtplab ]; then
                rates[rss,$workload]="${rates[rss,$workload]:-} $(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")"
            fi
            stop_peer
            rates[$workload,$peer]="${rates[$workload,$peer]:-} $rate"
            echo "round $round: $workload $peer $rate msgs/s"
        done
    done
done

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
failures=()
echo
printf '%-10s %12s %12s %12s %12s   %s\n' workload "SMTP Lab" GreenMail aiosmtpd smtp-sink "SMTP Lab / GreenMail, / aiosmtpd, / smtp-sink"
for workload in "${workloads[@]}"; do
    # shellcheck disable=SC2086
    s=$(median ${rates[$workload,smtplab]}); g=$(median ${rates[$workload,greenmail]})
    # shellcheck disable=SC2086
    a=$(median ${rates[$workload,aiosmtpd]}); k=$(median ${rates[$workload,smtp-sink]})
    ratios=$(awk -v s="$s" -v g="$g" -v a="$a" -v k="$k" 'BEGIN { printf "%.2fx, %.2fx, %.2fx", s / g, s / a, s / k }')
    printf '%-10s %12s %12s %12s %12s   %s\n' "$workload" "$s" "$g" "$a" "$k" "$ratios"
    awk -v s="$s" -v g="$g" 'BEGIN { exit !(s < 2 * g) }' && failures+=("$workload: under 2x GreenMail")
    awk -v s="$s" -v a="$a" 'BEGIN { exit !(s < 2 * a) }' && failures+=("$workload: under 2x aiosmtpd")
    if [ "$workload" = kept-2k ]; then
        awk -v s="$s" -v k="$k" 'BEGIN { exit !(s < 0.3 * k) }' && failures+=("$workload: under 30 % of smtp-sink")
    fi
done
# STARTTLS on every connection (a new connection each, the handshake included), against GreenMail's
# plain-text figure on the same workload: GreenMail offers no STARTTLS at all.
tls_rates=()
for round in $(seq 1 "$rounds"); do
    port=$(free_port)
    start_peer smtplab "$port"
    await_banner "$port"
    /usr/bin/python3 "$root/bench/starttls_load.py" "$port" $((200 / scale)) 8 2048 >/dev/null
    tls_rates+=("$(/usr/bin/python3 "$root/bench/starttls_load.py" "$port" $((2000 / scale)) 8 2048)")
    stop_peer
done
t=$(median "${tls_rates[@]}")
# shellcheck disable=SC2086
g=$(median ${rates[new-2k,greenmail]})
awk -v t="$t" -v g="$g" 'BEGIN { printf "STARTTLS on every connection, 2,000 x 2 KB, a new connection each: SMTP Lab %d msgs/s (Python smtplib client), %.2fx GreenMail in plain text (target: at least 1x)\n", t, t / g }'
awk -v t="$t" -v g="$g" 'BEGIN { exit !(t < g) }' && failures+=("STARTTLS under GreenMail's plain-text figure")

for workload in "${workloads[@]}"; do
    # shellcheck disable=SC2086
    rss_mb=$(( $(median ${rates[rss,$workload]}) / 1024 ))
    echo "SMTP Lab's peak resident memory under $workload (median): $rss_mb MB (target: at most 300 MB)"
    # 2,000 messages of 100 KB are 200 MB of mail, which the memory store holds by design: that one is
    # shown, not judged; the default store's figure below is.
    if [ "$workload" != kept-100k ] && [ "$rss_mb" -gt 300 ]; then
        failures+=("resident memory under $workload $rss_mb MB over 300 MB")
    fi
done
# The same 100 KB workload with what `./smtplab server` runs by default: the SQLite store.
default_rss=()
for round in $(seq 1 "$rounds"); do
    port=$(free_port)
    rm -rf "$work/default-store"
    "$root/smtplab" server --smtp-port "$port" --web-port 0 --data-dir "$work/default-store" >"$work/default.log" 2>&1 &
    pid=$!
    await_banner "$port"
    sleep 2
    load "$port" kept-100k warm-up >/dev/null
    load "$port" kept-100k >/dev/null
    default_rss+=("$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")")
    stop_peer
done
rss_mb=$(( $(median "${default_rss[@]}") / 1024 ))
echo "SMTP Lab's peak resident memory under kept-100k with the default (SQLite) store (median): $rss_mb MB (target: at most 300 MB)"
[ "$rss_mb" -gt 300 ] && failures+=("resident memory under kept-100k with the default store $rss_mb MB over 300 MB")

# Launch to the first 220: the first byte of the greeting, polled every 2 ms.
first_220() {
    /usr/bin/python3 - "$@" <<'PY'
import os, signal, socket, subprocess, sys, time
port = int(sys.argv[1]); command = sys.argv[2:]
start = time.monotonic()
process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
try:
    while time.monotonic() - start < 30:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.settimeout(5)
                if s.recv(3) == b"220":
                    print("%.3f" % (time.monotonic() - start))
                    break
        except OSError:
            time.sleep(0.002)
finally:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait()
PY
}
echo
declare -A starts
# The first start of a data folder makes its CA and keeps SQLite's library: timed once, apart.
port=$(free_port)
first=$(first_220 "$port" "$root/smtplab" server --smtp-port "$port" --web-port 0 --data-dir "$work/launch")
echo "launch to first 220, SMTP Lab's first start in an empty data folder: $first s"
for launch in $(seq 1 "$launches"); do
    for peer in smtplab-sqlite smtplab-memory greenmail aiosmtpd; do
        port=$(free_port)
        case "$peer" in
            smtplab-sqlite) t=$(first_220 "$port" "$root/smtplab" server --smtp-port "$port" --web-port 0 \
                                --data-dir "$work/launch") ;;
            smtplab-memory) t=$(first_220 "$port" "$root/smtplab" server --smtp-port "$port" --web-port 0 --store memory \
                                --data-dir "$work/launch") ;;
            greenmail) t=$(first_220 "$port" java -Dgreenmail.smtp.hostname=127.0.0.1 -Dgreenmail.smtp.port="$port" \
                           -Dgreenmail.auth.disabled -jar "$greenmail_jar") ;;
            aiosmtpd) t=$(first_220 "$port" /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Sink) ;;
        esac
        starts[$peer]="${starts[$peer]:-} $t"
    done
done
for peer in smtplab-sqlite smtplab-memory greenmail aiosmtpd; do
    # shellcheck disable=SC2086
    echo "launch to first 220, $peer: median $(median ${starts[$peer]}) s of $launches ($(echo ${starts[$peer]}))"
done
# shellcheck disable=SC2086
launch=$(median ${starts[smtplab-sqlite]})
awk -v t="$launch" 'BEGIN { exit !(t > 0.5) }' && failures+=("launch to first 220 $launch s over 0.5 s")

# One message with the client against swaks, interleaved, to a server already running.
port=$(free_port)
start_peer smtplab "$port"
await_banner "$port"
elapsed() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$s $e" | awk '{ printf "%.3f", $2 - $1 }'; }
client=(); swaks_times=()
for _ in $(seq 1 "$launches"); do
    client+=("$(elapsed "$root/smtplab" send --server "127.0.0.1:$port" --from a@example.test --to b@example.test)")
    swaks_times+=("$(elapsed swaks --server "127.0.0.1:$port" --from a@example.test --to b@example.test --silent)")
done
stop_peer
c=$(median "${client[@]}"); w=$(median "${swaks_times[@]}")
awk -v c="$c" -v w="$w" -v n="$launches" 'BEGIN { printf "one message: smtplab send %.3f s, swaks %.3f s (median of %d): %.1fx swaks (target: at most 3x)\n", c, w, n, c / w }'
awk -v c="$c" -v w="$w" 'BEGIN { exit !(c > 3 * w) }' && failures+=("smtplab send over 3x swaks")

# Heap that holds 10,000 such messages: live heap after a full GC, full store minus empty server.
heap_used_kb() {
    jcmd "$1" GC.run >/dev/null
    # G1 reports one heap; the serial collector (the launcher's) a young and a tenured generation.
    jcmd "$1" GC.heap_info | awk '/garbage-first heap|def new generation|tenured generation/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); gsub(/K,?/, "", v); sum += v } } END { print sum }'
}
port=$(free_port)
"$root/smtplab" server --smtp-port "$port" --no-web --store memory --max-messages 10000 --max-sessions 10000 \
    --data-dir "$work/data" >"$work/smtplab-heap.log" 2>&1 &
pid=$!
await_banner "$port"
empty_kb=$(heap_used_kb "$pid")
scale=1 load "$port" kept-2k >/dev/null
full_kb=$(heap_used_kb "$pid")
stop_peer
heap_mb=$(awk -v e="$empty_kb" -v f="$full_kb" 'BEGIN { printf "%.1f", (f - e) / 1024 }')
echo "heap: $heap_mb MB live for 10,000 messages of 2,048 bytes with their sessions (target: at most 60 MB)"
awk -v h="$heap_mb" 'BEGIN { exit !(h > 60) }' && failures+=("heap $heap_mb MB over 60 MB")

if [ "${#failures[@]}" -gt 0 ]; then
    echo
    echo "targets missed: $(IFS=';'; echo "${failures[*]}")"
    if $check; then
        exit 1
    fi
fi
