"""The district's settings for checklist content: how old a checklist's last review may get
before the leads are reminded, and whether the district's policy allows handling a weapon."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from server.forms import Form

MAX_REVIEW_MONTHS = 60


class ContentSettingsForm(Form):
    review_months: Annotated[int, Field(ge=1, le=MAX_REVIEW_MONTHS)]
    weapon_handling: bool = False
