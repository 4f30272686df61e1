"""The checklist format; ``checklists/schema.json`` is generated from these models.

One file a checklist, ``checklists/<id>.yaml``. Every string people read is given in English and
Spanish. Item ids are stable: never reuse one for a different question, since runs refer to them.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from server.models import Role

SCHEMA_VERSION = 1
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A string in every language Muster speaks."""

    en: Annotated[str, Field(min_length=1)]
    es: Annotated[str, Field(min_length=1)]

    def get(self, locale: str) -> str:
        return getattr(self, locale, self.en)


class Mode(StrEnum):
    READ_DO = "read-do"  # one step a screen, read it then do it
    DO_CONFIRM = "do-confirm"  # a list to tick after doing
    # A reference card: read-only, one idea a screen; nothing is answered and no run is kept.
    REFERENCE = "reference"


class Source(Strict):
    title: str
    url: str | None = None
    facts: str = Field(description="Which facts of the content brief this checklist relies on.")


class ContextField(StrEnum):
    """What a run asks for when it starts."""

    BUS_NUMBER = "bus_number"
    ROUTE = "route"
    TRIP = "trip"
    INCIDENT = "incident"  # its reference (INC-2026-0001): the run joins that incident's timeline


class ShowIf(Strict):
    """Show the item only once an earlier item has this answer (``equals``) or includes it."""

    item: Slug
    equals: str | bool | None = None
    includes: str | None = None
    unanswered: bool = Field(
        False, description="Also shown while that item has no answer yet (the likely case first)."
    )

    @model_validator(mode="after")
    def one_condition(self) -> ShowIf:
        if (self.equals is None) == (self.includes is None):
            raise ValueError("give exactly one of equals or includes")
        return self


class Option(Strict):
    id: Slug
    label: Text


class ItemBase(Strict):
    id: Slug
    text: Text
    detail: Text | None = Field(None, description="A second line: why, or how.")
    critical: bool = Field(False, description="Can't be left unanswered without a reason.")
    show_if: ShowIf | None = None


class Instruction(ItemBase):
    kind: Literal["instruction"]


class Check(ItemBase):
    kind: Literal["check"]


class YesNo(ItemBase):
    kind: Literal["yes_no"]


class ShortText(ItemBase):
    kind: Literal["text"]
    max_length: Annotated[int, Field(ge=1, le=500)] = 200


class LongText(ItemBase):
    """Free text that is never cut short (the caller's exact words)."""

    kind: Literal["long_text"]


class Number(ItemBase):
    kind: Literal["number"]
    unit: Text | None = None
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def ordered(self) -> Number:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is greater than max")
        return self


class Choice(ItemBase):
    kind: Literal["choice"]
    options: Annotated[list[Option], Field(min_length=2)]


class Chips(ItemBase):
    """Several answers from a list, tapped as chips."""

    kind: Literal["chips"]
    options: Annotated[list[Option], Field(min_length=2)]


class Timestamp(ItemBase):
    """A moment, with a "now" button; editable afterwards."""

    kind: Literal["timestamp"]


class Stopwatch(ItemBase):
    """Time elapsed since a moment: ``since`` (a timestamp item), else since it was started."""

    kind: Literal["stopwatch"]
    since: Slug | None = None
    starts_on_open: bool = Field(False, description="Starts when the run starts (a call timer).")


class Countdown(ItemBase):
    """A resettable countdown, e.g. 30 minutes after the last lightning."""

    kind: Literal["countdown"]
    seconds: Annotated[int, Field(ge=1, le=86_400)]


class Headcount(ItemBase):
    kind: Literal["headcount"]


class Location(ItemBase):
    kind: Literal["location"]


class Photo(ItemBase):
    kind: Literal["photo"]


class AlertType(StrEnum):
    SILENT = "silent"
    MEDICAL = "medical"
    LOST_STUDENT = "lost-student"
    # The five actions: a button that calls one for the sender's school, named on the button in
    # the district's own words.
    HOLD = "hold"
    SECURE = "secure"
    LOCKDOWN = "lockdown"
    EVACUATE = "evacuate"
    SHELTER = "shelter"
    BUS_CHILD = "bus-child"
    BUS_ITEM = "bus-item"


class Action(ItemBase):
    """A button that raises an alert event (delivered by the push service), or, with ``report``,
    opens the report form. An alert always needs a 2-second press-and-hold: no file can make one
    that a stray tap sends."""

    kind: Literal["action"]
    alert: AlertType | None = Field(None, description="The alert raised; not for report buttons.")
    notify: list[Role] = Field([], description="The roles the alert goes to.")
    report: bool = Field(False, description="Opens the report form instead of raising an alert.")
    lost_student: bool = Field(
        False,
        description="Opens the trip's missing-student screen (one alert and one police "
        "countdown, shared with the trip page) instead of raising an alert here.",
    )
    photo: bool = Field(
        True,
        description="false: the report form it opens asks for no photo, and says why (a "
        "suspicious item: no phone near it).",
    )

    @model_validator(mode="after")
    def alert_or_report(self) -> Action:
        opens = self.report or self.lost_student
        if self.report and self.lost_student:
            raise ValueError("a button opens the report form or the missing-student screen")
        if opens and (self.alert or self.notify):
            raise ValueError("a button that opens a screen raises no alert: drop alert and notify")
        if not self.photo and not self.report:
            raise ValueError("photo: false is for report buttons")
        if not opens and (self.alert is None or not self.notify):
            raise ValueError("an alert button needs alert and notify")
        return self


