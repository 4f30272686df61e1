"""The README opens with the two commands, and CI runs the second one verbatim."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _opening_commands() -> list[str]:
    lines = (ROOT / "README.md").read_text().splitlines()
    assert lines[0].startswith("# Muster")
    start = lines.index("```sh")
    end = lines.index("```", start + 1)
    assert all(not line.strip() for line in lines[1:start]), "the commands must come first"
    return lines[start + 1 : end]


def test_readme_starts_with_exactly_two_commands():
    run, test = _opening_commands()
    assert run.endswith("python -m server run")
    assert "pytest" in test and "chromium" in test


def test_ci_runs_the_readme_test_command_verbatim():
    _run, test = _opening_commands()
    assert test in (ROOT / ".ci" / "run").read_text()
