"""A real, independent SMTP server (aiosmtpd) for our client to talk to.

usage: aiosmtpd_server.py PORT MAILBOX_DIR
Accepts mail for any recipient except unknown@..., which gets a real 550 5.1.1; each accepted
message is written to MAILBOX_DIR as it was received. AUTH PLAIN and LOGIN accept alice / s3cret
(over plain text, for the test). aiosmtpd names a handler's own mechanism after its method, so
CRAM-MD5 can only be offered as "CRAM_MD5"; the client's CRAM-MD5 is tested against a fake instead.
Prints "ready" once it listens.
"""
import os
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

USER = "alice"
PASSWORD = "s3cret"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login.decode() == USER and auth_data.password.decode() == PASSWORD
    return AuthResult(success=ok, handled=False)


class Handler:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("unknown@"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.folder, "%d.eml" % self.count)
        with open(path, "wb") as out:
            out.write(("X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n" % (
                envelope.mail_from, ",".join(envelope.rcpt_tos))).encode())
            out.write(envelope.original_content)
        return "250 Message accepted for delivery"


def main():
    port = int(sys.argv[1])
    controller = Controller(Handler(sys.argv[2]), hostname="127.0.0.1", port=port,
                            authenticator=authenticate, auth_require_tls=False)
    controller.start()
    print("ready", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


main()
