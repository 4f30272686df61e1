"""The lesson format; ``checklists/lessons/schema.json`` is generated from these models.

One file a lesson, ``checklists/lessons/<id>.yaml``, beside the checklists and checked the same way
(``server/lessons/library.py``). Every string people read is given in English and Spanish
(``Text``, the checklists'). Every point that tells people what is so or what to do names, in
``cites``, the sources it comes from; each source names the section of the content brief it is in.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from server.checklists.schema import Slug, Strict, Text

SCHEMA_VERSION = 1


class Audience(StrEnum):
    """Who a lesson is for (the audiences a trainer may choose, issue 18)."""

    TEACHERS = "teachers"
    ADMINISTRATORS = "administrators"
    BUS_DRIVERS = "bus-drivers"
    ESCORTS = "escorts"
    CUSTODIANS = "custodians"
    MEALTIME_ASSISTANTS = "mealtime-assistants"
    SUPPORT_STAFF = "support-staff"
    PARENTS = "parents"
    STUDENTS = "students"


class Source(Strict):
    id: Slug
    title: str
    url: str | None = None
    brief: Annotated[int, Field(ge=1, le=15)] = Field(
        description="The section of shared/docs/content-brief.md the facts come from."
    )
    in_brief: Annotated[str, Field(min_length=2)] = Field(
        description="Words found in that section of the brief naming this source (NIST, FEMA "
        "HSEEP): the content test finds them there."
    )
    facts: str = Field(description="Which facts of the brief this lesson relies on.")


Cites = Annotated[list[Slug], Field(min_length=1, description="Ids of the sources it relies on.")]


class Point(Strict):
    """A talking point the trainer reads out: one short idea."""

    id: Slug
    text: Text
    detail: Text | None = Field(None, description="A second line: why, or an example.")
    cites: Cites


class Part(Strict):
    """One screen of talking points."""

    id: Slug
    title: Text
    points: Annotated[list[Point], Field(min_length=1, max_length=6)]


class Prompt(Strict):
    """A question put to the group about the scenario; it claims nothing, so cites nothing."""

    id: Slug
    text: Text


class Scenario(Strict):
    title: Text
    story: Text = Field(description="What happens, read out to the group.")
    prompts: Annotated[list[Prompt], Field(min_length=2, max_length=6)]
    cites: Cites


class Question(Strict):
    """A check question with its answer, shown when the trainer asks for it."""

    id: Slug
    question: Text
    answer: Text
    cites: Cites


class CardFor(StrEnum):
    PARENTS = "parents"
    STUDENTS = "students"


class CardSection(Strict):
    """Part of a public card: for parents, or for students."""

    audience: CardFor = Field(description="Who this part speaks to.")
    points: Annotated[list[Point], Field(min_length=1, max_length=7)]


class Card(Strict):
    """A public page for parents and students: no sign-in, one printed page."""

    id: Slug = Field(description="Its address: /families/<id>; unique over every lesson.")
    title: Text
    summary: Text
    sections: Annotated[list[CardSection], Field(min_length=1, max_length=2)]


class Lesson(Strict):
    schema_version: Literal[1]
    id: Slug
    version: Annotated[int, Field(ge=1)]
    revised: date
    title: Text
    summary: Text
    minutes: Annotated[int, Field(ge=5, le=15)] = Field(description="How long it takes to give.")
    audiences: Annotated[list[Audience], Field(min_length=1)]
    objectives: Annotated[list[Text], Field(min_length=1, max_length=5)]
    sources: Annotated[list[Source], Field(min_length=1)]
    parts: Annotated[list[Part], Field(min_length=1, max_length=6)]
    scenario: Scenario
    questions: Annotated[list[Question], Field(min_length=3, max_length=5)]
    checklists: list[Slug] = Field(
        [], description="Checklists the lesson opens in practice mode; each must exist."
    )
    cards: list[Card] = Field([], description="Its public version for parents and students.")

    def points(self) -> list[Point]:
        found = [point for part in self.parts for point in part.points]
        return found + [p for card in self.cards for s in card.sections for p in s.points]

    @model_validator(mode="after")
    def references_hold(self) -> Lesson:
        sources = {source.id for source in self.sources}
        if len(sources) != len(self.sources):
            raise ValueError("a source id is used twice")
        ids: set[str] = set()
        cited: list[tuple[str, list[str]]] = [(p.id, p.cites) for p in self.points()]
        cited += [(q.id, q.cites) for q in self.questions] + [("scenario", self.scenario.cites)]
        named = [part.id for part in self.parts] + [p.id for p in self.scenario.prompts]
        for name in [item for item, _ in cited if item != "scenario"] + named:
            if name in ids:
                raise ValueError(f"id {name!r} is used twice")
            ids.add(name)
        for name, cites in cited:
            unknown = sorted(set(cites) - sources)
            if unknown:
                raise ValueError(f"{name}: cites {', '.join(unknown)}, not a source of this lesson")
        if len(set(self.checklists)) != len(self.checklists):
            raise ValueError("checklists: one is named twice")
        return self
