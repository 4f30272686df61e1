"""Every decision about training: who is a trainer (a person an admin has certified), storing a
session recorded on a phone with its attendance, feedback on a practice delivery and who may give
it, who may read a session, a trainer's certification given or taken away, and the district's
training settings. Takes no request, raises no HTTP errors."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from tortoise.transactions import in_transaction

from server import audit
from server.db import column
from server.i18n import gettext as _
from server.models import User
from server.tenancy import scoped
from server.training.forms import FeedbackGiven, SessionRecorded, TrainerForm, TrainingSettingsForm
from server.training.models import (
    READERS,
    REFRESHER_MONTHS,
    REMINDER_DAYS,
    Attendance,
    Feedback,
    Trainer,
    TrainingSession,
    TrainingSettings,
)


async def trainer_of(user: User) -> Trainer | None:
    """The person's certification when they are one of the district's trainers."""
    return await Trainer.get_or_none(person_id=user.id, organisation_id=user.organisation_id)


def may_read_all(user: User) -> bool:
    """Admins and the safety team read coverage and every session."""
    return user.has_role(*READERS)


async def may_see_training(user: User) -> bool:
    return may_read_all(user) or await trainer_of(user) is not None


async def record_session(
    user: User, data: SessionRecorded, held_at: datetime, recorded_at: datetime
) -> TrainingSession:
    """Store a session and who attended: the people (each once), the names typed, the count."""
    people = list(dict.fromkeys(data.people))
    names = list(dict.fromkeys(data.names))
    session = await TrainingSession.create(
        id=data.session_id,
        organisation_id=user.organisation_id,
        trainer_id=user.id,
        lesson=data.lesson,
        audience=data.audience,
        school_id=data.school_id,
        held_at=held_at,
        practice=data.practice,
        presenter_id=data.presenter_id if data.practice else None,
        counted=data.count,
        notes=data.notes,
        recorded_at=recorded_at,
    )
    rows = [Attendance(session_id=session.id, person_id=p) for p in people]
    rows += [Attendance(session_id=session.id, name=n) for n in names]
    if rows:
        await Attendance.bulk_create(rows)
    return session


async def attendees(session: TrainingSession) -> set[int]:
    query = Attendance.filter(session_id=session.id, person_id__not_isnull=True)
    return set(await column(query, "person_id"))


async def feedback_refusal(user: User, session: TrainingSession) -> str | None:
    """Why this person may not give feedback on this session, in words; None when they may: the
    trainer and the peers who attended a practice delivery, never the presenter themselves."""
    if not session.practice:
        return _("Feedback is for a practice delivery; this session was not one.")
    if session.presenter_id == user.id:
        return _("The person who gave the lesson does not give feedback on it.")
    if session.trainer_id != user.id and user.id not in await attendees(session):
        return _("Only the trainer and those who attended give feedback on this session.")
    return None


async def give_feedback(
    user: User, session: TrainingSession, data: FeedbackGiven, given_at: datetime
) -> Feedback:
    return await Feedback.create(
        id=data.feedback_id,
        organisation_id=user.organisation_id,
        session_id=session.id,
        author_id=user.id,
        went_well=data.went_well,
        to_improve=data.to_improve,
        verdict=data.verdict,
        given_at=given_at,
    )


async def may_read_session(user: User, session: TrainingSession) -> bool:
    """Admins, the safety team, the trainer who ran it, who gave it and who attended."""
    if may_read_all(user) or user.id in (session.trainer_id, session.presenter_id):
        return True
    return user.id in await attendees(session)


async def read_session(user: User, raw_id: str) -> TrainingSession | None:
    try:
        key = uuid.UUID(raw_id)
    except ValueError:
        return None
    session = await scoped(TrainingSession, user).get_or_none(id=key)
    if session is None or not await may_read_session(user, session):
        return None
    return session


async def certify(admin: User, form: TrainerForm) -> tuple[Trainer | None, dict[str, str]]:
    """Make a person of the district a trainer, or change their certification's dates."""
    if form.expires_on <= form.certified_on:
        return None, {"expires_on": _("The expiry date must be after the day it was given.")}
    person = await scoped(User, admin).get_or_none(id=form.person, active=True)
    if person is None:
        return None, {"person": _("Choose a person of your district.")}
    async with in_transaction():
        trainer, _created = await Trainer.update_or_create(
            person_id=person.id,
            defaults={
                "organisation_id": admin.organisation_id,
                "certified_on": form.certified_on,
                "expires_on": form.expires_on,
                "given_by_id": admin.id,
            },
        )
        await audit.record(
            admin, "trainer.certified", trainer, person=person.id, expires=str(form.expires_on)
        )
    return trainer, {}


async def uncertify(admin: User, trainer: Trainer) -> None:
    """Take away a trainer's certification: their sessions stay, they record no new ones."""
    async with in_transaction():
        await audit.record(admin, "trainer.removed", trainer, person=trainer.person_id)
        await trainer.delete()


async def settings_of(organisation_id: int) -> TrainingSettings:
    """The district's settings (the defaults when it has set none; nothing is written)."""
    found = await TrainingSettings.get_or_none(organisation_id=organisation_id)
    return found or TrainingSettings(
        organisation_id=organisation_id,
        refresher_months=REFRESHER_MONTHS,
        reminder_days=REMINDER_DAYS,
    )


async def set_settings(admin: User, form: TrainingSettingsForm) -> None:
    async with in_transaction():
        found, _created = await TrainingSettings.update_or_create(
            organisation_id=admin.organisation_id,
            defaults={
                "refresher_months": form.refresher_months,
                "reminder_days": form.reminder_days,
            },
        )
        await audit.record(
            admin,
            "training.settings",
            found,
            refresher_months=form.refresher_months,
            reminder_days=form.reminder_days,
        )


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it has no such day (31 Jan + 1
    month is 28 or 29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has 28 days
