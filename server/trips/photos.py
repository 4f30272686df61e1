"""Students' photos on a trip's roster: re-encoded like every photo (no metadata kept), stored as
uploads of the organisation, and shown only where the roster is."""

from __future__ import annotations

import asyncio
import hashlib
import uuid

from server.events.models import Upload
from server.images import reencode
from server.models import User
from server.settings import Settings

MAX_BYTES = 900_000  # the whole form must stay under the 1 MB form limit


async def save_photo(settings: Settings, admin: User, body: bytes) -> Upload:
    """Store a student's photo; ``server.images.ImageRejected`` for a file that is not one."""
    clean = await asyncio.to_thread(reencode, body)
    upload_id = uuid.uuid4()
    folder = settings.data_dir / "uploads" / str(admin.organisation_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / str(upload_id)).write_bytes(clean)  # written before the row: a row means a file
    return await Upload.create(
        id=upload_id,
        organisation_id=admin.organisation_id,
        user=admin,
        media_type="image/jpeg",
        size=len(clean),
        digest=hashlib.sha256(clean).hexdigest(),
    )
