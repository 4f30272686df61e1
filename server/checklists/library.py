"""Loading and checking every checklist file; the app refuses to start on a bad one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from server.checklists.schema import Checklist
from server.settings import ROOT

CHECKLIST_DIR = ROOT / "checklists"
SCHEMA_PATH = CHECKLIST_DIR / "schema.json"


class ChecklistError(Exception):
    """A checklist file is invalid; the message names the file and the path inside it."""


@dataclass(frozen=True)
class Library:
    checklists: dict[str, Checklist]

    def get(self, checklist_id: str) -> Checklist | None:
        return self.checklists.get(checklist_id)

    def for_roles(self, roles: list[str]) -> list[Checklist]:
        return [c for c in self.checklists.values() if any(r in roles for r in c.audience)]


def _path(loc: tuple[int | str, ...]) -> str:
    """``sections[1].items[3].text.es``, the way a person finds it in the YAML."""
    parts: list[str] = []
    for index, part in enumerate(loc):
        if isinstance(part, int):
            parts[-1] += f"[{part}]"
        elif index >= 2 and loc[index - 2] == "items" and isinstance(loc[index - 1], int):
            continue  # the item kind pydantic adds for the union; it is not in the file
        else:
            parts.append(str(part))
    return ".".join(parts)


def load_file(path: Path) -> Checklist:
    name = path.relative_to(path.parent.parent) if path.parent.parent.exists() else path
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ChecklistError(f"{name}: not valid YAML: {error}") from error
    try:
        checklist = Checklist.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = _path(first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise ChecklistError(f"{name}: {where + ': ' if where else ''}{message}") from error
    if checklist.id != path.stem:
        raise ChecklistError(f"{name}: id: {checklist.id!r} must equal the file name {path.stem!r}")
    return checklist


def load_all(directory: Path = CHECKLIST_DIR) -> Library:
    checklists = {}
    for path in sorted(directory.glob("*.yaml")):
        checklist = load_file(path)
        checklists[checklist.id] = checklist
    return Library(checklists)


def json_schema() -> str:
    schema = Checklist.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Muster checklist"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
