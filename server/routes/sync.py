"""The device's two doors into the server: ``POST /api/sync`` for events, ``PUT /api/uploads/{id}``
for the photos they reference (re-encoded on arrival, metadata stripped: ``server/images.py``).
Both are idempotent: sending the same thing twice is harmless."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.auth import requires_role, signed_in_user
from server.bodies import read_body
from server.edge import BadBody, problem, read_json, real_time
from server.events import uploads
from server.events.ingest import ingest
from server.events.registry import Sender
from server.i18n import gettext as _
from server.images import ImageRejected
from server.push.worker import wake_if_queued as wake_push_workers_if_queued

MAX_BATCH_EVENTS = 100
MAX_BATCH_BYTES = 1_000_000
MAX_UPLOAD_BYTES = 10_000_000
UPLOAD_TYPES = {"image/jpeg", "image/png", "image/webp"}


class BatchAnswer(JSONResponse):
    """The answers to a batch, written by orjson rather than the standard library's encoder
    (a few times faster): the same compact JSON, UTF-8 unescaped, no NaN."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def _sent_at(raw: Any) -> datetime | None:
    """When the phone sent the batch, by its clock (absent from pages older than it)."""
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw) if isinstance(raw, str) and len(raw) < 40 else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise HTTPException(400, _("sent_at must be a time with its zone: 2026-12-01T10:00:00Z."))
    try:  # however wrong the phone's clock, it tells the skew; only the calendar's ends are out
        return real_time(moment)
    except ValueError:  # a clock past all reason: each event is judged by its own time instead
        return None


def _batch(request: Request, body: bytes) -> tuple[str, list[Any], datetime | None, bool]:
    """The device, its events, when it sent them, and whether every value in the events is
    already known to pass ``edge.problem`` (``edge.read_json``)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":  # a form post can't smuggle a batch past CORS rules
        raise HTTPException(415, _("Send the batch as application/json."))
    try:
        data, clean = read_json(body)
    except BadBody as error:
        raise HTTPException(400, _(str(error))) from None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise HTTPException(400, _("Send a device_id and a list of events."))
    device_id = data.get("device_id")
    if not isinstance(device_id, str) or not 1 <= len(device_id) <= 64 or problem(device_id):
        raise HTTPException(400, _("device_id must be a short text."))
    if len(data["events"]) > MAX_BATCH_EVENTS:
        raise HTTPException(413, _("At most %(n)s events in one batch.") % {"n": MAX_BATCH_EVENTS})
    return device_id, data["events"], _sent_at(data.get("sent_at")), clean


@requires_role()
async def sync(request: Request) -> Response:
    user = signed_in_user(request)
    device_id, events, sent_at, clean = _batch(request, await read_body(request, MAX_BATCH_BYTES))
    # Committed: any alert in the batch goes out now, not at the next poll.
    async with wake_push_workers_if_queued():
        sender = Sender(user, device_id, request.app.state)
        results = await ingest(events, sender, sent_at, checked=clean)
    return BatchAnswer({"results": results}, headers={"Cache-Control": "no-store"})


@requires_role()
async def upload(request: Request) -> Response:
    user = signed_in_user(request)
    try:
        upload_id = uuid.UUID(request.path_params["id"])
    except ValueError:
        raise HTTPException(404) from None
    media_type = request.headers.get("content-type", "").split(";")[0].strip()
    if media_type not in UPLOAD_TYPES:
        raise HTTPException(415, _("Photos must be JPEG, PNG or WebP."))
    body = await read_body(request, MAX_UPLOAD_BYTES)
    if not body:
        raise HTTPException(400, _("The file is empty."))
    try:
        stored = await uploads.store(user, upload_id, body, request.app.state.settings.data_dir)
    except ImageRejected as error:
        raise HTTPException(error.status, _(str(error))) from None
    if stored == uploads.Stored.CLASH:
        raise HTTPException(409, _("This upload id was already used for a different file."))
    status = 201 if stored == uploads.Stored.ACCEPTED else 200
    return JSONResponse({"id": str(upload_id), "status": stored.value}, status_code=status)


routes = [
    Route("/api/sync", sync, methods=["POST"], name="sync"),
    Route("/api/uploads/{id:str}", upload, methods=["PUT"], name="upload"),
]
