#!/usr/bin/env bash
# The stores side by side: Postfix's smtp-source sends the same load to SMTP Lab with --store memory,
# --store sqlite and --store postgresql://... (a private cluster this script starts on a loopback
# port, fsync on, as a real one), interleaved over several rounds, each server and database fresh;
# then bytes per message, and the API's list and full-text search over a filled SQLite store.
#
#   bench/store.sh [--messages N] [--sessions N] [--size BYTES] [--rounds N] [--fill N]
#
# Needs: postfix (smtp-source), postgresql, curl. Every figure is measured in this run, on this machine.
#
# Profiles of the SQLite store under this load (JFR 1 ms samples and perf, 2026-12-05):
#   1. Each message committed before its 250 (0.30x memory): per message the JVM spent 520 us of CPU
#      against 196 us in memory. Session threads: Jakarta Mail parsing each message's headers and
#      MIME parts for its subject and searchable text (RecordedMessage.headers 106 samples,
#      toMimeMessage 86, of 540), Jackson writing the envelope's lists (36), SHA-256 (17). Writer:
#      rewriting open sessions' whole snapshots (82 of 162), the content insert (104 at 1 ms native
#      samples), commits of 3 to 4 messages each. Switched off one at a time (commit not awaited,
#      no search index, no text), no single cost explained the gap: the 250 waited for a commit.
#   2. The journal (250 after one append; indexed behind, in large transactions): 0.59x. The
#      writer became the busiest thread (224 samples against 153 for all sessions): writeSessions
#      84, Jackson 35, SHA-256 31 (a provider lookup each), inserts 43.
#   3. The searchable text and subject read without Jakarta Mail for plain messages, the envelope's
#      JSON written by hand, the row worked out on the session's thread, transcripts written as
#      chunks of new lines, content in rowid order: 0.67x, twice. Per thread in the measure: C2
#      0.9-1.2 s of CPU (0.5-0.7 s in memory), sessions 1.0 s, writer 0.4-0.5 s: the JIT's
#      optimising tier was still compiling, and everything ran in its slower profiling tier meanwhile.
#   4. The launcher runs the JIT's first tier only (faster on every workload of bench/throughput.sh);
#      there SHA-256 is pure Java: 52 of the 82 samples of keep(). Content found by two CRCs (CPU
#      instructions in every tier) and compared byte for byte instead: 0.72x.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/bench/common.sh"
messages=10000
sessions=8
size=2048
rounds=3
fill=100000
while [ $# -gt 0 ]; do
    case "$1" in
        --messages) messages=$2; shift 2 ;;
        --sessions) sessions=$2; shift 2 ;;
        --size) size=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --fill) fill=$2; shift 2 ;;
        *) echo "usage: bench/store.sh [--messages N] [--sessions N] [--size BYTES] [--rounds N] [--fill N]" >&2; exit 2 ;;
    esac
