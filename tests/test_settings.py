"""Settings are read in one module, and every one of them is documented in the README."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from server.app import create_app
from server.settings import DOCUMENTED, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for name in DOCUMENTED:
        assert f"`{name}`" in readme, f"{name} is not documented in README.md"


def test_only_the_settings_module_reads_the_environment():
    readers = [
        p
        for p in (ROOT / "server").rglob("*.py")
        if re.search(r"os\.environ|getenv", p.read_text()) and p.name != "settings.py"
    ]
    # The CLI reads the admin password from the environment instead of a prompt, by design.
    assert [p.name for p in readers] == ["__main__.py"]


def test_settings_module_reads_only_documented_variables():
    source = (ROOT / "server" / "settings.py").read_text()
    read = set(re.findall(r'_env\("([A-Z_]+)"', source)) | set(
        re.findall(r'environ\.get\("([A-Z_]+)"', source)
    )
    assert read <= set(DOCUMENTED), read - set(DOCUMENTED)


def test_workers_starting_together_agree_on_one_secret_key(tmp_path, monkeypatch):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from server.settings import _secret_key

    monkeypatch.delenv("MUSTER_SECRET_KEY", raising=False)
    with ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("spawn")) as pool:
        keys = set(pool.map(_secret_key, [tmp_path] * 16))
    assert len(keys) == 1
    assert (tmp_path / "secret_key").read_text() == keys.pop()
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../etc/passwd", "", "PST8PDT "])
def test_a_bad_timezone_stops_start_up_with_one_clear_message(tmp_path, monkeypatch, zone):
    monkeypatch.setenv("MUSTER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MUSTER_TIMEZONE", zone)
    monkeypatch.setenv("MUSTER_VAPID_CONTACT", "mailto:safety@district.example")
    with pytest.raises(SettingsError, match="MUSTER_TIMEZONE"):
        create_app(load_settings())
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path / 'db.sqlite3'}"}
    for command in (["serve", "--port", "1"], ["run", "--port", "1"]):
        started = subprocess.run(
            [sys.executable, "-m", "server", *command],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert started.returncode != 0
        assert started.stderr.startswith("error: MUSTER_TIMEZONE must be a time zone name")
        assert "Traceback" not in started.stderr
        assert not (tmp_path / "db.sqlite3").exists()  # stopped before touching the database
