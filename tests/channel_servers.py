"""An SMTP server and an SMS gateway on 127.0.0.1, standing in for a district's (tests and
bench/push.py).

``MailServer`` is aiosmtpd's: every message it takes is parsed back into an ``EmailMessage``.
``SmsGateway`` takes the request most US gateways take (form fields To, From, Body; HTTP Basic
sign-in, checked), records each, answers with a message id, and can be scripted to answer 429
or 500 first, or to hold its answers (a gateway that hangs). ``signed`` makes the request a
gateway posts for an inbound reply, signed as Twilio signs (HMAC-SHA1 of the URL and the sorted
fields, base64) with its token, or wrongly."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from aiosmtpd.controller import Controller

from tests.served import Served


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailServer:
    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.envelopes: list[list[str]] = []
        self.port = _free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        self.envelopes.append(list(envelope.rcpt_tos))
        return "250 OK queued as " + secrets.token_hex(4)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.received if m["To"] == address]

    def start(self) -> MailServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


@dataclass
class Sms:
    to: str
    sender: str
    body: str


@dataclass
class SmsGateway(Served):
    what = "the SMS gateway"
    account: str = "AC-test"
    token: str = "gateway-secret"
    sent: list[Sms] = field(default_factory=list)
    script: dict[str, list[int]] = field(default_factory=dict)  # a number's answers to give first
    attempts: int = 0
    refused: list[str] = field(default_factory=list)
    check: bool = True

    def __post_init__(self) -> None:
        self.port = self.bind()
        self.url = f"http://127.0.0.1:{self.port}/Messages.json"
        self._lock = threading.Lock()
        self.held = threading.Event()
        self.held.set()  # answering; clear() holds every answer until set() again

    def answer_first(self, number: str, *statuses: int) -> None:
        self.script.setdefault(number, []).extend(statuses)

    def to(self, number: str) -> list[Sms]:
        return [m for m in self.sent if m.to == number]

    def _answer(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        with self._lock:
            self.attempts += 1
            if not self.check:
                self.sent.append(Sms("", "", ""))
                return 201, b'{"sid": "SM0"}'
            form = dict(parse_qsl(body.decode()))
            if self.script.get(form.get("To", "")):
                return self.script[form["To"]].pop(0), b'{"message": "try later"}'
            expected = base64.b64encode(f"{self.account}:{self.token}".encode()).decode()
            if headers.get("authorization") != f"Basic {expected}":
                self.refused.append("bad credentials")
                return 401, b'{"message": "Authenticate"}'
            if not {"To", "From", "Body"} <= set(form):
                self.refused.append(f"fields: {sorted(form)}")
                return 400, b'{"message": "missing field"}'
            self.sent.append(Sms(form["To"], form["From"], form["Body"]))
            sid = f"SM{secrets.token_hex(8)}"
            return 201, f'{{"sid": "{sid}", "status": "queued"}}'.encode()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        body = await self.body(scope, receive, send)
        if body is None:
            return
        if not self.held.is_set():  # a hung gateway: wait in a thread until released
            await asyncio.to_thread(self.held.wait)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        status, answer = self._answer(headers, body)
        extra = [(b"retry-after", b"0")] if status == 429 else []
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json"), *extra],
            }
        )
        await send({"type": "http.response.body", "body": answer})

    def start(self) -> SmsGateway:
        self.serve()
        return self

    def stop(self) -> None:
        self.held.set()
        super().stop()

    def signed(
        self, url: str, sender: str, text: str, valid: bool = True
    ) -> tuple[dict[str, str], dict[str, str]]:
        """An inbound reply as the gateway posts it to ``url``: (headers, form)."""
        form = {"From": sender, "To": "+15550100", "Body": text, "MessageSid": "SMin1"}
        signed = url + "".join(k + form[k] for k in sorted(form))
        key = self.token if valid else "not-the-token"
        digest = hmac.new(key.encode(), signed.encode(), hashlib.sha1).digest()
        return {"X-Twilio-Signature": base64.b64encode(digest).decode()}, form


def main() -> None:
    """An accept-all SMS gateway in a process of its own, for bench/push.py."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    gateway = SmsGateway(check=False)
    uvicorn.run(gateway, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
