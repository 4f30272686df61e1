"""An incident named by its reference (INC-2026-0001) within one organisation, as a recovery
checklist run names the incident it belongs to (its context's ``incident``)."""

from __future__ import annotations

import re

from server.db import column
from server.incidents.models import Incident, IncidentSchool

REFERENCE = re.compile(r"^\s*INC-(\d{4})-(\d{1,9})\s*$", re.IGNORECASE)


async def named(organisation_id: int, reference: str) -> Incident | None:
    """The organisation's incident with this reference, or None (another district's, a typo)."""
    found = REFERENCE.match(reference)
    if found is None:
        return None
    year, number = int(found.group(1)), int(found.group(2))
    return await Incident.get_or_none(organisation_id=organisation_id, year=year, number=number)


async def schools_of_named(organisation_id: int, references: set[str]) -> dict[str, int]:
    """For each reference naming one of the organisation's incidents, its first school: a run
    that names its incident is that incident's school's, wherever the phone was."""
    found = {}
    for reference in references:
        incident = await named(organisation_id, reference)
        if incident is not None:
            schools = await column(
                IncidentSchool.filter(incident_id=incident.id).order_by("school_id"), "school_id"
            )
            if schools:
                found[reference] = schools[0]
    return found
