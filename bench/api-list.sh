#!/usr/bin/env bash
# API listing benchmark: 10,000 stored messages, then repeated GETs of one page of the message list
# (newest first), plain and filtered, timed by curl. Target: one page in under 50 ms.
#
#   bench/api-list.sh [--messages N] [--requests N] [--check]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/bench/common.sh"
messages=10000
requests=200
check=false
while [ $# -gt 0 ]; do
    case "$1" in
        --messages) messages=$2; shift 2 ;;
        --requests) requests=$2; shift 2 ;;
        --check) check=true; shift ;;
        *) echo "usage: bench/api-list.sh [--messages N] [--requests N] [--check]" >&2; exit 2 ;;
    esac
done
command -v smtp-source >/dev/null || { echo "bench: smtp-source is missing: apt-get install postfix" >&2; exit 1; }
[ -f "$root/server/app/target/smtplab-server.jar" ] || (cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -pl server/app -am package)

smtp_port=$(free_port)
web_port=$(free_port)
java -jar "$root/server/app/target/smtplab-server.jar" --smtp-port "$smtp_port" --web-port "$web_port" --no-tls \
    --store memory --max-messages "$messages" --max-sessions "$messages" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$web_port/healthz" >/dev/null && break
    sleep 0.1
done
timeout 300 smtp-source -d -m "$messages" -s 8 -l 2048 -S "load test" -f sender@example.test -t rcpt@example.test \
    "127.0.0.1:$smtp_port"
stored=$(curl -sf "http://127.0.0.1:$web_port/api/v1/messages?limit=1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')

# Times N requests of a URL; prints p50, p95 and max in milliseconds.
measure() {
    local url=$1
    for _ in $(seq 1 20); do curl -sf -o /dev/null "$url"; done
    for _ in $(seq 1 "$requests"); do
        curl -sf -o /dev/null -w '%{time_total}\n' "$url"
    done | sort -n | awk '{ t[NR] = $1 * 1000 } END {
        printf "p50 %.1f ms, p95 %.1f ms, max %.1f ms", t[int(NR * 0.5)], t[int(NR * 0.95)], t[NR] }'
}

page=$(measure "http://127.0.0.1:$web_port/api/v1/messages?limit=50")
filtered=$(measure "http://127.0.0.1:$web_port/api/v1/messages?limit=50&subject=load&to=rcpt")
echo "stored: $stored messages of 2048 bytes; $requests requests each"
echo "one page of 50, newest first:  $page"
echo "filtered by subject and to:    $filtered"
if $check; then
    p95=$(echo "$page" | sed -E 's/.*p95 ([0-9.]+) ms.*/\1/')
    awk -v p="$p95" 'BEGIN { exit !(p < 50) }' || { echo "bench: p95 $p95 ms is not under 50 ms" >&2; exit 1; }
fi
