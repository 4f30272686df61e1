"""``training.session_recorded``: a trainer ran a session (perhaps at a bus depot with no signal)
and says who came. ``training.feedback_given``: the trainer or a peer on a practice delivery. The
handlers check what a schema can't (the sender is a trainer whose certification ran on the
session's day, the school and the people are the
district's, the session is new, a count is for parents and students), put times on the server's
clock and hand each to the service. Every refusal is in words and final: never a retry."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from server.db import column
from server.events.registry import Pending, Sender, event_type
from server.i18n import gettext as _
from server.models import School, User
from server.training import service
from server.training.forms import FeedbackGiven, SessionRecorded
from server.training.models import PUBLIC, Feedback, TrainingSession

FUTURE_SLACK = timedelta(minutes=10)  # a time typed later than now: a mistake to fix


def _problem(f: SessionRecorded, people: set[int], schools: set[int]) -> str | None:
    if f.school_id is not None and f.school_id not in schools:
        return _("That school is not one of your district's.")
    if any(p not in people for p in f.people):
        return _("Someone on the attendance list is not one of your district's people.")
    if f.count and f.audience not in PUBLIC:
        return _("A count is for parents and students; name the staff who came.")
    if not (f.people or f.names or f.count):
        return _("Say who came: pick the people, type their names, or count them.")
    if f.practice and f.presenter_id is None:
        return _("Say who gave the lesson in this practice delivery.")
    if f.practice and f.presenter_id not in f.people:
        return _("The person who gave the lesson must be one of those who came.")
    return None


@event_type("training.session_recorded", SessionRecorded)
async def session_recorded(batch: list[Pending], sender: Sender) -> None:
    user = sender.user
    trainer = await service.trainer_of(user)
    ids = [p.payload.session_id for p in batch]
    known = set(await column(TrainingSession.filter(id__in=ids), "id"))
    schools = set(await column(School.filter(organisation_id=user.organisation_id), "id"))
    wanted = {person for p in batch for person in p.payload.people}
    people = set(
        await column(User.filter(organisation_id=user.organisation_id, id__in=wanted), "id")
    )
    tz = ZoneInfo(sender.app_state.settings.timezone)
    for p in batch:
        f: SessionRecorded = p.payload
        held_at = p.on_server_clock(f.held_at)  # the phone's clock may be off
        if trainer is None:
            p.reject(_("Only a trainer may record a training session. Ask an admin."))
        elif held_at.astimezone(tz).date() > trainer.expires_on:  # held before it, sent after: kept
            p.reject(
                _(
                    "Your trainer certification expired on %(day)s: a session held after it "
                    "can't be recorded. Ask an admin about a refresher."
                )
                % {"day": trainer.expires_on.isoformat()}
            )
        elif f.session_id in known:
            p.reject(_("This session was already sent."))
        elif held_at > p.occurred_at + FUTURE_SLACK:
            p.reject(_("The session's time is in the future. Check the phone's clock."))
        elif reason := _problem(f, people, schools):
            p.reject(reason)
        else:
            known.add(f.session_id)
            await service.record_session(user, f, held_at, p.occurred_at)


@event_type("training.feedback_given", FeedbackGiven)
async def feedback_given(batch: list[Pending], sender: Sender) -> None:
    user = sender.user
    known = set(await column(Feedback.filter(id__in=[p.payload.feedback_id for p in batch]), "id"))
    for p in batch:
        f: FeedbackGiven = p.payload
        session = await TrainingSession.get_or_none(
            id=f.session_id, organisation_id=user.organisation_id
        )
        given_at = p.on_server_clock(f.given_at)
        if session is None:
            p.reject(_("That training session is not known here."))
        elif f.feedback_id in known:
            p.reject(_("This feedback was already sent."))
        elif given_at > p.occurred_at + FUTURE_SLACK:
            p.reject(_("The feedback's time is in the future. Check the phone's clock."))
        elif reason := await service.feedback_refusal(user, session):
            p.reject(reason)
        elif await Feedback.exists(session_id=session.id, author_id=user.id):
            p.reject(_("You have already given feedback on this delivery."))
        else:
            known.add(f.feedback_id)
            await service.give_feedback(user, session, f, given_at)
