"""A push service on 127.0.0.1, standing in for the browser vendors' (tests and bench/push.py).

Every request is checked as a real push service would: the VAPID JWT's ES256 signature against
the server's public key and its claims (RFC 8292: ``aud`` is this service's origin, ``exp`` at
most 24 hours ahead, ``sub`` a mailto: or https: URL), the TTL, Urgency and Content-Encoding
headers, and the body decrypted with the subscription's own private key and auth secret
(aes128gcm, RFC 8291). Tests read the decrypted payloads. A device can be scripted to answer
429 or 500 first, or be forgotten (then 410). With ``check=False`` (the benchmark) it accepts
every request without checking or decrypting.

    python -m tests.push_receiver --port 8123     # accept-all, for the benchmark
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import http_ece
import jwt
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from server.push.vapid import b64url, b64url_decode
from tests.served import Served

URGENCIES = {"very-low", "low", "normal", "high"}


@dataclass
class Device:
    """A browser's push subscription: its keys never leave the 'browser' (this object)."""

    token: str
    endpoint: str
    key: ec.EllipticCurvePrivateKey
    auth: bytes

    @property
    def p256dh(self) -> str:
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    def subscription(self) -> dict[str, Any]:
        """As ``PushSubscription.toJSON()`` gives it to the page."""
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth)},
        }


@dataclass
class Received:
    payload: dict[str, Any]
    ttl: int
    urgency: str
    claims: dict[str, Any]


@dataclass
class PushService(Served):
    what = "the push receiver"
    vapid_public_key: str | None = None  # base64url point; required when check is on
    check: bool = True
    delay: float = 0.0  # seconds before answering, to keep requests in flight
    devices: dict[str, Device] = field(default_factory=dict)
    script: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    received: dict[str, list[Received]] = field(default_factory=lambda: defaultdict(list))
    attempts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    refused: list[str] = field(default_factory=list)
    gone: set[str] = field(default_factory=set)
    count: int = 0

    def __post_init__(self) -> None:
        self.port = self.bind()
        self.origin = f"http://127.0.0.1:{self.port}"
        self._lock = threading.Lock()
        self._public = None
        if self.vapid_public_key:
            self._public = ec.EllipticCurvePublicKey.from_encoded_point(
                ec.SECP256R1(), b64url_decode(self.vapid_public_key)
            )

    # -- devices ------------------------------------------------------------------------------
    def device(self) -> Device:
        token = secrets.token_urlsafe(12)
        found = Device(
            token,
            f"{self.origin}/push/{token}",
            ec.generate_private_key(ec.SECP256R1()),
            os.urandom(16),
        )
        self.devices[token] = found
        return found

    def forget(self, device: Device) -> None:
        """The browser dropped this subscription: the service answers 410 Gone from now on."""
        self.gone.add(device.token)

    def answer_first(self, device: Device, *statuses: int) -> None:
        self.script[device.token].extend(statuses)

    def payloads(self, device: Device) -> list[dict[str, Any]]:
        return [r.payload for r in self.received[device.token]]

    # -- checking -----------------------------------------------------------------------------
    def _verify(self, device: Device, headers: dict[str, str], body: bytes) -> Received:
        scheme, _, params = headers.get("authorization", "").partition(" ")
        if scheme != "vapid":
            raise ValueError("Authorization is not vapid t=..., k=...")
        parts = dict(p.strip().split("=", 1) for p in params.split(","))
        if parts.get("k") != self.vapid_public_key:
            raise ValueError("k is not the application server's public key")
        claims = jwt.decode(
            parts["t"],
            key=self._public,
            algorithms=["ES256"],
            audience=self.origin,
            options={"require": ["aud", "exp", "sub"]},
        )
        if claims["exp"] > time.time() + 24 * 3600:
            raise ValueError("exp is more than 24 hours ahead")
        if not str(claims["sub"]).startswith(("mailto:", "https:")):
            raise ValueError("sub is not a mailto: or https: URL")
        if headers.get("content-encoding") != "aes128gcm":
            raise ValueError("Content-Encoding is not aes128gcm")
        if headers.get("urgency") not in URGENCIES:
            raise ValueError("Urgency is missing or unknown")
        ttl = int(headers["ttl"])
        if len(body) > 4096:
            raise ValueError("body is larger than 4096 bytes")
        plain = http_ece.decrypt(
            body, private_key=device.key, auth_secret=device.auth, version="aes128gcm"
        )
        return Received(json.loads(plain), ttl, headers["urgency"], claims)

    def _answer(self, token: str, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            self.count += 1
            if not self.check:
                return 201
            device = self.devices.get(token)
            if device is None or token in self.gone:
                return 410
            self.attempts[token] += 1
            if self.script[token]:
                return self.script[token].pop(0)
            try:
                received = self._verify(device, headers, body)
            except Exception as error:  # a real service refuses such a request: 400 / 403
                self.refused.append(f"{type(error).__name__}: {error}")
                return 403
            self.received[token].append(received)
            return 201

    # -- the HTTP side (a bare ASGI app: the benchmark's floor must not be our receiver) -------
    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        body = await self.body(scope, receive, send)
        if body is None:
            return
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        path = scope["path"]
        status = 404
        if scope["method"] == "POST" and path.startswith("/push/"):
            status = self._answer(path.removeprefix("/push/"), headers, body)
        if self.delay:
            await asyncio.sleep(self.delay)
        extra = [(b"retry-after", b"0")] if status == 429 else []
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-length", b"0"), *extra],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    # -- running ------------------------------------------------------------------------------
    def start(self) -> PushService:
        self.serve()
        return self


def main() -> None:
    parser = argparse.ArgumentParser(description="An accept-all push service for the benchmark.")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()

    async def accept_all(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        while (await receive()).get("more_body"):
            pass
        await send(
            {"type": "http.response.start", "status": 201, "headers": [(b"content-length", b"0")]}
        )
        await send({"type": "http.response.body", "body": b""})

    uvicorn.run(accept_all, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
