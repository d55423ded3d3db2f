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
# Profile of the SQLite store under this load (JFR, 1 ms samples, 2026-12-05), top frames:
#   native: sun.nio.ch.Net.accept / Net.poll (sessions and the acceptor waiting: the load is
#           latency-bound), org.sqlite.core.NativeDB.step (658 samples, the writer thread),
#           FileDispatcherImpl.write0, NativeDB.prepare_utf8 (statements since prepared once)
#   java:   BufferedInputStream.fill, InboundTap.readContent, ImmutableCollections.listFromArray,
#           Jackson's string writer (session snapshots, since written behind)
# Per batch of 3.5 writes: 0.4 ms of inserts, 0.4 ms of commit. Switched off one at a time, the
# full-text index, the MIME walk for the searchable text, fsync and auto_vacuum each moved the rate
# by under 10 %.
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

# Starts the server with a store; sets $port, $web and $pid.
start() {
    port=$(free_port); web=$(free_port)
    java -jar "$root/server/app/target/smtplab-server.jar" --smtp-port "$port" --web-port "$web" --no-tls \
        --data-dir "$work/data-$1" --store "$2" --max-messages 1000000 --max-sessions 1000 --max-store-size 4GB \
        >"$work/$1.log" 2>&1 &
    pid=$!
    await_banner "$port"
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
        load $((messages / 10)) >/dev/null   # warm-up: the JIT, and the file's first pages
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
