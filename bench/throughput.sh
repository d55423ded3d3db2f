#!/usr/bin/env bash
# Throughput and memory benchmark: Postfix's smtp-source sends the same load to SMTP Lab, GreenMail
# and aiosmtpd in one run on this machine, so the figures compare like with like.
#
#   bench/throughput.sh [--messages N] [--sessions N] [--size BYTES] [--check]
#
# --check exits non-zero when SMTP Lab is slower than GreenMail. Needs: postfix (smtp-source),
# python3-aiosmtpd (skipped with a note when missing), Maven (fetches GreenMail's standalone jar).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/bench/common.sh"
messages=10000
sessions=8
size=2048
check=false
while [ $# -gt 0 ]; do
    case "$1" in
        --messages) messages=$2; shift 2 ;;
        --sessions) sessions=$2; shift 2 ;;
        --size) size=$2; shift 2 ;;
        --check) check=true; shift ;;
        *) echo "usage: bench/throughput.sh [--messages N] [--sessions N] [--size BYTES] [--check]" >&2; exit 2 ;;
    esac
done

work="$root/bench/target"
mkdir -p "$work"
greenmail_version=2.1.3
greenmail_jar="$HOME/.m2/repository/com/icegreen/greenmail-standalone/$greenmail_version/greenmail-standalone-$greenmail_version.jar"
command -v smtp-source >/dev/null || { echo "bench: smtp-source is missing: apt-get install postfix" >&2; exit 1; }
[ -f "$greenmail_jar" ] || mvn -q -B -Dstyle.color=never dependency:get \
    -Dartifact="com.icegreen:greenmail-standalone:$greenmail_version" >&2
[ -f "$root/server/app/target/smtplab-server.jar" ] || (cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -pl server/app -am package)

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT



# Runs smtp-source against the port; prints messages per second.
load() {
    local port=$1 count=$2
    local start end
    start=$(date +%s.%N)
    timeout 300 smtp-source -d -m "$count" -s "$sessions" -l "$size" \
        -f sender@example.test -t rcpt@example.test "127.0.0.1:$port"
    end=$(date +%s.%N)
    echo "$count $start $end" | awk '{ printf "%.0f", $1 / ($3 - $2) }'
}

# A warm-up of a tenth of the load lets each JIT compile, then the measured run.
measure() {
    local name=$1 port=$2
    await_banner "$port"
    load "$port" $((messages / 10)) >/dev/null
    local rate
    rate=$(load "$port" "$messages")
    echo "$rate"
}

echo "load: $messages messages of $size bytes over $sessions kept-open sessions (smtp-source -d), $(nproc) cores"

port=$(free_port)
# The memory store, as GreenMail's and aiosmtpd's sink: bench/store.sh compares the stores.
java -jar "$root/server/app/target/smtplab-server.jar" --smtp-port "$port" --no-tls --no-web --store memory >"$work/smtplab.log" 2>&1 &
pids+=($!)
smtplab_rate=$(measure "SMTP Lab" "$port")
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

port=$(free_port)
java -Dgreenmail.smtp.hostname=127.0.0.1 -Dgreenmail.smtp.port="$port" -Dgreenmail.auth.disabled \
    -jar "$greenmail_jar" >"$work/greenmail.log" 2>&1 &
pids+=($!)
greenmail_rate=$(measure "GreenMail" "$port")
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

aiosmtpd_rate=""
if /usr/bin/python3 -c "import aiosmtpd" 2>/dev/null; then
    port=$(free_port)
    /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Sink >"$work/aiosmtpd.log" 2>&1 &
    pids+=($!)
    aiosmtpd_rate=$(measure "aiosmtpd" "$port")
    kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf '%-10s %8s msgs/s  %s\n' "SMTP Lab" "$smtplab_rate" "x$(ratio "$smtplab_rate" "$greenmail_rate") GreenMail"
printf '%-10s %8s msgs/s  %s\n' "GreenMail" "$greenmail_rate" "x1.00"
if [ -n "$aiosmtpd_rate" ]; then
    printf '%-10s %8s msgs/s  %s\n' "aiosmtpd" "$aiosmtpd_rate" "x$(ratio "$aiosmtpd_rate" "$greenmail_rate") GreenMail"
else
    echo "aiosmtpd   skipped: python3-aiosmtpd is not installed"
fi

# Heap that holds $messages such messages: live heap after a full GC, full store minus empty server.
heap_used_kb() {
    jcmd "$1" GC.run >/dev/null
    jcmd "$1" GC.heap_info | awk '/garbage-first heap|def new generation|PSYoungGen/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); gsub(/K,?/, "", v); print v; exit } }'
}
port=$(free_port)
java -jar "$root/server/app/target/smtplab-server.jar" --smtp-port "$port" --no-tls --no-web --store memory --max-messages "$messages" \
    --max-sessions "$messages" >"$work/smtplab-heap.log" 2>&1 &
pid=$!
pids+=($pid)
await_banner "$port"
empty_kb=$(heap_used_kb "$pid")
load "$port" "$messages" >/dev/null
full_kb=$(heap_used_kb "$pid")
kill "$pid"; wait "$pid" 2>/dev/null || true
awk -v e="$empty_kb" -v f="$full_kb" -v n="$messages" -v s="$size" 'BEGIN {
    printf "heap:      %.1f MB live for %d messages of %d bytes (%.0f bytes each, %.2fx the message size); empty server %.1f MB\n",
        (f - e) / 1024, n, s, (f - e) * 1024 / n, (f - e) * 1024 / n / s, e / 1024 }'

if $check && awk -v a="$smtplab_rate" -v b="$greenmail_rate" 'BEGIN { exit !(a < b) }'; then
    echo "bench: SMTP Lab ($smtplab_rate msgs/s) is slower than GreenMail ($greenmail_rate msgs/s)" >&2
    exit 1
fi
