"""Reading a request's body with a bound: refused with 413 as soon as it passes the limit,
before it is all in memory (the phone's sync batches, photos and push subscriptions)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request

from server.i18n import gettext as _


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes ``limit``."""
    declared = request.headers.get("content-length", "")
    if declared.isdecimal() and int(declared) > limit:
        raise HTTPException(413, _("That is too large to send"))
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, _("That is too large to send"))
        chunks.append(chunk)
    return b"".join(chunks)
