"""The tabletop scenario format (``server/exercises/schema.py``): every shipped scenario
validates, a broken one is refused with its file and the path inside it named (at start-up too),
the injects' minutes run forward, linked checklists and lessons exist, and the schema file is
current and documented."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from server.checklists.library import load_all as load_checklists
from server.exercises.library import (
    SCENARIO_DIR,
    SCHEMA_PATH,
    ScenarioError,
    json_schema,
    load_all,
)
from server.settings import ROOT

CHECKLISTS = load_checklists()
SAMPLE = yaml.safe_load((SCENARIO_DIR / "bomb-threat-call.yaml").read_text(encoding="utf-8"))
SHIPPED = ("bomb-threat-call", "student-missing-museum", "vehicle-following-bus")


def write(folder: Path, data: dict, name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name or data['id']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def refused(tmp_path: Path, data: dict, name: str | None = None) -> str:
    write(tmp_path / "exercises", data, name)
    with pytest.raises(ScenarioError) as error:
        load_all(CHECKLISTS, tmp_path / "exercises")
    return str(error.value)


def changed(**changes) -> dict:
    data = copy.deepcopy(SAMPLE)
    data.update(changes)
    return data


def test_the_three_scenarios_are_shipped_and_valid():
    scenarios = load_all(CHECKLISTS)
    assert [s.id for s in scenarios.in_order()] == list(SHIPPED)
    assert sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml")) == list(SHIPPED)
    for scenario in scenarios.in_order():
        assert scenario.checklists(), f"{scenario.id} exercises no checklist"
        assert scenario.lessons, f"{scenario.id} follows no lesson"
    assert [s.id for s in scenarios.for_lesson("bus-security")] == ["vehicle-following-bus"]
    assert len(scenarios.for_lesson("planning-exercises")) == 3


def test_a_broken_file_is_refused_naming_the_file_and_the_path(tmp_path):
    data = changed()
    del data["injects"][2]["expected"][1]["text"]["es"]
    message = refused(tmp_path, data)
    assert message.startswith("exercises/bomb-threat-call.yaml: injects[2].expected[1].text.es:")


def test_bad_yaml_unknown_fields_and_a_wrong_id_are_refused(tmp_path):
    folder = tmp_path / "exercises"
    folder.mkdir()
    (folder / "bomb-threat-call.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"exercises/bomb-threat-call\.yaml: not valid YAML"):
        load_all(CHECKLISTS, folder)
    assert "extra_field: Extra inputs" in refused(tmp_path / "a", changed(extra_field=1))
    message = refused(tmp_path / "b", changed(), name="fire-in-the-lab")
    assert "must equal the file name 'fire-in-the-lab'" in message


def test_the_injects_run_forward_in_time(tmp_path):
    data = changed()
    data["injects"][3]["minute"] = data["injects"][2]["minute"]
    assert "each later one after it" in refused(tmp_path / "a", data)
    data = changed()
    data["injects"][0]["minute"] = 1
    assert "the first is at minute 0" in refused(tmp_path / "b", data)
    assert "before the exercise's end" in refused(tmp_path / "c", changed(minutes=40))
    data = changed()
    data["injects"] = data["injects"][:2]
    assert "injects: List should have at least 3 items" in refused(tmp_path / "d", data)


def test_citations_and_ids_are_held(tmp_path):
    data = changed()
    data["injects"][0]["expected"][0]["cites"] = ["hearsay"]
    assert "keep-talking: cites hearsay, not a source" in refused(tmp_path / "a", data)
    data = changed()
    data["injects"][0]["expected"][0]["cites"] = []
    assert "injects[0].expected[0].cites: List should have at least 1 item" in refused(
        tmp_path / "b", data
    )
    data = changed()
    data["injects"][1]["expected"][0]["id"] = "keep-talking"
    assert "id 'keep-talking' is used twice" in refused(tmp_path / "c", data)
    data = changed()
    data["situation"]["cites"] = ["rumour"]
    assert "situation: cites rumour" in refused(tmp_path / "d", data)


def test_linked_checklists_and_lessons_must_exist(tmp_path):
    data = changed()
    data["injects"][1]["checklists"] = ["threat-call", "bomb-teleport"]
    message = refused(tmp_path / "a", data)
    assert "injects[1].checklists[1]: no checklist 'bomb-teleport' exists" in message
    message = refused(tmp_path / "b", changed(lessons=["threatening-calls", "juggling"]))
    assert "lessons[1]: 'juggling' is not a lesson" in message


def test_the_app_refuses_to_start_on_a_bad_scenario(monkeypatch, tmp_path):
    from server import app as app_module
    from server.exercises import library

    write(tmp_path / "exercises", changed(minutes=999))
    real = library.load_all
    monkeypatch.setattr(
        app_module, "load_scenarios", lambda checklists: real(checklists, tmp_path / "exercises")
    )
    with pytest.raises(ScenarioError, match=r"exercises/bomb-threat-call\.yaml: minutes"):
        app_module.create_app()


def test_json_schema_is_current():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == json_schema(), (
        "run `python -m server checklists schema`"
    )


def test_cli_check_covers_the_scenarios():
    done = subprocess.run(
        [sys.executable, "-m", "server", "checklists", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "ok  exercises/vehicle-following-bus" in done.stdout


def test_every_field_of_the_format_is_documented():
    """Each field carries a description in the schema or is named in checklists/README.md."""
    from server.exercises.schema import Scenario

    readme = (ROOT / "checklists" / "README.md").read_text(encoding="utf-8")
    schema = Scenario.model_json_schema()
    for name, definition in [("Scenario", schema), *schema["$defs"].items()]:
        for field, spec in definition.get("properties", {}).items():
            assert "description" in spec or f"`{field}`" in readme, f"{name}.{field} undocumented"
