"""The lesson format (``server/lessons/schema.py``): every shipped lesson file validates, a broken
one is refused with its file and the path inside it named, the schema file is current, and the
catalogue the other areas name lessons by is the fixed ten, in order."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from server.checklists.library import load_all as load_checklists
from server.lessons import catalogue
from server.lessons.library import (
    LESSON_DIR,
    SCHEMA_PATH,
    LessonError,
    json_schema,
    load_all,
)
from server.settings import ROOT

CHECKLISTS = load_checklists()
SAMPLE = yaml.safe_load((LESSON_DIR / "bus-security.yaml").read_text(encoding="utf-8"))


def write(folder: Path, data: dict, name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name or data['id']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def refused(tmp_path: Path, data: dict, name: str | None = None) -> str:
    write(tmp_path / "lessons", data, name)
    with pytest.raises(LessonError) as error:
        load_all(CHECKLISTS, tmp_path / "lessons")
    return str(error.value)


def changed(**changes) -> dict:
    data = copy.deepcopy(SAMPLE)
    data.update(changes)
    return data


def test_the_catalogue_is_the_ten_lessons_in_order():
    assert catalogue.SLUGS == (
        "threatening-calls",
        "bomb-threat-management",
        "bleeding-control",
        "bus-security",
        "field-trips",
        "suspicious-people-vehicles",
        "active-threat",
        "human-reaction",
        "parents-and-students",
        "planning-exercises",
    )
    assert catalogue.title("bus-security", "es") == "Seguridad en el autobús"
    assert catalogue.title("bus-security", "fr") == "Bus security"  # English for the rest
    assert catalogue.is_lesson("field-trips") and not catalogue.is_lesson("bus-pre-route")
    assert [slug for slug, _ in catalogue.choices("en")] == list(catalogue.SLUGS)


def test_every_shipped_lesson_is_valid_and_in_the_catalogues_order():
    lessons = load_all(CHECKLISTS)
    files = sorted(path.stem for path in LESSON_DIR.glob("*.yaml"))
    assert files == sorted(catalogue.SLUGS), "each of the ten lessons has its file"
    assert [lesson.id for lesson in lessons.in_order()] == list(catalogue.SLUGS)
    for lesson in lessons.in_order():  # each file's title is the catalogue's
        assert lesson.title == catalogue.entry(lesson.id).title


def test_a_broken_file_is_refused_naming_the_file_and_the_path(tmp_path):
    data = changed()
    del data["parts"][1]["points"][2]["text"]["es"]
    message = refused(tmp_path, data)
    assert message.startswith("lessons/bus-security.yaml: parts[1].points[2].text.es:"), message


def test_bad_yaml_unknown_fields_and_a_wrong_id_are_refused(tmp_path):
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "bus-security.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(LessonError, match=r"lessons/bus-security\.yaml: not valid YAML"):
        load_all(CHECKLISTS, folder)
    assert "extra_field: Extra inputs" in refused(tmp_path / "a", changed(extra_field=1))
    message = refused(tmp_path / "b", changed(), name="field-trips")
    assert "must equal the file name 'field-trips'" in message


def test_only_the_ten_lessons_and_their_titles(tmp_path):
    assert "not one of the ten lessons" in refused(tmp_path, changed(id="juggling"))
    title = {"en": "Buses", "es": "Autobuses"}
    assert "title: must be the catalogue's" in refused(tmp_path / "t", changed(title=title))


def test_minutes_questions_and_citations_are_held(tmp_path):
    assert "minutes: Input should be less than or equal to 15" in refused(
        tmp_path / "a", changed(minutes=20)
    )
    data = changed()
    data["questions"] = data["questions"][:2]
    assert "questions: List should have at least 3 items" in refused(tmp_path / "b", data)
    data = changed()
    data["parts"][0]["points"][0]["cites"] = ["hearsay"]
    assert "walk-around: cites hearsay, not a source" in refused(tmp_path / "c", data)
    data = changed()
    data["parts"][0]["points"][0]["cites"] = []
    assert "parts[0].points[0].cites: List should have at least 1 item" in refused(
        tmp_path / "d", data
    )


def test_a_linked_checklist_must_exist(tmp_path):
    message = refused(tmp_path, changed(checklists=["bus-pre-route", "bus-teleport"]))
    assert "checklists[1]: no checklist 'bus-teleport' exists" in message


def test_the_app_refuses_to_start_on_a_bad_lesson(monkeypatch, tmp_path):
    from server import app as app_module
    from server.lessons import library

    data = changed(minutes=99)
    write(tmp_path / "lessons", data)
    real = library.load_all
    monkeypatch.setattr(
        app_module, "load_lessons", lambda checklists: real(checklists, tmp_path / "lessons")
    )
    with pytest.raises(LessonError, match=r"lessons/bus-security\.yaml: minutes"):
        app_module.create_app()


def test_json_schema_is_current():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == json_schema(), (
        "run `python -m server checklists schema`"
    )


def test_cli_check_covers_the_lessons():
    done = subprocess.run(
        [sys.executable, "-m", "server", "checklists", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "ok  lessons/bus-security" in done.stdout


def test_every_field_of_the_format_is_documented():
    """Each field carries a description in the schema or is named in checklists/README.md."""
    from server.lessons.schema import Lesson

    readme = (ROOT / "checklists" / "README.md").read_text(encoding="utf-8")
    schema = Lesson.model_json_schema()
    for name, definition in [("Lesson", schema), *schema["$defs"].items()]:
        for field, spec in definition.get("properties", {}).items():
            assert "description" in spec or f"`{field}`" in readme, f"{name}.{field} undocumented"
