#!/usr/bin/python3
"""A capture SMTP server: accepts every message and keeps it as one RFC 5322 file
DIR/<time>-<n>.eml (written to a temporary name, then renamed, so a reader never sees half a
message). ops/up runs it for the local network and tests run one per suite; nothing is relayed.

Usage: mail-capture.py --port PORT --dir DIR [--host 127.0.0.1] [--tls-cert PEM --tls-key PEM]
With a certificate it offers STARTTLS and refuses mail until the client has used it.
Prints "ready PORT" on stdout once it accepts connections.
"""
import argparse
import asyncio
import itertools
import os
import signal
import ssl
import time

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, folder):
        self.folder = folder
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        name = "%d-%06d" % (time.time_ns(), next(self.counter))
        tmp = os.path.join(self.folder, "." + name + ".tmp")
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        with open(tmp, "wb") as f:
            f.write(b"X-Envelope-From: " + envelope.mail_from.encode() + b"\r\n")
            f.write(b"X-Envelope-To: " + ", ".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(data)
        os.rename(tmp, os.path.join(self.folder, name + ".eml"))
        return "250 kept"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    tls = {}
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        tls = {"tls_context": context, "require_starttls": True}
    controller = Controller(Keep(args.dir), hostname=args.host, port=args.port,
                            data_size_limit=10 * 1024 * 1024, **tls)
    controller.start()
    print("ready", args.port, flush=True)
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    main()
