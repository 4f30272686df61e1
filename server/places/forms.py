"""The schools and sites forms, checked at the edge."""

from __future__ import annotations

from typing import Annotated

from server.edge import Latitude, Longitude, Text
from server.forms import Form
from server.models import SiteKind
from server.tenancy import RecordId


class SchoolForm(Form):
    name: Annotated[str, Text(200)]


class SiteForm(Form):
    name: Annotated[str, Text(200)]
    kind: SiteKind
    school: RecordId | None = None
    latitude: Latitude
    longitude: Longitude
    far_ok: bool = False  # "save anyway", after the warning that it is far from every other site
