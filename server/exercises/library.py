"""Loading and checking every tabletop scenario file, as the checklists and lessons are: the app
refuses to start on a bad one, naming the file and the path inside it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from server.checklists.library import CHECKLIST_DIR, Library, read_content
from server.exercises.schema import Scenario
from server.lessons.catalogue import is_lesson

SCENARIO_DIR = CHECKLIST_DIR / "exercises"
SCHEMA_PATH = SCENARIO_DIR / "schema.json"


class ScenarioError(Exception):
    """A scenario file is invalid; the message names the file and the path inside it."""


@dataclass(frozen=True)
class Scenarios:
    scenarios: dict[str, Scenario]  # by id, in file-name order

    def get(self, slug: str) -> Scenario | None:
        return self.scenarios.get(slug)

    def in_order(self) -> list[Scenario]:
        return list(self.scenarios.values())

    def for_lesson(self, lesson_id: str) -> list[Scenario]:
        return [s for s in self.scenarios.values() if lesson_id in s.lessons]


def load_file(path: Path, checklists: Library | None = None) -> Scenario:
    name = f"exercises/{path.name}"
    scenario = read_content(path, Scenario, name, ScenarioError)
    if scenario.id != path.stem:
        raise ScenarioError(f"{name}: id: {scenario.id!r} must equal the file name {path.stem!r}")
    for index, lesson_id in enumerate(scenario.lessons):
        if not is_lesson(lesson_id):
            raise ScenarioError(f"{name}: lessons[{index}]: {lesson_id!r} is not a lesson")
    if checklists is not None:
        for number, inject in enumerate(scenario.injects):
            for index, checklist_id in enumerate(inject.checklists):
                if checklists.get(checklist_id) is None:
                    raise ScenarioError(
                        f"{name}: injects[{number}].checklists[{index}]: "
                        f"no checklist {checklist_id!r} exists"
                    )
    return scenario


def load_all(checklists: Library | None = None, directory: Path = SCENARIO_DIR) -> Scenarios:
    """Every scenario file; with ``checklists``, each linked checklist must exist."""
    found = {}
    for path in sorted(directory.glob("*.yaml")):
        scenario = load_file(path, checklists)
        found[scenario.id] = scenario
    return Scenarios(found)


def json_schema() -> str:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Muster tabletop scenario"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
