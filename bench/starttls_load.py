"""STARTTLS on every connection: COUNT messages of SIZE bytes, each over a new connection that
upgrades with STARTTLS before MAIL, SESSIONS at a time. Prints messages per second.

    python3 bench/starttls_load.py PORT COUNT SESSIONS SIZE

The server's certificate is not checked (a benchmark of the handshake, not of trust); TLS 1.2 or 1.3
as both sides agree. Plain Python (smtplib, ssl, threads): no dependency to install.
"""
import smtplib
import ssl
import sys
import threading
import time

port, count, sessions, size = (int(value) for value in sys.argv[1:5])
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
body = ("Subject: starttls load\r\n\r\n" + "x" * max(0, size - 30) + "\r\n").encode("ascii")
lock = threading.Lock()
left = [count]
failures = []


def worker():
    while True:
        with lock:
            if left[0] == 0:
                return
            left[0] -= 1
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
                client.ehlo("load.test")
                client.starttls(context=context)
                client.ehlo("load.test")
                client.sendmail("sender@example.test", ["rcpt@example.test"], body)
        except Exception as error:  # noqa: BLE001 - a failed message is counted, not fatal
            with lock:
                failures.append(repr(error))


start = time.monotonic()
threads = [threading.Thread(target=worker) for _ in range(sessions)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
elapsed = time.monotonic() - start
if failures:
    print("starttls_load: %d of %d failed, the first: %s" % (len(failures), count, failures[0]), file=sys.stderr)
    sys.exit(1)
print("%.0f" % (count / elapsed))
