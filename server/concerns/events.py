"""``concern.raised``: someone is worried about a person, told from a phone, perhaps hours before
it had signal. The handler checks what a schema can't (the school is one of the district's, the
time is not after the concern was raised, the id is new), puts the times on the server's clock and
hands the concern to the service, which alerts the threat assessment team when anyone is in
danger now."""

from __future__ import annotations

from datetime import timedelta

from server.concerns import service
from server.concerns.forms import ConcernRaised
from server.concerns.models import Concern
from server.db import column
from server.events.registry import Pending, Sender, event_type
from server.i18n import gettext as _
from server.models import School

FUTURE_SLACK = timedelta(minutes=10)  # a time typed later than now: a mistake to fix


@event_type("concern.raised", ConcernRaised)
async def concern_raised(batch: list[Pending], sender: Sender) -> None:
    user = sender.user
    known = set(await column(Concern.filter(id__in=[p.payload.concern_id for p in batch]), "id"))
    schools = set(await column(School.filter(organisation_id=user.organisation_id), "id"))
    mine = await column(user.schools.all().order_by("id"), "id")
    for p in batch:
        f: ConcernRaised = p.payload
        happened_at = p.on_server_clock(f.happened_at)  # the phone's clock may be off
        if f.concern_id in known:
            p.reject(_("This concern was already sent."))
        elif happened_at > p.occurred_at + FUTURE_SLACK:
            p.reject(_("The time it happened is in the future. Check the phone's clock."))
        elif f.school_id is not None and f.school_id not in schools:
            p.reject(_("That school is not one of your district's."))
        else:
            known.add(f.concern_id)
            school_id = f.school_id if f.school_id is not None else (mine[0] if mine else None)
            await service.raise_concern(user, f, happened_at, p.occurred_at, school_id)
