"""Every decision about the team directory: who may fill a function (the district's active
people, each once; nobody adds themselves to the threat assessment team), replacing a
function's primary and backups in one go with an audit entry, and ``who_answers``: whom to
call for a function at a school, in order. Takes no request and raises no HTTP errors."""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from server import audit
from server.db import column
from server.i18n import N_
from server.i18n import gettext as _
from server.models import Organisation, School, User
from server.team.forms import SeatsForm
from server.team.models import TeamFunction, TeamSeat
from server.tenancy import scoped

# The threat assessment seats open sealed cases, which the rest of the directory's editors
# (admins, the safety team) may not read (server/cases/access.py): nobody adds themselves.
SELF_SEATED = N_(
    "Someone else who keeps the directory must add you here: these seats open the sealed "
    "threat assessment cases."
)


def _chosen(form: SeatsForm) -> list[int]:
    return [form.primary, *form.backups] if form.primary is not None else list(form.backups)


async def seat_errors(user: User, form: SeatsForm) -> dict[str, str]:
    """What a valid form can still get wrong: backups with no primary, someone twice, people
    of another district or no longer active."""
    chosen = _chosen(form)
    if form.primary is None and form.backups:
        return {"primary": _("Choose the primary before the backups.")}
    if len(set(chosen)) != len(chosen):
        return {"backups": _("Each person can fill a function once.")}
    known = set(await column(scoped(User, user).filter(id__in=chosen, active=True), "id"))
    if not set(chosen) <= known:
        field = "primary" if form.primary not in known else "backups"
        return {field: _("Choose people from the list.")}
    return {}


async def set_seats(
    user: User, school: School | None, function: TeamFunction, form: SeatsForm
) -> dict[str, str]:
    """Fills ``function`` for ``school`` (None: the district-wide team) with the form's
    primary and backups, replacing whoever filled it; the errors to show, if any."""
    errors = await seat_errors(user, form)
    if errors:
        return errors
    seats = TeamSeat.filter(
        organisation_id=user.organisation_id,
        school_id=school.id if school else None,
        function=function,
    )
    chosen = _chosen(form)
    if (
        function == TeamFunction.THREAT_ASSESSMENT
        and user.id in chosen
        and user.id not in await column(seats, "person_id")
    ):
        field = "primary" if form.primary == user.id else "backups"
        return {field: _(SELF_SEATED)}
    async with in_transaction():
        before = await column(seats.order_by("rank"), "person_id")
        await seats.delete()
        await TeamSeat.bulk_create(
            [
                TeamSeat(
                    organisation_id=user.organisation_id,
                    school_id=school.id if school else None,
                    function=function,
                    rank=rank,
                    person_id=person,
                )
                for rank, person in enumerate(chosen)
            ]
        )
        if before != chosen:
            target = school or await Organisation.get(id=user.organisation_id)
            await audit.record(
                user, "team.changed", target, function=function.value, before=before, after=chosen
            )
    return {}


async def _seated(organisation_id: int, school_id: int | None, function: TeamFunction) -> list:
    seats = TeamSeat.filter(
        organisation_id=organisation_id,
        school_id=school_id,
        function=function,
        person__active=True,
    )
    return [seat.person for seat in await seats.order_by("rank").prefetch_related("person")]


async def who_answers(function: TeamFunction, school: School) -> list[User]:
    """Whom to call for ``function`` at ``school``, in order: the school's primary, then its
    backups, then the district-wide team's (who cover every school). People no longer active
    are left out; nobody appears twice."""
    people = await _seated(school.organisation_id, school.id, function)
    people += await _seated(school.organisation_id, None, function)
    return list({p.id: p for p in people}.values())  # each at their first place


async def teams_for(organisation_id: int, school_ids: list[int]) -> dict[TeamFunction, list[User]]:
    """``who_answers`` for every function at once, for these schools (in their order) then
    the district: one query, for a page that shows them all."""
    seats = TeamSeat.filter(organisation_id=organisation_id, person__active=True).filter(
        Q(school_id__in=school_ids) | Q(school_id__isnull=True)
    )
    place = {school: n for n, school in enumerate(school_ids)}
    ordered = sorted(
        await seats.prefetch_related("person"),
        key=lambda s: (
            place.get(s.school_id, len(school_ids)) if s.school_id else len(school_ids),
            s.rank,
        ),
    )
    found: dict[TeamFunction, dict[int, User]] = {f: {} for f in TeamFunction}
    for seat in ordered:
        found[TeamFunction(seat.function)].setdefault(seat.person_id, seat.person)
    return {f: list(people.values()) for f, people in found.items()}


async def district_answers(function: TeamFunction, organisation_id: int) -> list[User]:
    """The district-wide team's people for ``function``, in order."""
    return await _seated(organisation_id, None, function)


async def holds_a_seat(user: User, school_ids: list[int]) -> bool:
    """Whether ``user`` fills any function for one of these schools or district-wide."""
    seats = TeamSeat.filter(organisation_id=user.organisation_id, person_id=user.id)
    return await seats.filter(Q(school_id__in=school_ids) | Q(school_id__isnull=True)).exists()


async def seats_of(user: User, function: TeamFunction) -> list[int | None]:
    """Where ``user`` fills ``function``: the schools' ids, None for the district's team."""
    seats = TeamSeat.filter(organisation_id=user.organisation_id, person_id=user.id)
    return await column(seats.filter(function=function), "school_id")
