"""Drives a program in a pseudo-terminal, as a person at a keyboard would.

usage: pty_drive.py TIMEOUT_SECONDS -- COMMAND [ARGS...]
Steps come on standard input, one a line:
  EXPECT <regex>   wait until the screen output so far matches
  SEND <text>      type the text and Enter
Everything the program printed is written to standard output at the end.
Exits 1 (after printing the output) if an EXPECT is not met in time.
"""
import fcntl
import os
import pty
import re
import select
import struct
import sys
import termios
import time


def main():
    timeout = float(sys.argv[1])
    command = sys.argv[sys.argv.index("--") + 1:]
    steps = [line.rstrip("\n") for line in sys.stdin]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    # A new pty is 0x0; line editors need a size to draw in.
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    output = b""
    failed = None

    def pump(seconds):
        nonlocal output
        ready, _, _ = select.select([fd], [], [], seconds)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                return False
            if not data:
                return False
            output += data
        return True

    for step in steps:
        kind, _, argument = step.partition(" ")
        if kind == "SEND":
            os.write(fd, argument.encode() + b"\r")
        elif kind == "EXPECT":
            deadline = time.time() + timeout
            pattern = re.compile(argument.encode(), re.S)
            while not pattern.search(output) and time.time() < deadline:
                if not pump(0.1):
                    break
            if not pattern.search(output):
                failed = argument
                break
    deadline = time.time() + 2
    while time.time() < deadline and pump(0.1):
        pass
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    sys.stdout.write(output.decode("utf-8", "replace"))
    if failed:
        sys.stdout.write("\n[pty_drive] not seen in time: " + failed + "\n")
        sys.exit(1)


main()