Item = Annotated[
    Instruction
    | Check
    | YesNo
    | ShortText
    | LongText
    | Number
    | Choice
    | Chips
    | Timestamp
    | Stopwatch
    | Countdown
    | Headcount
    | Location
    | Photo
    | Action,
    Field(discriminator="kind"),
]

ANSWERABLE = {
    "check",
    "yes_no",
    "text",
    "long_text",
    "number",
    "choice",
    "chips",
    "timestamp",
    "headcount",
    "location",
    "photo",
    "action",
    "stopwatch",
    "countdown",
}
# What the runner on the phone asks the person for (a step to answer, "skipped" if left): every
# answerable kind but the clocks, which are started, not answered. Given to the page per item
# (data-asked), so the phone never keeps a list of its own.
ASKED = ANSWERABLE - {"stopwatch", "countdown"}


class Section(Strict):
    id: Slug
    title: Text
    note: Text | None = None
    safety: bool = Field(False, description="Marked as the safety questions: asked first.")
    items: Annotated[list[Item], Field(min_length=1)]


class Start(Strict):
    """How a run begins and when an unfinished one is no longer taken up again by itself."""

    button: Text | None = Field(
        None, description="The one tap that starts a run and its clocks (default: Start)."
    )
    again: Text | None = Field(
        None, description="Starts a new run beside a stale one (default: Start a new one)."
    )
    resume: Text | None = Field(
        None,
        description="Offers a stale run back; %(time)s is when it started "
        "(default: Finish or discard the one started at %(time)s).",
    )
    stale_after_minutes: int = Field(
        120,
        ge=1,
        le=7 * 24 * 60,
        description="An unfinished run untouched this long is offered, never resumed silently.",
    )

    @model_validator(mode="after")
    def resume_names_the_time(self) -> Start:
        if self.resume and not all("%(time)s" in t for t in (self.resume.en, self.resume.es)):
            raise ValueError("start.resume must contain %(time)s in every language")
        return self


class Checklist(Strict):
    schema_version: Literal[1]
    id: Slug
    version: Annotated[int, Field(ge=1)]
    revised: date
    title: Text
    summary: Text
    audience: Annotated[list[Role], Field(min_length=1)]
    mode: Mode
    full_screen: bool = False
    context: list[ContextField] = []
    start: Start = Start()
    sources: Annotated[list[Source], Field(min_length=1)]
    sections: Annotated[list[Section], Field(min_length=1)]

    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    @property
    def reference(self) -> bool:
        return self.mode is Mode.REFERENCE

    @model_validator(mode="after")
    def a_reference_card_asks_nothing(self) -> Checklist:
        """A reference card is read, never run: only instructions, nothing a run would need."""
        if not self.reference:
            return self
        if self.context or self.full_screen or self.start != Start():
            raise ValueError("a reference card is never run: no context, full_screen or start")
        for s, section in enumerate(self.sections):
            for i, item in enumerate(section.items):
                if item.kind != "instruction" or item.critical or item.show_if:
                    raise ValueError(
                        f"sections[{s}].items[{i}]: a reference card holds only instructions "
                        "(no answers, critical or show_if)"
                    )
        return self

    @model_validator(mode="after")
    def references_hold(self) -> Checklist:
        seen: dict[str, Item] = {}
        for s, section in enumerate(self.sections):
            for i, item in enumerate(section.items):
                try:
                    _check_item(item, seen)
                except ValueError as error:
                    raise ValueError(f"sections[{s}].items[{i}]: {error}") from None
                seen[item.id] = item
        return self


def _check_item(item: Item, seen: dict[str, Item]) -> None:
    if item.id in seen:
        raise ValueError(f"item id {item.id!r} is used twice")
    if item.show_if is not None:
        _check_show_if(item, seen)
    since = item.since if isinstance(item, Stopwatch) else None
    if since is not None and not isinstance(seen.get(since), Timestamp):
        raise ValueError(f"{item.id}: since must name an earlier timestamp item")


def _check_show_if(item: Item, seen: dict[str, Item]) -> None:
    condition = item.show_if
    assert condition is not None
    target = seen.get(condition.item)
    if target is None:
        raise ValueError(f"{item.id}: show_if names {condition.item!r}, not an earlier item")
    if isinstance(target, Choice | Chips):
        wanted = condition.equals if condition.equals is not None else condition.includes
        if wanted not in {option.id for option in target.options}:
            raise ValueError(
                f"{item.id}: show_if answer {wanted!r} is not an option of {target.id}"
            )
    elif isinstance(target, YesNo | Check) and not isinstance(condition.equals, bool):
        raise ValueError(f"{item.id}: show_if on {target.id} needs equals: true or false")
