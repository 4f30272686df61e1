"""A photo from a phone, kept once: re-encoded on arrival (metadata stripped, ``server/images.py``),
written to the organisation's folder, then recorded. Sending the same photo again is harmless."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from enum import StrEnum
from pathlib import Path

from tortoise.exceptions import IntegrityError

from server.events.models import Upload
from server.images import reencode
from server.models import User


class Stored(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"  # the same file again
    CLASH = "clash"  # this id was already used for a different file


async def store(user: User, upload_id: uuid.UUID, body: bytes, data_dir: Path) -> Stored:
    """Keep ``body`` as the upload ``upload_id``; raises ``ImageRejected`` when it isn't a photo
    that can be kept."""
    digest = hashlib.sha256(body).hexdigest()  # of what the phone sent: a resend matches
    existing = await Upload.get_or_none(id=upload_id)
    if existing is not None:
        if existing.digest != digest or existing.organisation_id != user.organisation_id:
            return Stored.CLASH
        return Stored.DUPLICATE
    clean = await asyncio.to_thread(reencode, body)
    folder = data_dir / "uploads" / str(user.organisation_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / str(upload_id)).write_bytes(clean)  # written before the row: a row means a file
    try:
        await Upload.create(
            id=upload_id,
            organisation_id=user.organisation_id,
            user=user,
            media_type="image/jpeg",
            size=len(clean),
            digest=digest,
        )
    except IntegrityError:  # the same upload arrived twice at once; the first one won
        return Stored.DUPLICATE
    return Stored.ACCEPTED
