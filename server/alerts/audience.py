"""Who an alert goes to: the typed audience a caller gives ``raise_alert`` (kept with the alert
as ``Alert.audience``), and the people it resolves to."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from server.db import column
from server.models import Site, User


@dataclass(frozen=True)
class Audience:
    """Who an alert goes to. The named people (``user_ids``) when given; else the people holding
    one of the ``notify`` roles (every role when empty) within ``school_ids`` or the school of
    ``site_id``, else within the whole organisation (see ``resolve_audience``). ``trip_id`` is
    the field trip it concerns: give the trip's people as ``user_ids``, or its school."""

    notify: list[str] = field(default_factory=list)
    school_ids: list[int] | None = None
    site_id: int | None = None
    trip_id: int | None = None
    user_ids: list[int] | None = None

    @property
    def scope(self) -> str:
        if self.trip_id is not None and self.user_ids is not None:
            return "trip"  # a trip's own people
        if self.user_ids is not None:
            return "people"
        if self.site_id is not None:
            return "site"
        if self.school_ids is not None:
            return "schools"
        return "trip" if self.trip_id is not None else "organisation"

    def kept(self) -> dict[str, Any]:
        """Who it went to, as kept with the alert (``Alert.audience``)."""
        kept: dict[str, Any] = {"scope": self.scope}
        for key in ("school_ids", "site_id", "user_ids"):
            if (value := getattr(self, key)) is not None:
                kept[key] = value
        return kept

    def nobody(self) -> Audience:
        """The same alert reaching no one (a practice alert): still about its trip."""
        return replace(self, user_ids=[], school_ids=None, site_id=None)


async def resolve_audience(
    organisation_id: int, audience: Audience, *, exclude: int | None = None
) -> list[int]:
    """The active people an alert goes to, sender excluded.

    Named people (``user_ids``) are taken as they are. Otherwise the people holding one of the
    ``notify`` roles (every role when empty): in the whole organisation, or, for schools (or a
    site's school), the members of those schools plus the people who belong to no school:
    district staff, such as the safety lead, who cover every school. A site with no school (the
    bus depot, a venue) reaches the whole organisation."""
    notify, school_ids = audience.notify, audience.school_ids
    people = User.filter(organisation_id=organisation_id, active=True)
    if audience.user_ids is not None:
        found = await column(people.filter(id__in=audience.user_ids), "id")
        return sorted(set(found) - {exclude})
    if audience.site_id is not None:
        site = await Site.get_or_none(id=audience.site_id, organisation_id=organisation_id)
        school_ids = [site.school_id] if site and site.school_id else None
    rows = await people.values("id", "roles")
    wanted = {row["id"] for row in rows if not notify or set(row["roles"]) & set(notify)}
    if school_ids is not None:
        members = await people.filter(schools__id__in=school_ids).values_list("id", flat=True)
        schoolless = await people.filter(schools__id__isnull=True).values_list("id", flat=True)
        wanted &= set(members) | set(schoolless)
    return sorted(wanted - {exclude})