done
command -v smtp-source >/dev/null || { echo "bench: smtp-source is missing: apt-get install postfix" >&2; exit 1; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pgbin/initdb" ] || { echo "bench: PostgreSQL is missing: apt-get install postgresql" >&2; exit 1; }
[ -f "$root/server/app/target/smtplab-server.jar" ] || (cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -pl server/app -am package)

work="$root/bench/target/store"
rm -rf "$work"; mkdir -p "$work"
pid=""
# PostgreSQL refuses to run as root: as root it runs as the postgres user the package made.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pgport=$(free_port)
mkdir -p "$work/pg"; [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
as_pg "$pgbin/initdb" -D "$work/pg/data" -A trust -U smtplab -E UTF8 --locale=C >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w -o "-p $pgport -h 127.0.0.1 -k $work/pg" start >/dev/null
pgurl="postgresql://smtplab@127.0.0.1:$pgport/smtplab"
fresh_database() {
    as_pg "$pgbin/dropdb" -h 127.0.0.1 -p "$pgport" -U smtplab --if-exists smtplab
    as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U smtplab smtplab
}
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true
    as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m fast stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
# The launcher makes its class-data-sharing archive on a first run: not inside a measure.
"$root/smtplab" server --version >/dev/null 2>&1

# Starts the server with a store; sets $port, $web and $pid.
start() {
    port=$(free_port); web=$(free_port)
    # Through the launcher, with its JVM settings and class-data-sharing archive, as a person runs it.
    "$root/smtplab" server --smtp-port "$port" --web-port "$web" --no-tls \
        --data-dir "$work/data-$1" --store "$2" --max-messages 1000000 --max-sessions 1000 --max-store-size 4GB \
        >"$work/$1.log" 2>&1 &
    pid=$!
    await_banner "$port"
    sleep 2   # as bench/throughput.sh gives every peer: the web server comes up after the SMTP port
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }
load() {
    local count=$1 start end
    start=$(date +%s.%N)
    timeout 600 smtp-source -d -m "$count" -s "$sessions" -l "$size" -f sender@example.test -t rcpt@example.test \
        "127.0.0.1:$port"
    end=$(date +%s.%N)
    echo "$count $start $end" | awk '{ printf "%.0f", $1 / ($3 - $2) }'
}

echo "load: $messages messages of $size bytes over $sessions kept-open sessions (smtp-source -d), $rounds rounds, $(nproc) cores"
memory=(); sqlite=(); postgresql=()
for round in $(seq 1 "$rounds"); do
    for store in memory sqlite postgresql; do
        rm -rf "$work/data-$store"
        if [ "$store" = postgresql ]; then fresh_database; start "$store" "$pgurl"; else start "$store" "$store"; fi
        load $((messages / 5)) >/dev/null   # warm-up, as bench/throughput.sh's: the JIT, and the file's first pages
        rate=$(load "$messages")
        stop
        case "$store" in
            memory) memory+=("$rate") ;;
            sqlite) sqlite+=("$rate") ;;
            postgresql) postgresql+=("$rate") ;;
        esac
        echo "round $round: $store $rate msgs/s"
    done
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
m=$(median "${memory[@]}"); s=$(median "${sqlite[@]}"); p=$(median "${postgresql[@]}")
awk -v m="$m" -v s="$s" -v p="$p" 'BEGIN { printf "median: memory %d msgs/s, sqlite %d msgs/s (%.2fx memory; target: at least 0.67x), postgresql %d msgs/s (%.2fx memory)\n", m, s, s / m, p, p / m }'
pgbytes=$(psql -h 127.0.0.1 -p "$pgport" -U smtplab -d smtplab -tAc "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c WHERE c.relname IN ('message', 'content', 'session')")
pgcount=$(psql -h 127.0.0.1 -p "$pgport" -U smtplab -d smtplab -tAc "SELECT count(*) FROM message")
awk -v b="$pgbytes" -v n="$pgcount" -v s="$size" 'BEGIN { printf "postgresql: %d bytes for %d messages of %d bytes: %.0f bytes each (tables and indexes; the WAL not counted)\n", b, n, s, b / n }'

# A filled store: bytes per message on disk, then the API's first page and a full-text search.
rm -rf "$work/data-fill"
start fill sqlite
load "$fill" >/dev/null
curl -s -o /dev/null "http://127.0.0.1:$web/api/v1/messages?limit=50"
stored=$(curl -s "http://127.0.0.1:$web/api/v1/messages?limit=1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
timings() {
    local url=$1
    for _ in $(seq 1 40); do curl -s -o /dev/null -w '%{time_total}\n' "$url"; done | sort -n | awk '{ a[NR] = $1 * 1000 } END { printf "p50 %.1f ms, p95 %.1f ms", a[int(NR * 0.5)], a[int(NR * 0.95)] }'
}
echo "list, first page of 50 over $stored messages: $(timings "http://127.0.0.1:$web/api/v1/messages?limit=50")"
echo "full-text search (q=rcpt) over $stored messages: $(timings "http://127.0.0.1:$web/api/v1/messages?limit=50&q=rcpt")"
stop
bytes=$(du -cb "$work/data-fill"/smtplab.db* | tail -1 | cut -f1)
awk -v b="$bytes" -v n="$stored" -v s="$size" 'BEGIN { printf "disk: %d bytes for %d messages of %d bytes: %.0f bytes each\n", b, n, s, b / n }'
