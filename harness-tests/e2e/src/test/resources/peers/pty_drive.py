"""Drives a program in a pseudo-terminal, as a person at a keyboard would.

usage: pty_drive.py TIMEOUT_SECONDS -- COMMAND [ARGS...]
Steps come on standard input, one a line:
  EXPECT <regex>           wait (up to TIMEOUT_SECONDS) until the screen output so far matches
  WITHIN <seconds> <regex> wait until what the program printed since the last SEND or KEY matches, and
                           fail if that takes longer than <seconds> from the step before
  SEND <text>              type the text and Enter
  KEY ctrl-c|ctrl-d        press the key
  EXIT <seconds>           the program must exit within <seconds>; its exit code is reported
Everything the program printed is written to standard output at the end, then a line
"[pty_drive] exit code N" when the program exited. Exits 1 (after printing the output) if a step
is not met in time.
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

KEYS = {"ctrl-c": b"\x03", "ctrl-d": b"\x04"}


def main():
    timeout = float(sys.argv[1])
    command = sys.argv[sys.argv.index("--") + 1:]
    steps = [line.rstrip("\n") for line in sys.stdin]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    # A new pty is 0x0; line editors need a size to draw in.
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    output = b""
    failed = None
    exit_code = None

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

    def wait_for(pattern, seconds, since=0):
        deadline = time.time() + seconds
        compiled = re.compile(pattern.encode(), re.S)
        while not compiled.search(output, since) and time.time() < deadline:
            if not pump(0.05):
                break
        return compiled.search(output, since) is not None

    mark = 0

    for step in steps:
        kind, _, argument = step.partition(" ")
        if kind == "SEND":
            pump(0)
            mark = len(output)
            os.write(fd, argument.encode() + b"\r")
        elif kind == "KEY":
            pump(0)
            mark = len(output)
            os.write(fd, KEYS[argument])
        elif kind == "EXPECT":
            if not wait_for(argument, timeout):
                failed = argument
                break
        elif kind == "WITHIN":
            seconds, _, pattern = argument.partition(" ")
            started = time.time()
            if not wait_for(pattern, float(seconds), mark):
                failed = "%s (within %s s; waited %.2f s)" % (pattern, seconds, time.time() - started)
                break
        elif kind == "EXIT":
            deadline = time.time() + float(argument)
            while time.time() < deadline:
                pump(0.05)
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    exit_code = os.waitstatus_to_exitcode(status)
                    break
            if exit_code is None:
                failed = "the program did not exit within %s s" % argument
                break
    deadline = time.time() + 2
    while time.time() < deadline and pump(0.1):
        pass
    if exit_code is None:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
    sys.stdout.write(output.decode("utf-8", "replace"))
    if exit_code is not None:
        sys.stdout.write("\n[pty_drive] exit code %d\n" % exit_code)
    if failed:
        sys.stdout.write("\n[pty_drive] not seen in time: " + failed + "\n")
        sys.exit(1)


main()
