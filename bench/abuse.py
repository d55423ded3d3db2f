#!/usr/bin/env python3
"""Abuse load for one SMTP server on loopback, while a normal client keeps sending.

    bench/abuse.py --port PORT --pid PID [--idle 5000] [--slowloris 500] [--fuzz 10000] [--duration 60]

Each attacker comes from its own loopback address, as separate hosts would: idle connections
from 127.0.0.2 (held open, never a word), slowloris from 127.0.0.3 (a byte every 5 s, never a
whole line), fuzzed sessions from 127.0.0.4 (random and mutated dialogues, TLS hellos on the plain
port, garbage after STARTTLS). The normal client sends from 127.0.0.1. Everything is bounded in
count and time. Prints one JSON object: the normal client's success rate and latency, the server's
RSS and threads before, during (peak) and after, and what the attackers met.
"""
import argparse
import asyncio
import json
import os
import random
import resource
import time

NORMAL, IDLE, SLOW, FUZZ = "127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"


def proc_status(pid):
    """(RSS in MB, thread count) of the server, from /proc."""
    rss, threads = 0.0, 0
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
                elif line.startswith("Threads:"):
                    threads = int(line.split()[1])
    except FileNotFoundError:
        return None
    return rss, threads


async def read_reply(reader, timeout):
    """One whole reply (its last line), or None when the connection closed."""
    while True:
        line = await asyncio.wait_for(reader.readline(), timeout)
        if not line:
            return None
        if len(line) < 4 or line[3:4] != b"-":
            return line.decode("latin-1").rstrip("\r\n")


async def normal_client(port, stop_at, results):
    """Sends one small message per connection, over and over, and times each."""
    n = 0
    while time.monotonic() < stop_at:
        n += 1
        started = time.monotonic()
        ok = False
        writer = None
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port, local_addr=(NORMAL, 0)), 10)
            steps = [None, b"EHLO normal.example.test\r\n", b"MAIL FROM:<app@example.test>\r\n",
                     b"RCPT TO:<user@example.test>\r\n", b"DATA\r\n",
                     b"Subject: normal %d\r\n\r\nhello\r\n.\r\n" % n]
            expected = ["220", "250", "250", "250", "354", "250"]
            for step, code in zip(steps, expected):
                if step:
                    writer.write(step)
                reply = await read_reply(reader, 10)
                if reply is None or not reply.startswith(code):
                    raise RuntimeError(f"{step!r} -> {reply!r}")
            ok = True
            writer.write(b"QUIT\r\n")
            await read_reply(reader, 10)
        except Exception as failure:  # noqa: BLE001 - every failure counts the same: not delivered
            results["normal_errors"][type(failure).__name__] = results["normal_errors"].get(type(failure).__name__, 0) + 1
        finally:
            if writer:
                writer.close()
        results["normal_latencies"].append((time.monotonic() - started, ok))
        await asyncio.sleep(0.02)


async def idle_connections(port, count, stop_at, results):
    """Opens connections and holds them, saying nothing."""
    writers = []

    async def one():
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port, local_addr=(IDLE, 0)), 10)
        except Exception:  # noqa: BLE001
            results["idle"]["not connected"] += 1
            return
        writers.append(writer)
        try:
            banner = await read_reply(reader, 10)
        except Exception:  # noqa: BLE001
            banner = None
        key = "greeted (220)" if banner and banner.startswith("220") else "refused (" + (banner or "closed")[:3] + ")"
        results["idle"][key] = results["idle"].get(key, 0) + 1

    for batch in range(0, count, 250):
        await asyncio.gather(*(one() for _ in range(min(250, count - batch))))
    await asyncio.sleep(max(0.0, stop_at - time.monotonic()))
    for writer in writers:
        writer.close()


async def slowloris(port, count, stop_at, results):
    """Each connection sends one byte every 5 s and never ends a line."""
    async def one():
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port, local_addr=(SLOW, 0)), 10)
        except Exception:  # noqa: BLE001
            results["slowloris"]["not connected"] += 1
            return
        opened = time.monotonic()
        try:
            banner = await read_reply(reader, 10)
            if not banner or not banner.startswith("220"):
                results["slowloris"]["refused at once"] += 1
                return
            while time.monotonic() < stop_at:
                writer.write(b"X")
                await writer.drain()
                try:
                    reply = await asyncio.wait_for(reader.readline(), 5)
                    results["slowloris"]["cut off by the server"] += 1
                    results["slowloris_held_s"].append(time.monotonic() - opened)
                    return
                except asyncio.TimeoutError:
                    pass
            results["slowloris"]["still open at the end"] += 1
        except Exception:  # noqa: BLE001
            results["slowloris"]["cut off by the server"] += 1
            results["slowloris_held_s"].append(time.monotonic() - opened)
        finally:
            writer.close()

    await asyncio.gather(*(one() for _ in range(count)))


TLS_CLIENT_HELLO = bytes.fromhex("16030100a5010000a10303") + os.urandom(32) + bytes.fromhex(
    "000020c02bc02fc02cc030cca9cca8c009c013c00ac014009c009d002f0035c012000a010000580000001800160000136578616d706c652e746573740005000501000000000000")

CORPUS = [b"EHLO fuzz.example.test", b"HELO x", b"MAIL FROM:<a@example.test>", b"MAIL FROM:<a@example.test> SIZE=10",
          b"MAIL FROM:<>", b"RCPT TO:<b@example.test>", b"RCPT TO:<b@example.test> NOTIFY=SUCCESS,FAILURE",
          b"DATA", b"BDAT 10 LAST", b"BDAT 999999999999", b"RSET", b"NOOP", b"VRFY root", b"HELP", b"AUTH PLAIN",
          b"AUTH LOGIN", b"STARTTLS", b"QUIT", b"MAIL FROM:<a@example.test> SIZE=999999999999",
          b"MAIL FROM:<\"quoted\"@[127.0.0.1]> BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=x+2Bx",
          b"RCPT TO:<postmaster>", b"Subject: hi", b".", b""]


