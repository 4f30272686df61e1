"""The tabletop scenario format; ``checklists/exercises/schema.json`` is generated from these
models.

One file a scenario, ``checklists/exercises/<id>.yaml``, beside the checklists and the lessons and
checked the same way (``server/exercises/library.py``). Every string people read is given in
English and Spanish (``Text``, the checklists'). The situation and every expected decision name,
in ``cites``, the sources they come from; each source names the section of the content brief it
is in (``Source``, the lessons'). A discussion question claims nothing, so cites nothing.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import Field, model_validator

from server.checklists.schema import Slug, Strict, Text
from server.lessons.schema import Cites, Prompt, Source

SCHEMA_VERSION = 1


class Decision(Strict):
    """A decision the group is expected to reach at this inject, with where it comes from."""

    id: Slug
    text: Text
    cites: Cites


class Inject(Strict):
    """What happens next, read out at its minute: one screen of the facilitator's."""

    id: Slug
    minute: Annotated[int, Field(ge=0, le=240)] = Field(
        description="Minutes into the exercise at which it is read out."
    )
    title: Text
    text: Text = Field(description="What happens now, read out to the group.")
    questions: Annotated[list[Prompt], Field(min_length=1, max_length=4)] = Field(
        description="Discussion questions put to the group."
    )
    expected: Annotated[list[Decision], Field(min_length=1, max_length=5)] = Field(
        description="The decisions the group is expected to reach, each citing its sources."
    )
    checklists: list[Slug] = Field(
        [], description="Checklists this inject exercises, opened in practice mode; each exists."
    )


class Situation(Strict):
    text: Text = Field(description="Where and when it starts, read out before the first inject.")
    cites: Cites


class Scenario(Strict):
    schema_version: Literal[1]
    id: Slug
    version: Annotated[int, Field(ge=1)]
    revised: date
    title: Text
    summary: Text
    minutes: Annotated[int, Field(ge=15, le=120)] = Field(description="How long it runs.")
    sources: Annotated[list[Source], Field(min_length=1)]
    situation: Situation
    injects: Annotated[list[Inject], Field(min_length=3, max_length=8)]
    silent: list[Text] = Field(
        [],
        description="What the group may ask about that the content brief does not answer: "
        "left out of the expected decisions, and said so to the facilitator.",
    )
    lessons: list[Slug] = Field(
        [], description="Lessons (by the catalogue's id) whose pages link this exercise."
    )

    def checklists(self) -> list[str]:
        """Every checklist the injects exercise, once each, in the order they come up."""
        return list(dict.fromkeys(c for inject in self.injects for c in inject.checklists))

    def decisions(self) -> list[Decision]:
        return [decision for inject in self.injects for decision in inject.expected]

    def inject(self, inject_id: str) -> Inject | None:
        return next((inject for inject in self.injects if inject.id == inject_id), None)

    @model_validator(mode="after")
    def references_hold(self) -> Scenario:
        sources = {source.id for source in self.sources}
        if len(sources) != len(self.sources):
            raise ValueError("a source id is used twice")
        ids: set[str] = set()
        named = [i.id for i in self.injects] + [q.id for i in self.injects for q in i.questions]
        for name in named + [d.id for d in self.decisions()]:
            if name in ids:
                raise ValueError(f"id {name!r} is used twice")
            ids.add(name)
        cited = [("situation", self.situation.cites)]
        cited += [(d.id, d.cites) for d in self.decisions()]
        for name, cites in cited:
            unknown = sorted(set(cites) - sources)
            if unknown:
                raise ValueError(f"{name}: cites {', '.join(unknown)}, not a source of it")
        minutes = [inject.minute for inject in self.injects]
        if minutes[0] != 0 or any(b <= a for a, b in pairwise(minutes)):
            raise ValueError("injects: the first is at minute 0 and each later one after it")
        if minutes[-1] >= self.minutes:
            raise ValueError("injects: the last must come before the exercise's end (minutes)")
        for inject in self.injects:
            if len(set(inject.checklists)) != len(inject.checklists):
                raise ValueError(f"{inject.id}: checklists: one is named twice")
        if len(set(self.lessons)) != len(self.lessons):
            raise ValueError("lessons: one is named twice")
        return self
