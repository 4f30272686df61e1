"""The server's type annotations are checked by mypy (configured in pyproject.toml), as part of
the one test command; and the check really fails when a type is wrong."""

from __future__ import annotations

import subprocess
import sys

from server.settings import ROOT


def mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_server_type_checks():
    result = mypy()  # the files and settings in pyproject.toml
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "Success: no issues found" in result.stdout


def test_a_wrong_type_fails_the_check(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from server.edge import in_window\n\n"
        "def when() -> str:\n"
        "    return in_window(None)  # a datetime is needed, and a datetime is returned\n",
        encoding="utf-8",
    )
    result = mypy(str(planted))
    assert result.returncode == 1, result.stdout
    assert 'incompatible type "None"' in result.stdout
    assert 'Incompatible return value type (got "datetime", expected "str")' in result.stdout


def test_no_line_of_ours_silences_the_checker():
    """Libraries with no types are named once in pyproject.toml; no line of ours opts out."""
    silenced = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "server").rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "type: ignore" in line
    ]
    assert silenced == []
