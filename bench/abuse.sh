#!/usr/bin/env bash
# Abuse benchmark: SMTP Lab and GreenMail, each started fresh, take the same attack in the same run
# (bench/abuse.py: 5,000 idle connections, 500 slowloris connections and 10,000 fuzzed sessions,
# each from its own loopback address) while a normal client keeps sending; rounds alternate the
# peers. Prints, per peer and round, the normal client's success rate and p99 latency, the server's
# RSS and threads before / at peak / after, and the stack traces in its output.
#
#   bench/abuse.sh [--rounds N] [--duration SECONDS] [--idle N] [--slowloris N] [--fuzz N]
#
# Needs python3 and Maven (fetches GreenMail's standalone jar). Everything goes to 127.0.0.x.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/bench/common.sh"
rounds=2
attack=()
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --duration|--idle|--slowloris|--fuzz|--settle) attack+=("$1" "$2"); shift 2 ;;
        *) echo "usage: bench/abuse.sh [--rounds N] [--duration S] [--idle N] [--slowloris N] [--fuzz N]" >&2; exit 2 ;;
    esac
done

work="$root/bench/target"
mkdir -p "$work"
greenmail_version=2.1.3
greenmail_jar="$HOME/.m2/repository/com/icegreen/greenmail-standalone/$greenmail_version/greenmail-standalone-$greenmail_version.jar"
[ -f "$greenmail_jar" ] || mvn -q -B -Dstyle.color=never dependency:get \
    -Dartifact="com.icegreen:greenmail-standalone:$greenmail_version" >&2
[ -f "$root/server/app/target/smtplab-server.jar" ] || (cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -pl server/app -am package)

pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT



# run NAME ROUND COMMAND...: starts the server, attacks it, prints one line of figures.
run() {
    local name=$1 round=$2 port=$3
    shift 3
    local log="$work/abuse-$name-$round.log"
    "$@" >"$log" 2>&1 &
    pid=$!
    await_banner "$port"
    sleep 2
    local figures
    figures=$(timeout 900 python3 "$root/bench/abuse.py" --port "$port" --pid "$pid" "${attack[@]}")
    local alive=yes
    kill -0 "$pid" 2>/dev/null || alive=no
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
    local traces
    traces=$(grep -c -E '^\s+at [a-zA-Z0-9_.$]+\(' "$log" || true)
    echo "$figures" > "$work/abuse-$name-$round.json"
    python3 - "$name" "$round" "$alive" "$traces" "$figures" <<'PY'
import json, sys
name, rnd, alive, traces, figures = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], json.loads(sys.argv[5])
n, rss, th = figures["normal"], figures["rss_mb"], figures["threads"]
print(f"{name:<9} round {rnd}: normal client {n['delivered']}/{n['attempts']} delivered "
      f"({100 * (n['success_rate'] or 0):.1f} %), p50 {n['p50_ms']} ms, p99 {n['p99_ms']} ms; "
      f"RSS {rss['before']}/{rss['peak']}/{rss['after']} MB; threads {th['before']}/{th['peak']}/{th['after']}; "
      f"alive {alive}; stack-trace lines {traces}")
print(f"          idle {figures['idle']}; slowloris {figures['slowloris']}; fuzz {figures['fuzz']}")
PY
}

echo "attack: ${attack[*]:-defaults (5000 idle, 500 slowloris, 10000 fuzzed, 60 s)}; $(nproc) cores; rounds $rounds"
for round in $(seq 1 "$rounds"); do
    port=$(free_port)
    # Defaults, but a command timeout short enough to be seen cutting slowloris off within the run,
    # and the memory store, as GreenMail's (bench/store.sh compares the stores).
    run "SMTP Lab" "$round" "$port" java -jar "$root/server/app/target/smtplab-server.jar" --smtp-port "$port" \
        --no-tls --web-port 0 --command-timeout 20 --store memory
    port=$(free_port)
    run GreenMail "$round" "$port" java -Dgreenmail.smtp.hostname=127.0.0.1 -Dgreenmail.smtp.port="$port" \
        -Dgreenmail.auth.disabled -jar "$greenmail_jar"
done
