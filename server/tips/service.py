"""Every decision about the tip line: a district's line (made once, with its short code), a tip
sent (stored without anything about who sent it; urgent ones alert the school's threat assessment
team at once; the honeypot's stored nowhere), the tipster's way back with the follow-up code, and
who on the team may read tips: the concern readers (``concerns.service.reach``), every look
audited, anyone else told nothing (the routes answer 404). Takes no request, raises no HTTP
errors; knows no address."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server import audit
from server.alerts.service import raise_alert
from server.concerns.service import reach, threat_team
from server.models import School, User
from server.tenancy import scoped
from server.tips import codes, queries
from server.tips.forms import MessageForm, TipForm
from server.tips.models import READERS, Tip, TipLine, TipMessage

ACCOUNT_NAME = "Anonymous tip line"  # what an urgent tip's alert says raised it
NO_PASSWORD = "!"  # not a hash: no password matches it (server/passwords.py)


async def line_for(organisation_id: int) -> TipLine:
    """The district's tip line, made the first time it is asked for: a short code no other
    district has, and the account its alerts are raised under (inactive, no roles, no password:
    it can't sign in and nothing reaches it)."""
    found = await TipLine.get_or_none(organisation_id=organisation_id)
    if found is not None:
        return found
    for _attempt in range(10):  # 31^6 codes: a clash is rare, ten in a row never happens
        try:
            async with in_transaction():
                account = await User.create(
                    organisation_id=organisation_id,
                    name=ACCOUNT_NAME,
                    email=f"tip-line-{organisation_id}-{secrets.token_hex(4)}@muster.invalid",
                    password_hash=NO_PASSWORD,
                    roles=[],
                    active=False,
                )
                return await TipLine.create(
                    organisation_id=organisation_id, code=codes.line_code(), account=account
                )
        except IntegrityError:  # that code is taken, or another request made the line first
            found = await TipLine.get_or_none(organisation_id=organisation_id)
            if found is not None:
                return found
    raise RuntimeError("no free tip line code")


@dataclass
class Sent:
    code: str  # the follow-up code, shown once and kept nowhere
    tip: Tip | None  # None when the honeypot was filled: nothing was kept


async def send(line: TipLine, form: TipForm) -> Sent:
    """Keep a tip and make its follow-up code; when someone could be hurt today, alert the
    school's threat assessment team (see concerns.service.threat_team for who that is)."""
    code = codes.follow_up_code()
    if form.website:  # a robot: it sees what a person sees, and nothing is kept
        return Sent(code, None)
    school_id = form.school
    if school_id is not None and not await School.exists(
        id=school_id, organisation_id=line.organisation_id
    ):
        school_id = None  # not one of the district's: the tip still arrives, with no school
    tip = await Tip.create(
        id=uuid.uuid4(),
        organisation_id=line.organisation_id,
        school_id=school_id,
        urgent=form.urgent,
        what=form.what,
        exact_words=form.exact_words,
        place=form.place,
        happened=form.happened,
        involved=form.involved,
        others_know=form.others_know,
        reporter=form.reporter,
        code_hash=codes.digest(code),
    )
    if tip.urgent:
        tip.team_alert = await _alert_team(line, tip)
        await Tip.filter(id=tip.id).update(team_alert=tip.team_alert)
    return Sent(code, tip)


async def _alert_team(line: TipLine, tip: Tip) -> uuid.UUID:
    school = await School.get_or_none(id=tip.school_id) if tip.school_id else None
    alert = await raise_alert(
        organisation_id=line.organisation_id,
        raised_by_id=line.account_id,
        kind="threat-tip",
        audience=await threat_team(line.organisation_id, tip.school_id),
        raised_at=datetime.now(UTC),
        source={"tip_id": str(tip.id)},
        # where, so the team can act; what the tip says stays with it, for its readers
        where={"schools": [school.name] if school else [], "site": tip.place[:120]},
    )
    return alert.id


# The tipster's side: the follow-up code opens the thread.


async def by_code(line: TipLine, typed: str) -> Tip | None:
    """The line's tip whose follow-up code was typed, else None (a code that can't be one is
    never looked up)."""
    if codes.normalised(typed) is None:
        return None
    found = Tip.filter(organisation_id=line.organisation_id, code_hash=codes.digest(typed))
    return await found.first()


async def by_id(line: TipLine, raw_id: str) -> Tip | None:
    """The tip a tipster already opened with its code (its id kept in their session)."""
    try:
        key = uuid.UUID(raw_id)
    except ValueError:
        return None
    return await Tip.get_or_none(organisation_id=line.organisation_id, id=key)


async def answer(tip: Tip, form: MessageForm) -> TipMessage:
    return await TipMessage.create(tip=tip, from_team=False, author=None, body=form.body)


# The team's side.


async def listed(user: User) -> list[Tip] | None:
    """The newest tips for a reader, the look audited with how many it showed; None for anyone
    else (audited too: they asked)."""
    readable = await reach(user)
    if readable is None:
        await audit.record(user, "tips.refused", user)
        return None
    found = await queries.newest(user, None if readable.everywhere else readable.school_ids)
    await audit.record(user, "tips.listed", user, count=len(found))
    return found


async def read(user: User, raw_id: str, action: str = "tip.viewed") -> Tip | None:
    """The tip ``raw_id`` for a reader (audited as ``action``), else None. A look by someone
    who may not read tips is audited too when the tip exists, and answered as if it didn't."""
    try:
        key = uuid.UUID(raw_id)
    except ValueError:
        return None
    tip = await scoped(Tip, user).get_or_none(id=key)
    if tip is None:
        return None
    readable = await reach(user)
    if readable is None or not readable.covers(tip.school_id):
        await audit.record(user, "tip.refused", tip)
        return None
    await audit.record(user, action, tip)
    await tip.fetch_related("school")
    return tip


async def ask(user: User, tip: Tip, form: MessageForm) -> TipMessage:
    """A question from the team to the tipster (``tip`` comes from ``read``: a reader's)."""
    return await TipMessage.create(tip=tip, from_team=True, author=user, body=form.body)


async def poster_line(user: User) -> TipLine | None:
    """The district's tip line for the poster, for a reader; None for anyone else."""
    if not user.has_role(*READERS):  # the district's own: admins and the safety team
        return None
    return await line_for(user.organisation_id)
