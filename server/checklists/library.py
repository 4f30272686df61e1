"""Loading and checking every checklist file; the app refuses to start on a bad one."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from server.checklists.schema import Checklist
from server.settings import ROOT

M = TypeVar("M", bound=BaseModel)  # a content file's model

CHECKLIST_DIR = ROOT / "checklists"
SCHEMA_PATH = CHECKLIST_DIR / "schema.json"
# Earlier versions, kept while runs started on them may still be in progress on a phone:
# ``kept/<id>.v<version>.yaml``. A run finishes on the version it started.
KEPT_DIR = "kept"


class ChecklistError(Exception):
    """A checklist file is invalid; the message names the file and the path inside it."""


@dataclass(frozen=True)
class Library:
    checklists: dict[str, Checklist]
    kept: dict[tuple[str, int], Checklist] = field(default_factory=dict)

    def get(self, checklist_id: str, version: int | None = None) -> Checklist | None:
        """The current checklist, or the version a run started on when that one is kept (a run
        from before any was kept reads the current one)."""
        current = self.checklists.get(checklist_id)
        if current is None or version is None or version == current.version:
            return current
        return self.kept.get((checklist_id, version), current)

    def latest_version(self, checklist_id: str) -> int | None:
        current = self.checklists.get(checklist_id)
        return current.version if current else None

    def has_version(self, checklist_id: str, version: int) -> bool:
        current = self.checklists.get(checklist_id)
        return current is not None and (
            version == current.version or (checklist_id, version) in self.kept
        )

    def older(self, checklist_id: str) -> list[int]:
        """The kept versions of a checklist, oldest first."""
        return sorted(v for (cid, v) in self.kept if cid == checklist_id)

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


def read_content(path: Path, model: type[M], name: str, error: type[Exception]) -> M:
    """A content file (a checklist, a lesson, a scenario) read as ``model``; else ``error``
    saying where: the file's ``name`` and the place in it, the first problem only."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as problem:
        raise error(f"{name}: not valid YAML: {problem}") from problem
    try:
        return model.model_validate(data)
    except ValidationError as problem:
        first = problem.errors()[0]
        where = _path(first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise error(f"{name}: {where + ': ' if where else ''}{message}") from problem


def load_file(path: Path, expected: str | None = None) -> Checklist:
    name = path.relative_to(path.parent.parent) if path.parent.parent.exists() else path
    checklist = read_content(path, Checklist, str(name), ChecklistError)
    stem = expected or path.stem
    if checklist.id != stem:
        raise ChecklistError(f"{name}: id: {checklist.id!r} must equal the file name {stem!r}")
    return checklist


def load_kept(path: Path) -> Checklist:
    """An earlier version: ``kept/<id>.v<version>.yaml`` must hold that id and version."""
    checklist = load_file(path, expected=path.name.rsplit(".v", 1)[0].removesuffix(".yaml"))
    if path.stem != f"{checklist.id}.v{checklist.version}":
        raise ChecklistError(
            f"{path.name}: a kept version must be named {checklist.id}.v{checklist.version}.yaml"
        )
    return checklist


def load_all(directory: Path = CHECKLIST_DIR) -> Library:
    checklists = {}
    for path in sorted(directory.glob("*.yaml")):
        checklist = load_file(path)
        checklists[checklist.id] = checklist
    kept = {}
    for path in sorted((directory / KEPT_DIR).glob("*.yaml")):
        old = load_kept(path)
        current = checklists.get(old.id)
        if current is None or old.version >= current.version:
            raise ChecklistError(
                f"{KEPT_DIR}/{path.name}: kept versions are of a current checklist, and older"
            )
        kept[(old.id, old.version)] = old
    return Library(checklists, kept)


def json_schema() -> str:
    schema = Checklist.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Muster checklist"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