def mutate(line):
    choice = random.random()
    if choice < 0.2:
        return bytes(random.getrandbits(8) for _ in range(random.randint(1, 60)))
    if choice < 0.35:
        return line * random.randint(2, 40)
    if choice < 0.5:
        position = random.randint(0, len(line))
        return line[:position] + random.choice([b"\x00", b"\r", b"\n", b"\xff\xfe", b"<", b">", b" ", b"=", b"."]) + line[position:]
    if choice < 0.6:
        return line[:random.randint(0, len(line))]
    return line


def fuzzed_session():
    """The bytes of one hostile session, in writes."""
    kind = random.random()
    if kind < 0.1:
        return [TLS_CLIENT_HELLO]
    if kind < 0.2:
        return [b"EHLO fuzz.example.test\r\n", b"STARTTLS\r\n", os.urandom(random.randint(1, 3000))]
    if kind < 0.25:
        return [b"EHLO x\r\nSTARTTLS\r\nMAIL FROM:<injected@example.test>\r\n"]
    if kind < 0.3:
        return [b"EHLO x\r\n", b"MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n",
                b"Subject: smuggled\r\n\r\none\n.\ntwo\r\n.\r\n"]
    if kind < 0.35:
        return [b"x" * random.randint(1000, 70000) + b"\r\n"]
    writes = []
    for _ in range(random.randint(1, 30)):
        sep = random.choice([b"\r\n", b"\r\n", b"\r\n", b"\n", b"\r", b""])
        writes.append(mutate(random.choice(CORPUS)) + sep)
    return writes


async def fuzz(port, count, concurrency, stop_at, results):
    queue = asyncio.Queue()
    for _ in range(count):
        queue.put_nowait(fuzzed_session())

    async def worker():
        while not queue.empty() and time.monotonic() < stop_at:
            writes = queue.get_nowait()
            writer = None
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection("127.0.0.1", port, local_addr=(FUZZ, 0)), 5)
                for data in writes:
                    writer.write(data)
                    await writer.drain()
                writer.write_eof() if writer.can_write_eof() else None
                await asyncio.wait_for(reader.read(1 << 20), 3)
                results["fuzz"]["sessions"] += 1
            except asyncio.TimeoutError:
                results["fuzz"]["sessions"] += 1
                results["fuzz"]["server still waiting after 3 s (closed by us)"] += 1
            except Exception as failure:  # noqa: BLE001
                results["fuzz"]["sessions"] += 1
                key = "ended by " + type(failure).__name__
                results["fuzz"][key] = results["fuzz"].get(key, 0) + 1
            finally:
                if writer:
                    writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def sampler(pid, stop, samples):
    while not stop.is_set():
        status = proc_status(pid)
        if status:
            samples.append(status)
        try:
            await asyncio.wait_for(stop.wait(), 1)
        except asyncio.TimeoutError:
            pass


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--idle", type=int, default=5000)
    parser.add_argument("--slowloris", type=int, default=500)
    parser.add_argument("--fuzz", type=int, default=10000)
    parser.add_argument("--fuzz-concurrency", type=int, default=32)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--settle", type=float, default=65, help="seconds between the attack and the 'after' sample")
    args = parser.parse_args()
    random.seed(args.seed)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    results = {"normal_latencies": [], "normal_errors": {}, "idle": {"not connected": 0},
               "slowloris": {"not connected": 0, "refused at once": 0, "cut off by the server": 0,
                             "still open at the end": 0},
               "slowloris_held_s": [], "fuzz": {"sessions": 0, "server still waiting after 3 s (closed by us)": 0}}
    before = proc_status(args.pid)
    samples = []
    stop = asyncio.Event()
    sampling = asyncio.create_task(sampler(args.pid, stop, samples))
    stop_at = time.monotonic() + args.duration
    await asyncio.gather(normal_client(args.port, stop_at, results),
                         idle_connections(args.port, args.idle, stop_at, results),
                         slowloris(args.port, args.slowloris, stop_at, results),
                         fuzz(args.port, args.fuzz, args.fuzz_concurrency, stop_at, results))
    stop.set()
    await sampling
    # After: once idle worker threads have expired (thread pools keep them 60 s).
    await asyncio.sleep(args.settle)
    after = proc_status(args.pid)

    latencies = [seconds for seconds, ok in results["normal_latencies"] if ok]
    attempts = len(results["normal_latencies"])
    print(json.dumps({
        "normal": {"attempts": attempts, "delivered": len(latencies),
                   "success_rate": round(len(latencies) / attempts, 4) if attempts else None,
                   "p50_ms": round(1000 * percentile(latencies, 0.5), 1) if latencies else None,
                   "p99_ms": round(1000 * percentile(latencies, 0.99), 1) if latencies else None,
                   "errors": results["normal_errors"]},
        "idle": results["idle"],
        "slowloris": results["slowloris"],
        "slowloris_held_median_s": round(percentile(results["slowloris_held_s"], 0.5), 1)
        if results["slowloris_held_s"] else None,
        "fuzz": results["fuzz"],
        "server_alive_after": after is not None,
        "rss_mb": {"before": round(before[0]) if before else None,
                   "peak": round(max(s[0] for s in samples)) if samples else None,
                   "after": round(after[0]) if after else None},
        "threads": {"before": before[1] if before else None,
                    "peak": max(s[1] for s in samples) if samples else None,
                    "after": after[1] if after else None},
    }))


if __name__ == "__main__":
    asyncio.run(main())
