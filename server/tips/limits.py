"""Abuse limits that track no one: how often one address has sent a tip or tried a follow-up
code, held in this process's memory for a few minutes and never written anywhere.

The address is kept only as a keyed hash (the key made at start-up, never stored), so even this
process's memory holds no address, and a restart forgets everything. Each web process counts on
its own: behind N processes a determined sender gets N times the limit, which is still few."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from collections import deque
from dataclasses import dataclass, field

_KEY = secrets.token_bytes(32)  # this process's only: the hashes mean nothing elsewhere
MAX_KEYS = 50_000  # past this many addresses at once, the oldest are forgotten first


@dataclass
class Limit:
    """At most ``allowed`` tries from one address within ``window_s`` seconds."""

    allowed: int
    window_s: float
    _seen: dict[bytes, deque[float]] = field(default_factory=dict)

    def wait(self, address: str) -> int:
        """0 while ``address`` is under the limit; else how many seconds until it is again."""
        now = time.monotonic()
        tries = self._recent(self._key(address), now)
        if len(tries) < self.allowed:
            return 0
        return max(1, math.ceil(tries[0] + self.window_s - now))

    def count(self, address: str) -> None:
        """One more try from ``address``."""
        key = self._key(address)
        tries = self._recent(key, time.monotonic())
        tries.append(time.monotonic())
        self._seen.pop(key, None)
        self._seen[key] = tries  # the newest last: the oldest go first when there are too many
        while len(self._seen) > MAX_KEYS:
            del self._seen[next(iter(self._seen))]

    def _key(self, address: str) -> bytes:
        return hmac.new(_KEY, address.encode("utf-8", "replace"), hashlib.sha256).digest()

    def _recent(self, key: bytes, now: float) -> deque[float]:
        tries = self._seen.get(key) or deque()
        while tries and tries[0] <= now - self.window_s:
            tries.popleft()
        return tries

    def forget(self) -> None:
        self._seen.clear()


TIPS = Limit(allowed=5, window_s=10 * 60)  # tips sent (a form with mistakes is not one)
CODES = Limit(allowed=10, window_s=10 * 60)  # wrong follow-up codes tried
ANSWERS = Limit(allowed=20, window_s=10 * 60)  # answers sent in a thread
