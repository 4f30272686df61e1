"""Payload parts the event types of more than one area share: a slug (a checklist's or an item's
id) and where the phone was."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from server.edge import Latitude, Longitude
from server.events.registry import Payload

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]


class Position(Payload):
    latitude: Latitude
    longitude: Longitude
    accuracy: Annotated[float, Field(ge=0, le=100_000, allow_inf_nan=False)]


def point_of(position: Position | None) -> tuple[float, float] | None:
    return (position.latitude, position.longitude) if position else None
