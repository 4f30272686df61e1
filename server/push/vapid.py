"""VAPID (RFC 8292): our key, its public half for browsers, and signed tokens per push service.

A token names one push-service origin; it is signed once per origin and reused until an hour
before it expires, so a fan-out to ten thousand phones on one service signs once, not ten
thousand times."""

from __future__ import annotations

import base64
import time
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid02

LIFETIME_S = 12 * 3600  # push services accept up to 24 hours
RENEW_BEFORE_S = 3600


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_key(text: str) -> Vapid02:
    """A PEM key, or the base64url raw or DER key other VAPID tools print."""
    if text.startswith("-----BEGIN"):
        return Vapid02.from_pem(text.encode())
    return Vapid02.from_string(text)


def origin_of(endpoint: str) -> str:
    """scheme://host[:port] of a push service URL (the port kept: RFC 8292's ``aud``)."""
    slash = endpoint.find("/", endpoint.find("://") + 3)
    return endpoint if slash < 0 else endpoint[:slash]


class VapidSigner:
    def __init__(self, private_key: str, contact: str) -> None:
        self.vapid = load_key(private_key)
        self.contact = contact
        point = self.vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.public_key = b64url(point)  # what pushManager.subscribe() takes
        self._tokens: dict[str, tuple[str, float]] = {}

    def authorization(self, endpoint: str, now: float | None = None) -> str:
        """The ``Authorization`` header for a request to ``endpoint``."""
        origin = origin_of(endpoint)
        now = time.time() if now is None else now
        cached = self._tokens.get(origin)
        if cached and cached[1] - now > RENEW_BEFORE_S:
            return cached[0]
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not a push service URL: {endpoint!r}")
        expires = int(now) + LIFETIME_S
        header = self.vapid.sign({"aud": origin, "exp": expires, "sub": self.contact})
        self._tokens[origin] = (header["Authorization"], expires)
        return header["Authorization"]
