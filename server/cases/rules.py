"""The assessment's guided questions and the level they lead to (CSTAG's decision tree): a
threat is transient only when it is clearly resolved on the spot and nothing suggests the intent
goes on; anything else is substantive ("when in doubt, substantive"). A substantive threat is
very serious when it is a threat to kill, rape or seriously injure, or involves a weapon; doubt
there takes the more protective branch too."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from server.cases.models import Level, Stage
from server.i18n import N_


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


ANSWER_LABELS = {Answer.YES: N_("Yes"), Answer.NO: N_("No"), Answer.UNSURE: N_("Not sure")}

# (name, question, hint), asked in this order.
QUESTIONS = (
    (
        "resolved",
        N_("Was it clearly resolved on the spot?"),
        N_("Said in anger or as a joke, taken back, an apology made, no wish to hurt anyone."),
    ),
    (
        "lasting",
        N_("Is there any sign the intent to harm goes on?"),
        N_(
            "Repeated threats, a plan, preparation, others still afraid, words that don't fit "
            "the explanation."
        ),
    ),
    (
        "weapon",
        N_("Is it a threat to kill, rape or seriously injure, or does it involve a weapon?"),
        None,
    ),
)


def classify(resolved: Answer, lasting: Answer, weapon: Answer) -> Level:
    if resolved == Answer.YES and lasting == Answer.NO:
        return Level.TRANSIENT
    if weapon == Answer.NO:
        return Level.SERIOUS
    return Level.VERY_SERIOUS  # yes, or not sure: protect first


ORDER = [Stage.IDENTIFICATION, Stage.INQUIRY, Stage.ASSESSMENT, Stage.MANAGEMENT]


def next_stage(stage: Stage) -> Stage | None:
    """The stage after ``stage`` on the spine; None after management (a case then closes)."""
    if stage not in ORDER or stage == ORDER[-1]:
        return None
    return ORDER[ORDER.index(stage) + 1]


def triage_due(opened_at: datetime, hours: int) -> datetime:
    return opened_at + timedelta(hours=hours)


def overdue(
    opened_at: datetime, screened_at: datetime | None, stage: Stage, hours: int, now: datetime
) -> bool:
    """Not yet screened, still open, and past the clock (at the moment itself: due, not late)."""
    return screened_at is None and stage != Stage.CLOSED and now > triage_due(opened_at, hours)


def past_retention(closed_at: datetime | None, years: int, now: datetime) -> bool:
    """Closed longer ago than the district keeps cases (a year counted as 365 days)."""
    return closed_at is not None and now - closed_at > timedelta(days=365 * years)
