"""CSRF protection: a per-session token, required on every unsafe request.

htmx and our own ``fetch`` calls send it as the ``X-CSRF-Token`` header; plain forms send it as the
``csrf_token`` field. The form body is read here and replayed to the app unchanged.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
HEADER = "x-csrf-token"
FIELD = "csrf_token"
MAX_FORM_BYTES = 1_000_000
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Posted by another server, never a browser, with no session: a signature checked by the route
# stands for the token (the SMS gateway's replies, ``server/routes/sms.py``).
SIGNED_ELSEWHERE = {"/api/sms/inbound"}


def csrf_token(request: Request) -> str:
    session: dict[str, Any] = request.session
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


class CSRFMiddleware:
    def __init__(self, app: ASGIApp, on_failure: ASGIApp) -> None:
        self.app = app
        self.on_failure = on_failure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in SAFE_METHODS
            or scope.get("path") in SIGNED_ELSEWHERE
        ):
            await self.app(scope, receive, send)
            return
        expected = scope.get("session", {}).get("csrf")
        headers = dict(scope["headers"])
        given = headers.get(HEADER.encode(), b"").decode("latin-1")
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        if not given and content_type.startswith(FORM_TYPES):
            body = await _read_body(receive)
            if body is None:
                await self.on_failure({**scope, "csrf_failure": "too_large"}, receive, send)
                return
            original = receive
            receive = _replay(body, original)
            form = await Request(scope, _replay(body, original)).form()
            given = str(form.get(FIELD, ""))
            await form.close()
        if not expected or not given or not secrets.compare_digest(expected, given):
            await self.on_failure(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, original: Receive) -> Receive:
    """Hand the buffered body out once, then pass through (to hear a real disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await original()

    return receive
