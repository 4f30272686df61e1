"""Loading and checking every lesson file, as the checklists are: the app refuses to start on a
bad one, naming the file and the path inside it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from server.checklists.library import CHECKLIST_DIR, Library, read_content
from server.lessons.catalogue import SLUGS, entry
from server.lessons.schema import Card, Lesson

LESSON_DIR = CHECKLIST_DIR / "lessons"
SCHEMA_PATH = LESSON_DIR / "schema.json"


class LessonError(Exception):
    """A lesson file is invalid; the message names the file and the path inside it."""


@dataclass(frozen=True)
class Lessons:
    lessons: dict[str, Lesson]  # in the catalogue's order

    def get(self, slug: str) -> Lesson | None:
        return self.lessons.get(slug)

    def in_order(self) -> list[Lesson]:
        return list(self.lessons.values())

    def cards(self) -> list[tuple[Lesson, Card]]:
        """Every public card, in the lessons' order."""
        return [(lesson, card) for lesson in self.lessons.values() for card in lesson.cards]

    def card(self, card_id: str) -> tuple[Lesson, Card] | None:
        return next(((les, c) for les, c in self.cards() if c.id == card_id), None)


def load_file(path: Path, checklists: Library | None = None) -> Lesson:
    name = f"lessons/{path.name}"
    lesson = read_content(path, Lesson, name, LessonError)
    if lesson.id != path.stem:
        raise LessonError(f"{name}: id: {lesson.id!r} must equal the file name {path.stem!r}")
    known = entry(lesson.id)
    if known is None:
        raise LessonError(f"{name}: id: {lesson.id!r} is not one of the ten lessons")
    if lesson.title != known.title:
        raise LessonError(f"{name}: title: must be the catalogue's ({known.title.en!r})")
    if checklists is not None:
        for index, checklist_id in enumerate(lesson.checklists):
            if checklists.get(checklist_id) is None:
                raise LessonError(
                    f"{name}: checklists[{index}]: no checklist {checklist_id!r} exists"
                )
    return lesson


def load_all(checklists: Library | None = None, directory: Path = LESSON_DIR) -> Lessons:
    """Every lesson file, in the catalogue's order; with ``checklists``, each linked checklist
    must exist."""
    found = {}
    for path in sorted(directory.glob("*.yaml")):
        lesson = load_file(path, checklists)
        found[lesson.id] = lesson
    cards: dict[str, str] = {}
    for lesson in found.values():
        for card in lesson.cards:
            if card.id in cards:
                raise LessonError(
                    f"lessons/{lesson.id}.yaml: cards: {card.id!r} is also a card of "
                    f"{cards[card.id]}"
                )
            cards[card.id] = lesson.id
    return Lessons({slug: found[slug] for slug in SLUGS if slug in found})


def json_schema() -> str:
    schema = Lesson.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Muster lesson"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
