"""The checklist format: every kind, show_if, critical, and bad files named with their path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from server.checklists.library import (
    CHECKLIST_DIR,
    SCHEMA_PATH,
    ChecklistError,
    json_schema,
    load_all,
    load_file,
)
from server.checklists.schema import Checklist
from tests.helpers import EVERY_KIND, OPTIONS, checklist, item, t, write

ROOT = Path(__file__).resolve().parents[1]


def test_every_item_kind_loads(tmp_path):
    loaded = load_file(write(tmp_path, checklist()))
    assert [i.kind for i in loaded.items()][:16] == [i["kind"] for i in EVERY_KIND][:16]
    assert loaded.items()[1].critical is True
    assert loaded.items()[16].show_if.equals is True
    assert loaded.items()[19].show_if.unanswered is True


def _error(tmp_path, data: dict, name: str = "sample") -> str:
    with pytest.raises(ChecklistError) as caught:
        load_file(write(tmp_path, data, name))
    return str(caught.value)


def _section(*items: dict) -> list[dict]:
    return [{"id": "only", "title": t("Only"), "items": list(items)}]


def test_unknown_kind_is_named(tmp_path):
    message = _error(tmp_path, checklist(sections=_section(item("x", "dance"))))
    assert message.startswith("checklists/sample.yaml: sections[0].items[0]")
    assert "dance" in message or "discriminator" in message or "kind" in message


def test_duplicate_item_id(tmp_path):
    message = _error(tmp_path, checklist(sections=_section(item("x", "check"), item("x", "text"))))
    assert "sections" in message and "'x' is used twice" in message


def test_missing_spanish_names_the_path(tmp_path):
    bad = item("x", "check")
    bad["text"] = {"en": "Only English"}
    message = _error(tmp_path, checklist(sections=_section(item("ok", "check"), bad)))
    assert message == "checklists/sample.yaml: sections[0].items[1].text.es: Field required"


def test_show_if_must_point_at_an_earlier_item(tmp_path):
    later = item("first", "check", show_if={"item": "second", "equals": True})
    message = _error(tmp_path, checklist(sections=_section(later, item("second", "yes_no"))))
    assert "show_if names 'second', not an earlier item" in message
    missing = item("first", "check", show_if={"item": "ghost", "equals": True})
    assert "'ghost'" in _error(tmp_path, checklist(sections=_section(missing)))


def test_show_if_answer_must_be_an_option(tmp_path):
    bad = item("y", "text", show_if={"item": "pick", "equals": "zebra"})
    message = _error(
        tmp_path, checklist(sections=_section(item("pick", "choice", options=OPTIONS), bad))
    )
    assert "'zebra' is not an option of pick" in message


def test_id_must_match_the_file_name(tmp_path):
    message = _error(tmp_path, checklist(), name="other-name")
    assert "id: 'sample' must equal the file name 'other-name'" in message


def test_unknown_fields_and_bad_yaml_are_refused(tmp_path):
    assert "colour" in _error(tmp_path, checklist(colour="red"))
    path = tmp_path / "checklists" / "broken.yaml"
    path.write_text("id: [unclosed")
    with pytest.raises(ChecklistError, match=r"broken\.yaml: not valid YAML"):
        load_file(path)


def test_number_range_and_stopwatch_reference(tmp_path):
    assert "min is greater than max" in _error(
        tmp_path, checklist(sections=_section(item("n", "number", min=5, max=1)))
    )
    assert "since must name an earlier timestamp" in _error(
        tmp_path,
        checklist(sections=_section(item("c", "check"), item("s", "stopwatch", since="c"))),
    )


def test_the_app_refuses_to_start_on_a_bad_file(tmp_path):
    bad = checklist(sections=_section(item("x", "dance")))
    write(tmp_path, bad)
    with pytest.raises(ChecklistError, match=r"sample\.yaml"):
        load_all(tmp_path / "checklists")


def test_every_shipped_checklist_is_valid():
    library = load_all()
    assert library.checklists, "no checklists shipped"
    for path in CHECKLIST_DIR.glob("*.yaml"):
        assert path.stem in library.checklists


def test_json_schema_is_current():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == json_schema(), (
        "run `python -m server checklists schema`"
    )


def test_every_field_of_the_format_is_documented():
    """Each field carries a description in the schema or is named in checklists/README.md."""
    readme = (CHECKLIST_DIR / "README.md").read_text()
    schema = Checklist.model_json_schema()
    for name, definition in schema["$defs"].items():
        for field, spec in definition.get("properties", {}).items():
            assert "description" in spec or f"`{field}`" in readme, f"{name}.{field} undocumented"


def test_cli_check_passes_on_the_shipped_files():
    done = subprocess.run(
        [sys.executable, "-m", "server", "checklists", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "ok  bleeding-control" in done.stdout


def test_report_buttons_raise_no_alert_and_alert_buttons_name_one(tmp_path):
    both = item("r", "action", report=True, alert="silent", notify=["admin"])
    assert "opens a screen raises no alert" in _error(tmp_path, checklist(sections=_section(both)))
    bare = item("a", "action")
    assert "needs alert and notify" in _error(tmp_path, checklist(sections=_section(bare)))
    load_file(write(tmp_path, checklist(sections=_section(item("r", "action", report=True)))))


def test_a_lost_student_button_opens_the_trips_screen_and_photo_false_is_for_reports(tmp_path):
    lost = item("l", "action", lost_student=True)
    load_file(write(tmp_path, checklist(sections=_section(lost))))
    both = item("l", "action", lost_student=True, report=True)
    assert "report form or the missing-student screen" in _error(
        tmp_path, checklist(sections=_section(both))
    )
    alerting = item("l", "action", lost_student=True, alert="lost-student", notify=["admin"])
    assert "raises no alert" in _error(tmp_path, checklist(sections=_section(alerting)))
    no_photo = item("a", "action", alert="silent", notify=["admin"], photo=False)
    assert "photo: false is for report buttons" in _error(
        tmp_path, checklist(sections=_section(no_photo))
    )


def test_a_reference_card_holds_only_instructions(tmp_path):
    """A reference card is read, never run: an answer, a critical step or a condition is refused
    with its path, and so is anything a run would ask for first."""
    card = checklist(mode="reference", sections=_section(item("a", "instruction")))
    assert load_file(write(tmp_path, card)).reference
    for bad in (item("b", "check"), item("b", "instruction", critical=True)):
        message = _error(tmp_path, {**card, "sections": _section(item("a", "instruction"), bad)})
        assert message.startswith("checklists/sample.yaml: sections[0].items[1]: a reference card")
    message = _error(tmp_path, {**card, "context": ["bus_number"]})
    assert "a reference card is never run" in message
    message = _error(tmp_path, {**card, "start": {"button": t("Go")}})
    assert "a reference card is never run" in message
    # the same items are fine in a checklist that is run
    assert load_file(write(tmp_path, {**card, "mode": "read-do", "context": ["bus_number"]}))
