"""Every query for an organisation's records goes through here.

A record of another organisation answers 404, never 403: we don't confirm that it exists.
"""

from __future__ import annotations

import uuid
from typing import Annotated, TypeVar

from pydantic import Field
from starlette.exceptions import HTTPException
from tortoise.queryset import QuerySet

from server.models import TenantModel, User

T = TypeVar("T", bound=TenantModel)


def scoped(model: type[T], user: User) -> QuerySet[T]:
    return model.filter(**{model.org_path: user.organisation_id})


MAX_ID = 2**31 - 1  # ids are 32-bit integers; a larger one can't exist
RecordId = Annotated[int, Field(gt=0, le=MAX_ID)]  # at the edge: a bad id is a 422, never a 500


async def get_or_404(model: type[T], user: User, pk: int) -> T:
    record = await scoped(model, user).get_or_none(pk=pk) if 0 < pk <= MAX_ID else None
    if record is None:
        raise HTTPException(status_code=404)
    return record


async def get_by_uuid_or_404(model: type[T], user: User, raw: str) -> T:
    """The same for records keyed by an id the device made (a UUID)."""
    try:
        key = uuid.UUID(raw)
    except ValueError:
        raise HTTPException(status_code=404) from None
    record = await scoped(model, user).get_or_none(pk=key)
    if record is None:
        raise HTTPException(status_code=404)
    return record
