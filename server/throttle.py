"""Sign-in throttling per account and per client address, kept in the database.

Kept in the database, not in memory, so every web process behind a load balancer counts alike.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from server.models import SignInFailure
from server.settings import Settings


async def seconds_to_wait(settings: Settings, email: str, address: str) -> int:
    """0 when a sign-in may be tried now; else how long until the oldest failure ages out."""
    window = timedelta(minutes=settings.throttle_window_minutes)
    since = datetime.now(UTC) - window
    waits = []
    for field, value, limit in (
        ("email", email, settings.throttle_account),
        ("address", address, settings.throttle_address),
    ):
        recent = (
            SignInFailure.filter(**{field: value}, at__gte=since).order_by("-at").offset(limit - 1)
        )
        pivot = await recent.first()
        if pivot is not None:
            waits.append((pivot.at + window - datetime.now(UTC)).total_seconds())
    return max(0, math.ceil(max(waits, default=0)))


async def record_failure(email: str, address: str) -> None:
    await SignInFailure.create(email=email, address=address)


async def clear_account(email: str) -> None:
    await SignInFailure.filter(email=email).delete()
